"""Short answer: the learner types a word or a phrase; it is compared with the
accepted answers under the question's normalisation rule (typed_grading)."""

from fractions import Fraction

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import gift
from ..typed_grading import (
    MAX_TEXT_CHARS,
    Accepted,
    ShortAnswerKey,
    TextRule,
    normalize_text,
)
from . import registry
from .blocks import fail
from .typed import AnswersBlock, TypedAnswerType, credit_block, feedback_block

# GIFT cannot say how strictly to compare: our metadata comment carries it.
_META_FLAGS = ("case_sensitive", "accent_sensitive")


class AcceptedAnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        label=_("respuesta aceptada"),
        max_length=MAX_TEXT_CHARS,
        help_text=_("Un * vale por cualquier texto (por ejemplo «ventanilla*7»)."),
    )
    credit = credit_block()
    feedback = feedback_block()


class ShortAnswerBlock(AnswersBlock):
    answers = blocks.ListBlock(
        AcceptedAnswerBlock(), label=_("respuestas aceptadas"), min_num=1
    )
    case_sensitive = blocks.BooleanBlock(
        label=_("distinguir mayúsculas de minúsculas"), required=False
    )
    accent_sensitive = blocks.BooleanBlock(
        label=_("distinguir acentos"),
        required=False,
        help_text=_(
            "Sin marcar, «según» y «segun» cuentan igual (la ñ siempre cuenta). "
            "Los espacios y signos de puntuación al principio y al final nunca "
            "cuentan."
        ),
    )

    class Meta:
        icon = "edit"
        label = _("Respuesta corta")

    def check_answers(self, value):
        rule = TextRule(value["case_sensitive"], value["accent_sensitive"])
        seen = set()
        for answer in value["answers"]:
            normalized = normalize_text(answer["text"], rule)
            if not normalized:
                fail(_("Una respuesta aceptada no tiene letras ni números."))
            if normalized in seen:
                fail(
                    _(
                        "Las respuestas aceptadas se repiten según la regla de "
                        "mayúsculas y acentos elegida."
                    )
                )
            seen.add(normalized)


def _rule(payload: dict) -> TextRule:
    return TextRule(
        bool(payload.get("case_sensitive")), bool(payload.get("accent_sensitive"))
    )


@registry.register
class ShortAnswer(TypedAnswerType):
    """GIFT: ``{=Grant =Ulises Grant =%50%Ulises}``: every answer starts with
    ``=``, with an optional weight and feedback. The comparison rule travels in
    the metadata comment (``case_sensitive=true``, ``accent_sensitive=true``);
    without it, as in a file from Moodle, case and accents are ignored."""

    name = "short_answer"
    block = ShortAnswerBlock
    max_length = MAX_TEXT_CHARS

    def settings_data(self, data):
        return {flag: bool(data.get(flag, False)) for flag in _META_FLAGS}

    def settings_payload(self, value):
        return {flag: bool(value[flag]) for flag in _META_FLAGS}

    def answer_data(self, data):
        return {"text": data["text"]}

    def answer_payload(self, answer):
        return {"text": answer["text"]}

    def answer_text(self, answer):
        return answer["text"]

    def answer_key(self, payload):
        return ShortAnswerKey(
            self.name,
            tuple(
                Accepted(a["text"], Fraction(a["credit"], 100))
                for a in payload["answers"]
            ),
            _rule(payload),
        )

    def to_gift(self, value, common):
        flags = tuple((flag, "true") for flag in _META_FLAGS if value[flag])
        options = tuple(
            gift.GiftOption(a["text"], Fraction(a["credit"], 100), a["feedback"] or "")
            for a in value["answers"]
        )
        return gift.GiftQuestion(
            type=self.name,
            options=options,
            **{**common, "meta": tuple(common["meta"]) + flags},
        )

    def from_gift(self, question):
        meta = dict(question.meta)
        answers = [
            {"text": o.text, "credit": o.credit, "feedback": o.feedback}
            for o in question.options
        ]
        problems = self.credit_problems((o.text, o.credit) for o in question.options)
        flags = {flag: meta.get(flag) == "true" for flag in _META_FLAGS}
        return {**flags, "answers": answers}, problems

    def example_data(self, *, right=0):
        return {
            "type": self.name,
            "answers": [
                {"text": "Ventanilla 7", "credit": "1"},
                {"text": "siete", "credit": "1/2", "feedback": "Di cuál."},
            ],
        }

    def example_answer(self, payload, *, right=True):
        return payload["answers"][0]["text"] if right else "Ventanilla uno"
