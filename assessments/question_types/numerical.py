"""Numerical: the learner types a number; each accepted answer is a value with a
tolerance or an interval, with its credit (typed_grading grades it exactly)."""

from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import gift
from ..typed_grading import (
    MAX_NUMBER_CHARS,
    Interval,
    NumericalKey,
    decimal_text,
)
from . import registry
from .blocks import fail
from .typed import AnswersBlock, TypedAnswerType, credit_block, feedback_block

VALUE = "value"
RANGE = "range"


def _number_block(label, **kwargs):
    return blocks.DecimalBlock(
        label=label, required=False, max_digits=20, decimal_places=10, **kwargs
    )


class NumericalAnswerBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("forma"),
        choices=[
            (VALUE, _("valor con tolerancia")),
            (RANGE, _("intervalo (mínimo a máximo)")),
        ],
        default=VALUE,
    )
    value = _number_block(_("valor"))
    tolerance = _number_block(
        _("tolerancia (±)"), min_value=0, help_text=_("Vacía: el valor exacto.")
    )
    minimum = _number_block(_("mínimo"))
    maximum = _number_block(_("máximo"))
    credit = credit_block()
    feedback = feedback_block()


class NumericalBlock(AnswersBlock):
    answers = blocks.ListBlock(
        NumericalAnswerBlock(), label=_("respuestas aceptadas"), min_num=1
    )

    class Meta:
        icon = "decimal"
        label = _("Numérica")

    def check_answers(self, value):
        for answer in value["answers"]:
            if answer["kind"] == RANGE:
                if answer["minimum"] is None or answer["maximum"] is None:
                    fail(_("Un intervalo necesita su mínimo y su máximo."))
                if answer["minimum"] > answer["maximum"]:
                    fail(_("En un intervalo el mínimo no puede pasar del máximo."))
            elif answer["value"] is None:
                fail(_("Una respuesta con tolerancia necesita su valor."))


def _interval(answer: dict) -> tuple[Fraction, Fraction]:
    if answer["kind"] == RANGE:
        return Fraction(Decimal(answer["minimum"])), Fraction(
            Decimal(answer["maximum"])
        )
    value = Fraction(Decimal(answer["value"]))
    tolerance = Fraction(Decimal(answer["tolerance"]))
    return value - tolerance, value + tolerance


@registry.register
class Numerical(TypedAnswerType):
    """GIFT: ``{#3.14:0.01}`` (value and tolerance), ``{#1..5}`` (interval), and
    several answers with credits and feedback ``{#=1822:0 =%50%1822:2#Cerca}``.
    Interval ends are included."""

    name = "numerical"
    block = NumericalBlock
    max_length = MAX_NUMBER_CHARS

    def answer_data(self, data):
        if "min" in data or "max" in data:
            return {
                "kind": RANGE,
                "minimum": Decimal(str(data["min"])),
                "maximum": Decimal(str(data["max"])),
            }
        return {
            "kind": VALUE,
            "value": Decimal(str(data["value"])),
            "tolerance": Decimal(str(data.get("tolerance", "0"))),
        }

    def answer_payload(self, answer):
        if answer["kind"] == RANGE:
            return {
                "kind": RANGE,
                "minimum": decimal_text(answer["minimum"]),
                "maximum": decimal_text(answer["maximum"]),
            }
        return {
            "kind": VALUE,
            "value": decimal_text(answer["value"]),
            "tolerance": decimal_text(answer["tolerance"] or 0),
        }

    def answer_text(self, answer):
        if answer["kind"] == RANGE:
            return gettext("de %(minimum)s a %(maximum)s") % answer
        if Decimal(answer["tolerance"]) == 0:
            return answer["value"]
        return f"{answer['value']} ± {answer['tolerance']}"

    def answer_key(self, payload):
        intervals = []
        for answer in payload["answers"]:
            low, high = _interval(answer)
            example = answer["minimum"] if answer["kind"] == RANGE else answer["value"]
            intervals.append(
                Interval(low, high, Fraction(answer["credit"], 100), example)
            )
        return NumericalKey(self.name, tuple(intervals))

    def to_gift(self, value, common):
        numbers = []
        for answer in value["answers"]:
            if answer["kind"] == RANGE:
                first, second = answer["minimum"], answer["maximum"]
            else:
                first, second = answer["value"], answer["tolerance"] or Decimal(0)
            numbers.append(
                gift.GiftNumber(
                    kind=answer["kind"],
                    first=first,
                    second=second,
                    credit=Fraction(answer["credit"], 100),
                    feedback=answer["feedback"] or "",
                )
            )
        return gift.GiftQuestion(type=self.name, numbers=tuple(numbers), **common)

    def from_gift(self, question):
        answers = []
        for number in question.numbers:
            if number.kind == RANGE:
                answer = {"min": number.first, "max": number.second}
            else:
                answer = {"value": number.first, "tolerance": number.second}
            answers.append(
                {**answer, "credit": number.credit, "feedback": number.feedback}
            )
        problems = self.credit_problems((n.text, n.credit) for n in question.numbers)
        return {"answers": answers}, problems

    def example_data(self, *, right=0):
        return {
            "type": self.name,
            "answers": [
                {"value": "30", "tolerance": "0"},
                {"min": "25", "max": "35", "credit": "1/2", "feedback": "Cerca."},
            ],
        }

    def example_answer(self, payload, *, right=True):
        return payload["answers"][0]["value"] if right else "99"
