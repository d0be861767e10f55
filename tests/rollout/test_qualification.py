"""The multiplicador rule (certificate + trainers' module + signed-off
delivery), its batched form, the sign-off service and its refusals."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from certificates.services import certificate_revoke
from rollout import qualification
from rollout import qualification_services as services
from rollout.models import DeliverySignOff
from tests.factories import TrainerFactory, delivery_sign_off

from .qualification_support import Qualification

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(settings):
    return Qualification(settings)


# ---------------------------------------------------------------- the rule

RULE_CASES = [
    # (certificate, module, signed off) -> multiplicador
    ((True, True, True), True),
    ((False, True, True), False),
    ((True, False, True), False),
    ((True, True, False), False),
    ((False, False, False), False),
]


@pytest.mark.parametrize("conditions, expected", RULE_CASES)
def test_multiplicador_needs_all_three_conditions(q, conditions, expected):
    has_certificate, module, signed = conditions
    person = q.candidate if has_certificate else q.staff(q.north)
    if module:
        q.complete_module(person)
    if signed:
        delivery_sign_off(candidate=person, by=q.lead)
    assert qualification.is_multiplicador(person) is expected
    assert qualification.multiplicador_ids([person.pk]) == (
        {person.pk} if expected else set()
    )


def test_half_the_trainers_module_is_not_enough(q):
    delivery_sign_off(candidate=q.candidate, by=q.lead)
    q.complete_module(q.candidate)
    q.trainer_lessons[0].completions.all().delete()
    assert not qualification.is_multiplicador(q.candidate)


def test_a_failed_sign_off_does_not_qualify(q):
    q.complete_module(q.candidate)
    signoff = delivery_sign_off(candidate=q.candidate, by=q.lead, met=False)
    assert signoff.passed is False
    assert not qualification.is_multiplicador(q.candidate)


def test_a_revoked_certificate_takes_the_qualification_away_at_once(q):
    q.qualify()
    assert qualification.is_multiplicador(q.candidate)
    certificate_revoke(certificate=q.certificate, by=q.hr, reason="Error de datos.")
    standing = qualification.standing([q.candidate.pk])[q.candidate.pk]
    assert not standing.multiplicador
    assert standing.lapsed and not standing.may_open_cohorts
    assert not standing.may_train


def test_an_expired_certificate_takes_the_qualification_away(q):
    q.qualify()
    expiry = q.certificate.expires_on
    assert qualification.is_multiplicador(q.candidate, today=expiry)
    assert not qualification.is_multiplicador(
        q.candidate, today=expiry + timedelta(days=1)
    )


def test_a_lapsed_lead_trainer_still_trains_but_may_not_open_cohorts(q):
    lead = q.candidate
    lead.groups.add(*TrainerFactory().groups.all())
    certificate_revoke(certificate=q.certificate, by=q.hr, reason="Error de datos.")
    standing = qualification.standing([lead.pk])[lead.pk]
    assert standing.lead_trainer and standing.may_train
    assert not standing.may_open_cohorts


def test_a_lead_trainer_never_certified_may_open_cohorts(q):
    standing = qualification.standing([q.lead.pk])[q.lead.pk]
    assert standing.lead_trainer and standing.may_open_cohorts
    assert not standing.multiplicador


def test_multiplicadores_get_no_authoring_rights(q):
    q.qualify()
    person = type(q.candidate).objects.get(pk=q.candidate.pk)
    assert qualification.is_multiplicador(person)
    assert not person.has_perm("wagtailadmin.access_admin")
    assert not person.groups.filter(name="Instructores").exists()


def test_standing_takes_a_fixed_number_of_queries(q):
    few = [q.staff(q.north) for _ in range(2)]
    many = few + [q.staff(q.south) for _ in range(18)]
    for person in many[:5]:
        q.complete_module(person)
    counts = []
    for people in (few, many):
        with CaptureQueriesContext(connection) as queries:
            qualification.standing([p.pk for p in people] + [q.candidate.pk])
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7


# ---------------------------------------------------------------- sign-off


def test_sign_off_is_frozen_and_passes_when_every_required_item_is_met(q):
    signoff = delivery_sign_off(candidate=q.candidate, by=q.lead, met="required")
    assert signoff.passed is True
    assert signoff.version.instrument == q.instrument
    assert set(signoff.marks) == {item["id"] for item in signoff.version.items}
    # A later edit of the instrument leaves the signed record alone.
    q.instrument.items.update(text="Cambiado")
    signoff.refresh_from_db()
    assert signoff.version.items[0]["text"] == "Reactivo para preparar"


def _args(q, **changes):
    version = services.current_version()
    args = {
        "candidate": q.candidate,
        "by": q.lead,
        "version": version,
        "marks": {item["id"]: True for item in version.items},
        "comment": "Bien.",
        "observed_on": date.today(),
    }
    return {**args, **changes}


@pytest.mark.parametrize(
    "change, message",
    [
        ("by_learner", "instructor líder"),
        ("by_self", "propia"),
        ("missing_mark", "cada reactivo"),
        ("text_mark", "cada reactivo"),
        ("extra_mark", "cada reactivo"),
        ("no_comment", "comentario"),
        ("no_date", "sesión observada o la fecha"),
        ("future", "futura"),
    ],
)
def test_sign_off_refusals_save_nothing(q, change, message):
    args = _args(q)
    first = next(iter(args["marks"]))
    if change == "by_learner":
        args["by"] = q.staff(q.north)
    elif change == "by_self":
        args["candidate"] = args["by"] = q.lead
    elif change == "missing_mark":
        del args["marks"][first]
    elif change == "text_mark":
        args["marks"][first] = "sí"
    elif change == "extra_mark":
        args["marks"]["999999"] = True
    elif change == "no_comment":
        args["comment"] = "   "
    elif change == "no_date":
        args["observed_on"] = None
    elif change == "future":
        args["observed_on"] = date.today() + timedelta(days=1)
    with pytest.raises(services.SignOffRefused, match=message):
        services.signoff_record(**args)
    assert not DeliverySignOff.objects.exists()


@pytest.mark.parametrize(
    ("sign_off", "expected"), [(None, False), (False, False), (True, True)]
)
def test_the_sign_off_is_read_with_the_roles_in_one_query(q, sign_off, expected):
    """Every page asks whether its user was ever signed off (the navigation):
    it comes in the roles' query (accounts.role_facts)."""
    if sign_off is not None:
        delivery_sign_off(candidate=q.candidate, by=q.lead, met=sign_off)
    delivery_sign_off(candidate=q.staff(q.north), by=q.lead)  # someone else's
    user = type(q.candidate).objects.get(pk=q.candidate.pk)
    with CaptureQueriesContext(connection) as queries:
        assert not roles.is_hr(user)
        assert qualification._ever_signed_off(user) is expected
    assert len(queries) == 1
