"""Competence evaluation in the audit trail, and what is never deleted.

Who reads which history (besides superusers), as ``access`` decides who sees
what in evaluation:

- instruments and their items: trainers, who author them;
- judgements, observation records, their answers and evidence files, and the
  lead-evaluator designations: trainers and HR, who follow every evaluation.

Judgements (with their verdicts per element) and observation records (with
their answers and evidence files) certify someone: they are ``Undeletable``
(models.py); a correction is a new record, a new evaluation a new
judgement."""

from django.utils.translation import gettext as _

from accounts import audit, roles

from . import access
from .models import (
    EvidenceFile,
    Instrument,
    InstrumentItem,
    Judgement,
    LeadEvaluator,
    Observation,
    ObservationAnswer,
)


def _verdict(record) -> str:
    return _("competente") if record.competent else _("todavía no competente")


def _candidate_of(observation) -> str:
    return audit.person(observation.plan.candidate) if observation else "—"


def register() -> None:
    content, evaluation = audit.Section.CONTENT, audit.Section.EVALUATION
    audit.track(
        Instrument,
        section=content,
        describe=lambda record: f"{record.code} {record.title}",
    )
    audit.track(
        InstrumentItem,
        section=content,
        related=("instrument",),
        describe=lambda record: (
            f"{record.instrument.code if record.instrument else '?'} · "
            f"{record.text[:70]}"
        ),
    )
    audit.track(
        Judgement,
        section=evaluation,
        related=("candidate", "standard"),
        describe=lambda record: (
            f"{audit.person(record.candidate)} · {record.standard.code} · "
            f"{_verdict(record)}"
        ),
    )
    audit.track(
        Observation,
        section=evaluation,
        related=("plan__candidate", "version__instrument"),
        describe=lambda record: (
            f"{audit.person(record.plan.candidate)} · "
            f"{record.version.instrument.code} · {record.get_status_display()}"
        ),
    )
    audit.track(
        ObservationAnswer,
        section=evaluation,
        related=("observation__plan__candidate",),
        describe=lambda record: (
            f"{_candidate_of(record.observation)} · {record.item}: "
            f"{record.get_outcome_display()}"
        ),
    )
    audit.track(
        EvidenceFile,
        section=evaluation,
        related=("observation__plan__candidate",),
        describe=lambda record: (
            f"{_candidate_of(record.observation)} · {record.original_name}"
        ),
    )
    audit.track(
        LeadEvaluator,
        section=audit.Section.ROLES,
        related=("user", "standard"),
        describe=lambda record: f"{audit.person(record.user)} · {record.standard.code}",
    )
    trainers = audit.readable_by(roles.is_trainer)
    overseers = audit.readable_by(access.oversees)
    for model in (Instrument, InstrumentItem):
        audit.allow(model, trainers)
    for model in (
        Judgement,
        Observation,
        ObservationAnswer,
        EvidenceFile,
        LeadEvaluator,
    ):
        audit.allow(model, overseers)
