"""evaluation.services through its public functions: who may evaluate, plan
changes and their history, observation records (save, sign, correct) and the
judgement (refusals, certificates, failures, re-evaluation of failed elements)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from certificates.models import Certificate
from certificates.services import certificate_revoke
from evaluation import services
from evaluation.models import ElementVerdict, Observation, PlanChange
from evaluation.services import EvaluationRefused
from tests.factories import (
    HRFactory,
    LearnerFactory,
    UserFactory,
    certificate_issue_for_attempt,
    competent_attempt,
    delivery_instrument,
)

from .plans_support import fill_and_sign, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return make_world()


def _refusal(world, evaluator, candidate=None):
    return services.evaluator_refusal(
        evaluator=evaluator,
        candidate=candidate or world.candidate,
        standard=world.standard,
    )


def _certified(world, **fields):
    """A member of Evaluadores holding a certificate of the world's standard."""
    holder = UserFactory(groups=[roles.EVALUATORS], **fields)
    attempt = competent_attempt(learner=holder, setup=world.setup)
    return holder, certificate_issue_for_attempt(attempt=attempt)


# ------------------------------------------------------------------ evaluators


def test_role_without_certificate_is_refused_with_why(world):
    message = _refusal(world, world.other_evaluator)
    assert "no tiene una constancia vigente" in message
    assert world.standard.code in message


def test_no_role_is_refused(world):
    assert "no tiene el rol de evaluador" in _refusal(world, world.other_learner)


def test_certificate_holder_may_evaluate(world):
    holder, _certificate = _certified(world)
    assert _refusal(world, holder) == ""


def test_lead_designation_allows_and_only_a_superuser_designates(world):
    person = UserFactory()
    with pytest.raises(EvaluationRefused, match="Solo un administrador"):
        services.lead_evaluator_designate(
            user=person, standard=world.standard, by=world.trainer
        )
    assert _refusal(world, person) != ""
    admin = UserFactory(is_superuser=True)
    services.lead_evaluator_designate(user=person, standard=world.standard, by=admin)
    assert _refusal(world, person) == ""


def test_nobody_evaluates_themself(world):
    assert _refusal(world, world.evaluator, world.evaluator) == (
        "Nadie puede evaluarse a sí mismo."
    )
    with pytest.raises(EvaluationRefused, match="a sí mismo"):
        services.plan_create(
            candidate=world.evaluator,
            evaluator=world.evaluator,
            standard=world.standard,
            scheduled_at=timezone.now(),
            instruments=world.instruments,
            by=world.evaluator,
        )


def test_revoked_certificate_is_refused(world):
    holder, certificate = _certified(world)
    certificate_revoke(certificate=certificate, by=HRFactory(), reason="Error")
    assert "no tiene una constancia vigente" in _refusal(world, holder)


def test_expired_certificate_is_refused(world):
    holder, certificate = _certified(world)
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert "no tiene una constancia vigente" in _refusal(world, holder)


# ------------------------------------------------------------------ plans


def test_plan_update_keeps_history_and_resets_acknowledgement(world):
    plan = world.plan
    services.plan_acknowledge(plan=plan, by=world.candidate)
    plan.refresh_from_db()
    assert plan.acknowledged_at is not None
    services.plan_update(plan=plan, by=world.trainer, place="Sucursal Sur")
    plan.refresh_from_db()
    assert plan.acknowledged_at is None
    change = PlanChange.objects.filter(plan=plan).latest("pk")
    assert change.by == world.trainer
    assert change.changes == {"place": ["Sucursal Centro", "Sucursal Sur"]}


def test_plan_update_without_changes_records_nothing(world):
    services.plan_acknowledge(plan=world.plan, by=world.candidate)
    services.plan_update(plan=world.plan, by=world.trainer, place="Sucursal Centro")
    world.plan.refresh_from_db()
    assert world.plan.acknowledged_at is not None
    assert PlanChange.objects.filter(plan=world.plan).count() == 1


def test_plan_update_to_an_ineligible_evaluator_is_refused(world):
    with pytest.raises(EvaluationRefused, match="constancia vigente"):
        services.plan_update(
            plan=world.plan, by=world.trainer, evaluator=world.other_evaluator
        )
    world.plan.refresh_from_db()
    assert world.plan.evaluator == world.evaluator


def test_only_the_candidate_acknowledges(world):
    with pytest.raises(EvaluationRefused):
        services.plan_acknowledge(plan=world.plan, by=world.evaluator)


# ------------------------------------------------------------------ records


def _record(world, kind="observation"):
    """The open record of the plan's guía (two items, the first critical)."""
    instrument = world.plan.instruments.get(kind=kind)
    return services.observation_start(
        plan=world.plan, instrument=instrument, by=world.evaluator
    )


def _answer_all(record, by, outcome="met"):
    for item in record.version.items:
        services.observation_save(
            observation=record, item=item["id"], outcome=outcome, by=by
        )


def test_not_applicable_needs_a_reason(world):
    record = _record(world)
    item = record.version.items[0]["id"]
    with pytest.raises(EvaluationRefused, match="no aplica"):
        services.observation_save(
            observation=record, item=item, outcome="na", by=world.evaluator
        )
    assert not record.answers.exists()


def test_signing_an_incomplete_record_lists_the_missing_items(world):
    record = _record(world)
    first, *rest = record.version.items
    assert rest
    services.observation_save(
        observation=record, item=first["id"], outcome="met", by=world.evaluator
    )
    with pytest.raises(EvaluationRefused) as refusal:
        services.observation_sign(
            observation=record,
            signer="evaluator",
            typed_name=world.evaluator.get_username(),
            ip=None,
            by=world.evaluator,
        )
    message = str(refusal.value)
    assert first["text"] not in message
    assert all(item["text"] in message for item in rest)


def test_wrong_typed_name_is_refused(world):
    record = _record(world)
    _answer_all(record, world.evaluator)
    with pytest.raises(EvaluationRefused, match="nombre completo"):
        services.observation_sign(
            observation=record,
            signer="evaluator",
            typed_name="Otra Persona",
            ip=None,
            by=world.evaluator,
        )
    record.refresh_from_db()
    assert record.evaluator_signed_at is None


def test_signed_record_is_frozen(world):
    record = fill_and_sign(world.plan)[0]
    record.refresh_from_db()
    assert record.status == Observation.Status.SIGNED
    before = list(record.answers.values_list("item", "outcome"))
    with pytest.raises(EvaluationRefused, match="firmado"):
        services.observation_save(
            observation=record,
            item=record.version.items[0]["id"],
            outcome="not_met",
            by=world.evaluator,
        )
    assert list(record.answers.values_list("item", "outcome")) == before


def test_observation_correct_makes_a_new_record(world):
    """A correction of a signed record is a new open record with its answers
    that replaces it; the signed one stays; a second correction is refused."""
    with pytest.raises(EvaluationRefused):
        services.observation_correct(observation=_record(world), by=world.evaluator)
    record = fill_and_sign(world.plan)[0]
    correction = services.observation_correct(observation=record, by=world.evaluator)
    assert correction.replaces == record and correction.status == "open"
    assert sorted(correction.answers.values_list("item", "outcome")) == sorted(
        record.answers.values_list("item", "outcome")
    )
    record.refresh_from_db()
    assert record.signed
    with pytest.raises(EvaluationRefused, match="ya fue corregido"):
        services.observation_correct(observation=record, by=world.evaluator)


# ------------------------------------------------------------------ judgement


def test_judgement_refused_without_signed_records(world):
    _record(world)
    with pytest.raises(EvaluationRefused, match="Faltan registros firmados"):
        services.judgement_issue(plan=world.plan, by=world.evaluator)


def test_judgement_refused_without_questionnaire(world):
    candidate = LearnerFactory()
    plan = services.plan_create(
        candidate=candidate,
        evaluator=world.evaluator,
        standard=world.standard,
        scheduled_at=timezone.now(),
        instruments=world.instruments,
        by=world.evaluator,
    )
    fill_and_sign(plan)
    with pytest.raises(EvaluationRefused, match="cuestionario"):
        services.judgement_issue(plan=plan, by=world.evaluator)


def test_only_the_plans_evaluator_judges(world):
    fill_and_sign(world.plan)
    with pytest.raises(EvaluationRefused):
        services.judgement_issue(plan=world.plan, by=world.trainer)


def test_competent_judgement_issues_the_certificate(world):
    fill_and_sign(world.plan)
    judgement = services.judgement_issue(
        plan=world.plan, by=world.evaluator, feedback="Bien."
    )
    assert judgement.competent
    assert Certificate.objects.filter(judgement=judgement).exists()
    world.plan.refresh_from_db()
    assert world.plan.status == "judged"


def test_one_critical_item_not_met_is_not_competent(world):
    """The critical item of the guía (the first criterion) not met: todavía no
    competente, no certificate, and the failure recorded on its element."""
    first = world.setup.elements[0]
    critical = f"{first.code}-D1"
    fill_and_sign(world.plan, outcomes={critical: "not_met"})
    judgement = services.judgement_issue(plan=world.plan, by=world.evaluator)
    assert not judgement.competent
    assert not Certificate.objects.filter(judgement=judgement).exists()
    verdict = judgement.verdicts.get(element=first)
    assert not verdict.competent
    assert [f["criterion"] for f in verdict.failures] == [critical]
    assert verdict.failures[0]["critical"] is True
    assert judgement.verdicts.get(element=world.setup.elements[1]).competent


def _reevaluate(world, first_judgement, *, days):
    failed = [v.element for v in first_judgement.verdicts.all() if not v.competent]
    plan = services.plan_create(
        candidate=world.candidate,
        evaluator=world.evaluator,
        standard=world.standard,
        scheduled_at=timezone.now(),
        instruments=world.instruments,
        elements=failed,
        by=world.evaluator,
    )
    fill_and_sign(plan)
    return services.judgement_issue(
        plan=plan,
        by=world.evaluator,
        now=first_judgement.decided_at + timedelta(days=days),
    )


@pytest.mark.parametrize(
    ("days", "competent"),
    [(30, True), (200, False)],
    ids=["within-keep-period", "after-keep-period"],
)
def test_reevaluation_of_failed_elements(world, days, competent):
    """Re-evaluating only the failed element keeps the passed one while the
    instruments' keep period lasts (6 months), and not after."""
    first, second = world.setup.elements
    fill_and_sign(world.plan, outcomes={f"{first.code}-D1": "not_met"})
    earlier = services.judgement_issue(plan=world.plan, by=world.evaluator)
    assert not earlier.competent
    again = _reevaluate(world, earlier, days=days)
    assert again.competent is competent
    kept = again.verdicts.get(element=second)
    if competent:
        assert kept.carried_from == ElementVerdict.objects.get(
            judgement=earlier, element=second
        )
        assert Certificate.objects.filter(judgement=again).exists()
    else:
        assert kept.carried_from is None and not kept.competent
        assert not Certificate.objects.filter(judgement=again).exists()


def test_a_lista_de_imparticion_is_not_for_evaluation_plans(world):
    """It signs off a multiplicador's delivery (rollout), never a candidate."""
    with pytest.raises(EvaluationRefused, match="no está disponible"):
        services.plan_create(
            candidate=world.candidate,
            evaluator=world.evaluator,
            standard=world.standard,
            scheduled_at=timezone.now() + timedelta(days=1),
            instruments=[delivery_instrument(world.standard)],
            place="Sucursal Centro",
            by=world.evaluator,
        )
