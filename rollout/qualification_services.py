"""Changes of state on a candidate's way to multiplicador: a lead trainer
opens the modules for trainers to them, and signs off a session they
delivered.

Every refusal raises SignOffRefused with a message that can be shown as is;
nothing is saved then."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.services import trainer_module_open
from evaluation.models import Instrument, InstrumentVersion
from evaluation.services import instrument_version_current

from . import qualification
from .models import DeliverySignOff, Session


class SignOffRefused(ValueError):
    """A sign-off the rules do not allow; str() is the message for the person."""


def candidate_open_trainers_module(*, candidate, by, today: date | None = None):
    """A lead trainer lets a candidate with a valid certificate read the
    modules for trainers (so that they can complete them)."""
    if not qualification.may_observe(by):
        raise SignOffRefused(
            _("Solo un instructor líder puede abrir el módulo para formadores.")
        )
    standing = qualification.standing([candidate.pk], today=today)[candidate.pk]
    if not standing.certified:
        raise SignOffRefused(
            _(
                "Solo quien tiene un certificado vigente puede cursar el módulo "
                "para formadores."
            )
        )
    return trainer_module_open(user=candidate, by=by)


def delivery_instrument() -> Instrument | None:
    """The active lista de impartición of the standard (the newest code wins
    if an administrator made several)."""
    return (
        Instrument.objects.filter(
            kind=Instrument.Kind.DELIVERY,
            active=True,
            standard__code=qualification.standard_code(),
        )
        .order_by("-pk")
        .first()
    )


def delivery_passed(items: list[dict], marks: dict[str, bool]) -> bool:
    """Passed only when every required (critical) item is met."""
    return all(marks[item["id"]] for item in items if item["critical"])


def _check_marks(version: InstrumentVersion, marks: dict) -> dict[str, bool]:
    ids = [item["id"] for item in version.items]
    if set(marks) != set(ids) or not all(isinstance(v, bool) for v in marks.values()):
        raise SignOffRefused(
            _("Marca cada reactivo de la lista como «cumple» o «no cumple».")
        )
    return {item_id: marks[item_id] for item_id in ids}


@transaction.atomic
def signoff_record(
    *,
    candidate,
    by,
    version: InstrumentVersion,
    marks: dict[str, bool],
    comment: str,
    observed_on: date | None = None,
    session: Session | None = None,
    today: date | None = None,
) -> DeliverySignOff:
    """Record the observation, frozen against ``version`` (the one the form
    showed, from ``instrument_version_current``)."""
    today = today or timezone.localdate()
    if not qualification.may_observe(by):
        raise SignOffRefused(
            _("Solo un instructor líder puede firmar la observación de impartición.")
        )
    if candidate.pk == by.pk:
        raise SignOffRefused(_("Nadie puede firmar su propia observación."))
    if version.kind != Instrument.Kind.DELIVERY:
        raise SignOffRefused(_("Ese instrumento no es una lista de impartición."))
    marks = _check_marks(version, marks)
    comment = (comment or "").strip()
    if not comment:
        raise SignOffRefused(
            _("Escribe un comentario: qué hizo bien y qué debe cambiar.")
        )
    if session is not None:
        if not session.cohort.trainers.filter(pk=candidate.pk).exists():
            raise SignOffRefused(
                _("La sesión observada debe ser de un grupo que imparte el candidato.")
            )
        observed_on = timezone.localdate(session.starts_at)
    if observed_on is None:
        raise SignOffRefused(_("Indica la sesión observada o la fecha."))
    if observed_on > today:
        raise SignOffRefused(_("La fecha de la observación no puede ser futura."))
    return DeliverySignOff.objects.create(
        candidate=candidate,
        lead_trainer=by,
        session=session,
        observed_on=observed_on,
        version=version,
        marks=marks,
        comment=comment,
        passed=delivery_passed(version.items, marks),
    )


def current_version() -> InstrumentVersion | None:
    """The frozen version of the lista de impartición as it is now."""
    instrument = delivery_instrument()
    if instrument is None:
        return None
    return instrument_version_current(instrument=instrument)
