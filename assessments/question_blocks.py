"""The type-specific content of a question, as a one-block StreamField: the block's
type is the question's type, and each block validates the rules of its type."""

from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


def _fail(message):
    raise blocks.StructBlockValidationError(non_block_errors=ErrorList([message]))


def _unique(texts, message):
    cleaned = [t.strip().casefold() for t in texts]
    if len(set(cleaned)) != len(cleaned):
        _fail(message)


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("opción"), max_length=500)
    correct = blocks.BooleanBlock(label=_("es correcta"), required=False)
    feedback = blocks.TextBlock(label=_("retroalimentación"), required=False)


class _OptionsBlock(blocks.StructBlock):
    """A block with a list of options whose texts must differ; subclasses add the
    rule of their type in check_options."""

    def clean(self, value):
        value = super().clean(value)
        _unique([o["text"] for o in value["options"]], _("Las opciones se repiten."))
        self.check_options(value["options"])
        return value

    def check_options(self, options):
        raise NotImplementedError


class SingleChoiceBlock(_OptionsBlock):
    options = blocks.ListBlock(ChoiceOptionBlock(), label=_("opciones"), min_num=2)

    class Meta:
        icon = "radio-full"
        label = _("Opción única")

    def check_options(self, options):
        if sum(1 for o in options if o["correct"]) != 1:
            _fail(_("Una pregunta de opción única tiene exactamente una correcta."))


class MultipleResponseBlock(_OptionsBlock):
    options = blocks.ListBlock(ChoiceOptionBlock(), label=_("opciones"), min_num=3)

    class Meta:
        icon = "tasks"
        label = _("Respuesta múltiple")

    def check_options(self, options):
        right = sum(1 for o in options if o["correct"])
        if right < 1 or right == len(options):
            _fail(_("Marca al menos una opción correcta y al menos una incorrecta."))


class TrueFalseBlock(blocks.StructBlock):
    answer = blocks.BooleanBlock(label=_("la afirmación es verdadera"), required=False)

    class Meta:
        icon = "tick"
        label = _("Verdadero o falso")


class MatchingPairBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(label=_("enunciado"), max_length=500)
    match = blocks.CharBlock(label=_("pareja"), max_length=500)


class MatchingBlock(blocks.StructBlock):
    pairs = blocks.ListBlock(MatchingPairBlock(), label=_("parejas"), min_num=2)

    class Meta:
        icon = "link"
        label = _("Relacionar columnas")

    def clean(self, value):
        value = super().clean(value)
        _unique([p["prompt"] for p in value["pairs"]], _("Los enunciados se repiten."))
        _unique([p["match"] for p in value["pairs"]], _("Las parejas se repiten."))
        return value


class OrderingBlock(blocks.StructBlock):
    items = blocks.ListBlock(
        blocks.CharBlock(max_length=500),
        label=_("elementos en el orden correcto"),
        min_num=2,
    )

    class Meta:
        icon = "list-ol"
        label = _("Ordenar")

    def clean(self, value):
        value = super().clean(value)
        _unique(list(value["items"]), _("Los elementos se repiten."))
        return value


class SituationalOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("opción"), max_length=500)
    credit = blocks.IntegerBlock(
        label=_("crédito (%)"), min_value=0, max_value=100, default=0
    )
    feedback = blocks.TextBlock(label=_("retroalimentación"))


class SituationalBlock(_OptionsBlock):
    options = blocks.ListBlock(SituationalOptionBlock(), label=_("opciones"), min_num=2)

    class Meta:
        icon = "user"
        label = _("Juicio situacional")

    def check_options(self, options):
        if not any(o["credit"] == 100 for o in options):
            _fail(_("Al menos una opción debe valer 100 %."))


class QuestionContentBlock(blocks.StreamBlock):
    single = SingleChoiceBlock()
    multiple = MultipleResponseBlock()
    true_false = TrueFalseBlock()
    matching = MatchingBlock()
    ordering = OrderingBlock()
    situational = SituationalBlock()

    class Meta:
        min_num = 1
        max_num = 1
