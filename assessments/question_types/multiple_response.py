"""Multiple response: several right options; partial credit (see grading)."""

from fractions import Fraction

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import gift
from ..grading import AnswerKey
from . import registry
from .blocks import ChoiceOptionBlock, OptionsBlock, fail
from .options import RightOptionsType


class MultipleResponseBlock(OptionsBlock):
    options = blocks.ListBlock(ChoiceOptionBlock(), label=_("opciones"), min_num=3)

    class Meta:
        icon = "tasks"
        label = _("Respuesta múltiple")

    def check_options(self, options):
        right = sum(1 for o in options if o["correct"])
        if right < 1 or right == len(options):
            fail(_("Marca al menos una opción correcta y al menos una incorrecta."))


@registry.register
class MultipleResponse(RightOptionsType):
    """GIFT: we store which options are right; we write the right ones with
    credit ``1/k`` and the wrong ones ``-1/k`` (k right options), which is how
    Moodle scores it the way we do. On import every option with positive credit
    is right, whatever its weight; negative or zero credit means wrong."""

    name = "multiple"
    block = MultipleResponseBlock
    answer_shape = "list"

    def answer_key(self, payload):
        options = payload["options"]
        return AnswerKey.multiple(
            [o["id"] for o in options], [o["id"] for o in options if o["correct"]]
        )

    def gift_option(self, option, options):
        right = sum(1 for o in options if o["correct"]) or 1
        return gift.GiftOption(
            option["text"],
            Fraction(1 if option["correct"] else -1, right),
            option["feedback"] or "",
        )

    def from_gift(self, question):
        options = [
            {"text": o.text, "correct": o.credit > 0, "feedback": o.feedback}
            for o in question.options
        ]
        return {"options": options}, []

    def right_answer(self, key):
        return sorted(key.correct)

    def example_data(self, *, right=0):
        return {
            "type": self.name,
            "options": [
                {"text": "Escuchar", "correct": True},
                {"text": "Confirmar la solicitud", "correct": True},
                {"text": "Discutir", "correct": False},
                {"text": "Mirar el reloj", "correct": False},
            ],
        }

    def example_answer(self, payload, *, right=True):
        return [o["id"] for o in payload["options"] if o["correct"] == right]
