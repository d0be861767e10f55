"""A file like Moodle's public GIFT examples (tests/assessments/data/
moodle_examples.gift, written for this project with the same constructs) comes
into the bank through the admin: every question kind we support is saved, the
kinds we do not (essay, description) are listed by line with the reason; the
import's options (a criterion for questions without one; keep the valid ones);
tags in the metadata comment; and the round trip import -> export -> import."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import gift, payloads
from assessments.gift_bridge import question_bank_import_gift
from assessments.models import Question, QuestionVersion, Response
from tests.factories import CriterionFactory, QuestionFactory, TrainerFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("assessments_gift_import")
EXPORT_URL = reverse("assessments_gift_export")
MOODLE_FILE = Path(__file__).parent / "data" / "moodle_examples.gift"
ESSAY_LINE, DESCRIPTION_LINE = 68, 70
SUPPORTED = 20


@pytest.fixture
def trainer(client):
    client.force_login(TrainerFactory())
    return client


@pytest.fixture
def criterion():
    return CriterionFactory()


def upload(client, text, *, criterion=None, skip=False, name="moodle.gift"):
    data = {"gift_file": SimpleUploadedFile(name, text.encode(), "text/plain")}
    if criterion is not None:
        data["default_criterion"] = str(criterion.pk)
    if skip:
        data["skip_invalid"] = "on"
    return client.post(IMPORT_URL, data)


def moodle_text() -> str:
    return MOODLE_FILE.read_text(encoding="utf-8")


def snapshot(question: Question) -> tuple:
    """What makes a question the same question: its criterion, state, tags and
    frozen payload (stem, format, type, options and keys, feedback)."""
    return (
        question.criterion_id,
        question.difficulty,
        question.knowledge_level,
        question.active,
        sorted(tag.name for tag in question.tags.all()),
        payloads.payload_of(question),
    )


def empty_the_bank():
    Response.objects.all().delete()
    QuestionVersion.objects.all().delete()
    Question.objects.all().delete()


# ------------------------------------------------------------ the Moodle file


def test_the_moodle_examples_import_but_for_essays_and_descriptions(trainer, criterion):
    """With a criterion for questions without one and "import the valid ones",
    every supported question of the file is saved and the essay and the
    description are listed at their first lines with the reason."""
    before = Question.objects.count()
    response = upload(trainer, moodle_text(), criterion=criterion, skip=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Se crearon {SUPPORTED} preguntas" in page, page[-3000:]
    assert "Se omitieron 2 preguntas" in page
    assert f"línea {ESSAY_LINE}: tipo de pregunta no soportado: ensayo" in page
    assert "necesita que una persona la califique" in page
    assert f"línea {DESCRIPTION_LINE}: tipo de pregunta no soportado: descripción" in (
        page
    )
    assert "data-import-errors" not in page
    assert Question.objects.count() == before + SUPPORTED
    imported = Question.objects.filter(criterion=criterion)
    assert imported.count() == SUPPORTED

    types = {q.code: q.type for q in imported}
    assert {code: types[code] for code in ("Q2", "Q4", "Q5", "Q6", "Q7")} == {
        "Q2": "single",
        "Q4": "matching",
        "Q5": "numerical",
        "Q6": "numerical",
        "Q7": "numerical",
    }
    assert (types["Canal"], types["Trato"]) == ("short_answer", "situational")
    assert sorted(set(types.values())) == sorted(
        [
            "matching",
            "multiple",
            "numerical",
            "short_answer",
            "single",
            "situational",
            "true_false",
        ]
    )


def test_the_moodle_examples_keep_their_meaning(trainer, criterion):
    """Missing word, two right answers, short and numerical answers, escapes and
    formats come in as Moodle means them."""
    upload(trainer, moodle_text(), criterion=criterion, skip=True)
    questions = {q.stem: q for q in Question.objects.filter(criterion=criterion)}

    missing = questions["Al recibir la llamada, _____ y el del área."]
    assert missing.type == "single"
    two_right = questions["¿Qué frase confirma que escuchaste?"]
    assert [o["correct"] for o in two_right.content[0].value["options"]] == [
        True,
        True,
        False,
    ]
    key = payloads.answer_key(payloads.payload_of(two_right))
    assert len(key.correct) == 2

    imported = Question.objects.filter(criterion=criterion)
    canal = imported.get(code="Canal")
    answers = [
        (a["text"], a["credit"], a["feedback"])
        for a in canal.content[0].value["answers"]
    ]
    assert answers == [
        ("teléfono", 100, "Sí."),
        ("llamada", 50, "Casi: di «teléfono»."),
        ("correo", 0, "No: el correo no confirma."),
    ]
    pause = payloads.payload_of(imported.get(code="Q7"))
    assert [(a["value"], a["tolerance"], a["credit"]) for a in pause["answers"]] == [
        ("3", "0", 100),
        ("3.1", "0.1", 50),
    ]
    interval = payloads.payload_of(imported.get(code="Q6"))["answers"][0]
    assert (interval["kind"], interval["minimum"], interval["maximum"]) == (
        "range",
        "1",
        "3",
    )

    control = questions["¿Qué signo NO tiene un significado especial en GIFT?"]
    texts = [o["text"] for o in control.content[0].value["options"]]
    assert texts == ["~", "=", "#", "{", "}", ":", "\\"]

    html = Question.objects.get(
        code__startswith=f"{criterion.code}-", stem__contains="debes"
    )
    assert html.text_format == "html"
    assert html.stem == (
        "<p>¿Qué <strong>debes</strong> hacer al <em>despedirte</em>?</p>"
        "<p>Elige una.</p>"
    )
    assert "<a href=" in html.feedback and 'rel="noopener noreferrer nofollow"' in (
        html.feedback
    )
    options = html.content[0].value["options"]
    assert [o["text"] for o in options] == ["Agradecer la visita", "Nada"]
    assert [o["feedback"] for o in options] == [
        "Bien: se agradece.",
        "No <b> es etiqueta aquí.",
    ]
    moodle = questions[
        "Primera línea del enunciado.<br>Segunda línea con <i>cursiva</i>."
    ]
    assert moodle.text_format == "html"
    markdown = imported.get(stem__startswith="Un **cliente**")
    assert markdown.text_format == "plain"


def test_unchecked_nothing_is_saved_and_every_error_is_listed(trainer, criterion):
    """Without "import the valid ones" the file is refused whole: the essay and
    the description are errors at their lines and nothing is saved."""
    before = Question.objects.count()
    page = upload(trainer, moodle_text(), criterion=criterion).content.decode()
    assert "data-import-errors" in page
    assert "tiene 2 errores. No se guardó ninguna pregunta." in page
    assert f"línea {ESSAY_LINE}: tipo de pregunta no soportado" in page
    assert f"línea {DESCRIPTION_LINE}: tipo de pregunta no soportado" in page
    assert Question.objects.count() == before


def test_without_a_default_criterion_each_question_says_it_lacks_one(trainer):
    """A file from elsewhere names no criterion: without the option every
    question is an error at its own first line, and nothing is saved."""
    before = Question.objects.count()
    page = upload(trainer, moodle_text()).content.decode()
    assert "línea 7: falta el criterio" in page
    assert "línea 13: falta el criterio" in page
    assert "línea 101: falta el criterio" in page
    assert Question.objects.count() == before


# ------------------------------------------------------------ options


def test_skip_invalid_saves_the_valid_and_lists_the_rest_at_their_first_line(
    trainer, criterion
):
    """Errors found anywhere in a question (a repeated option three lines down,
    an unknown criterion in its metadata comment) are listed at the line where
    the question starts; the valid questions around them are saved."""
    text = (
        "::SK-1::Primera válida {T}\n"
        "\n"
        "::SK-2::Opción repetida {\n"
        "=Sí\n"
        "~No\n"
        "~sí\n"
        "}\n"
        "\n"
        "// atiende: criterion=NOEXISTE\n"
        "::SK-3::Criterio desconocido {F}\n"
        "\n"
        "::SK-4::Segunda válida {=uno =1}\n"
    )
    page = upload(trainer, text, criterion=criterion, skip=True).content.decode()
    assert "Se crearon 2 preguntas" in page
    assert "línea 3: opción repetida: &#x27;sí&#x27;" in page
    assert "línea 10: el criterio «NOEXISTE» no existe" in page
    assert set(
        Question.objects.filter(code__startswith="SK-").values_list("code", flat=True)
    ) == {
        "SK-1",
        "SK-4",
    }


def test_the_default_criterion_does_not_override_a_named_one(criterion):
    """A question that names its criterion (metadata or category) keeps it; only
    the ones without take the default."""
    named = CriterionFactory()
    text = (
        f"// atiende: criterion={named.code} standard={named.standard.code}\n"
        "::DC-1::Nombra su criterio {T}\n"
        "\n"
        f"$CATEGORY: {named.standard.code}/{named.code}\n"
        "\n"
        "::DC-2::Su categoría lo nombra {T}\n"
        "\n"
        "$CATEGORY: $course$/top/Unidad1\n"
        "\n"
        "::DC-3::Sin criterio {T}\n"
    )
    report = question_bank_import_gift(text=text, default_criterion=criterion)
    assert report.created == ["DC-1", "DC-2", "DC-3"]
    criteria = dict(
        Question.objects.filter(code__startswith="DC-").values_list("code", "criterion")
    )
    assert criteria == {"DC-1": named.pk, "DC-2": named.pk, "DC-3": criterion.pk}


@pytest.mark.parametrize(
    "value", ["999999", "abc", "1; DROP TABLE"], ids=["unknown", "text", "sql"]
)
def test_a_bad_default_criterion_is_a_form_error(trainer, value):
    """A criterion id that does not exist is refused by the form (no 500) and
    nothing is saved."""
    before = Question.objects.count()
    response = trainer.post(
        IMPORT_URL,
        {
            "gift_file": SimpleUploadedFile("a.gift", b"::X-1::Q {T}\n", "text/plain"),
            "default_criterion": value,
        },
    )
    assert response.status_code == 200
    assert "default_criterion" in response.context["form"].errors
    assert "Seleccione una opción válida" in response.content.decode()
    assert Question.objects.count() == before


def test_the_import_page_offers_both_options(trainer):
    page = trainer.get(IMPORT_URL).content.decode()
    assert "Criterio para las preguntas sin criterio" in page
    assert "Importar las válidas y omitir las demás" in page


# ------------------------------------------------------------ tags and round trip


def test_tags_travel_in_the_metadata_comment(trainer, criterion):
    """Export writes the tags (percent-encoded, comma-separated) in the
    metadata comment; import reads them back, accents, spaces and commas
    included. A file that says nothing of tags leaves a question's tags alone."""
    question = QuestionFactory(code="TAG-1", criterion=criterion, kind="single")
    question.tags.set(["cliente-dominante", "atención telefónica", "uno, dos"])
    question.save()
    text = trainer.get(EXPORT_URL, {"q": "TAG-1", "descargar": "1"}).content.decode()
    assert "tags=atenci%C3%B3n%20telef%C3%B3nica,cliente-dominante,uno%2C%20dos" in text

    question.tags.set(["otra"])
    question.save()
    report = question_bank_import_gift(text=text)
    assert report.updated == ["TAG-1"]
    question = Question.objects.get(code="TAG-1")
    assert sorted(t.name for t in question.tags.all()) == [
        "atención telefónica",
        "cliente-dominante",
        "uno, dos",
    ]

    without_tags = "\n".join(
        line for line in text.splitlines() if not line.startswith("// atiende")
    )
    question_bank_import_gift(text=without_tags, default_criterion=criterion)
    assert Question.objects.get(code="TAG-1").tags.count() == 3


def test_moodle_examples_round_trip(trainer, criterion):
    """Import the Moodle file, tag a question, export the bank, empty it and
    import the export: the same questions come back (criterion, state, tags,
    stem and its format, type, answers and keys, feedback)."""
    upload(trainer, moodle_text(), criterion=criterion, skip=True)
    imported = Question.objects.filter(criterion=criterion)
    tagged = imported.get(code="Q7")
    tagged.tags.set(["numérica", "pausa activa"])
    tagged.save()
    imported.filter(code="Q2").update(
        active=False, difficulty="hard", knowledge_level="application"
    )
    expected = {q.code: snapshot(q) for q in imported}
    assert len(expected) == SUPPORTED

    mine = {"criterion": criterion.pk, "descargar": "1"}
    text = trainer.get(EXPORT_URL, mine).content.decode()
    empty_the_bank()
    page = upload(trainer, text).content.decode()
    assert f"Se crearon {SUPPORTED} preguntas" in page, page[-2000:]
    assert {q.code: snapshot(q) for q in Question.objects.all()} == expected

    # And once more: the second export is the first one.
    assert trainer.get(EXPORT_URL, mine).content.decode() == text


def test_export_puts_the_blank_back_where_moodle_expects_it(trainer, criterion):
    """A missing-word question is written with its answer block where the blank
    is, so Moodle shows it as a missing word too."""
    upload(trainer, moodle_text(), criterion=criterion, skip=True)
    mine = {"criterion": criterion.pk, "descargar": "1"}
    text = trainer.get(EXPORT_URL, mine).content.decode()
    assert "Al recibir la llamada, {\n" in text
    assert "} y el del área.\n" in text
    assert gift.BLANK not in text.split("Al recibir la llamada")[1].split("}")[0]
