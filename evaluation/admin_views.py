"""Admin screens of competence evaluation that are not snippets: the coverage
report (each criterion with the lessons that teach it, the lessons that practise
it and the instrument items that observe it)."""

from django.template.response import TemplateResponse

from courses.access import require_coverage_access

from . import selectors


def coverage(request):
    """Cobertura del estándar: every criterion of every standard, the lessons
    that teach it, the finals that ask it in every attempt, the lessons that
    practise it and the instrument items that observe it."""
    require_coverage_access(request.user)
    rows = selectors.criteria_coverage()
    return TemplateResponse(
        request,
        "evaluation/admin/coverage.html",
        {
            "rows": rows,
            "uncovered": [row for row in rows if not row.lessons],
            "unpractised": [row for row in rows if not row.practice],
            "unasked": [row for row in rows if row.asked and not row.finals],
            "unobserved": [
                row
                for row in rows
                if row.criterion.kind in selectors.OBSERVED_CRITERION_KINDS
                and not row.observed
            ],
            "header_title": "",
        },
    )
