from django.template.response import TemplateResponse

from . import access, selectors


def coverage(request):
    """Each criterion of each standard with the lessons that teach it."""
    access.require_coverage_access(request.user)
    rows = selectors.criteria_coverage()
    return TemplateResponse(
        request,
        "courses/admin/coverage.html",
        {
            "rows": rows,
            "uncovered": [row for row in rows if not row.lessons],
            "header_title": "",
        },
    )
