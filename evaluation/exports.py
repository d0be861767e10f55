"""CSV export of the evaluations list (trainers and HR).

One row per plan: date, candidate, evaluator, standard, setting, scenario, place,
status, the latest judgement's verdict and date. Cells a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR: people type
their own names) get an apostrophe in front, as the certificate exports do. UTF-8
with a BOM so that Excel reads the accents.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from standards.formatting import CSV_BOM, neutralise

from .models import EvaluationPlan


def _person(user) -> str:
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def headers() -> list[str]:
    return [
        _("Fecha y hora"),
        _("Candidato"),
        _("Evaluador"),
        _("Estándar"),
        _("Contexto"),
        _("Escenario"),
        _("Lugar"),
        _("Estado"),
        _("Juicio"),
        _("Fecha del juicio"),
    ]


def row(plan: EvaluationPlan) -> list[str]:
    judgements = list(plan.judgements.all())  # prefetched, latest first
    judgement = judgements[0] if judgements else None
    if judgement is None:
        verdict, decided = "", ""
    else:
        verdict = _("competente") if judgement.competent else _("todavía no competente")
        decided = timezone.localtime(judgement.decided_at).strftime("%Y-%m-%d %H:%M")
    return [
        timezone.localtime(plan.scheduled_at).strftime("%Y-%m-%d %H:%M"),
        _person(plan.candidate),
        _person(plan.evaluator),
        plan.standard.code,
        str(plan.get_setting_display()),
        plan.scenario.title if plan.scenario else "",
        _("en línea") if plan.online else plan.place,
        str(plan.get_status_display()),
        str(verdict),
        decided,
    ]


class _Echo:
    def write(self, value):
        return value


def iter_csv(plans: Iterable[EvaluationPlan]) -> Iterator[str]:
    """The CSV, line by line (for a StreamingHttpResponse)."""
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow(headers())
    for plan in plans:
        yield writer.writerow([neutralise(str(value)) for value in row(plan)])
