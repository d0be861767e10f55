"""Re-grading from the admin: a trainer corrects a key in the question's edit
form, sees how many attempts a re-grade would touch, confirms, and the past
attempt's score and verdict change; the re-grade is recorded and listed."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from assessments.attempt_services import (
    attempt_save_answer,
    attempt_start,
    attempt_submit,
)
from assessments.models import ElementResult, RegradeRecord
from tests.factories import (
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    UserFactory,
    build_assessment,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("wagtailadmin_login")
ADMIN_HOME = reverse("wagtailadmin_home")
RECORDS_URL = reverse("wagtailsnippets_assessments_regraderecord:list")


def regrade_url(question):
    return reverse("assessments_question_regrade", args=[question.pk])


def edit_url(question):
    return reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])


@pytest.fixture
def scenario():
    """Two single-choice questions, threshold 100 %. The learner picked the second
    option of q1, which the key (wrongly) says is not the right one."""
    assessment, _elements, bank = build_assessment(
        questions=(2,), threshold_percent=100
    )
    q1, q2 = bank[0]
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    for response in attempt.responses.select_related("version__question"):
        options = response.version.payload["options"]
        index = 1 if response.version.question_id == q1.pk else 0
        attempt_save_answer(
            attempt=attempt, position=response.position, raw_answer=options[index]["id"]
        )
    attempt = attempt_submit(attempt=attempt)
    assert (attempt.score, attempt.competent) == (1 / 2, False)
    return q1, attempt


def content_form_data(question, *, right: int) -> dict:
    """The content field as the admin's block editor posts it: the same option
    texts and ids (Wagtail keeps them on edit), with option ``right`` the right
    one."""
    block = question.content[0]
    data = {
        "content-count": "1",
        "content-0-type": block.block_type,
        "content-0-id": block.id,
        "content-0-order": "0",
        "content-0-deleted": "",
        "content-0-value-options-count": str(len(block.value["options"])),
    }
    for index, child in enumerate(block.value["options"].bound_blocks):
        prefix = f"content-0-value-options-{index}"
        data |= {
            f"{prefix}-id": child.id,
            f"{prefix}-order": str(index),
            f"{prefix}-deleted": "",
            f"{prefix}-value-text": child.value["text"],
            f"{prefix}-value-feedback": child.value["feedback"] or "",
        }
        if index == right:
            data[f"{prefix}-value-correct"] = "on"
    return data


def correct_the_key(client, question):
    """Through the admin edit form, as a trainer would: the second option becomes
    the right one."""
    response = client.get(edit_url(question))
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    data.update(content_form_data(question, right=1))
    response = client.post(edit_url(question), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_regrade_changes_a_past_attempt_and_is_recorded(client, scenario):
    """After the key is corrected, the confirmation page counts one attempt; the
    re-grade raises its score to 100 %, makes it competent, updates its element
    result, records who did it and what changed, and says so."""
    question, attempt = scenario
    trainer = TrainerFactory()
    client.force_login(trainer)
    correct_the_key(client, question)

    page = client.get(regrade_url(question)).content.decode()
    assert "Se recalificará 1 intento enviado" in page
    assert "Esta pregunta no se ha recalificado." in page

    response = client.post(regrade_url(question), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Se recalificó 1 intento de {question.code}; cambió 1 dictamen." in html

    attempt.refresh_from_db()
    assert (attempt.score, attempt.competent) == (1, True)
    assert ElementResult.objects.get(attempt=attempt).passed is True
    record = RegradeRecord.objects.get(question=question)
    assert (record.attempts_regraded, record.verdicts_changed) == (1, 1)
    assert record.by == trainer
    assert record.details[0]["score_before"] == "1/2"
    assert record.details[0]["competent_after"] is True
    assert html.count("data-regrade-record") == 1
    # Nothing left to re-grade.
    assert "No hay intentos enviados por recalificar" in html


def test_nothing_to_regrade_before_a_correction(client, scenario):
    """Without a change of key no attempt would change: the page says so and offers
    no button."""
    question, _ = scenario
    client.force_login(TrainerFactory())
    page = client.get(regrade_url(question)).content.decode()
    assert "No hay intentos enviados por recalificar" in page
    assert "Sí, recalificar intentos" not in page


def test_regrade_records_are_listed_read_only(client, scenario):
    """Trainers see the re-grade records in the admin; nobody adds, edits or
    deletes them by hand."""
    question, _ = scenario
    client.force_login(TrainerFactory())
    correct_the_key(client, question)
    client.post(regrade_url(question))
    record = RegradeRecord.objects.get(question=question)
    response = client.get(RECORDS_URL)
    assert response.status_code == 200
    assert question.code in response.content.decode()
    inspect = reverse(
        "wagtailsnippets_assessments_regraderecord:inspect", args=[record.pk]
    )
    assert client.get(inspect).status_code == 200
    # Not even a superuser adds, edits or deletes a record by hand.
    for user in (TrainerFactory(), UserFactory(is_superuser=True)):
        client.force_login(user)
        for name in ("add", "edit", "delete"):
            args = [] if name == "add" else [record.pk]
            url = reverse(
                f"wagtailsnippets_assessments_regraderecord:{name}", args=args
            )
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"] == ADMIN_HOME
        assert client.get(RECORDS_URL).status_code == 200


def test_the_edit_page_and_listing_offer_the_regrade(client, scenario):
    question, _ = scenario
    client.force_login(TrainerFactory())
    assert regrade_url(question) in client.get(edit_url(question)).content.decode()


# ------------------------------------------------------------------- access


@pytest.mark.parametrize("who", ["anonymous", "learner", "hr"])
def test_only_trainers_regrade(client, scenario, who):
    """Anonymous users and learners go to the admin login, HR to the admin home,
    for the page and the POST; nothing is re-graded."""
    question, attempt = scenario
    trainer = Client()
    trainer.force_login(TrainerFactory())
    correct_the_key(trainer, question)
    if who == "learner":
        client.force_login(LearnerFactory())
    elif who == "hr":
        client.force_login(HRFactory())
    for response in (
        client.get(regrade_url(question)),
        client.post(regrade_url(question)),
    ):
        assert response.status_code == 302
        if who == "hr":
            assert response["Location"] == ADMIN_HOME
        else:
            assert response["Location"].startswith(LOGIN_URL)
    assert not RegradeRecord.objects.exists()
    attempt.refresh_from_db()
    assert attempt.competent is False
    assert trainer.get(regrade_url(question)).status_code == 200


def test_regrade_needs_the_csrf_token(scenario):
    """A POST without the CSRF token is refused and re-grades nothing."""
    question, _ = scenario
    client = Client(enforce_csrf_checks=True)
    client.force_login(TrainerFactory())
    response = client.post(regrade_url(question))
    assert response.status_code == 403
    assert not RegradeRecord.objects.exists()
