"""The bank's cache key (``assessments.bank``): every change to what a start
draws from makes a new key, and nothing else does. The stamps are hand-written
SQL (``bank._stamp_sql``), so each change is checked on its own, on both
databases."""

import pytest
from freezegun import freeze_time

from assessments import bank
from assessments.models import Question
from tests.factories import CriterionFactory, QuestionFactory, build_assessment

pytestmark = pytest.mark.django_db


def _key(assessment) -> str:
    return bank._key(assessment, bank.blueprint_rows(assessment))


def _edit_stem(setup):
    question = Question.objects.get(pk=setup["question"].pk)
    question.stem = "¿Qué hace primero al recibir a un cliente?"
    question.save()


def _deactivate(setup):
    Question.objects.filter(pk=setup["question"].pk).update(active=False)


def _add_question(setup):
    QuestionFactory(criterion=setup["question"].criterion)


def _delete_question(setup):
    Question.objects.filter(pk=setup["question"].pk).delete()


def _add_asked_criterion(setup):
    CriterionFactory(element=setup["elements"][0])


def _question_elsewhere(setup):
    QuestionFactory()


def _nothing(setup):
    pass


@pytest.mark.parametrize(
    ("change", "new_key"),
    [
        pytest.param(_edit_stem, True, id="question-edited"),
        pytest.param(_deactivate, True, id="question-deactivated"),
        pytest.param(_add_question, True, id="question-added"),
        pytest.param(_delete_question, True, id="question-deleted"),
        pytest.param(_add_asked_criterion, True, id="criterion-added"),
        pytest.param(_question_elsewhere, False, id="other-standard-question"),
        pytest.param(_nothing, False, id="nothing"),
    ],
)
def test_a_change_to_the_bank_makes_a_new_key(change, new_key):
    with freeze_time("2025-03-03 15:00:00"):
        assessment, elements, questions = build_assessment(questions=(3, 2))
        before = _key(assessment)
    with freeze_time("2025-03-03 15:05:00"):
        change({"question": questions[0][0], "elements": elements})
        after = _key(assessment)
    assert (after != before) is new_key


def test_the_stamps_count_and_sum_the_element_s_active_questions():
    assessment, _elements, questions = build_assessment(questions=(3, 2))
    Question.objects.filter(pk=questions[1][0].pk).update(active=False)
    rows = sorted(bank.blueprint_rows(assessment), key=lambda row: row.element.order)
    assert [(row.bank_count, row.bank_ids) for row in rows] == [
        (3, sum(q.pk for q in questions[0])),
        (1, questions[1][1].pk),
    ]
    assert [row.criteria_count for row in rows] == [1, 1]
    latest = max(q.updated_at for q in questions[0])
    assert rows[0].bank_saved == Question.objects.get(updated_at=latest).updated_at
