"""True or false: one statement, its truth."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import gift
from ..grading import AnswerKey
from . import registry
from .base import AnswerFormatError, Option, QuestionForm, QuestionType

VALUES = ("true", "false")
TEXTS = {"true": _("Verdadero"), "false": _("Falso")}


class TrueFalseBlock(blocks.StructBlock):
    answer = blocks.BooleanBlock(label=_("la afirmación es verdadera"), required=False)

    class Meta:
        icon = "tick"
        label = _("Verdadero o falso")


def _text(value) -> str:
    return gettext("Verdadero") if value in (True, "true") else gettext("Falso")


@registry.register
class TrueFalse(QuestionType):
    """The answer is ``"true"`` or ``"false"``, posted as is (it gives nothing
    away). GIFT: ``{TRUE}`` / ``{FALSE}``."""

    name = "true_false"
    block = TrueFalseBlock

    def content_value(self, data, items):
        return {"answer": bool(data["answer"])}

    def payload(self, value):
        return {"answer": bool(value["answer"])}

    def answer_key(self, payload):
        return AnswerKey.true_false(payload["answer"])

    def learner_view(self, payload, order):
        return {
            "options": [{"id": "true", "text": None}, {"id": "false", "text": None}]
        }

    def form(self, *, position, payload, display, answer):
        options = tuple(
            Option(value, str(TEXTS[value]), answer == value) for value in VALUES
        )
        return QuestionForm(
            position,
            self.name,
            payload["stem"],
            options,
            answered=answer not in (None, "", [], {}),
        )

    def decode(self, *, display, raw):
        if raw not in VALUES:
            raise AnswerFormatError(self.name)
        return raw

    def encode(self, *, display, answer):
        return answer

    def answer_texts(self, payload, answer):
        return (_text(answer),)

    def right_texts(self, payload):
        return (_text(payload["answer"]),)

    def countable_options(self, payload):
        return [
            {
                "id": value,
                "text": str(text),
                "correct": (value == "true") == payload["answer"],
                "credit": None,
            }
            for value, text in TEXTS.items()
        ]

    def to_gift(self, value, common):
        return gift.GiftQuestion(type=self.name, answer=bool(value["answer"]), **common)

    def from_gift(self, question):
        return {"answer": bool(question.answer)}, []

    def right_answer(self, key):
        return next(iter(key.correct))

    def example_data(self, *, right=0):
        return {"type": self.name, "answer": True}

    def example_answer(self, payload, *, right=True):
        return "true" if payload["answer"] == right else "false"
