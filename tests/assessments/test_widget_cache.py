"""The attempt page keeps the HTML of untouched question widgets per version,
display order and language (``assessments.question_render``): what it serves
from there is exactly what rendering afresh gives, at every position, and
nothing saved, flagged or in another language comes from it."""

import dataclasses

import pytest
from django.utils import translation

from assessments import learner_selectors, question_render
from assessments.attempt_services import (
    attempt_flag,
    attempt_save_answer,
    attempt_start,
)
from tests.factories import QUESTION_TYPES, LearnerFactory, answer_for, build_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_widgets():
    question_render.widgets.clear()
    yield
    question_render.widgets.clear()


@pytest.fixture
def builds(monkeypatch):
    """How many widgets were rendered to be kept."""
    count = {"n": 0}
    real = question_render._untouched_widget

    def counted(question):
        count["n"] += 1
        return real(question)

    monkeypatch.setattr(question_render, "_untouched_widget", counted)
    return count


def page_questions(kinds=QUESTION_TYPES):
    assessment, _elements, _bank = build_assessment(
        questions=(len(kinds),), kinds=kinds
    )
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    return attempt, learner_selectors.attempt_questions(attempt=attempt)["questions"]


def afresh(question) -> str:
    return question_render.render_widgets(
        [(question.form(), question.saved_at, question.flagged)]
    )


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_a_kept_widget_is_the_widget_rendered_afresh_at_any_position(kind, builds):
    _attempt, [question] = page_questions(kinds=(kind,))
    assert question.untouched
    assert str(question_render.questions_html([question])) == afresh(question)
    elsewhere = dataclasses.replace(question, position=question.position + 17)
    assert str(question_render.questions_html([elsewhere])) == afresh(elsewhere)
    assert f'id="q-{elsewhere.position}"' in afresh(elsewhere)
    # the second came from the first's entry
    assert builds["n"] == 1


def test_a_whole_page_from_kept_widgets_is_the_page_rendered_afresh(builds):
    _attempt, questions = page_questions()
    expected = "".join(afresh(q) for q in questions)
    assert str(question_render.questions_html(questions)) == expected
    assert str(question_render.questions_html(questions)) == expected
    assert builds["n"] == len(questions)


def test_saved_and_flagged_questions_are_rendered_not_kept(builds):
    attempt, questions = page_questions(kinds=("single", "true_false"))
    first, second = questions
    attempt_save_answer(
        attempt=attempt, position=first.position, raw_answer=answer_for(first.payload)
    )
    attempt_flag(attempt=attempt, flags={second.position: True})
    questions = learner_selectors.attempt_questions(attempt=attempt)["questions"]
    assert not any(q.untouched for q in questions)
    html = str(question_render.questions_html(questions))
    assert html == "".join(afresh(q) for q in questions)
    assert " checked" in html
    assert builds["n"] == 0
    assert not question_render.widgets._entries


def test_each_language_keeps_its_own_widget(builds):
    _attempt, [question] = page_questions(kinds=("single",))
    with translation.override("es-mx"):
        spanish = str(question_render.questions_html([question]))
    with translation.override("en"):
        english = str(question_render.questions_html([question]))
    assert "Marcar para revisar" in spanish
    assert "Flag for review" in english
    assert "Marcar para revisar" not in english
    assert builds["n"] == 2


def test_a_version_holding_the_placeholder_is_never_kept(builds):
    _attempt, [question] = page_questions(kinds=("single",))
    payload = {**question.payload, "stem": f"Folio {question_render.PLACEHOLDER}"}
    question = dataclasses.replace(question, payload=payload)
    html = str(question_render.questions_html([question]))
    assert html == afresh(question)
    assert f"Folio {question_render.PLACEHOLDER}" in html
    assert not question_render.widgets._entries
