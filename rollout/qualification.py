"""Who may train: lead trainers and multiplicadores. The one home of the rule.

- A **lead trainer** is a member of the Instructores group (``roles.is_trainer``):
  they author content and observe candidates.
- A **multiplicador** is computed, never granted: right now they hold a valid
  certificate of the standard (certificates' rule), they completed the trainers'
  module (courses' rule) and a lead trainer signed off a session they delivered
  (a passed ``DeliverySignOff``). No group carries the right, so a certificate
  that expires or is revoked takes it away at once; and they never get the
  authoring rights of the Instructores group.
- Either may **train**: lead the cohorts they are trainers of and take their
  attendance. Whoever once held a certificate and holds no valid one now (a
  lapsed lead trainer, or a multiplicador who lost it) may not **open new
  cohorts**, and HR see their open cohorts flagged. Lead trainers who never held
  one (the first wave, bootstrapped) may.

Views and services ask the functions here; lists use ``standing`` (a fixed
number of queries for any number of people).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from accounts import roles
from certificates.models import Certificate
from certificates.renewal import certificate_states
from courses.selectors import trainers_module_completed
from standards.models import Standard

from .models import DeliverySignOff

User = get_user_model()


@dataclass(frozen=True)
class Standing:
    """Where one person stands (see the module's rule)."""

    lead_trainer: bool
    certificate: str | None  # Certificate.Status, or None: never certified
    module_completed: bool
    signed_off: bool

    @property
    def certified(self) -> bool:
        """Holds a valid certificate now."""
        return self.certificate == Certificate.Status.VALID

    @property
    def ever_certified(self) -> bool:
        """Was issued a certificate that was not revoked (valid or expired)."""
        return self.certificate in (
            Certificate.Status.VALID,
            Certificate.Status.EXPIRED,
        )

    @property
    def lapsed(self) -> bool:
        return self.certificate is not None and not self.certified

    @property
    def multiplicador(self) -> bool:
        return self.certified and self.module_completed and self.signed_off

    @property
    def may_train(self) -> bool:
        return self.lead_trainer or self.multiplicador

    @property
    def may_open_cohorts(self) -> bool:
        return self.may_train and not self.lapsed


def standard_code() -> str:
    return settings.ATIENDE_TRAINER_STANDARD


def standard() -> Standard | None:
    return Standard.objects.filter(code=standard_code()).first()


def standing(user_ids, *, today: date | None = None) -> dict[int, Standing]:
    """Each person's standing: 7 queries, however many people."""
    ids = sorted({int(pk) for pk in user_ids})
    if not ids:
        return {}
    today = today or timezone.localdate()
    leads = set(
        User.objects.filter(pk__in=ids)
        .filter(Q(is_superuser=True) | Q(groups__name=roles.TRAINERS))
        .values_list("pk", flat=True)
    )
    the_standard = standard()
    states = (
        certificate_states(holder_ids=ids, standard=the_standard, today=today)
        if the_standard is not None
        else {}
    )
    module = trainers_module_completed(ids)
    signed = set(
        DeliverySignOff.objects.filter(candidate_id__in=ids, passed=True).values_list(
            "candidate_id", flat=True
        )
    )
    return {
        pk: Standing(
            lead_trainer=pk in leads,
            certificate=states.get(pk),
            module_completed=pk in module,
            signed_off=pk in signed,
        )
        for pk in ids
    }


def standing_of(user, *, today: date | None = None) -> Standing | None:
    """Cached on the user object for the request (as roles caches groups)."""
    if not user.is_authenticated:
        return None
    if today is not None:
        return standing([user.pk], today=today)[user.pk]
    cached = getattr(user, "_atiende_standing", None)
    if cached is None:
        cached = standing([user.pk])[user.pk]
        user._atiende_standing = cached
    return cached


def is_lead_trainer(user) -> bool:
    return roles.is_trainer(user)


# Read with the user's roles (accounts.role_facts, registered in apps.py).
SIGNED_OFF = "rollout.signed_off"


def passed_sign_offs(user_pk: int):
    return DeliverySignOff.objects.filter(candidate_id=user_pk, passed=True)


def _ever_signed_off(user) -> bool:
    """Rules out almost everyone without a query of its own (the navigation asks
    on every page): without a passed sign-off nobody is a multiplicador."""
    return roles.has_fact(user, SIGNED_OFF)


def is_multiplicador(user, *, today: date | None = None) -> bool:
    if not _ever_signed_off(user):
        return False
    own = standing_of(user, today=today)
    return own is not None and own.multiplicador


def may_train(user) -> bool:
    """Lead the cohorts one is a trainer of and take their attendance."""
    if roles.is_trainer(user):
        return True  # no queries beyond the groups for lead trainers
    return is_multiplicador(user)


def may_open_cohorts(user, *, today: date | None = None) -> bool:
    own = standing_of(user, today=today)
    return own is not None and own.may_open_cohorts


def multiplicador_ids(user_ids, *, today: date | None = None) -> set[int]:
    """The batched ``is_multiplicador``."""
    return {
        pk for pk, one in standing(user_ids, today=today).items() if one.multiplicador
    }


def may_observe(user) -> bool:
    """Sign off a candidate's delivery: lead trainers only."""
    return is_lead_trainer(user)
