"""GIFT import and export of the question bank in the admin: every GIFT type our
bank holds, files refused whole with each error's line, upload limits, the export
(whole or filtered, ordering questions skipped and counted) and the round trip."""

from fractions import Fraction

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import gift, payloads
from assessments.attempt_services import attempt_start
from assessments.gift_bridge import gift_from_question
from assessments.models import Question, QuestionVersion, Response
from tests.factories import (
    CriterionFactory,
    HRFactory,
    LearnerFactory,
    QuestionFactory,
    TrainerFactory,
    build_assessment,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("assessments_gift_import")
EXPORT_URL = reverse("assessments_gift_export")
LOGIN_URL = reverse("wagtailadmin_login")
ADMIN_HOME = reverse("wagtailadmin_home")


@pytest.fixture
def trainer(client):
    client.force_login(TrainerFactory())
    return client


@pytest.fixture
def criteria():
    """Two criteria of one element of a fresh standard."""
    first = CriterionFactory()
    second = CriterionFactory(element=first.element)
    return first, second


def upload(client, content, name="banco.gift"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        IMPORT_URL,
        {"gift_file": SimpleUploadedFile(name, data, content_type="text/plain")},
    )


def html(response) -> str:
    return response.content.decode()


def numbered(text: str) -> str:
    """Strip the indentation the test's triple-quoted strings carry."""
    return "\n".join(line.strip() for line in text.strip("\n").split("\n")) + "\n"


# ------------------------------------------------------------------- permissions


@pytest.mark.parametrize("url", [IMPORT_URL, EXPORT_URL, EXPORT_URL + "?descargar=1"])
def test_only_trainers_import_and_export(client, url):
    """Anonymous users and learners go to the admin login, HR to the admin home;
    trainers get the page (or the file)."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    client.force_login(LearnerFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    client.force_login(HRFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == ADMIN_HOME
    client.force_login(TrainerFactory())
    assert client.get(url).status_code == 200


def test_hr_cannot_import(client, criteria):
    """A file posted by HR saves nothing."""
    client.force_login(HRFactory())
    before = Question.objects.count()
    upload(client, f"// atiende: criterion={criteria[0].code}\n::HR-1::¿Sí? {{T}}\n")
    assert Question.objects.count() == before


# ------------------------------------------------------------------- import


def valid_file(first, second) -> str:
    standard, element = first.standard.code, first.element.code
    return numbered(
        f"""
        $CATEGORY: {standard}/{element}/{first.code}

        // atiende: code=GF-SINGLE difficulty=easy
        ::GF-SINGLE::¿Cómo se saluda a las 16\\:00? {{
            ~Buenos días#Todavía no es de noche, pero ya es tarde.
            =Buenas tardes#Así se saluda por la tarde.
            ~Buenas noches
            ####El saludo depende de la hora.
        }}

        ::GF-TF::El cliente siempre tiene la razón. {{FALSE####Se le escucha siempre.}}

        ::GF-MULT::¿Qué ayuda con un cliente impaciente? {{
            ~%50%Atenderlo con rapidez
            ~%50%No interrumpirlo
            ~%-100%Mostrarle todas las opciones
        }}

        // atiende: active=false difficulty=hard
        ::GF-MATCH::Relaciona cada cliente con su técnica. {{
            =Dominante -> Firmeza y datos
            =Indeciso -> Pocas opciones
            =Impaciente -> Rapidez
        }}

        // atiende: criterion={second.code} type=situational
        ::Un cliente molesto::Un cliente llega molesto. ¿Qué haces? {{
            =Lo escucho sin interrumpir#La mejor respuesta.
            ~%50%Le pido que espere#Aceptable, pero lo hace esperar.
            ~Le digo que se calme#Empeora la situación.
        }}
        """
    )


def options(question):
    return [dict(o) for o in question.content[0].value["options"]]


def test_import_creates_every_gift_type(trainer, criteria):
    """A valid file creates one question per GIFT type we hold, with the criterion
    from $CATEGORY or the metadata, the code from the metadata or the title (or a
    new one), and keys, credits and pairs as written."""
    first, second = criteria
    response = upload(trainer, valid_file(first, second))
    page = html(response)
    assert response.status_code == 200
    assert "data-import-summary" in page, page
    assert "Se crearon 5 preguntas" in page

    single = Question.objects.get(code="GF-SINGLE")
    assert (single.type, single.criterion, single.difficulty) == (
        "single",
        first,
        "easy",
    )
    assert single.stem == "¿Cómo se saluda a las 16:00?"
    assert single.feedback == "El saludo depende de la hora."
    assert [(o["text"], o["correct"]) for o in options(single)] == [
        ("Buenos días", False),
        ("Buenas tardes", True),
        ("Buenas noches", False),
    ]
    assert options(single)[1]["feedback"] == "Así se saluda por la tarde."

    true_false = Question.objects.get(code="GF-TF")
    assert true_false.type == "true_false"
    assert true_false.content[0].value["answer"] is False
    assert true_false.feedback == "Se le escucha siempre."

    multiple = Question.objects.get(code="GF-MULT")
    # Positive credit: right; the negative weight is a wrong option.
    assert [o["correct"] for o in options(multiple)] == [True, True, False]

    matching = Question.objects.get(code="GF-MATCH")
    assert [(p["prompt"], p["match"]) for p in matching.content[0].value["pairs"]] == [
        ("Dominante", "Firmeza y datos"),
        ("Indeciso", "Pocas opciones"),
        ("Impaciente", "Rapidez"),
    ]
    assert (matching.active, matching.difficulty) == (False, "hard")

    # A title that is not a code: the question gets the next free code.
    situational = Question.objects.get(code=f"{second.code}-001")
    assert situational.type == "situational"
    assert situational.criterion == second
    assert [o["credit"] for o in options(situational)] == [100, 50, 0]
    assert situational.difficulty == "medium"


def test_import_updates_an_unanswered_question(trainer, criteria):
    """A code already in the bank, never answered, is updated."""
    first, _ = criteria
    QuestionFactory(code="GF-UPD", criterion=first, stem="Antes")
    text = f"// atiende: criterion={first.code}\n::GF-UPD::Después {{TRUE}}\n"
    page = html(upload(trainer, text))
    assert "se actualizó 1." in page
    question = Question.objects.get(code="GF-UPD")
    assert (question.stem, question.type) == ("Después", "true_false")


def test_a_file_with_errors_is_refused_whole(trainer, criteria):
    """Unknown criterion, a situational credit that is not a whole percentage, a
    missing criterion, a repeated code, a bad difficulty, a question already
    answered and one the block rules refuse: every error is listed with its line
    and nothing is saved, not even the valid question."""
    first, _ = criteria
    assessment, _elements, bank = build_assessment(questions=(1,))
    answered = bank[0][0]
    attempt_start(learner=LearnerFactory(), assessment=assessment)
    standard = answered.criterion.standard.code
    text = numbered(
        f"""
        // atiende: criterion={first.code}
        ::GF-OK::Esta sí es válida. {{TRUE}}

        // atiende: criterion=NOEXISTE
        ::GF-E1::Criterio desconocido. {{TRUE}}

        // atiende: criterion={first.code} type=situational
        ::GF-E2::Créditos en tercios. {{
            =Bien#a
            ~%33.33333%Regular#b
            ~Mal#c
        }}

        ::GF-E3::Sin criterio. {{FALSE}}

        // atiende: criterion={first.code}
        ::GF-OK::Código repetido. {{TRUE}}

        // atiende: criterion={first.code} difficulty=imposible
        ::GF-E5::Dificultad desconocida. {{TRUE}}

        // atiende: standard={standard} criterion={answered.criterion.code}
        ::{answered.code}::Ya la respondieron. {{TRUE}}

        // atiende: criterion={first.code} type=multiple
        ::GF-E7::Respuesta múltiple con dos opciones. {{
            ~%100%Una
            ~%-100%Otra
        }}
        """
    )
    before = Question.objects.count()
    response = upload(trainer, text)
    page = html(response)
    assert response.status_code == 200
    assert "data-import-errors" in page
    expected = [
        "línea 5: el criterio «NOEXISTE» no existe",
        "línea 8: el crédito 33.33 % de la opción «Regular» no es un porcentaje entero",
        "línea 14: falta el criterio",
        "línea 17: el código «GF-OK» se repite (ya está en la línea 2)",
        "línea 20: valor «imposible» no válido para &#x27;difficulty&#x27;",
        f"línea 23: la pregunta {answered.code} ya fue respondida; edítala en el "
        "administrador",
        "línea 26: ",
    ]
    for message in expected:
        assert message in page, message
    assert "línea 2:" not in page
    assert Question.objects.count() == before
    assert not Question.objects.filter(code="GF-OK").exists()
    answered.refresh_from_db()
    assert answered.stem != "Ya la respondieron."


@pytest.mark.parametrize("items", [2, 3], ids=["two items", "three items"])
def test_an_ordering_cannot_come_in_by_gift(trainer, criteria, items):
    """GIFT has no ordering question: one declared as such is refused with its
    line whatever its number of items (so no ordering of fewer than three items
    comes in by GIFT), and nothing is saved."""
    first, _ = criteria
    answers = " ".join(f"~Paso {n}" for n in range(items))
    text = numbered(
        f"""
        // atiende: criterion={first.code} type=ordering
        ::GF-ORD::Ordena los pasos. {{{answers}}}
        """
    )
    before = Question.objects.count()
    page = html(upload(trainer, text))
    # The error belongs to the question: it is reported where the question
    # starts, the line after its metadata comment.
    assert "línea 2: " + gift.E_UNSUPPORTED_ORDERING in page
    assert Question.objects.count() == before


def test_syntax_errors_are_listed_with_their_lines(trainer, criteria):
    """GIFT syntax errors (a missing brace, an unsupported question type) are shown
    with the lines where their questions start, and nothing is saved."""
    first, _ = criteria
    text = numbered(
        f"""
        // atiende: criterion={first.code}
        ::GF-S1::Falta la llave {{
            =Sí
            ~No

        ::GF-S2::Escribe cómo recibes a un cliente. {{}}
        """
    )
    before = Question.objects.count()
    page = html(upload(trainer, text))
    assert "línea 2: falta la llave de cierre" in page
    assert "línea 6: tipo de pregunta no soportado: ensayo" in page
    assert Question.objects.count() == before


def test_import_reads_a_moodle_file(trainer, criteria):
    """A file written by Moodle (no '// atiende:' comments, the criterion as the
    last segment of its category, titles that are not codes) gets new codes that
    do not collide with the bank's."""
    first, _ = criteria
    QuestionFactory(code=f"{first.code}-001", criterion=first)
    text = numbered(
        f"""
        $CATEGORY: $course$/top/{first.standard.code}/{first.element.code}/{first.code}

        ::Pregunta 1::¿Se saluda al cliente? {{T}}

        ::Pregunta 2::¿Qué se hace primero? {{
            =Saludar
            ~Despedirse
        }}
        """
    )
    page = html(upload(trainer, text))
    assert "Se crearon 2 preguntas" in page, page
    created = Question.objects.filter(criterion=first).order_by("code")
    assert [(q.code, q.type) for q in created] == [
        (f"{first.code}-001", "single"),
        (f"{first.code}-002", "true_false"),
        (f"{first.code}-003", "single"),
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("banco.gift", b"::A::x {T}\n" + b" " * gift.MAX_BYTES, "el máximo es"),
        ("banco.gift", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "no es de texto"),
        ("banco.gift", "::A::¿Qué tal? {T}\n".encode("latin-1"), "no está en UTF-8"),
        ("banco.pdf", b"::A::x {T}\n", "extensión .gift o .txt"),
        ("banco.txt", b"   \n\n", "está vacío"),
    ],
    ids=["oversized", "binary", "latin-1", "extension", "blank"],
)
def test_upload_problems_are_form_errors(trainer, name, content, message):
    """An oversized, binary, non-UTF-8, wrongly named or blank file is refused with
    a clear form error (no server error) and nothing is saved."""
    before = Question.objects.count()
    response = upload(trainer, content, name=name)
    assert response.status_code == 200
    assert message in html(response)
    assert Question.objects.count() == before


def test_import_accepts_a_txt_file_with_bom(trainer, criteria):
    """A .txt file saved as UTF-8 with BOM (as Windows editors do) is read."""
    first, _ = criteria
    text = f"\ufeff// atiende: criterion={first.code}\n::GF-BOM::¿Sí? {{T}}\n"
    page = html(upload(trainer, text, name="banco.txt"))
    assert "Se creó 1 pregunta" in page
    assert Question.objects.filter(code="GF-BOM").exists()


# ------------------------------------------------------------------- export


@pytest.fixture
def small_bank(criteria):
    first, second = criteria
    return [
        QuestionFactory(code="EX-1", criterion=first, kind="single"),
        QuestionFactory(code="EX-2", criterion=first, kind="ordering"),
        QuestionFactory(code="EX-3", criterion=second, kind="situational"),
        QuestionFactory(code="EX-4", criterion=second, kind="matching", active=False),
    ]


def test_export_page_counts_and_skips_ordering(trainer, small_bank):
    """The export page (filtered to one criterion here) says how many questions the
    file will hold and how many ordering questions GIFT cannot carry."""
    criterion = small_bank[0].criterion
    page = html(trainer.get(EXPORT_URL, {"criterion": criterion.pk}))
    assert "2 preguntas" in page
    assert "Se exportará 1." in page
    assert "Se omitirá 1 pregunta de ordenamiento" in page
    assert f"criterion={criterion.pk}&amp;descargar=1" in page


def test_export_downloads_the_filtered_bank(trainer, small_bank):
    """The download is a .gift attachment; its first lines say how many questions it
    holds and which ordering questions were left out."""
    criterion = small_bank[0].criterion
    response = trainer.get(EXPORT_URL, {"criterion": criterion.pk, "descargar": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.gift"')
    assert response["X-Atiende-Skipped-Ordering"] == "1"
    text = response.content.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "// Banco de preguntas exportado de Atiende: 1 pregunta."
    assert "Se omitió 1 pregunta de ordenamiento" in lines[1]
    assert "EX-2" in lines[1]
    assert "::EX-1::" in text
    assert "::EX-2::" not in text
    assert "::EX-3::" not in text  # another criterion


def test_export_writes_credits_and_state(trainer, small_bank):
    """Situational credits are written as weights; inactive questions say so."""
    text = trainer.get(EXPORT_URL, {"q": "EX-", "descargar": "1"}).content.decode()
    assert "::EX-3::" in text and "::EX-4::" in text
    assert "~%50%" in text
    assert "active=false" in text
    parsed = {dict(q.meta)["code"]: q for q in gift.parse_gift(text)}
    assert set(parsed) == {"EX-1", "EX-3", "EX-4"}
    assert parsed["EX-3"] == gift_from_question(small_bank[2])
    assert [o.credit for o in parsed["EX-3"].options] == [1, Fraction(1, 2), 0]


# ------------------------------------------------------------------- round trip


def snapshot(question: Question) -> tuple:
    return (
        question.criterion_id,
        question.difficulty,
        question.knowledge_level,
        question.active,
        sorted(tag.name for tag in question.tags.all()),
        payloads.payload_of(question),
    )


@pytest.mark.usefixtures("initial_data")
def test_round_trip_of_the_seeded_bank(trainer):
    """Export the seeded bank, empty the bank and import the file: every question
    GIFT can carry comes back the same (stem, type, options with their keys,
    credits and feedback, pairs, criterion, difficulty, state, tags)."""
    response = trainer.get(EXPORT_URL, {"descargar": "1"})
    text = response.content.decode("utf-8")
    expected = {
        q.code: snapshot(q)
        for q in Question.objects.exclude(content__0__type="ordering")
    }
    ordering = Question.objects.filter(content__0__type="ordering").count()
    assert len(expected) >= 100 and ordering >= 1
    assert {q.type for q in Question.objects.all()} == {
        "single",
        "multiple",
        "true_false",
        "matching",
        "ordering",
        "situational",
    }
    assert response["X-Atiende-Skipped-Ordering"] == str(ordering)

    # An empty bank: no question, version or response left.
    Response.objects.all().delete()
    QuestionVersion.objects.all().delete()
    Question.objects.all().delete()
    response = upload(trainer, text)
    page = html(response)
    assert f"Se crearon {len(expected)} preguntas" in page, page[:3000]
    assert {q.code: snapshot(q) for q in Question.objects.all()} == expected
