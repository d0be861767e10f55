"""Changes of state for competence evaluation: plans, observation records, their
evidence and signatures, and the judgement. Every view, command and the demo go
through these; each checks who may do it and says why not."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from datetime import timedelta
from fractions import Fraction

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts import audit, roles
from assessments import certification
from assessments.finals import graded_finals
from assessments.models import AssessmentPage, Attempt, ElementResult
from standards.models import Element

from . import judging
from .models import (
    EVIDENCE_SUFFIXES,
    ElementVerdict,
    EvaluationPlan,
    EvidenceFile,
    Instrument,
    InstrumentVersion,
    Judgement,
    LeadEvaluator,
    Observation,
    ObservationAnswer,
    PlanChange,
)

OBSERVED_KINDS = (Instrument.Kind.OBSERVATION, Instrument.Kind.CHECKLIST)


class EvaluationRefused(ValueError):
    """The change cannot be made; the message says why and may be shown."""


# --------------------------------------------------------------------- evaluators


def evaluator_refusal(*, evaluator, candidate, standard, today=None) -> str:
    """Why ``evaluator`` may not evaluate ``candidate`` in ``standard`` ("" when
    they may): nobody evaluates themself; evaluators hold a valid certificate of
    the standard, or were designated lead evaluators of it."""
    today = today or timezone.localdate()
    if evaluator.pk == candidate.pk:
        return _("Nadie puede evaluarse a sí mismo.")
    if LeadEvaluator.objects.filter(user=evaluator, standard=standard).exists():
        return ""
    name = evaluator.get_full_name() or evaluator.get_username()
    if not roles.is_evaluator(evaluator):
        return _("%(name)s no tiene el rol de evaluador.") % {"name": name}
    if not certification.current().holds_valid_certificate(
        user=evaluator, standard=standard, today=today
    ):
        return _(
            "%(name)s no tiene una constancia vigente de %(standard)s ni fue "
            "designado evaluador líder: no puede evaluarlo."
        ) % {"name": name, "standard": standard.code}
    return ""


@audit.authored
def lead_evaluator_designate(*, user, standard, by, note="") -> LeadEvaluator:
    """The first wave: an administrator designates a lead evaluator."""
    if not by.is_superuser:
        raise EvaluationRefused(_("Solo un administrador designa evaluadores líderes."))
    designation, _created = LeadEvaluator.objects.get_or_create(
        user=user, standard=standard, defaults={"designated_by": by, "note": note}
    )
    return designation


# --------------------------------------------------------------------- plans

PLAN_FIELDS = ("evaluator", "scheduled_at", "place", "online", "setting", "scenario")


def _check_plan(*, standard, setting, scenario, instruments) -> None:
    if setting == EvaluationPlan.Setting.SIMULATION and scenario is None:
        raise EvaluationRefused(_("Una simulación necesita un escenario."))
    if scenario is not None and scenario.standard_id != standard.pk:
        raise EvaluationRefused(_("El escenario es de otro estándar."))
    if not instruments:
        raise EvaluationRefused(_("Elige al menos un instrumento."))
    for instrument in instruments:
        if (
            instrument.standard_id != standard.pk
            or not instrument.active
            or instrument.kind == Instrument.Kind.DELIVERY
        ):
            raise EvaluationRefused(
                _("El instrumento %(code)s no está disponible para este estándar.")
                % {"code": instrument.code}
            )


def _describe(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else str(value)


@transaction.atomic
def plan_create(
    *,
    candidate,
    evaluator,
    standard,
    scheduled_at,
    instruments: Iterable[Instrument],
    setting=EvaluationPlan.Setting.WORKPLACE,
    scenario=None,
    place="",
    online=False,
    elements: Iterable[Element] = (),
    by,
) -> EvaluationPlan:
    instruments, elements = list(instruments), list(elements)
    if reason := evaluator_refusal(
        evaluator=evaluator, candidate=candidate, standard=standard
    ):
        raise EvaluationRefused(reason)
    _check_plan(
        standard=standard, setting=setting, scenario=scenario, instruments=instruments
    )
    plan = EvaluationPlan.objects.create(
        candidate=candidate,
        evaluator=evaluator,
        standard=standard,
        scheduled_at=scheduled_at,
        place=place,
        online=online,
        setting=setting,
        scenario=scenario,
        created_by=by,
    )
    plan.instruments.set(instruments)
    plan.elements.set(elements)
    PlanChange.objects.create(
        plan=plan,
        by=by,
        changes={name: [None, _describe(getattr(plan, name))] for name in PLAN_FIELDS}
        | {"instruments": [None, sorted(i.code for i in instruments)]},
    )
    return plan


@transaction.atomic
def plan_update(*, plan: EvaluationPlan, by, instruments=None, **fields):
    """Change the plan's evaluator, date, place, setting, scenario or
    instruments; every change is kept (PlanChange) and asks the candidate to
    acknowledge the plan again."""
    plan = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status in (EvaluationPlan.Status.JUDGED, EvaluationPlan.Status.CANCELLED):
        raise EvaluationRefused(_("Este plan ya está cerrado."))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"plan_update: unknown fields {sorted(unknown)}")
    changes = {}
    for name, value in fields.items():
        before = getattr(plan, name)
        if before != value:
            changes[name] = [_describe(before), _describe(value)]
            setattr(plan, name, value)
    instruments = list(instruments) if instruments is not None else None
    if instruments is not None:
        before = sorted(i.code for i in plan.instruments.all())
        after = sorted(i.code for i in instruments)
        if before != after:
            changes["instruments"] = [before, after]
    _check_plan(
        standard=plan.standard,
        setting=plan.setting,
        scenario=plan.scenario,
        instruments=instruments
        if instruments is not None
        else list(plan.instruments.all()),
    )
    if "evaluator" in changes and (
        reason := evaluator_refusal(
            evaluator=plan.evaluator, candidate=plan.candidate, standard=plan.standard
        )
    ):
        raise EvaluationRefused(reason)
    if not changes:
        return plan
    plan.acknowledged_at = None
    plan.save()
    if instruments is not None:
        plan.instruments.set(instruments)
    PlanChange.objects.create(plan=plan, by=by, changes=changes)
    return plan


def plan_acknowledge(*, plan: EvaluationPlan, by, now=None) -> EvaluationPlan:
    if by.pk != plan.candidate_id:
        raise EvaluationRefused(_("Solo el candidato acepta su plan de evaluación."))
    if plan.acknowledged_at is None:
        plan.acknowledged_at = now or timezone.now()
        plan.save(update_fields=["acknowledged_at"])
    return plan


# ------------------------------------------------------------------ instruments


def instrument_payload(instrument: Instrument) -> dict:
    items = instrument.items.select_related("criterion__element").order_by(
        "sort_order", "pk"
    )
    return {
        "code": instrument.code,
        "kind": instrument.kind,
        "title": instrument.title,
        "instructions": instrument.instructions,
        "pass_percent": instrument.pass_percent,
        "keep_passed_months": instrument.keep_passed_months,
        "items": [
            {
                "id": str(item.pk),
                "criterion": item.criterion.code if item.criterion_id else "",
                "criterion_kind": item.criterion.kind if item.criterion_id else "",
                "element": item.criterion.element.code
                if item.criterion_id and item.criterion.element_id
                else None,
                "text": item.text,
                "critical": item.critical,
                # Only items of a lista de impartición have a part; leaving the
                # key out otherwise keeps the hash of earlier versions.
                **({"part": item.part} if item.part else {}),
            }
            for item in items
        ],
    }


def instrument_version_current(*, instrument: Instrument) -> InstrumentVersion:
    """The version matching the instrument as it is now, frozen if new."""
    payload = instrument_payload(instrument)
    digest = hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    with transaction.atomic():
        Instrument.objects.select_for_update().filter(pk=instrument.pk).first()
        version = InstrumentVersion.objects.filter(
            instrument=instrument, content_hash=digest
        ).first()
        if version is None:
            last = instrument.versions.order_by("-number").first()
            version = InstrumentVersion.objects.create(
                instrument=instrument,
                number=(last.number if last else 0) + 1,
                payload=payload,
                content_hash=digest,
            )
    return version


# ------------------------------------------------------------- observation records


def _require_evaluator(plan: EvaluationPlan, by) -> None:
    if by.pk != plan.evaluator_id:
        raise EvaluationRefused(_("Solo el evaluador del plan captura la evidencia."))


def _locked_open(observation: Observation) -> Observation:
    locked = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("plan", "version")
        .get(pk=observation.pk)
    )
    if (
        locked.status != Observation.Status.OPEN
        or locked.evaluator_signed_at
        or locked.candidate_signed_at
    ):
        raise EvaluationRefused(
            _("Este registro ya está firmado: no se puede cambiar.")
        )
    return locked


@audit.authored
@transaction.atomic
def observation_start(*, plan: EvaluationPlan, instrument: Instrument, by, now=None):
    """Start (or resume) the record of one of the plan's instruments, freezing
    the instrument's items."""
    now = now or timezone.now()
    plan = EvaluationPlan.objects.select_for_update().get(pk=plan.pk)
    _require_evaluator(plan, by)
    if plan.status in (EvaluationPlan.Status.JUDGED, EvaluationPlan.Status.CANCELLED):
        raise EvaluationRefused(_("Este plan ya está cerrado."))
    if instrument.kind not in OBSERVED_KINDS:
        raise EvaluationRefused(_("El cuestionario se presenta en línea."))
    if not plan.instruments.filter(pk=instrument.pk).exists():
        raise EvaluationRefused(_("Ese instrumento no es parte del plan."))
    current = _current_record(plan, instrument)
    if current is not None and not current.signed:
        return current
    if current is not None:
        raise EvaluationRefused(
            _("Ese instrumento ya tiene un registro firmado; corrígelo si hace falta.")
        )
    observation = Observation.objects.create(
        plan=plan,
        version=instrument_version_current(instrument=instrument),
        started_at=now,
    )
    if plan.status == EvaluationPlan.Status.PLANNED:
        plan.status = EvaluationPlan.Status.IN_PROGRESS
        plan.save(update_fields=["status"])
    return observation


def _current_record(plan, instrument) -> Observation | None:
    """The instrument's latest record in the plan that no correction replaced."""
    return (
        Observation.objects.filter(plan=plan, version__instrument=instrument)
        .filter(replaced_by__isnull=True)
        .order_by("-started_at", "-pk")
        .first()
    )


@audit.authored
@transaction.atomic
def observation_save(
    *,
    observation: Observation,
    item: str,
    outcome: str,
    reason="",
    note="",
    by,
    now=None,
) -> ObservationAnswer:
    """Save one item: cumple / no cumple / no aplica (with a reason), and a note."""
    locked = _locked_open(observation)
    _require_evaluator(locked.plan, by)
    if item not in {i["id"] for i in locked.version.items}:
        raise EvaluationRefused(_("Ese reactivo no es parte del instrumento."))
    if outcome not in ObservationAnswer.Outcome.values:
        raise EvaluationRefused(_("Elige cumple, no cumple o no aplica."))
    reason, note = (reason or "").strip()[:2000], (note or "").strip()[:2000]
    if outcome == ObservationAnswer.Outcome.NOT_APPLICABLE and not reason:
        raise EvaluationRefused(_("Di por qué no aplica."))
    answer, _created = ObservationAnswer.objects.update_or_create(
        observation=locked,
        item=item,
        defaults={
            "outcome": outcome,
            "reason": reason,
            "note": note,
            "saved_at": now or timezone.now(),
        },
    )
    return answer


def _sniff(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return ""


@audit.authored
@transaction.atomic
def evidence_add(*, observation: Observation, upload, by) -> EvidenceFile:
    """Attach a JPEG, PNG or PDF (its content decides, not its name), up to
    ATIENDE_EVIDENCE_MAX_BYTES; stored privately and hashed."""
    locked = _locked_open(observation)
    _require_evaluator(locked.plan, by)
    limit = settings.ATIENDE_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise EvaluationRefused(
            _("El archivo pesa más de %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
        )
    data = upload.read(limit + 1)
    content_type = _sniff(data)
    if content_type not in EVIDENCE_SUFFIXES:
        raise EvaluationRefused(_("Sube una foto (JPEG o PNG) o un PDF."))
    evidence = EvidenceFile(
        observation=locked,
        original_name=(getattr(upload, "name", "") or "evidencia")[-255:],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    evidence.file.save("evidence", ContentFile(data), save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


def missing_items(observation: Observation) -> list[dict]:
    answered = set(observation.answers.values_list("item", flat=True))
    return [item for item in observation.version.items if item["id"] not in answered]


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


@audit.authored
@transaction.atomic
def observation_sign(
    *,
    observation: Observation,
    signer: str,
    typed_name: str,
    ip: str | None,
    by,
    now=None,
) -> Observation:
    """Sign as the plan's evaluator or its candidate, typing one's name again.
    Refused while any item is unanswered (the message lists them). Signed by
    both, the record is frozen."""
    now = now or timezone.now()
    locked = (
        Observation.objects.select_for_update(of=("self",))
        .select_related("plan__evaluator", "plan__candidate", "version")
        .get(pk=observation.pk)
    )
    if locked.signed:
        raise EvaluationRefused(_("Este registro ya está firmado."))
    person = {"evaluator": locked.plan.evaluator, "candidate": locked.plan.candidate}
    if signer not in person or by.pk != person[signer].pk:
        raise EvaluationRefused(_("Solo el evaluador y el candidato firman."))
    if missing := missing_items(locked):
        raise EvaluationRefused(
            _("Faltan reactivos por contestar: %(items)s")
            % {"items": "; ".join(item["text"] for item in missing)}
        )
    expected = {_plain(by.get_full_name()), _plain(by.get_username())} - {""}
    if _plain(typed_name) not in expected:
        raise EvaluationRefused(_("Escribe tu nombre completo tal como aparece."))
    if getattr(locked, f"{signer}_signed_at"):
        raise EvaluationRefused(_("Ya firmaste este registro."))
    setattr(locked, f"{signer}_signed_name", typed_name.strip()[:200])
    setattr(locked, f"{signer}_signed_at", now)
    setattr(locked, f"{signer}_signed_ip", ip)
    if signer == "evaluator":
        locked.ended_at = now
    if locked.evaluator_signed_at and locked.candidate_signed_at:
        locked.status = Observation.Status.SIGNED
    locked.save()
    return locked


@audit.authored
@transaction.atomic
def observation_correct(*, observation: Observation, by, now=None) -> Observation:
    """A correction of a signed record: a new open record with the same answers
    that replaces it (the signed one stays as it was)."""
    old = Observation.objects.select_for_update().get(pk=observation.pk)
    _require_evaluator(old.plan, by)
    if not old.signed:
        raise EvaluationRefused(_("Un registro sin firmar se corrige directamente."))
    if old.plan.status == EvaluationPlan.Status.JUDGED:
        raise EvaluationRefused(_("El plan ya tiene juicio."))
    if Observation.objects.filter(replaces=old).exists():
        raise EvaluationRefused(_("Ese registro ya fue corregido."))
    new = Observation.objects.create(
        plan=old.plan,
        version=old.version,
        started_at=now or timezone.now(),
        replaces=old,
    )
    # With history: the correction's answers are where its audit trail starts.
    bulk_create_with_history(
        [
            ObservationAnswer(
                observation=new,
                item=a.item,
                outcome=a.outcome,
                reason=a.reason,
                note=a.note,
                saved_at=a.saved_at,
            )
            for a in old.answers.all()
        ],
        ObservationAnswer,
    )
    return new


# ------------------------------------------------------------------ judgement


def knowledge_attempt(*, candidate, standard) -> Attempt | None:
    """The candidate's latest graded final questionnaire of the standard."""
    return (
        graded_finals(learner=candidate, standard_ids=[standard.pk])
        .select_related("assessment")
        .distinct()
        .first()
    )


def _knowledge(attempt: Attempt | None) -> dict[str, judging.Knowledge]:
    if attempt is None:
        return {}
    return {
        result.element.code: judging.Knowledge(
            result.earned, result.possible, result.threshold
        )
        for result in ElementResult.objects.filter(attempt=attempt).select_related(
            "element"
        )
    }


def _signed_records(plan: EvaluationPlan) -> tuple[list[Observation], list[str]]:
    records, missing = [], []
    for instrument in plan.instruments.filter(kind__in=OBSERVED_KINDS).order_by("kind"):
        record = _current_record(plan, instrument)
        if record is None or not record.signed:
            missing.append(instrument.title)
        else:
            records.append(record)
    return records, missing


def _items(records: list[Observation]) -> list[judging.Item]:
    items = []
    for record in records:
        answers = {a.item: a.outcome for a in record.answers.all()}
        for item in record.version.items:
            items.append(
                judging.Item(
                    id=f"{record.version.instrument_id}:{item['id']}",
                    instrument=record.version.kind,
                    element=item["element"],
                    criterion=item["criterion"],
                    text=item["text"],
                    critical=item["critical"],
                    outcome=answers[item["id"]],
                )
            )
    return items


def _carried_verdicts(plan, elements_evaluated, now) -> dict[str, ElementVerdict]:
    """Passed elements of the candidate's last judgement that a re-evaluation of
    the failed ones keeps, while the instruments' keep period lasts."""
    months = min((i.keep_passed_months for i in plan.instruments.all()), default=0)
    since = now - timedelta(days=30 * months)
    verdicts = (
        ElementVerdict.objects.filter(
            judgement__candidate=plan.candidate,
            judgement__standard=plan.standard,
            judgement__method=Judgement.Method.EVALUATOR,
            judgement__decided_at__gte=since,
            competent=True,
        )
        .exclude(element__code__in=elements_evaluated)
        .select_related("element", "judgement")
        .order_by("judgement__decided_at")
    )
    return {verdict.element.code: verdict for verdict in verdicts}


@audit.authored
@transaction.atomic
def judgement_issue(
    *, plan: EvaluationPlan, by, feedback: str = "", now=None, attempt=None
):
    """The evaluator's judgement from the plan's signed records and the
    candidate's questionnaire (``attempt``, by default the latest graded final):
    a verdict per element (``judging``), the feedback, and, when competent, the
    certificate (through the certification port, in this transaction)."""
    now = now or timezone.now()
    plan = (
        EvaluationPlan.objects.select_for_update(of=("self",))
        .select_related("candidate", "evaluator", "standard")
        .get(pk=plan.pk)
    )
    _require_evaluator(plan, by)
    if plan.status in (EvaluationPlan.Status.JUDGED, EvaluationPlan.Status.CANCELLED):
        raise EvaluationRefused(_("Este plan ya está cerrado."))
    if reason := evaluator_refusal(
        evaluator=by, candidate=plan.candidate, standard=plan.standard
    ):
        raise EvaluationRefused(reason)
    records, missing = _signed_records(plan)
    if missing:
        raise EvaluationRefused(
            _("Faltan registros firmados: %(names)s") % {"names": ", ".join(missing)}
        )
    attempt = attempt or knowledge_attempt(
        candidate=plan.candidate, standard=plan.standard
    )
    if attempt is not None and (
        attempt.learner_id != plan.candidate_id
        or attempt.assessment.mode != AssessmentPage.Mode.FINAL
        or attempt.status != Attempt.Status.SUBMITTED
    ):
        raise EvaluationRefused(
            _("Ese intento no es un cuestionario final calificado del candidato.")
        )
    if attempt is None:
        raise EvaluationRefused(
            _("El candidato todavía no presenta el cuestionario (evaluación final).")
        )
    all_elements = list(
        Element.objects.filter(standard=plan.standard).order_by("order", "code")
    )
    chosen = {e.code for e in plan.elements.all()} or {e.code for e in all_elements}
    carried = _carried_verdicts(plan, chosen, now)
    rates = {
        record.version.kind: Fraction(record.version.payload["pass_percent"], 100)
        for record in records
    }
    knowledge = _knowledge(attempt)
    verdict = judging.judge(
        [e.code for e in all_elements if e.code in chosen],
        knowledge=knowledge,
        items=_items(records),
        rates=rates,
    )
    by_code = {e.code: e for e in all_elements}
    judged = {element.element: element for element in verdict.elements}
    competent = all(
        (code in judged and judged[code].competent) or code in carried
        for code in by_code
    )
    judgement = Judgement.objects.create(
        candidate=plan.candidate,
        standard=plan.standard,
        competent=competent,
        decided_at=now,
        method=Judgement.Method.EVALUATOR,
        decided_by=by,
        plan=plan,
        attempt=attempt,
        feedback=(feedback or "").strip(),
    )
    verdicts = []
    for code, element in by_code.items():
        if code in judged:
            result = judged[code]
            verdicts.append(
                ElementVerdict(
                    judgement=judgement,
                    element=element,
                    competent=result.competent,
                    earned=result.knowledge.earned if result.knowledge else None,
                    possible=result.knowledge.possible if result.knowledge else None,
                    performance_met=result.performance_met,
                    performance_total=result.performance_total,
                    product_met=result.product_met,
                    product_total=result.product_total,
                    failures=[
                        {
                            "criterion": item.criterion,
                            "text": item.text,
                            "critical": item.critical,
                            "instrument": item.instrument,
                        }
                        for item in result.failures
                    ]
                    + (
                        []
                        if result.knowledge_passed
                        else [{"criterion": code, "text": "", "knowledge": True}]
                    ),
                )
            )
        elif code in carried:
            old = carried[code]
            verdicts.append(
                ElementVerdict(
                    judgement=judgement,
                    element=element,
                    competent=True,
                    earned=old.earned,
                    possible=old.possible,
                    performance_met=old.performance_met,
                    performance_total=old.performance_total,
                    product_met=old.product_met,
                    product_total=old.product_total,
                    carried_from=old,
                )
            )
        else:
            verdicts.append(
                ElementVerdict(
                    judgement=judgement,
                    element=element,
                    competent=False,
                    failures=[{"criterion": code, "text": "", "not_evaluated": True}],
                )
            )
    ElementVerdict.objects.bulk_create(verdicts)
    plan.status = EvaluationPlan.Status.JUDGED
    plan.save(update_fields=["status"])
    certification.current().judged(judgement=judgement, now=now)
    return judgement


@audit.authored
def feedback_acknowledge(*, judgement: Judgement, by, now=None) -> Judgement:
    if by.pk != judgement.candidate_id:
        raise EvaluationRefused(
            _("Solo el candidato acusa recibo de su retroalimentación.")
        )
    if judgement.feedback_acknowledged_at is None:
        judgement.feedback_acknowledged_at = now or timezone.now()
        judgement.save(update_fields=["feedback_acknowledged_at"])
    return judgement


# ------------------------------------------------------------------------------
# Added for the plan and judgement screens (evaluation/plan_views.py): a
# read-only preview of the verdict that judgement_issue would give now.


class JudgementPreview:
    """What ``judgement_issue`` would decide on the plan's current signed records
    (nothing is saved): ``elements`` holds, in the standard's order, tuples of
    (element, judging.ElementJudgement or None, carried ElementVerdict or None);
    ``refusals`` says what would stop it (missing signed records, no
    questionnaire)."""

    def __init__(self, *, elements, refusals, attempt, competent):
        self.elements = elements
        self.refusals = refusals
        self.attempt = attempt
        self.competent = competent


def judgement_preview(*, plan: EvaluationPlan, now=None) -> JudgementPreview:
    now = now or timezone.now()
    refusals = []
    records, missing = _signed_records(plan)
    if missing:
        refusals.append(
            _("Faltan registros firmados: %(names)s") % {"names": ", ".join(missing)}
        )
    attempt = knowledge_attempt(candidate=plan.candidate, standard=plan.standard)
    if attempt is None:
        refusals.append(
            _("El candidato todavía no presenta el cuestionario (evaluación final).")
        )
    all_elements = list(
        Element.objects.filter(standard=plan.standard).order_by("order", "code")
    )
    chosen = {e.code for e in plan.elements.all()} or {e.code for e in all_elements}
    carried = _carried_verdicts(plan, chosen, now)
    rates = {
        record.version.kind: Fraction(record.version.payload["pass_percent"], 100)
        for record in records
    }
    verdict = judging.judge(
        [e.code for e in all_elements if e.code in chosen],
        knowledge=_knowledge(attempt),
        items=_items(records),
        rates=rates,
    )
    judged = {element.element: element for element in verdict.elements}
    elements = [
        (element, judged.get(element.code), carried.get(element.code))
        for element in all_elements
    ]
    competent = all(
        (result is not None and result.competent) or kept is not None
        for _element, result, kept in elements
    )
    return JudgementPreview(
        elements=elements, refusals=refusals, attempt=attempt, competent=competent
    )
