"""Every block a lesson is made of renders, with and without its optional parts."""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from wagtail import blocks as wagtail_blocks

from courses import blocks
from courses.blocks import LessonStreamBlock
from tests.factories import (
    ImageFactory,
    LearnerFactory,
    LessonPageFactory,
    build_course,
    knowledge_check_value,
)

STREAM = LessonStreamBlock()


def render(block_name: str, raw: dict | str, context: dict | None = None) -> str:
    """Render one child block of the lesson stream from its raw (JSON) value."""
    block = STREAM.child_blocks[block_name]
    return block.render(block.to_python(raw), context=context)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_stream_offers_every_block_and_each_has_meta():
    """The lesson stream offers the fifteen blocks, each with icon, template and
    description, so trainers see what each one does."""
    assert list(STREAM.child_blocks) == [
        "heading",
        "paragraph",
        "image",
        "callout",
        "quote",
        "dialogue",
        "comparison_table",
        "customer_type",
        "step_flow",
        "voice_tone",
        "glossary",
        "knowledge_check",
        "illustrations",
        "role_play",
        "self_check",
    ]
    for name, block in STREAM.child_blocks.items():
        assert block.meta.icon, name
        assert block.meta.template.startswith("courses/blocks/"), name
        assert block.meta.description, name


@pytest.mark.parametrize(
    ("level", "tag", "other"), [("h2", "h2", "h3"), ("h3", "h3", "h2")]
)
def test_heading_renders_its_level(level, tag, other):
    """A heading renders as the chosen level, h2 or h3."""
    html = render("heading", {"text": "Saludar según el horario", "level": level})
    assert re.search(rf"<{tag}[^>]*>Saludar según el horario</{tag}>", html)
    assert f"<{other}" not in html


def test_paragraph_renders_rich_text():
    """A paragraph keeps its formatting."""
    html = render("paragraph", "<p>Texto <strong>importante</strong>.</p>")
    assert "<strong>importante</strong>" in html
    assert "block-paragraph" in html


class TestImage:
    @pytest.fixture(autouse=True)
    def _media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    @pytest.mark.django_db
    def test_image_with_caption(self):
        """An image renders an <img> with its alt text, and its caption."""
        image = ImageFactory()
        html = render(
            "image",
            {"image": image.pk, "alt_text": "Mostrador ordenado", "caption": "Así sí"},
        )
        assert re.search(r'<img[^>]*alt="Mostrador ordenado"', html)
        assert "<figcaption" in html and "Así sí" in html

    @pytest.mark.django_db
    def test_image_without_caption(self):
        """Without a caption there is no empty <figcaption>."""
        image = ImageFactory()
        html = render(
            "image", {"image": image.pk, "alt_text": "Mostrador", "caption": ""}
        )
        assert re.search(r'<img[^>]*alt="Mostrador"', html)
        assert "figcaption" not in html

    def test_alt_text_is_required(self):
        """An image without alt text does not validate."""
        block = STREAM.child_blocks["image"]
        with pytest.raises(wagtail_blocks.StructBlockValidationError) as error:
            block.clean(block.to_python({"image": None, "alt_text": "", "caption": ""}))
        assert "alt_text" in error.value.block_errors


@pytest.mark.parametrize(
    ("kind", "default_title"),
    [("tip", "Consejo"), ("important", "Importante"), ("remember", "Recuerda")],
)
def test_callout_kinds(kind, default_title):
    """Each callout kind renders with its class, its text, and its default title
    when it has none of its own."""
    html = render("callout", {"kind": kind, "title": "", "text": "<p>Sonríe.</p>"})
    assert f"callout-{kind}" in html
    assert default_title in text_of(html)
    assert "<p>Sonríe.</p>" in html

    titled = render("callout", {"kind": kind, "title": "Ojo aquí", "text": "<p>x</p>"})
    assert "Ojo aquí" in titled
    assert default_title not in text_of(titled)


def test_quote_with_and_without_attribution():
    """A quote shows its author only when it has one."""
    html = render("quote", {"quote": "Servir es un arte.", "attribution": "Ana"})
    assert "Servir es un arte." in html
    assert re.search(r"<figcaption[^>]*>Ana</figcaption>", html)

    bare = render("quote", {"quote": "Servir es un arte.", "attribution": ""})
    assert "Servir es un arte." in bare
    assert "figcaption" not in bare


def test_dialogue_with_and_without_note():
    """Every turn shows speaker and line; a note appears only on the turn that has
    one."""
    html = render(
        "dialogue",
        {
            "title": "Bienvenida",
            "turns": [
                {"speaker": "Asesora", "line": "Buenos días.", "note": "Sonríe"},
                {"speaker": "Cliente", "line": "Vengo por mi trámite.", "note": ""},
            ],
        },
    )
    assert "Bienvenida" in html
    assert html.count("dialogue-turn") == 2
    assert html.count("dialogue-note") == 1
    assert "Sonríe" in html
    for text in ("Asesora", "Buenos días.", "Cliente", "Vengo por mi trámite."):
        assert text in html

    untitled = render(
        "dialogue",
        {"title": "", "turns": [{"speaker": "A", "line": "Hola", "note": ""}]},
    )
    assert "dialogue-note" not in untitled
    assert "<h3" not in untitled


def test_comparison_table():
    """A comparison table renders its headers and one row per pair."""
    html = render(
        "comparison_table",
        {
            "title": "Posturas",
            "left_header": "Postura",
            "right_header": "Lo que refleja",
            "rows": [
                {"left": "Brazos cruzados", "right": "Defensa"},
                {"left": "Contacto visual", "right": "Interés"},
            ],
        },
    )
    assert "<caption" in html and "Posturas" in html
    assert re.search(r"<th[^>]*>Postura</th>", html)
    assert re.search(r"<th[^>]*>Lo que refleja</th>", html)
    assert html.count("<tr>") == 3  # header + two rows
    assert "Brazos cruzados" in html and "Interés" in html

    untitled = render(
        "comparison_table",
        {
            "title": "",
            "left_header": "A",
            "right_header": "B",
            "rows": [{"left": "x", "right": "y"}],
        },
    )
    assert "<caption" not in untitled


def test_customer_type():
    """A customer-type card shows the name, the traits and how to serve them."""
    html = render(
        "customer_type",
        {
            "name": "Impaciente",
            "traits": "<p>Tiene prisa.</p>",
            "how_to_serve": "<p>Ve al punto.</p>",
        },
    )
    assert "Impaciente" in html
    assert "<p>Tiene prisa.</p>" in html
    assert "<p>Ve al punto.</p>" in html


def test_step_flow_decision_and_plain_steps():
    """A decision step is marked and shows where yes and no lead; a plain step
    shows neither."""
    html = render(
        "step_flow",
        {
            "title": "Cliente en crisis",
            "steps": [
                {"text": "Escucha sin interrumpir.", "decision": False},
                {
                    "text": "¿Se calmó?",
                    "decision": True,
                    "yes": "Continúa con la solicitud.",
                    "no": "Pide apoyo.",
                },
            ],
        },
    )
    steps = BeautifulSoup(html, "html.parser").select("ol > li")
    assert len(steps) == 2
    plain, decision = steps
    assert "decision" not in plain.get("class", [])
    assert "Escucha sin interrumpir." in plain.get_text()
    assert plain.find("ul") is None
    assert "decision" in decision.get("class", [])
    decision_text = text_of(str(decision))
    assert "¿Se calmó?" in decision_text
    assert "Sí: Continúa con la solicitud." in decision_text
    assert "No: Pide apoyo." in decision_text
    assert "Cliente en crisis" in html

    untitled = render("step_flow", {"title": "", "steps": [{"text": "Uno"}]})
    assert "<h3" not in untitled and 'class="decision"' not in untitled


def test_voice_tone():
    """A voice-tone card shows the tone, what it reflects, when and what for."""
    html = render(
        "voice_tone",
        {
            "tone": "Cálido",
            "reflects": "Cercanía.",
            "when_to_use": "Al saludar.",
            "goal": "Que se sienta bienvenida.",
        },
    )
    for text in ("Cálido", "Cercanía.", "Al saludar.", "Que se sienta bienvenida."):
        assert text in html


def test_glossary_with_and_without_title():
    """A glossary lists every term with its definition."""
    html = render(
        "glossary",
        {
            "title": "Glosario",
            "terms": [
                {"term": "Tolerancia", "definition": "Respeto ante lo distinto."},
                {"term": "Empatía", "definition": "Ponerse en el lugar del otro."},
            ],
        },
    )
    assert "Glosario" in html
    assert html.count("<dt") == 2 and html.count("<dd") == 2
    assert "Respeto ante lo distinto." in html

    untitled = render(
        "glossary", {"title": "", "terms": [{"term": "T", "definition": "D"}]}
    )
    assert "<h3" not in untitled


# ---------------------------------------------------------------- knowledge check


def check_value(*flags: bool) -> dict:
    return {
        "question": "¿Pregunta?",
        "options": [
            {"text": f"Opción {i}", "correct": flag, "feedback": f"Porque {i}."}
            for i, flag in enumerate(flags)
        ],
    }


@pytest.mark.parametrize(
    "flags",
    [(False, False), (True, True), (True, True, False), (False, False, False)],
    ids=["none", "two", "two-of-three", "none-of-three"],
)
def test_knowledge_check_needs_exactly_one_correct_option(flags):
    """A knowledge check with no right option, or more than one, does not validate."""
    block = STREAM.child_blocks["knowledge_check"]
    with pytest.raises(wagtail_blocks.StructBlockValidationError) as error:
        block.clean(block.to_python(check_value(*flags)))
    assert "exactamente una" in str(error.value.non_block_errors.as_data()[0].message)


@pytest.mark.parametrize("flags", [(True, False), (False, False, True)])
def test_knowledge_check_with_one_correct_option_validates(flags):
    """Exactly one right option validates."""
    block = STREAM.child_blocks["knowledge_check"]
    cleaned = block.clean(block.to_python(check_value(*flags)))
    assert [o["correct"] for o in cleaned["options"]] == list(flags)


def test_knowledge_check_in_a_stream_is_validated():
    """The rule also holds when the check is inside a lesson body."""
    value = STREAM.to_python([{"type": "knowledge_check", "value": check_value(1, 1)}])
    with pytest.raises(wagtail_blocks.StreamBlockValidationError):
        STREAM.clean(value)


@pytest.mark.django_db
def test_knowledge_check_html_never_reveals_the_right_option():
    """The rendered check is the same whichever option is right, and carries no
    feedback and no mark of which option is correct."""
    _course, _modules, lessons = build_course(lessons_per_module=[1])
    lesson = lessons[0]
    request = RequestFactory().get(lesson.url)
    request.user = LearnerFactory()
    block = STREAM.child_blocks["knowledge_check"]

    def html_for(correct: int, in_page: bool) -> str:
        value = block.to_python(knowledge_check_value(correct=correct))
        context = (
            {"page": lesson, "request": request, "block_id": "b1"} if in_page else {}
        )
        return block.render(value, context=context)

    for in_page in (True, False):
        renders = {html_for(correct, in_page) for correct in range(3)}
        assert len(renders) == 1, "the HTML changes with the right option"
        html = renders.pop()
        for text in ("Buenos días", "Buenas tardes", "Buenas noches"):
            assert text in html
        for feedback in ("ya es de tarde", "por la tarde", "no anochece"):
            assert feedback not in html
        options = re.findall(r"<input[^>]*name=\"option\"[^>]*>", html)
        assert len(options) == (3 if in_page else 0)
        for option in options:
            assert "correct" not in option.lower() and "checked" not in option
        assert "True" not in html


@pytest.mark.django_db
def test_every_block_renders_inside_a_lesson_page(client, settings, tmp_path):
    """A lesson using every block type renders them all, in order."""
    settings.MEDIA_ROOT = tmp_path
    image = ImageFactory()
    _course, modules, _ = build_course(lessons_per_module=[0])
    body = [
        {"type": "heading", "value": {"text": "Título H2", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Párrafo uno.</p>"},
        {"type": "image", "value": {"image": image.pk, "alt_text": "Foto alt"}},
        {"type": "callout", "value": {"kind": "remember", "text": "<p>Recado.</p>"}},
        {"type": "quote", "value": {"quote": "Cita breve."}},
        {
            "type": "dialogue",
            "value": {"turns": [{"speaker": "Ana", "line": "Hola.", "note": "Nota"}]},
        },
        {
            "type": "comparison_table",
            "value": {
                "left_header": "Izq",
                "right_header": "Der",
                "rows": [{"left": "L1", "right": "Derecha uno"}],
            },
        },
        {
            "type": "customer_type",
            "value": {
                "name": "Indeciso",
                "traits": "<p>Duda.</p>",
                "how_to_serve": "<p>Guía.</p>",
            },
        },
        {"type": "step_flow", "value": {"steps": [{"text": "Paso único."}]}},
        {
            "type": "voice_tone",
            "value": {
                "tone": "Firme",
                "reflects": "R",
                "when_to_use": "W",
                "goal": "G",
            },
        },
        {
            "type": "glossary",
            "value": {"terms": [{"term": "Término", "definition": "Def."}]},
        },
        {"type": "knowledge_check", "value": knowledge_check_value(), "id": "kc-1"},
        {"type": "illustrations", "value": ILLUSTRATIONS_VALUE},
        {"type": "role_play", "value": ROLE_PLAY_VALUE, "id": "rp-1"},
        {"type": "self_check", "value": SELF_CHECK_VALUE, "id": "sc-1"},
    ]
    lesson = LessonPageFactory(parent=modules[0], body=body, minutes=60)
    client.force_login(LearnerFactory())

    response = client.get(lesson.url)

    assert response.status_code == 200
    html = response.content.decode()
    expected = [
        "Título H2",
        "Párrafo uno.",
        'alt="Foto alt"',
        "Recado.",
        "Cita breve.",
        "Nota",
        "Derecha uno",
        "Indeciso",
        "Paso único.",
        "Firme",
        "Término",
        "¿Cómo se saluda a las 16:00?",
        "Brazos cruzados: actitud defensiva.",
        "Recibir a la primera persona",
        "¿Mi área está lista?",
    ]
    positions = [html.find(text) for text in expected]
    assert -1 not in positions, dict(zip(expected, positions, strict=True))
    assert positions == sorted(positions)
    # The check posts to its own URL on the lesson.
    assert f'action="{lesson.url}comprobar/kc-1/"' in html


ILLUSTRATIONS_VALUE = {
    "title": "Posturas",
    "items": [
        {
            "type": "item",
            "id": "00000000-0000-4000-9000-000000000001",
            "value": {
                "name": "brazos-cruzados",
                "alt": "Brazos cruzados: actitud defensiva.",
                "caption": "Defensiva",
            },
        },
        {
            "type": "item",
            "id": "00000000-0000-4000-9000-000000000002",
            "value": {
                "name": "area-lista",
                "alt": "Escritorio ordenado.",
                "caption": "",
            },
        },
    ],
}
ROLE_PLAY_VALUE = {
    "title": "Recibir a la primera persona",
    "minutes": 20,
    "situation": "Son las 8:55.",
    "customer_role": "Llegas a las 9:00.",
    "server_role": "Deja el área lista.",
    "checklist": [
        {
            "type": "item",
            "id": "00000000-0000-4000-9000-000000000003",
            "value": {"item": "Saludó según la hora.", "criterion": "E1-D2"},
        }
    ],
}
SELF_CHECK_VALUE = {
    "title": "¿Mi área está lista?",
    "minutes": 5,
    "items": [
        {
            "type": "item",
            "id": "00000000-0000-4000-9000-000000000004",
            "value": {"text": "Despejo el mostrador.", "criterion": "E1-D1"},
        },
        {
            "type": "item",
            "id": "00000000-0000-4000-9000-000000000005",
            "value": {"text": "Sin criterio.", "criterion": ""},
        },
    ],
}


@pytest.mark.django_db
def test_illustrations_show_the_static_drawing_with_its_alt_text():
    """Each drawing is an <img> of its SVG in the static set, with the trainer's
    alt text and the caption when there is one."""
    soup = BeautifulSoup(render("illustrations", ILLUSTRATIONS_VALUE), "html.parser")
    images = soup.find_all("img")
    assert [img["src"] for img in images] == [
        "/static/illustrations/brazos-cruzados.svg",
        "/static/illustrations/area-lista.svg",
    ]
    assert [img["alt"] for img in images] == [
        "Brazos cruzados: actitud defensiva.",
        "Escritorio ordenado.",
    ]
    assert [c.get_text() for c in soup.select(".figure-caption")] == ["Defensiva"]


@pytest.mark.django_db
def test_role_play_shows_both_roles_and_a_labelled_checklist():
    """A role-play shows its situation, both roles, its minutes and the
    observer's list as checkboxes, each with its label and criterion; the list
    posts nowhere."""
    html = render("role_play", ROLE_PLAY_VALUE, {"block_id": "rp-1"})
    soup = BeautifulSoup(html, "html.parser")
    text = text_of(html)
    for expected in (
        "Son las 8:55.",
        "Llegas a las 9:00.",
        "Deja el área lista.",
        "20 minutos",
    ):
        assert expected in text
    box = soup.find("input", type="checkbox")
    label = soup.find("label", attrs={"for": box["id"]})
    assert "Saludó según la hora." in label.get_text()
    assert "E1-D2" in label.get_text()
    form = soup.find("form")
    assert not form.get("action") and not form.get("method")
    assert soup.find("button", type="reset")


@pytest.mark.django_db
def test_self_check_items_with_and_without_criterion():
    """A self-check lists its items as checkboxes; an item without criterion
    shows no badge."""
    soup = BeautifulSoup(
        render("self_check", SELF_CHECK_VALUE, {"block_id": "sc-1"}), "html.parser"
    )
    labels = [label.get_text(" ", strip=True) for label in soup.find_all("label")]
    assert labels == ["Despejo el mostrador. E1-D1", "Sin criterio."]
    assert len({box["id"] for box in soup.find_all("input")}) == 2


@pytest.mark.django_db
def test_practice_items_accept_only_known_criteria():
    """The criterion of a checklist item is chosen from the standard's criteria:
    an unknown code does not validate."""
    from django.core.exceptions import ValidationError

    from standards.models import Criterion, Standard

    standard = Standard.objects.create(code="XS", title="X")
    Criterion.objects.create(
        standard=standard, code="XE1-D1", kind="performance", text="T"
    )
    block = STREAM.child_blocks["role_play"]
    good = dict(ROLE_PLAY_VALUE)
    good["checklist"] = [
        {
            "type": "item",
            "id": "00000000-0000-4000-9000-000000000009",
            "value": {"item": "Ok", "criterion": "XE1-D1"},
        }
    ]
    block.clean(block.to_python(good))
    bad = dict(good)
    bad["checklist"] = [
        {
            "type": "item",
            "id": "00000000-0000-4000-9000-000000000009",
            "value": {"item": "Ok", "criterion": "NOPE"},
        }
    ]
    with pytest.raises(ValidationError):
        block.clean(block.to_python(bad))


def test_blocks_module_has_no_unused_block_classes():
    """Every StructBlock defined for lessons is reachable from the stream (so none
    is silently left out of the editor)."""
    top_level = {type(b) for b in STREAM.child_blocks.values()}
    meta_blocks = {
        obj
        for obj in vars(blocks).values()
        if isinstance(obj, type)
        and issubclass(obj, wagtail_blocks.Block)
        and obj.__module__ == blocks.__name__
        and getattr(obj._meta_class, "template", None)
    }
    assert meta_blocks <= top_level
