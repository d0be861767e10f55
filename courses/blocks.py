"""StreamField blocks for lessons. Every block has an icon, a template, a description
and preview data, so trainers see what each one does before they add it."""

from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from standards.models import Criterion

from . import illustrations

RICH_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("texto"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("nivel"),
        choices=[("h2", _("Título de sección")), ("h3", _("Subtítulo"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"
        description = _("Un título que divide la lección en secciones.")
        preview_value = {"text": "Saludar según el horario", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "courses/blocks/paragraph.html"
        description = _("Texto con formato: párrafos, listas y enlaces.")
        preview_value = "<p>El primer contacto marca el tono de todo el servicio.</p>"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("imagen"))
    alt_text = blocks.CharBlock(
        label=_("texto alternativo"),
        max_length=250,
        help_text=_("Describe la imagen para quien no puede verla."),
    )
    caption = blocks.CharBlock(label=_("pie de foto"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"
        description = _("Una imagen con texto alternativo obligatorio y pie de foto.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("tipo"),
        choices=[
            ("tip", _("Consejo")),
            ("important", _("Importante")),
            ("remember", _("Recuerda")),
        ],
        default="tip",
    )
    title = blocks.CharBlock(label=_("título"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("texto"), features=RICH_FEATURES)

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"
        description = _(
            "Un recuadro destacado: consejo, dato importante o recordatorio."
        )
        preview_value = {
            "kind": "tip",
            "title": "Consejo",
            "text": "<p>Sonríe también por teléfono: se nota en la voz.</p>",
        }


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("cita"))
    attribution = blocks.CharBlock(label=_("autor"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "courses/blocks/quote.html"
        description = _("Una cita breve, con autor opcional.")
        preview_value = {
            "quote": "Un cliente satisfecho es la mejor estrategia.",
            "attribution": "",
        }


class DialogueTurnBlock(blocks.StructBlock):
    speaker = blocks.CharBlock(label=_("quién habla"), max_length=80)
    line = blocks.TextBlock(label=_("lo que dice"))
    note = blocks.TextBlock(label=_("nota"), required=False)


class DialogueBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("título"), required=False, max_length=150)
    turns = blocks.ListBlock(DialogueTurnBlock(), label=_("turnos"), min_num=1)

    class Meta:
        icon = "comment"
        template = "courses/blocks/dialogue.html"
        description = _("Un guion de diálogo por turnos, con notas para quien atiende.")
        preview_value = {
            "title": "Bienvenida",
            "turns": [
                {
                    "speaker": "Asesora",
                    "line": "Buenos días, soy Ana. ¿En qué le ayudo?",
                },
                {"speaker": "Cliente", "line": "Vengo por mi trámite.", "note": ""},
            ],
        }


class ComparisonRowBlock(blocks.StructBlock):
    left = blocks.CharBlock(label=_("izquierda"), max_length=250)
    right = blocks.TextBlock(label=_("derecha"))


class ComparisonTableBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("título"), required=False, max_length=150)
    left_header = blocks.CharBlock(label=_("encabezado izquierdo"), max_length=80)
    right_header = blocks.CharBlock(label=_("encabezado derecho"), max_length=80)
    rows = blocks.ListBlock(ComparisonRowBlock(), label=_("filas"), min_num=1)

    class Meta:
        icon = "table"
        template = "courses/blocks/comparison_table.html"
        description = _("Una tabla de dos columnas, p. ej. postura y lo que refleja.")
        preview_value = {
            "title": "Posturas",
            "left_header": "Postura",
            "right_header": "Lo que refleja",
            "rows": [{"left": "Brazos cruzados", "right": "Defensa o desinterés"}],
        }


class CustomerTypeBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("tipo de cliente"), max_length=80)
    traits = blocks.RichTextBlock(label=_("rasgos"), features=RICH_FEATURES)
    how_to_serve = blocks.RichTextBlock(
        label=_("cómo atenderlo"), features=RICH_FEATURES
    )

    class Meta:
        icon = "user"
        template = "courses/blocks/customer_type.html"
        description = _("Ficha de un tipo de cliente: rasgos y cómo atenderlo.")
        preview_value = {
            "name": "Impaciente",
            "traits": "<p>Tiene prisa y lo demuestra.</p>",
            "how_to_serve": "<p>Atiende con rapidez y ve al punto.</p>",
        }


class StepBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("paso o pregunta"), max_length=250)
    decision = blocks.BooleanBlock(
        label=_("es una decisión sí/no"), required=False, default=False
    )
    yes = blocks.CharBlock(label=_("si la respuesta es sí"), required=False)
    no = blocks.CharBlock(label=_("si la respuesta es no"), required=False)


class StepFlowBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("título"), required=False, max_length=150)
    steps = blocks.ListBlock(StepBlock(), label=_("pasos"), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "courses/blocks/step_flow.html"
        description = _("Pasos ordenados con puntos de decisión sí/no.")
        preview_value = {
            "title": "Cliente en crisis",
            "steps": [
                {"text": "Escucha sin interrumpir."},
                {
                    "text": "¿Se calmó?",
                    "decision": True,
                    "yes": "Continúa con la solicitud.",
                    "no": "Pide apoyo a tu supervisor.",
                },
            ],
        }


class VoiceToneBlock(blocks.StructBlock):
    tone = blocks.CharBlock(label=_("tono"), max_length=60)
    reflects = blocks.TextBlock(label=_("qué refleja"))
    when_to_use = blocks.TextBlock(label=_("cuándo usarlo"))
    goal = blocks.TextBlock(label=_("objetivo"))

    class Meta:
        icon = "mail"
        template = "courses/blocks/voice_tone.html"
        description = _(
            "Ficha de un tono de voz: qué refleja, cuándo usarlo y para qué."
        )
        preview_value = {
            "tone": "Cálido",
            "reflects": "Cercanía y respeto.",
            "when_to_use": "Al saludar.",
            "goal": "Que la persona se sienta bienvenida.",
        }


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("término"), max_length=120)
    definition = blocks.TextBlock(label=_("definición"))


class GlossaryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("título"), required=False, max_length=150)
    terms = blocks.ListBlock(GlossaryTermBlock(), label=_("términos"), min_num=1)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/glossary.html"
        description = _("Una lista de términos con su definición.")
        preview_value = {
            "title": "Glosario",
            "terms": [
                {"term": "Tolerancia", "definition": "Respeto ante lo distinto."}
            ],
        }


class CheckOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("opción"), max_length=250)
    correct = blocks.BooleanBlock(label=_("es la correcta"), required=False)
    feedback = blocks.TextBlock(label=_("retroalimentación"))


class KnowledgeCheckBlock(blocks.StructBlock):
    """An ungraded practice question, checked on the server; never an assessment."""

    question = blocks.TextBlock(label=_("pregunta"))
    options = blocks.ListBlock(CheckOptionBlock(), label=_("opciones"), min_num=2)

    class Meta:
        icon = "help"
        template = "courses/blocks/knowledge_check.html"
        description = _(
            "Una pregunta de práctica con retroalimentación inmediata; no cuenta "
            "para la evaluación."
        )
        preview_value = {
            "question": "¿Cómo se saluda a las 16:00?",
            "options": [
                {"text": "Buenas tardes", "correct": True, "feedback": "Correcto."},
                {"text": "Buenos días", "correct": False, "feedback": "Es de tarde."},
            ],
        }

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for option in value["options"] if option["correct"]) != 1:
            raise blocks.StructBlockValidationError(
                non_block_errors=ErrorList(
                    [_("Marca exactamente una opción correcta.")]
                )
            )
        return value


def criterion_choices() -> list[tuple[str, str]]:
    """Every criterion of every standard, as "E1-D1 — text" (read when the
    editor opens, so new criteria appear without a code change)."""
    return [
        (code, f"{code} — {text[:90]}")
        for code, text in Criterion.objects.order_by(
            "standard__code", "order", "code"
        ).values_list("code", "text")
    ]


class PracticeMinutesBlock(blocks.IntegerBlock):
    """The estimated time of a practice activity. The lesson's own estimate may
    not be smaller than the sum of its activities (LessonPage.clean)."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("minutos estimados"),
            min_value=1,
            max_value=240,
            help_text=_("Tiempo total de la actividad, incluida la retroalimentación."),
            **kwargs,
        )


class ChecklistItemBlock(blocks.StructBlock):
    item = blocks.CharBlock(label=_("qué se observa"), max_length=300)
    criterion = blocks.ChoiceBlock(
        label=_("criterio"),
        choices=criterion_choices,
        help_text=_("El criterio del estándar que este punto practica."),
    )


class RolePlayBlock(blocks.StructBlock):
    """A role-play for a pair (or a trio with an observer): the situation, what
    each person plays, and the observer's checklist, drawn from the items of the
    guía de observación."""

    title = blocks.CharBlock(label=_("título"), max_length=150)
    minutes = PracticeMinutesBlock()
    situation = blocks.TextBlock(label=_("la situación"))
    customer_role = blocks.TextBlock(label=_("quien hace de cliente"))
    server_role = blocks.TextBlock(label=_("quien atiende"))
    checklist = blocks.ListBlock(
        ChecklistItemBlock(), label=_("lista de quien observa"), min_num=1
    )

    class Meta:
        icon = "group"
        template = "courses/blocks/role_play.html"
        description = _(
            "Un juego de roles en parejas o tríos: la situación, qué hace cada quien "
            "y la lista de quien observa, con el criterio de cada punto."
        )
        preview_value = {
            "title": "Saludo en ventanilla",
            "minutes": 20,
            "situation": "Una persona llega a la ventanilla a las 12:30.",
            "customer_role": "Llegas con prisa y preguntas por tu trámite.",
            "server_role": "Saluda según la hora y preséntate.",
            "checklist": [
                {"item": "Saludó según la hora del día.", "criterion": "E1-D2"}
            ],
        }


class SelfCheckItemBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("lo que la persona revisa"), max_length=300)
    criterion = blocks.ChoiceBlock(
        label=_("criterio"),
        choices=criterion_choices,
        required=False,
        help_text=_("Opcional: el criterio del estándar que practica."),
    )


class SelfCheckBlock(blocks.StructBlock):
    """A list the learner ticks for themself; nothing is stored."""

    title = blocks.CharBlock(label=_("título"), max_length=150)
    minutes = PracticeMinutesBlock()
    items = blocks.ListBlock(SelfCheckItemBlock(), label=_("puntos"), min_num=1)

    class Meta:
        icon = "tasks"
        template = "courses/blocks/self_check.html"
        description = _(
            "Una lista de autoevaluación: la persona marca lo que ya hace; no se "
            "guarda ni se califica."
        )
        preview_value = {
            "title": "¿Mi área está lista?",
            "minutes": 5,
            "items": [{"text": "Mi mostrador está despejado.", "criterion": "E1-D1"}],
        }


class IllustrationItemBlock(blocks.StructBlock):
    name = blocks.ChoiceBlock(label=_("ilustración"), choices=illustrations.choices)
    alt = blocks.CharBlock(
        label=_("texto alternativo"),
        max_length=250,
        help_text=_(
            "Qué muestra el dibujo y qué significa, para quien no puede verlo."
        ),
    )
    caption = blocks.CharBlock(label=_("pie"), required=False, max_length=200)


class IllustrationsBlock(blocks.StructBlock):
    """One or more drawings from the course's own set, side by side."""

    title = blocks.CharBlock(label=_("título"), required=False, max_length=150)
    items = blocks.ListBlock(IllustrationItemBlock(), label=_("dibujos"), min_num=1)

    class Meta:
        icon = "image"
        template = "courses/blocks/illustrations.html"
        description = _(
            "Dibujos del curso (posturas, gestos, expresiones, área de atención), "
            "con texto alternativo; varios se muestran lado a lado."
        )
        preview_value = {
            "title": "",
            "items": [
                {
                    "name": "brazos-cruzados",
                    "alt": "Persona con los brazos cruzados: actitud defensiva.",
                    "caption": "Brazos cruzados",
                }
            ],
        }


class LessonStreamBlock(blocks.StreamBlock):
    """The one shared stream of blocks every lesson body is made of."""

    heading = HeadingBlock(label=_("Título"))
    paragraph = ParagraphBlock(label=_("Texto"))
    image = CaptionedImageBlock(label=_("Imagen"))
    callout = CalloutBlock(label=_("Recuadro destacado"))
    quote = QuoteBlock(label=_("Cita"))
    dialogue = DialogueBlock(label=_("Guion de diálogo"))
    comparison_table = ComparisonTableBlock(label=_("Tabla comparativa"))
    customer_type = CustomerTypeBlock(label=_("Tipo de cliente"))
    step_flow = StepFlowBlock(label=_("Flujo de pasos"))
    voice_tone = VoiceToneBlock(label=_("Tono de voz"))
    glossary = GlossaryBlock(label=_("Glosario"))
    knowledge_check = KnowledgeCheckBlock(label=_("Comprobación de conocimientos"))
    illustrations = IllustrationsBlock(label=_("Ilustraciones"))
    role_play = RolePlayBlock(label=_("Juego de roles"))
    self_check = SelfCheckBlock(label=_("Autoevaluación"))


# The blocks that are practice activities: each carries its own ``minutes``.
PRACTICE_BLOCK_TYPES = ("role_play", "self_check")


def practice_minutes(stream) -> int:
    """The minutes of the practice activities in a lesson body (a StreamValue
    or its raw data)."""
    raw = getattr(stream, "raw_data", stream)
    return sum(
        int(block["value"].get("minutes") or 0)
        for block in raw
        if block.get("type") in PRACTICE_BLOCK_TYPES
    )


def practised_codes(stream) -> set[str]:
    """The criterion codes the practice activities of a lesson body are tagged
    with (a StreamValue or its raw data)."""
    raw = getattr(stream, "raw_data", stream)
    codes = set()
    for block in raw:
        kind, value = block.get("type"), block.get("value") or {}
        items = value.get("checklist") if kind == "role_play" else None
        if kind == "self_check":
            items = value.get("items")
        for item in items or []:
            item_value = item.get("value", item) if isinstance(item, dict) else {}
            if item_value.get("criterion"):
                codes.add(item_value["criterion"])
    return codes
