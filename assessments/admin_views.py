"""Trainers' admin screens: GIFT import and export of the question bank,
re-grading, assessment results and item statistics.

Every view starts with ``access.require_trainer``; Wagtail's admin URLs already
send anonymous users to the admin login.
"""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from . import access, admin_selectors, attempt_services, gift, gift_bridge
from .admin_forms import GiftImportForm
from .models import AssessmentPage, Question
from .question_types import registry

ATTEMPTS_PER_PAGE = 25


def _listing_url(params=None) -> str:
    url = reverse("wagtailsnippets_assessments_question:list")
    return f"{url}?{params.urlencode()}" if params else url


# ----------------------------------------------------------------- GIFT


@require_http_methods(["GET", "POST"])
def gift_import(request):
    """Upload a GIFT file; it is imported whole or not at all, or (if the
    trainer asks) its valid questions are and the others are listed."""
    access.require_trainer(request.user)
    report = None
    import_errors: list[str] = []
    if request.method == "POST":
        form = GiftImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = gift_bridge.question_bank_import_gift(
                    text=form.gift_text,
                    default_criterion=form.cleaned_data["default_criterion"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                )
            except gift_bridge.GiftImportError as error:
                import_errors = error.messages
            else:
                form = GiftImportForm()
    else:
        form = GiftImportForm()
    return TemplateResponse(
        request,
        "assessments/admin/gift_import.html",
        {
            "form": form,
            "report": report,
            "import_errors": import_errors,
            "listing_url": _listing_url(),
        },
    )


def gift_export(request):
    """The bank, or the part the listing's filters select, as a GIFT file.

    Without ``descargar`` the page says what the file will hold (and how many
    ordering questions GIFT cannot carry); with it, the file is downloaded.
    """
    access.require_trainer(request.user)
    params = request.GET.copy()
    params.pop("descargar", None)
    params.pop("p", None)
    questions = admin_selectors.questions_matching(params)
    if request.GET.get("descargar"):
        try:
            export = gift_bridge.question_bank_export_gift(questions=questions)
        except gift.GiftError as error:
            return TemplateResponse(
                request,
                "assessments/admin/gift_export.html",
                {"export_errors": error.messages, "listing_url": _listing_url()},
            )
        response = HttpResponse(export.text, content_type="text/plain; charset=utf-8")
        filename = f"banco-preguntas-{timezone.localdate():%Y%m%d}.gift"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Atiende-Exported"] = str(len(export.exported))
        response["X-Atiende-Skipped-Ordering"] = str(len(export.skipped))
        return response
    total = questions.count()
    # Types GIFT cannot express (ordering) are left out of the file.
    ordering = questions.filter(
        content__0__type__in=[t.name for t in registry.all() if not t.gift_exportable]
    ).count()
    download = params.copy()
    download["descargar"] = "1"
    return TemplateResponse(
        request,
        "assessments/admin/gift_export.html",
        {
            "total": total,
            "exportable": total - ordering,
            "ordering": ordering,
            "filtered": bool(params),
            "download_url": f"{request.path}?{download.urlencode()}",
            "listing_url": _listing_url(params),
        },
    )


# ----------------------------------------------------------------- re-grading


@require_http_methods(["GET", "POST"])
def question_regrade(request, pk: int):
    """Confirm, then re-grade every submitted attempt that showed this question
    with its current key; the page lists the question's past re-grades."""
    access.require_trainer(request.user)
    question = get_object_or_404(
        Question.objects.select_related("criterion__element"), pk=pk
    )
    if request.method == "POST":
        record = attempt_services.question_regrade(question=question, by=request.user)
        messages.success(
            request,
            ngettext(
                "Se recalificó %(n)s intento de %(code)s",
                "Se recalificaron %(n)s intentos de %(code)s",
                record.attempts_regraded,
            )
            % {"n": record.attempts_regraded, "code": question.code}
            + "; "
            + ngettext(
                "cambió %(n)s dictamen.",
                "cambiaron %(n)s dictámenes.",
                record.verdicts_changed,
            )
            % {"n": record.verdicts_changed},
        )
        return redirect("assessments_question_regrade", pk=question.pk)
    return TemplateResponse(
        request,
        "assessments/admin/regrade.html",
        {
            "question": question,
            "preview": admin_selectors.regrade_preview(question=question),
            "records": admin_selectors.regrade_records(question=question),
            "edit_url": reverse(
                "wagtailsnippets_assessments_question:edit", args=[question.pk]
            ),
            "listing_url": _listing_url(),
        },
    )


# ----------------------------------------------------------------- results


def results_index(request):
    access.require_trainer(request.user)
    return TemplateResponse(
        request,
        "assessments/admin/results_index.html",
        {"pages": admin_selectors.assessment_pages()},
    )


def assessment_results(request, page_id: int):
    """Attempts, pass rates (overall and per element) and the recent attempts."""
    access.require_trainer(request.user)
    assessment = get_object_or_404(AssessmentPage, pk=page_id)
    paginator = Paginator(
        admin_selectors.assessment_attempts(assessment=assessment), ATTEMPTS_PER_PAGE
    )
    attempts = paginator.get_page(request.GET.get("p"))
    attempt_rows = list(attempts)
    for attempt in attempt_rows:
        attempt.score_text = admin_selectors.percent_text(attempt.score)
    return TemplateResponse(
        request,
        "assessments/admin/results.html",
        {
            "assessment": assessment,
            "summary": admin_selectors.assessment_summary(assessment=assessment),
            "elements": admin_selectors.element_pass_rates(assessment=assessment),
            "attempts": attempts,
            "attempt_rows": attempt_rows,
        },
    )


def item_statistics(request, page_id: int):
    access.require_trainer(request.user)
    assessment = get_object_or_404(AssessmentPage, pk=page_id)
    return TemplateResponse(
        request,
        "assessments/admin/item_statistics.html",
        {
            "assessment": assessment,
            "rows": admin_selectors.item_statistics_rows(assessment=assessment),
        },
    )


def _option_summary(row) -> str:
    parts = []
    for option in row.options:
        mark = ""
        if option.correct:
            mark = " ✓"
        elif option.credit is not None:
            mark = f" ({option.credit} %)"
        parts.append(f"{option.text}{mark}: {option.count}")
    return " | ".join(parts)


def item_statistics_csv(request, page_id: int):
    """The item statistics table as CSV (UTF-8 with BOM, so Excel reads it)."""
    access.require_trainer(request.user)
    assessment = get_object_or_404(AssessmentPage, pk=page_id)
    rows = admin_selectors.item_statistics_rows(assessment=assessment)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"reactivos-{assessment.slug}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("código"),
            _("enunciado"),
            _("tipo"),
            _("elemento"),
            _("criterio"),
            _("n"),
            _("índice de facilidad"),
            _("índice de discriminación"),
            _("opciones elegidas"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.code,
                row.stem,
                row.type_label,
                row.element,
                row.criterion,
                row.n,
                admin_selectors.decimal_text(row.facility),
                admin_selectors.decimal_text(row.discrimination),
                _option_summary(row),
            ]
        )
    return response
