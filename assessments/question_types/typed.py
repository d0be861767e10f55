"""What the types whose learner types the answer (short answer, numerical)
share: a list of accepted answers, each with a credit (whole percentage) and its
own feedback, tried in order (``assessments/typed_grading.py`` grades them); a
text box in the attempt page; the review shows what was typed.

The answer is the typed text as is (no token: it gives nothing away), trimmed
and with its runs of spaces made one by the key's ``normalize``.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import AnswerFormatError, QuestionForm, QuestionType, child_ids
from .blocks import fail
from .credits import percent_from_data, whole_percent_problem


def credit_block():
    return blocks.IntegerBlock(
        label=_("crédito (%)"), min_value=0, max_value=100, default=100
    )


def feedback_block():
    return blocks.TextBlock(label=_("retroalimentación"), required=False)


class AnswersBlock(blocks.StructBlock):
    """A block with a list ``answers`` of accepted answers, one worth 100 %;
    subclasses add their own rules in ``check_answers``."""

    def clean(self, value):
        value = super().clean(value)
        if not any(a["credit"] == 100 for a in value["answers"]):
            fail(_("Al menos una respuesta debe valer 100 %."))
        self.check_answers(value)
        return value

    def check_answers(self, value) -> None:
        raise NotImplementedError


class TextBoxType(QuestionType):
    """A type whose learner types the answer in a text box (``extra``: the
    saved ``value`` and the box's ``max_length``). The answer is the text as
    typed: no token, it gives nothing away."""

    answer_shape = "one"
    #: The widget's maxlength.
    max_length: int = 200

    def form(self, *, position, payload, display, answer):
        return QuestionForm(
            position,
            self.name,
            payload["stem"],
            answered=bool(answer),
            extra={"value": answer or "", "max_length": self.max_length},
        )

    def decode(self, *, display, raw):
        if not isinstance(raw, str):
            raise AnswerFormatError(self.name)
        return raw

    def encode(self, *, display, answer):
        return answer

    def answer_texts(self, payload, answer):
        return (str(answer),)


class TypedAnswerType(TextBoxType):
    """Payload ``answers``: ``[{"id", ..., "credit": 0..100, "feedback"}]``."""

    # -- the type's own fields of one accepted answer

    def answer_payload(self, answer) -> dict:
        raise NotImplementedError

    def answer_data(self, data: dict) -> dict:
        """The block value of one accepted answer of the bank's data."""
        raise NotImplementedError

    def answer_text(self, answer: dict) -> str:
        """One accepted answer as the review shows it."""
        raise NotImplementedError

    def settings_payload(self, value) -> dict:
        """The type's question-wide settings in the payload."""
        return {}

    # -- the bank and the payload

    def content_value(self, data, items):
        answers = [
            {
                **self.answer_data(a),
                "credit": percent_from_data(a.get("credit", "1")),
                "feedback": a.get("feedback", ""),
            }
            for a in data["answers"]
        ]
        return {**self.settings_data(data), "answers": items("answers", answers)}

    def settings_data(self, data: dict) -> dict:
        return {}

    def payload(self, value):
        return {
            **self.settings_payload(value),
            "answers": [
                {
                    "id": answer_id,
                    **self.answer_payload(answer),
                    "credit": answer["credit"],
                    "feedback": answer["feedback"] or "",
                }
                for answer_id, answer in child_ids(value["answers"])
            ],
        }

    # -- the review

    def right_texts(self, payload):
        texts = []
        for answer in payload["answers"]:
            if answer["credit"] == 100:
                texts.append(self.answer_text(answer))
            elif answer["credit"] > 0:
                texts.append(
                    gettext("%(answer)s (vale %(credit)s %%)")
                    % {"answer": self.answer_text(answer), "credit": answer["credit"]}
                )
        return tuple(texts)

    def option_feedback(self, payload, answer):
        index = self.answer_key(payload).match(answer)
        if index is None:
            return ()
        feedback = payload["answers"][index]["feedback"]
        return (feedback,) if feedback else ()

    # -- GIFT

    def credit_problems(self, entries) -> list[str]:
        """Problems of GIFT answers ``(text, credit)`` our blocks cannot hold."""
        problems = []
        for text, credit in entries:
            problem = whole_percent_problem(credit, text)
            if problem:
                problems.append(problem)
        return problems

    # -- demo and tests

    def right_answer(self, key):
        return key.right_answer()
