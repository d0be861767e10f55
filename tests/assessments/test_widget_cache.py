"""The attempt page keeps the HTML of untouched question widgets per version and
language, whatever their display order (``assessments.question_render``): what
it serves from there is exactly what rendering afresh gives, at every position
and in every order, and nothing saved, flagged or in another language comes
from it."""

import dataclasses
import random

import pytest
from django.utils import translation

from assessments import learner_selectors, payloads, question_render
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
    question_render.navigators.clear()
    yield
    question_render.widgets.clear()
    question_render.navigators.clear()


@pytest.fixture
def builds(monkeypatch):
    """How many widgets were rendered to be kept."""
    count = {"n": 0}
    real = question_render._kept_pieces

    def counted(*args):
        count["n"] += 1
        return real(*args)

    monkeypatch.setattr(question_render, "_kept_pieces", counted)
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
    assert list(question_render.widgets._entries.values()) == [False]


# The parts each type's display order moves (one type may move several).
ORDERED = {
    "single": ("options",),
    "multiple": ("options",),
    "situational": ("options",),
    "matching": ("prompts", "matches"),
    "ordering": ("items",),
}


@pytest.mark.parametrize("kind", sorted(ORDERED))
def test_every_display_order_of_a_version_comes_from_one_entry(kind, builds):
    """Another learner's order of the same question (its parts reversed) is
    served from the first learner's entry, and is its own widget exactly."""
    _attempt, [question] = page_questions(kinds=(kind,))
    display = {
        name: list(reversed(order)) if name in ORDERED[kind] else order
        for name, order in question.display.items()
    }
    assert display != question.display
    other = dataclasses.replace(question, display=display, position=7)
    assert str(question_render.questions_html([question])) == afresh(question)
    assert str(question_render.questions_html([other])) == afresh(other)
    assert afresh(other) != afresh(dataclasses.replace(question, position=7))
    assert builds["n"] == 1
    [entry] = question_render.widgets._entries.values()
    assert entry is not False  # served from the kept pieces


def with_option_texts(question, texts):
    options = [
        {**option, "text": text}
        for option, text in zip(question.payload["options"], texts, strict=True)
    ]
    return dataclasses.replace(
        question, payload={**question.payload, "options": options}
    )


def test_texts_are_escaped_as_the_template_escapes_them(builds):
    _attempt, [question] = page_questions(kinds=("multiple",))
    count = len(question.payload["options"])
    texts = ['<b>Atiende & "cliente"</b>', "l'usuario <script>", "a > b", "1 < 2"]
    question = with_option_texts(question, (texts * count)[:count])
    html = str(question_render.questions_html([question]))
    assert html == afresh(question)
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    # ... and from the kept pieces, not from a render afresh.
    [entry] = question_render.widgets._entries.values()
    assert entry is not False


def test_a_widget_whose_join_differs_is_always_rendered_afresh(monkeypatch, builds):
    """Were a template to do more with a text than print it escaped, the first
    render's check marks the entry, and that widget is rendered afresh."""
    _attempt, [question] = page_questions(kinds=("single",))
    monkeypatch.setattr(question_render, "escape", lambda text: text.upper())
    for _request in range(2):
        assert str(question_render.questions_html([question])) == afresh(question)
    assert list(question_render.widgets._entries.values()) == [False]
    assert builds["n"] == 1


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_a_form_differs_between_display_orders_only_in_its_parts_texts(kind):
    """What lets one entry serve every order of a version: with the parts'
    texts replaced by markers, the forms of every order are equal."""
    _attempt, [question] = page_questions(kinds=(kind,))
    rng = random.Random(13)
    marked = set()
    for _order in range(12):
        display = payloads.display_order(question.payload, rng=rng, shuffle=True)
        form = dataclasses.replace(question, display=display).form()
        marked.add(repr(question_render._with_markers(form)))
    assert len(marked) == 1


# ------------------------------------------------------------------ navigator

NavItem = learner_selectors.NavItem


def navigator_afresh(navigator, shown=None, one_per_page=False) -> str:
    return question_render._render_navigator(navigator, shown, one_per_page)


NAVIGATOR_CASES = [
    # (items as (position, answered, flagged), shown, one question per page)
    ([(1, False, False), (2, False, False), (3, False, False)], None, False),
    ([(1, True, False), (2, False, False), (3, False, False)], None, False),
    ([(1, False, False), (2, False, True), (3, False, False)], None, False),
    ([(1, True, True), (2, False, False), (3, False, False)], None, False),
    ([(1, False, False), (2, False, False), (3, False, False)], 2, True),
    ([(1, False, False), (2, False, False), (3, False, False)], 3, True),
    ([(1, False, False), (2, False, False)], None, False),
]


def test_each_navigator_state_is_kept_apart_and_equals_its_fresh_render():
    served = set()
    for items, shown, one_per_page in NAVIGATOR_CASES:
        navigator = [NavItem(*item) for item in items]
        html = str(
            question_render.navigator_html(
                navigator, shown=shown, one_per_page=one_per_page
            )
        )
        assert html == navigator_afresh(navigator, shown, one_per_page)
        served.add(html)
    # no state was served another's entry
    assert len(served) == len(NAVIGATOR_CASES)
    assert len(question_render.navigators._entries) == len(NAVIGATOR_CASES)


def test_the_same_navigator_is_rendered_once(monkeypatch):
    renders = []
    real = question_render._render_navigator
    monkeypatch.setattr(
        question_render,
        "_render_navigator",
        lambda *args: renders.append(args) or real(*args),
    )
    first = [NavItem(position, False, False) for position in range(1, 37)]
    again = [NavItem(position, False, False) for position in range(1, 37)]
    assert question_render.navigator_html(first) == question_render.navigator_html(
        again
    )
    assert len(renders) == 1


def test_each_language_keeps_its_own_navigator():
    navigator = [NavItem(1, True, False), NavItem(2, False, False)]
    with translation.override("es-mx"):
        spanish = str(question_render.navigator_html(navigator))
    with translation.override("en"):
        english = str(question_render.navigator_html(navigator))
    assert "Sin responder" in spanish
    assert "Unanswered" in english
    assert "Sin responder" not in english
