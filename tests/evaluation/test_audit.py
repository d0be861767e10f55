"""The audit trail of competence evaluation: instruments and their items,
observation answers, evidence, judgements and lead-evaluator designations
record who changed what and when; judgements and evidence records are never
deleted (issue 12, item 8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.audit import HardDeleteRefused, acting_as
from evaluation import services
from evaluation.models import (
    ElementVerdict,
    EvidenceFile,
    InstrumentItem,
    Judgement,
    LeadEvaluator,
    Observation,
    ObservationAnswer,
)
from tests.factories import UserFactory, png_bytes

from .plans_support import fill_and_sign, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return make_world()


def _open_record(world):
    instrument = world.plan.instruments.get(kind="observation")
    return services.observation_start(
        plan=world.plan, instrument=instrument, by=world.evaluator
    )


def test_an_item_changed_while_capturing_keeps_each_outcome(world):
    """cumple → no cumple is two history rows of the answer, each by the
    evaluator, with the outcome before and after."""
    record = _open_record(world)
    item = record.version.items[0]["id"]
    for outcome in ("met", "not_met"):
        services.observation_save(
            observation=record, item=item, outcome=outcome, by=world.evaluator
        )
    answer = ObservationAnswer.objects.get(observation=record, item=item)
    first, second = answer.history.order_by("history_date", "history_id")
    assert (first.history_type, first.outcome) == ("+", "met")
    assert (second.history_type, second.outcome) == ("~", "not_met")
    assert {first.history_user, second.history_user} == {world.evaluator}


def test_signatures_and_corrections_are_recorded(world):
    record = fill_and_sign(world.plan)[0]
    signatures = record.history.filter(history_type="~").order_by("history_id")
    assert [h.history_user for h in signatures] == [world.evaluator, world.candidate]
    assert signatures.last().status == Observation.Status.SIGNED
    correction = services.observation_correct(observation=record, by=world.evaluator)
    copied = ObservationAnswer.history.filter(observation_id=correction.pk)
    assert copied.count() == record.answers.count()
    assert {h.history_user for h in copied} == {world.evaluator}


def test_evidence_upload_is_recorded_with_its_uploader(world):
    record = _open_record(world)
    evidence = services.evidence_add(
        observation=record,
        upload=SimpleUploadedFile("hoja.png", png_bytes(), "image/png"),
        by=world.evaluator,
    )
    (created,) = evidence.history.all()
    assert created.history_user == world.evaluator
    assert created.sha256 == evidence.sha256


def test_the_judgement_is_recorded_as_the_evaluators(world):
    fill_and_sign(world.plan)
    judgement = services.judgement_issue(
        plan=world.plan, by=world.evaluator, attempt=world.attempt
    )
    (issued,) = judgement.history.all()
    assert issued.history_user == world.evaluator
    assert issued.competent == judgement.competent
    services.feedback_acknowledge(judgement=judgement, by=world.candidate)
    acknowledged = judgement.history.order_by("-history_id").first()
    assert acknowledged.history_user == world.candidate
    assert acknowledged.feedback_acknowledged_at is not None


def test_instrument_edits_record_only_the_items_that_changed(world, client):
    """An edit in the admin saves every item (the inline editor); only the
    changed item gets a history row, recorded as the trainer's."""
    instrument = world.plan.instruments.get(kind="observation")
    items = list(instrument.items.order_by("sort_order"))
    before = InstrumentItem.history.filter(instrument_id=instrument.pk).count()
    items[0].text = "Saluda por su nombre al cliente"
    with acting_as(world.trainer):
        for item in items:
            item.save()
    after = InstrumentItem.history.filter(instrument_id=instrument.pk)
    assert after.count() == before + 1
    changed = after.order_by("-history_id").first()
    assert (changed.id, changed.history_user) == (items[0].pk, world.trainer)
    client.force_login(world.trainer)
    response = client.get(
        reverse(
            "accounts_audit_change",
            args=["evaluation.instrumentitem", changed.history_id],
        )
    )
    assert [c.label for c in response.context["changes"]] == ["Reactivo"]
    assert response.context["changes"][0].after == "Saluda por su nombre al cliente"


def test_the_content_loader_writes_item_history(initial_data):
    """The items the loader writes in bulk get history rows too, by the
    system (no person ran it)."""
    items = InstrumentItem.objects.filter(instrument__code="EC0305-GO")
    assert items.exists()
    created = InstrumentItem.history.filter(id__in=items.values("pk"), history_type="+")
    assert created.count() == items.count()
    assert not created.filter(history_user__isnull=False).exists()


def test_lead_evaluator_designations_are_recorded(world):
    """A role assignment: recorded as made by the administrator who designated
    (the designation ran outside any request)."""
    designation = LeadEvaluator.objects.get(user=world.evaluator)
    (created,) = designation.history.all()
    assert created.history_user == designation.designated_by


# ------------------------------------------------------------ never deleted


def test_judgements_and_evidence_records_cannot_be_deleted(world):
    records = fill_and_sign(world.plan)
    judgement = services.judgement_issue(
        plan=world.plan, by=world.evaluator, attempt=world.attempt
    )
    for doomed in (
        judgement,
        ElementVerdict.objects.filter(judgement=judgement).first(),
        records[0],
        records[0].answers.first(),
    ):
        with pytest.raises(HardDeleteRefused):
            doomed.delete()
    with pytest.raises(HardDeleteRefused):
        Judgement.objects.filter(pk=judgement.pk).delete()
    with pytest.raises(HardDeleteRefused):
        ObservationAnswer.objects.filter(observation=records[0]).delete()
    assert Judgement.objects.filter(pk=judgement.pk).exists()
    assert records[0].answers.count() == len(records[0].version.items)


def test_an_evidence_file_cannot_be_deleted(world):
    record = _open_record(world)
    evidence = services.evidence_add(
        observation=record,
        upload=SimpleUploadedFile("hoja.png", png_bytes(), "image/png"),
        by=world.evaluator,
    )
    with pytest.raises(HardDeleteRefused):
        evidence.delete()
    with pytest.raises(HardDeleteRefused):
        EvidenceFile.objects.all().delete()
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()


def test_judgements_offer_no_delete_in_the_admin(world, client):
    """The judgements' admin is read only, even for a superuser."""
    fill_and_sign(world.plan)
    judgement = services.judgement_issue(
        plan=world.plan, by=world.evaluator, attempt=world.attempt
    )
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_evaluation_judgement:delete", args=[judgement.pk])
    )
    assert response.status_code in (302, 403)
    assert Judgement.objects.filter(pk=judgement.pk).exists()
