"""The portfolio's input (``portfolio.PortfolioDocument``) read from the models
in a fixed number of queries (9), however many records, items and files."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import ElementResult

from . import portfolio
from .models import (
    ElementVerdict,
    EvaluationPlan,
    Instrument,
    Judgement,
    Observation,
    ObservationAnswer,
)

QUERIES = 9


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def _local(value):
    return timezone.localtime(value) if value is not None else None


def _failure_text(failure: dict) -> str:
    if failure.get("knowledge"):
        return _("%(criterion)s: conocimientos por debajo del umbral") % {
            "criterion": failure.get("criterion", "")
        }
    text = f"{failure.get('criterion', '')}: {failure.get('text', '')}"
    if failure.get("critical"):
        text += " (" + _("crítico") + ")"
    return text


def _records(plan: EvaluationPlan) -> tuple[portfolio.RecordSection, ...]:
    observations = (
        Observation.objects.filter(plan=plan)
        .select_related("version__instrument", "replaces__version__instrument")
        .prefetch_related(
            Prefetch("answers", queryset=ObservationAnswer.objects.order_by("pk")),
            "evidence",
        )
        .order_by("started_at", "pk")
    )
    outcomes = dict(ObservationAnswer.Outcome.choices)
    kinds = dict(Instrument.Kind.choices)
    statuses = dict(Observation.Status.choices)
    sections = []
    for record in observations:
        answers = {answer.item: answer for answer in record.answers.all()}
        items = []
        for number, item in enumerate(record.version.items, start=1):
            answer = answers.get(item["id"])
            items.append(
                portfolio.ItemLine(
                    number=number,
                    criterion=item.get("criterion", ""),
                    text=item.get("text", ""),
                    critical=bool(item.get("critical")),
                    outcome=str(outcomes.get(answer.outcome, "")) if answer else "",
                    reason=answer.reason if answer else "",
                    note=answer.note if answer else "",
                )
            )
        replaces = ""
        if record.replaces is not None:
            replaces = _("%(code)s iniciado el %(when)s") % {
                "code": record.replaces.version.instrument.code,
                "when": portfolio.format_datetime(_local(record.replaces.started_at)),
            }
        sections.append(
            portfolio.RecordSection(
                code=record.version.payload.get("code", ""),
                title=record.version.payload.get("title", ""),
                kind=str(kinds.get(record.version.kind, record.version.kind)),
                version=record.version.number,
                status=str(statuses.get(record.status, record.status)),
                started_at=_local(record.started_at),
                ended_at=_local(record.ended_at),
                items=tuple(items),
                evidence=tuple(
                    portfolio.EvidenceLine(
                        name=evidence.original_name,
                        content_type=evidence.content_type,
                        size=evidence.size,
                        sha256=evidence.sha256,
                        uploaded_at=_local(evidence.uploaded_at),
                    )
                    for evidence in sorted(
                        record.evidence.all(), key=lambda e: (e.uploaded_at, e.pk)
                    )
                ),
                signatures=(
                    portfolio.SignatureLine(
                        role=_("Evaluador(a)"),
                        name=record.evaluator_signed_name,
                        at=_local(record.evaluator_signed_at),
                        ip=record.evaluator_signed_ip or "",
                    ),
                    portfolio.SignatureLine(
                        role=_("Candidato(a)"),
                        name=record.candidate_signed_name,
                        at=_local(record.candidate_signed_at),
                        ip=record.candidate_signed_ip or "",
                    ),
                ),
                replaces=replaces,
            )
        )
    return tuple(sections)


def _plan(plan: EvaluationPlan | None) -> portfolio.PlanSection | None:
    if plan is None:
        return None
    scenario = plan.scenario
    return portfolio.PlanSection(
        evaluator_name=person_name(plan.evaluator),
        scheduled_at=_local(plan.scheduled_at),
        place=plan.place,
        online=plan.online,
        setting=str(plan.get_setting_display()),
        scenario_title=scenario.title if scenario else "",
        scenario_situation=scenario.situation if scenario else "",
        instruments=tuple(
            f"{instrument.code} · {instrument.title}"
            for instrument in plan.instruments.order_by("kind", "code")
        ),
        elements=tuple(
            element.code for element in plan.elements.order_by("order", "code")
        ),
        acknowledged_at=_local(plan.acknowledged_at),
    )


def portfolio_document(
    *, judgement_id: int, organisation_name: str = "Atiende"
) -> portfolio.PortfolioDocument:
    """The portfolio of one judgement: ``QUERIES`` queries (8 without a plan)."""
    judgement = Judgement.objects.select_related(
        "candidate",
        "decided_by",
        "standard",
        "plan__evaluator",
        "plan__scenario",
        "attempt__assessment",
    ).get(pk=judgement_id)
    plan = judgement.plan
    verdicts = list(
        ElementVerdict.objects.filter(judgement=judgement)
        .select_related("element")
        .order_by("element__order", "element__code")
    )
    attempt = judgement.attempt
    results = (
        list(
            ElementResult.objects.filter(attempt=attempt)
            .select_related("element")
            .order_by("element__order", "element__code")
        )
        if attempt is not None
        else []
    )
    return portfolio.PortfolioDocument(
        judgement_id=judgement.pk,
        organisation_name=organisation_name,
        candidate_name=person_name(judgement.candidate),
        standard_code=judgement.standard.code,
        standard_title=judgement.standard.title,
        plan=_plan(plan),
        records=_records(plan) if plan is not None else (),
        knowledge=tuple(
            portfolio.KnowledgeLine(
                code=result.element.official_code or result.element.code,
                title=result.element.title,
                earned=result.earned,
                possible=result.possible,
            )
            for result in results
        ),
        questionnaire_title=attempt.assessment.title if attempt else "",
        questionnaire_submitted_at=_local(attempt.submitted_at) if attempt else None,
        competent=judgement.competent,
        decided_at=_local(judgement.decided_at),
        evaluator_name=person_name(judgement.decided_by),
        verdicts=tuple(
            portfolio.VerdictLine(
                code=verdict.element.official_code or verdict.element.code,
                title=verdict.element.title,
                competent=verdict.competent,
                earned=verdict.earned,
                possible=verdict.possible,
                performance_met=verdict.performance_met,
                performance_total=verdict.performance_total,
                product_met=verdict.product_met,
                product_total=verdict.product_total,
                failures=tuple(_failure_text(f) for f in verdict.failures or ()),
                carried=verdict.carried_from_id is not None,
            )
            for verdict in verdicts
        ),
        feedback=judgement.feedback,
        feedback_acknowledged_at=_local(judgement.feedback_acknowledged_at),
    )


def portfolio_filename(document: portfolio.PortfolioDocument) -> str:
    return f"portafolio-{document.standard_code}-{document.judgement_id}.pdf"


def portfolio_labels() -> portfolio.Labels:
    """The fixed texts, translated to the active language."""
    return portfolio.Labels(
        title=_("Portafolio de evidencias"),
        candidate=_("Candidato(a)"),
        standard=_("Estándar"),
        plan=_("Plan de evaluación"),
        no_plan=_("Sin plan de evaluación."),
        evaluator=_("Evaluador(a)"),
        scheduled_at=_("Fecha y hora"),
        place=_("Lugar"),
        online=_("En línea"),
        setting=_("Contexto"),
        scenario=_("Escenario"),
        situation=_("Situación"),
        instruments=_("Instrumentos"),
        elements=_("Elementos a evaluar"),
        all_elements=_("Todos los del estándar"),
        plan_acknowledged=_("Plan aceptado por el candidato"),
        record=_("Registro"),
        version=_("versión {number}"),
        started=_("Inicio"),
        ended=_("Fin"),
        status=_("Estado"),
        replaces=_("Corrige el registro"),
        column_criterion=_("Criterio"),
        column_item=_("Reactivo"),
        column_outcome=_("Resultado"),
        column_reason=_("Motivo / nota"),
        critical=_("crítico"),
        reason=_("Motivo"),
        note=_("Nota"),
        unanswered=_("sin respuesta"),
        evidence=_("Evidencias"),
        no_evidence=_("Sin archivos de evidencia."),
        column_file=_("Archivo"),
        column_type=_("Tipo"),
        column_size=_("Tamaño"),
        column_uploaded=_("Subido"),
        signatures=_("Firmas"),
        column_role=_("Quién"),
        column_name=_("Nombre escrito"),
        column_signed_at=_("Fecha y hora"),
        column_ip=_("Dirección IP"),
        not_signed=_("sin firmar"),
        knowledge=_("Cuestionario de conocimientos"),
        knowledge_none=_("El juicio no se apoyó en un cuestionario."),
        submitted=_("Enviado"),
        column_code=_("Clave"),
        column_element=_("Elemento"),
        column_knowledge=_("Conocimientos"),
        column_performance=_("Desempeño"),
        column_product=_("Producto"),
        column_verdict=_("Dictamen"),
        judgement=_("Juicio de competencia"),
        verdict=_("Dictamen global"),
        decided_at=_("Fecha del juicio"),
        competent=_("Competente"),
        not_yet_competent=_("Todavía no competente"),
        carried=_("conservado de un juicio anterior"),
        failures=_("Lo que faltó"),
        feedback=_("Retroalimentación"),
        no_feedback=_("Sin retroalimentación escrita."),
        feedback_acknowledged=_("Acuse de recibo del candidato"),
        feedback_pending=_("pendiente"),
        page=_("Página {number}"),
    )
