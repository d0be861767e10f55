"""Block pieces the built-in question types share."""

from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


def fail(message):
    raise blocks.StructBlockValidationError(non_block_errors=ErrorList([message]))


def check_unique(texts, message):
    cleaned = [t.strip().casefold() for t in texts]
    if len(set(cleaned)) != len(cleaned):
        fail(message)


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("opción"), max_length=500)
    correct = blocks.BooleanBlock(label=_("es correcta"), required=False)
    feedback = blocks.TextBlock(label=_("retroalimentación"), required=False)


class OptionsBlock(blocks.StructBlock):
    """A block with a list of options whose texts must differ; subclasses add the
    rule of their type in check_options."""

    def clean(self, value):
        value = super().clean(value)
        check_unique(
            [o["text"] for o in value["options"]], _("Las opciones se repiten.")
        )
        self.check_options(value["options"])
        return value

    def check_options(self, options):
        raise NotImplementedError
