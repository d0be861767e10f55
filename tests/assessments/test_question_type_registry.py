"""A question type is one module and one template: this file defines a type of
its own, "short exact answer" (the learner types a word; it is right when it equals
one of the accepted answers, ignoring case and surrounding spaces), registers
it, and takes it end to end through the bank, a frozen version, an attempt, the
attempt page, the learner's save (JSON and plain form), the submit, the score
and the review. Its widget template lives in tests/assessments/jinja2, added
to the Jinja2 engine's dirs for these tests only; the type is unregistered afterwards.
"""

import json
import random
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from django.urls import reverse
from wagtail import blocks

from assessments import gift_bridge, grading, payloads
from assessments.admin_selectors import question_type_choices
from assessments.attempt_services import attempt_start
from assessments.grading import AnswerShapeError
from assessments.models import AssessmentPage, Attempt, Question
from assessments.question_blocks import QuestionContentBlock
from assessments.question_services import question_version_current
from assessments.question_types import registry
from assessments.question_types.typed import TextBoxType
from tests.factories import (
    QUESTION_TYPES,
    LearnerFactory,
    answer_for,
    build_assessment,
    question_data,
)

pytestmark = pytest.mark.django_db

# The widgets are Jinja2 templates (assessments.jinja2_env).
TEMPLATES_DIR = Path(__file__).parent / "jinja2"
MAX_LENGTH = 100


# --------------------------------------------------------- the type, all of it


def _canonical(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class ExactAnswerKey:
    """A pure key (see grading.Key): the accepted answers, canonical."""

    type: str
    accepted: frozenset[str]

    def ratio(self, answer: object) -> tuple[int, int]:
        if isinstance(answer, str) and _canonical(answer) in self.accepted:
            return (1, 1)
        return (0, 1)

    def normalize(self, raw: object) -> object:
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str):
            raise AnswerShapeError(f"expected text, got {type(raw).__name__}")
        if len(raw) > MAX_LENGTH:
            raise AnswerShapeError("the answer is too long")
        return " ".join(raw.split()) or None


class ExactAnswerBlock(blocks.StructBlock):
    accepted = blocks.ListBlock(
        blocks.CharBlock(max_length=MAX_LENGTH), label="respuestas aceptadas", min_num=1
    )

    class Meta:
        icon = "edit"
        label = "Respuesta corta exacta"


class ExactAnswer(TextBoxType):
    """The text box, the form and the decoding come from ``TextBoxType``, as
    the built-in short answer's do."""

    name = "exact_answer"
    block = ExactAnswerBlock
    max_length = MAX_LENGTH

    def content_value(self, data, items):
        return {"accepted": items("accepted", list(data["accepted"]))}

    def payload(self, value):
        return {"accepted": list(value["accepted"])}

    def answer_key(self, payload):
        return ExactAnswerKey(
            self.name, frozenset(_canonical(a) for a in payload["accepted"])
        )

    def right_texts(self, payload):
        return tuple(payload["accepted"])

    def right_answer(self, key):
        return min(key.accepted)

    def example_data(self, *, right=0):
        return {"type": self.name, "accepted": ["Ventanilla siete", "Ventanilla 7"]}

    def example_answer(self, payload, *, right=True):
        return payload["accepted"][0] if right else "Ventanilla uno"


@pytest.fixture
def exact_answer(settings):
    settings.TEMPLATES = [
        {**engine, "DIRS": [*engine.get("DIRS", []), TEMPLATES_DIR]}
        if engine["BACKEND"].endswith("Jinja2")
        else engine
        for engine in settings.TEMPLATES
    ]
    registry.register(ExactAnswer)
    yield registry.get("exact_answer")
    registry.unregister("exact_answer")


# ------------------------------------------------------------------- the tests


def test_a_registered_type_is_offered_and_forgotten(exact_answer):
    """Registered, the type is a block of the question editor and a choice of the
    bank's type filter, after the built-ins; unregistered, it is gone, and a
    second registration of a taken name is refused."""
    assert list(QuestionContentBlock().child_blocks) == [
        *QUESTION_TYPES,
        "exact_answer",
    ]
    content_block = Question._meta.get_field("content").stream_block
    assert "exact_answer" in content_block.child_blocks
    assert ("exact_answer", "Respuesta corta exacta") in question_type_choices()
    with pytest.raises(ValueError, match="already registered"):
        registry.register(ExactAnswer)

    registry.unregister("exact_answer")
    assert "exact_answer" not in content_block.child_blocks
    assert [t.name for t in registry.all()] == list(QUESTION_TYPES)
    registry.register(ExactAnswer)  # for the fixture's teardown


def test_the_new_type_end_to_end(client, exact_answer):
    """A question of the new type (made by the factories from the type's example
    data) is valid, freezes a version with the type's payload, is drawn into an
    attempt, renders with its own widget and no key, takes a plain form save
    (wrong) and a JSON save (right, in other case and spacing), scores 1 on
    submit and reads in the review with the learner's and the right answer."""
    assessment, _elements, bank = build_assessment(
        questions=(1,),
        kinds=("exact_answer",),
        review_answers=AssessmentPage.ReviewAnswers.AFTER_PASS,
    )
    question = bank[0][0]
    assert question.type == "exact_answer"
    assert question.get_type_display() == "Respuesta corta exacta"
    question.content.stream_block.clean(question.content)

    version = question_version_current(question=question)
    assert version.payload == {
        "type": "exact_answer",
        "stem": question.stem,
        "feedback": question.feedback,
        "accepted": ["Ventanilla siete", "Ventanilla 7"],
    }
    key = payloads.answer_key(version.payload)
    assert grading.score(key, "  ventanilla   SIETE ") == 1
    assert grading.score(key, "Ventanilla uno") == 0
    assert grading.score(key, answer_for(version.payload, right=False)) == 0

    learner = LearnerFactory()
    attempt = attempt_start(
        learner=learner, assessment=assessment, rng=random.Random(7)
    )
    response = attempt.responses.get()
    assert response.version == version

    client.force_login(learner)
    page = client.get(attempt.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-type="exact_answer"' in html
    assert 'data-answer-shape="one"' in html
    assert 'name="q-1" id="q-1-text" value=""' in html
    assert "Ventanilla siete" not in html and "Ventanilla 7" not in html

    save_url = reverse("assessments:attempt_save", args=[attempt.uuid])
    saved = client.post(save_url, {"q-1": "Ventanilla uno"})
    assert saved.status_code in (200, 302, 303)
    response.refresh_from_db()
    assert response.answer == "Ventanilla uno"
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert 'value="Ventanilla uno"' in html

    saved = client.post(
        save_url,
        data=json.dumps({"position": 1, "answer": "  ventanilla   SIETE "}),
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["answered"] is True
    refused = client.post(
        save_url,
        data=json.dumps({"position": 1, "answer": ["no", "es", "texto"]}),
        content_type="application/json",
    )
    assert refused.status_code == 400

    submitted = client.post(reverse("assessments:attempt_submit", args=[attempt.uuid]))
    assert submitted.status_code in (302, 303)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.score == 1
    response.refresh_from_db()
    assert response.answer == "ventanilla SIETE"
    assert response.score == Fraction(1)

    review = client.get(reverse("assessments:attempt_result", args=[attempt.uuid]))
    body = review.content.decode()
    assert review.status_code == 200
    assert "Respuesta correcta:" in body
    assert "ventanilla SIETE" in body
    assert "Ventanilla siete" in body and "Ventanilla 7" in body


def test_the_new_type_in_factories_demo_and_gift(exact_answer):
    """Factories and the demo ask the type (no branching on it); a type without
    a GIFT mapping is left out of an export and counted as skipped."""
    from portal.demo import right_answer

    assert question_data("exact_answer")["accepted"][0] == "Ventanilla siete"
    payload = {"type": "exact_answer", "stem": "¿Dónde?", "accepted": ["Aquí"]}
    key = payloads.answer_key(payload)
    assert grading.score(key, right_answer(key)) == 1
    assert not exact_answer.gift_exportable

    _assessment, _elements, bank = build_assessment(
        questions=(2,), kinds=("exact_answer", "single")
    )
    questions = Question.objects.select_related(
        "criterion__standard", "criterion__element"
    ).filter(pk__in=[q.pk for q in bank[0]])
    export = gift_bridge.question_bank_export_gift(questions=questions)
    assert export.exported == [bank[0][1].code]
    assert export.skipped == [bank[0][0].code]
