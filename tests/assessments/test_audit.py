"""The audit trail of the question bank: a trainer's change of a question's key
in the admin is recorded as theirs, and reads before → after in "Historial de
cambios" (issue 12, item 8)."""

import pytest
from django.urls import reverse

from assessments.models import Question
from tests.factories import CriterionFactory, HRFactory, TrainerFactory

from .test_question_bank_admin import ADD_URL, edit_url, single_form

pytestmark = pytest.mark.django_db


def test_a_key_changed_in_the_admin_is_recorded_and_readable(client):
    trainer = TrainerFactory(first_name="Tere", last_name="Autora")
    criterion = CriterionFactory()
    client.force_login(trainer)
    assert client.post(ADD_URL, single_form(criterion)).status_code == 302
    question = Question.objects.get(code="ADM-001")
    response = client.post(edit_url(question), single_form(criterion, correct=(2,)))
    assert response.status_code == 302
    created, changed = question.history.order_by("history_date", "history_id")
    assert (created.history_type, changed.history_type) == ("+", "~")
    assert {created.history_user, changed.history_user} == {trainer}

    trail = client.get(reverse("accounts_audit_trail"))
    entries = [e for e in trail.context["entries"] if e.record.id == question.pk]
    assert [e.kind for e in entries] == ["Cambio", "Alta"]
    assert entries[0].author == "Tere Autora"

    detail = client.get(
        reverse("accounts_audit_change", args=["assessments.question", changed.pk])
    )
    assert detail.status_code == 200
    (answers,) = [
        c for c in detail.context["changes"] if c.label == "Tipo y respuestas"
    ]
    before = [line for line in answers.before.splitlines() if '"correct"' in line]
    after = [line for line in answers.after.splitlines() if '"correct"' in line]
    assert [("true" in line) for line in before] == [True, False, False]
    assert [("true" in line) for line in after] == [False, False, True]


def test_hr_may_not_read_question_changes(client):
    question = Question.objects.create(
        code="ADM-HR", criterion=CriterionFactory(), stem="¿?", content=[]
    )
    client.force_login(HRFactory())
    record = question.history.first()
    response = client.get(
        reverse("accounts_audit_change", args=["assessments.question", record.pk])
    )
    assert response.status_code == 404
