"""Single choice: the learner picks one option; one or more of the options are
right, and picking any right one earns full marks."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import gift
from ..grading import AnswerKey
from . import registry
from .blocks import ChoiceOptionBlock, OptionsBlock, fail
from .options import RightOptionsType


class SingleChoiceBlock(OptionsBlock):
    options = blocks.ListBlock(ChoiceOptionBlock(), label=_("opciones"), min_num=2)

    class Meta:
        icon = "radio-full"
        label = _("Opción única")

    def check_options(self, options):
        right = sum(1 for o in options if o["correct"])
        if right < 1 or right == len(options):
            fail(
                _(
                    "Una pregunta de opción única tiene al menos una opción correcta "
                    "y al menos una incorrecta (si marcas varias correctas, "
                    "cualquiera de ellas vale el 100 %)."
                )
            )


@registry.register
class SingleChoice(RightOptionsType):
    """GIFT: a right option has credit 100 %, the others 0 %. On import every
    option worth 100 % is right: ``{=a =b ~c}`` is, as in Moodle, one pick where
    either ``a`` or ``b`` earns full marks (GIFT's negative weights on wrong
    options mean nothing here: a single choice never subtracts)."""

    name = "single"
    block = SingleChoiceBlock

    def answer_key(self, payload):
        options = payload["options"]
        right = [o["id"] for o in options if o["correct"]]
        return AnswerKey.single([o["id"] for o in options], right)

    def gift_option(self, option, options):
        return gift.GiftOption(
            option["text"], 1 if option["correct"] else 0, option["feedback"] or ""
        )

    def from_gift(self, question):
        options = [
            {"text": o.text, "correct": o.credit == 1, "feedback": o.feedback}
            for o in question.options
        ]
        return {"options": options}, []

    def right_answer(self, key):
        return min(key.correct)

    def example_data(self, *, right=0):
        texts = ["Saludar por su nombre", "Ignorar al cliente", "Interrumpirlo"]
        return {
            "type": self.name,
            "options": [
                {"text": text, "correct": index == right}
                for index, text in enumerate(texts)
            ],
        }

    def example_answer(self, payload, *, right=True):
        return next(o["id"] for o in payload["options"] if o["correct"] == right)
