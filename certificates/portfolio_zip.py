"""HR's bulk download of portafolios de evidencias: one ZIP, streamed.

``/evaluacion/portafolios.zip?desde=AAAA-MM-DD&hasta=AAAA-MM-DD&dictamen=competente|no&estandar=EC0305``
packs the portfolio PDF of every evaluator's judgement that matches (rendered one
at a time as the stream is read) plus ``manifiesto.csv`` (judgement, candidate,
standard, verdict, date, file, SHA-256). It lives here, above evaluation, so
that it shares the certificates' streaming ZIP (``exports.iter_zip``); the
portfolio itself is evaluation's (``evaluation.portfolio_views.render``).
HR only (``access.hr_required("export")``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from evaluation import portfolio_views
from evaluation.models import Judgement

from . import exports
from .access import hr_required
from .pdf import sha256_hex


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def judgements_filtered(params) -> list[int]:
    """The ids of the evaluators' judgements matching the query parameters,
    oldest first (1 query)."""
    queryset = Judgement.objects.filter(method=Judgement.Method.EVALUATOR)
    if since := _day(params.get("desde")):
        queryset = queryset.filter(decided_at__date__gte=since)
    if until := _day(params.get("hasta")):
        queryset = queryset.filter(decided_at__date__lte=until)
    verdict = params.get("dictamen")
    if verdict in ("competente", "no"):
        queryset = queryset.filter(competent=verdict == "competente")
    if standard := (params.get("estandar") or "").strip():
        queryset = queryset.filter(standard__code__iexact=standard)
    return list(queryset.order_by("decided_at", "pk").values_list("pk", flat=True))


def _entries(ids: list[int]) -> Iterator[tuple[str, bytes, bool]]:
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(
        [
            _("Juicio"),
            _("Candidato(a)"),
            _("Estándar"),
            _("Dictamen"),
            _("Fecha del juicio"),
            _("Archivo"),
            _("SHA-256"),
        ]
    )
    for pk in ids:
        document_name, data = portfolio_views.render(pk)
        judgement = (
            Judgement.objects.select_related("candidate", "standard")
            .only("pk", "decided_at", "competent", "candidate", "standard__code")
            .get(pk=pk)
        )
        candidate = (
            judgement.candidate.get_full_name().strip()
            or judgement.candidate.get_username()
        )
        name = f"{pk:06d}_{slugify(candidate)[:60] or 'candidato'}_{document_name}"
        writer.writerow(
            [
                pk,
                exports.neutralise(candidate),
                judgement.standard.code,
                _("Competente") if judgement.competent else _("Todavía no competente"),
                timezone.localtime(judgement.decided_at).date().isoformat(),
                name,
                sha256_hex(data),
            ]
        )
        yield name, data, False
    yield (
        exports.MANIFEST_NAME,
        (exports.CSV_BOM + manifest.getvalue()).encode("utf-8"),
        True,
    )


@hr_required("export")
@require_GET
def portfolios_zip(request):
    ids = judgements_filtered(request.GET)
    response = StreamingHttpResponse(
        exports.iter_zip(_entries(ids)), content_type="application/zip"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="portafolios-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response
