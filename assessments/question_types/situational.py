"""Situational judgement: every option carries its own credit (0..100 %)."""

from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import gift
from ..grading import AnswerKey
from . import registry
from .blocks import OptionsBlock, fail
from .options import OptionsType


class SituationalOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("opción"), max_length=500)
    credit = blocks.IntegerBlock(
        label=_("crédito (%)"), min_value=0, max_value=100, default=0
    )
    feedback = blocks.TextBlock(label=_("retroalimentación"))


class SituationalBlock(OptionsBlock):
    options = blocks.ListBlock(SituationalOptionBlock(), label=_("opciones"), min_num=2)

    class Meta:
        icon = "user"
        label = _("Juicio situacional")

    def check_options(self, options):
        if not any(o["credit"] == 100 for o in options):
            fail(_("Al menos una opción debe valer 100 %."))


def _credit_percent(raw) -> int:
    credit = Fraction(str(raw))
    percent = credit * 100
    if percent.denominator != 1 or not 0 <= percent <= 100:
        raise ValueError(f"credit {raw} is not a whole percentage in [0, 100]")
    return int(percent)


def _percent_text(credit: Fraction) -> str:
    percent = credit * 100
    value = Decimal(percent.numerator) / Decimal(percent.denominator)
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


@registry.register
class Situational(OptionsType):
    """Bank data gives credits as fractions ("1/2"); the block stores whole
    percentages. GIFT: each credit is written as ``%N%``; a file with a credit
    that is not a whole percentage, or an option without feedback, is refused.
    In GIFT only ``// atiende: type=situational`` marks this type."""

    name = "situational"
    block = SituationalBlock
    # Choosing what to do in a scene is applying what was taught.
    default_level = "application"

    def content_value(self, data, items):
        return {
            "options": items(
                "options",
                [
                    {
                        "text": o["text"],
                        "credit": _credit_percent(o["credit"]),
                        "feedback": o.get("feedback", ""),
                    }
                    for o in data["options"]
                ],
            )
        }

    def option_payload(self, option):
        return {"credit": option["credit"]}

    def answer_key(self, payload):
        return AnswerKey.situational(
            [(o["id"], Fraction(o["credit"], 100)) for o in payload["options"]]
        )

    def right_texts(self, payload):
        return tuple(o["text"] for o in payload["options"] if o["credit"] == 100)

    def countable_options(self, payload):
        return [
            {"id": o["id"], "text": o["text"], "correct": None, "credit": o["credit"]}
            for o in payload["options"]
        ]

    def gift_option(self, option, options):
        return gift.GiftOption(
            option["text"], Fraction(option["credit"], 100), option["feedback"] or ""
        )

    def from_gift(self, question):
        options = []
        problems = []
        for option in question.options:
            percent = option.credit * 100
            if percent.denominator != 1:
                problems.append(
                    gettext(
                        "el crédito %(credit)s %% de la opción «%(option)s» no es un "
                        "porcentaje entero: en una pregunta situacional cada opción "
                        "vale un porcentaje entero de 0 a 100"
                    )
                    % {"credit": _percent_text(option.credit), "option": option.text}
                )
            if not option.feedback:
                problems.append(
                    gettext(
                        "la opción «%(option)s» necesita retroalimentación: en una "
                        "pregunta situacional cada opción la lleva"
                    )
                    % {"option": option.text}
                )
            options.append(
                {
                    "text": option.text,
                    "credit": option.credit,
                    "feedback": option.feedback,
                }
            )
        return {"options": options}, problems

    def right_answer(self, key):
        return next(option for option, credit in key.credits if credit == 1)

    def example_data(self, *, right=0):
        credits = ["0", "0", "0"]
        credits[(right + 1) % 3] = "1/2"
        credits[right] = "1"
        texts = ["Escucharlo y proponer", "Pedirle que se calme", "Llamar al jefe"]
        return {
            "type": self.name,
            "options": [
                {"text": text, "credit": credit, "feedback": f"Crédito {credit}."}
                for text, credit in zip(texts, credits, strict=True)
            ],
        }

    def example_answer(self, payload, *, right=True):
        wanted = 100 if right else 0
        return next(o["id"] for o in payload["options"] if o["credit"] == wanted)
