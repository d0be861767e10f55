"""GIFT import and export in assessments.gift; no Django needed."""

from __future__ import annotations

import time
from decimal import Decimal
from fractions import Fraction as F
from textwrap import dedent

import pytest

from assessments import gift
from assessments.gift import (
    MAX_ANSWERS,
    MAX_BYTES,
    GiftError,
    GiftOption,
    GiftPair,
    GiftQuestion,
    parse_gift,
    write_gift,
)

Q, Opt, P = GiftQuestion, GiftOption, GiftPair


def gift_text(text: str) -> str:
    return dedent(text).lstrip("\n")


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    return caught.value.errors


# ------------------------------------------------------------------ valid files

VALID = [
    pytest.param(
        """
        ::Saludo::¿Cómo saluda a un cliente a las 9:00? {
            =Buenos días#Correcto: según la hora.
            ~Hola#Demasiado informal.
            ~Qué onda
            ####Salude según la hora del día.
        }
        """,
        [
            Q(
                "single",
                "¿Cómo saluda a un cliente a las 9:00?",
                title="Saludo",
                options=(
                    Opt("Buenos días", F(1), "Correcto: según la hora."),
                    Opt("Hola", F(0), "Demasiado informal."),
                    Opt("Qué onda", F(0)),
                ),
                feedback="Salude según la hora del día.",
            )
        ],
        id="single-with-feedback-and-title",
    ),
    pytest.param(
        """
        Un cliente pregunta por un producto
        que usted no conoce. ¿Qué hace?
        {~Le dice que no sabe =Busca la información ~Cambia de tema}
        """,
        [
            Q(
                "single",
                "Un cliente pregunta por un producto\nque usted no conoce. ¿Qué hace?",
                options=(
                    Opt("Le dice que no sabe", F(0)),
                    Opt("Busca la información", F(1)),
                    Opt("Cambia de tema", F(0)),
                ),
            )
        ],
        id="single-multiline-without-feedback",
    ),
    pytest.param(
        "Elija la mejor {=Escuchar ~%-50%Interrumpir ~Esperar}",
        [
            Q(
                "single",
                "Elija la mejor",
                options=(
                    Opt("Escuchar", F(1)),
                    Opt("Interrumpir", F(-1, 2)),
                    Opt("Esperar", F(0)),
                ),
            )
        ],
        id="single-with-negative-weight",
    ),
    pytest.param(
        "¿Qué son barreras? {~%50%Ruido#Sí ~%50%Prisa ~%-100%Sonrisa#No}",
        [
            Q(
                "multiple",
                "¿Qué son barreras?",
                options=(
                    Opt("Ruido", F(1, 2), "Sí"),
                    Opt("Prisa", F(1, 2)),
                    Opt("Sonrisa", F(-1), "No"),
                ),
            )
        ],
        id="multiple-weights",
    ),
    pytest.param(
        """
        Seleccione las tres {
            ~%33.33333%uno
            ~%33.33333%dos
            ~%33.33333%tres
            ~%-100%cuatro
        }
        """,
        [
            Q(
                "multiple",
                "Seleccione las tres",
                options=(
                    Opt("uno", F(1, 3)),
                    Opt("dos", F(1, 3)),
                    Opt("tres", F(1, 3)),
                    Opt("cuatro", F(-1)),
                ),
            )
        ],
        id="multiple-moodle-thirds-read-exactly",
    ),
    pytest.param(
        """
        // atiende: type=multiple code=K02-003
        Solo una es correcta, pero es respuesta múltiple {=uno ~dos ~tres}
        """,
        [
            Q(
                "multiple",
                "Solo una es correcta, pero es respuesta múltiple",
                options=(Opt("uno", F(1)), Opt("dos", F(0)), Opt("tres", F(0))),
                meta=(("code", "K02-003"),),
            )
        ],
        id="multiple-declared-with-one-right",
    ),
    pytest.param(
        """
        ::Relaciones::Relacione cada tipo de cliente con su trato {
            =Impaciente -> Atención rápida
            =Indeciso -> Opciones claras
            =Grosero -> Calma y respeto
            ####Cada tipo pide un trato distinto.
        }
        """,
        [
            Q(
                "matching",
                "Relacione cada tipo de cliente con su trato",
                title="Relaciones",
                pairs=(
                    P("Impaciente", "Atención rápida"),
                    P("Indeciso", "Opciones claras"),
                    P("Grosero", "Calma y respeto"),
                ),
                feedback="Cada tipo pide un trato distinto.",
            )
        ],
        id="matching",
    ),
    pytest.param(
        """
        $CATEGORY: EC0305/E1/K01

        // atiende: code=K01-001 criterion=K01 type=situational difficulty=medium
        ::K01-001::Un cliente llega molesto. ¿Qué hace? {
            =Lo escucho sin interrumpir#La mejor respuesta.
            ~%50%Le pido que espere#Aceptable.
            ~%25%Llamo al supervisor#Solo si no puede resolverlo.
            ~Le digo que se calme#Empeora la situación.
            ####Escuchar primero baja la tensión.
        }
        """,
        [
            Q(
                "situational",
                "Un cliente llega molesto. ¿Qué hace?",
                title="K01-001",
                category="EC0305/E1/K01",
                options=(
                    Opt("Lo escucho sin interrumpir", F(1), "La mejor respuesta."),
                    Opt("Le pido que espere", F(1, 2), "Aceptable."),
                    Opt("Llamo al supervisor", F(1, 4), "Solo si no puede resolverlo."),
                    Opt("Le digo que se calme", F(0), "Empeora la situación."),
                ),
                feedback="Escuchar primero baja la tensión.",
                meta=(
                    ("code", "K01-001"),
                    ("criterion", "K01"),
                    ("difficulty", "medium"),
                ),
            )
        ],
        id="situational-with-metadata-and-category",
    ),
    pytest.param(
        r"""
        ¿Qué hace \{x\} \= y\: z\~w\#v\\u?\nSegunda línea {
            =Sí\: claro#Bien \# hecho
            ~No \= nunca \{ni\}
        }
        """,
        [
            Q(
                "single",
                "¿Qué hace {x} = y: z~w#v\\u?\nSegunda línea",
                options=(
                    Opt("Sí: claro", F(1), "Bien # hecho"),
                    Opt("No = nunca {ni}", F(0)),
                ),
            )
        ],
        id="escapes",
    ),
    pytest.param(
        "::Formato::[html]<b>Hola</b> {=[plain]uno ~[markdown]dos#[moodle]no}",
        [
            Q(
                "single",
                "<b>Hola</b>",
                title="Formato",
                options=(Opt("uno", F(1)), Opt("dos", F(0), "no")),
                text_format="html",
            )
        ],
        id="format-markers-read",
    ),
    pytest.param(
        """
        // Banco de práctica: los comentarios se ignoran.
        $CATEGORY: EC0305/E2/K05

        Primera {T}

        // atiende: criterion=K09
        Segunda {F}

        $CATEGORY: $course$/top/Default for Atiende

        Tercera {T}

        $CATEGORY:

        Cuarta {F}
        """,
        [
            Q("true_false", "Primera", category="EC0305/E2/K05", answer=True),
            Q(
                "true_false",
                "Segunda",
                category="EC0305/E2/K05",
                answer=False,
                meta=(("criterion", "K09"),),
            ),
            Q(
                "true_false",
                "Tercera",
                category="$course$/top/Default for Atiende",
                answer=True,
            ),
            Q("true_false", "Cuarta", answer=False),
        ],
        id="categories-apply-to-following-questions",
    ),
    pytest.param(
        """
        // atiende: code=K03-002
        // una nota cualquiera entre el metadato y la pregunta
        // atiende: difficulty=hard
        Pregunta con comentarios {
            // comentario dentro de la pregunta
            =sí
            ~no
        }
        """,
        [
            Q(
                "single",
                "Pregunta con comentarios",
                options=(Opt("sí", F(1)), Opt("no", F(0))),
                meta=(("code", "K03-002"), ("difficulty", "hard")),
            )
        ],
        id="comments-and-metadata-lines",
    ),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_parse_valid_files(text, expected):
    """Each supported form reads into the expected questions."""
    assert parse_gift(gift_text(text)) == expected


@pytest.mark.parametrize(
    ("block", "answer", "feedback"),
    [
        ("{T}", True, ""),
        ("{TRUE}", True, ""),
        ("{F}", False, ""),
        ("{FALSE}", False, ""),
        ("{ true }", True, ""),
        ("{T#Falso: el cliente es primero}", True, "Falso: el cliente es primero"),
        ("{F####Siempre confirme}", False, "Siempre confirme"),
        (
            "{TRUE#si falla#si acierta####general}",
            True,
            "general\nsi falla\nsi acierta",
        ),
        ("{T#igual#igual}", True, "igual"),
    ],
)
def test_parse_true_false(block, answer, feedback):
    """T/TRUE/F/FALSE in any case; Moodle's per-answer feedback is merged after
    the general feedback, since our bank keeps one feedback per true/false."""
    [question] = parse_gift(f"Saludar es obligatorio {block}")
    assert question == Q(
        "true_false", "Saludar es obligatorio", answer=answer, feedback=feedback
    )


def test_question_records_the_line_where_it_starts():
    """``line`` is the first line of the question (after its metadata comment)."""
    text = gift_text(
        """
        // cabecera

        Uno {T}

        // atiende: code=X-1
        ::Dos::
        Dos {F}
        """
    )
    assert [question.line for question in parse_gift(text)] == [3, 6]


def test_windows_line_endings_and_bom():
    """A file saved on Windows (BOM, CRLF) reads like any other."""
    text = "\ufeff// atiende: code=A-1\r\nUno {\r\n=a\r\n~b\r\n}\r\n\r\nDos {T}\r\n"
    assert parse_gift(text) == [
        Q(
            "single",
            "Uno",
            options=(Opt("a", F(1)), Opt("b", F(0))),
            meta=(("code", "A-1"),),
        ),
        Q("true_false", "Dos", answer=True),
    ]


def test_empty_file_has_no_questions():
    """Only comments and blank lines: nothing to import, and no error."""
    assert parse_gift("") == []
    assert parse_gift("// nada\n\n   \n") == []


# ---------------------------------------------------------------- invalid files

INVALID = [
    pytest.param(
        "Uno {T}\n\nDos {\n=a\n~b\n", [(3, gift.E_NO_CLOSE)], id="missing-close-brace"
    ),
    pytest.param("Uno {=a ~b {=c}", [(1, gift.E_NO_CLOSE)], id="nested-open-brace"),
    pytest.param("Uno } {=a ~b}", [(1, gift.E_STRAY_CLOSE)], id="stray-close-brace"),
    pytest.param("Uno {=a ~b}}", [(1, gift.E_STRAY_CLOSE)], id="double-close-brace"),
    pytest.param("::Sin cierre {=a ~b}", [(1, gift.E_TITLE)], id="unclosed-title"),
    pytest.param("{=a ~b}", [(1, gift.E_EMPTY_STEM)], id="empty-stem"),
    pytest.param("::Título:: {=a ~b}", [(1, gift.E_EMPTY_STEM)], id="only-title"),
    pytest.param("Q {~a ~b}", [(1, gift.E_SINGLE_ONE)], id="single-no-right"),
    pytest.param(
        "// atiende: type=single\nQ {=a}",
        [(2, gift.E_OPTIONS_FEW), (2, gift.E_SINGLE_WRONG)],
        id="single-one-option",
    ),
    pytest.param(
        "// atiende: type=single\nQ {=a ~%50%b}",
        [(2, gift.E_SINGLE_PARTIAL)],
        id="single-partial-credit",
    ),
    pytest.param(
        "Q {\n=Sí\n~sí\n}", [(1, "opción repetida: 'sí'")], id="duplicate-option"
    ),
    pytest.param("Q {=a ~ ~b}", [(1, gift.E_OPTION_EMPTY)], id="empty-option"),
    pytest.param("Q {a =b ~c}", [(1, gift.E_OPTION_START)], id="text-before-options"),
    pytest.param(
        "// atiende: type=multiple\nQ {~%50%a ~%20%b ~c}",
        [(2, gift.E_MULTIPLE_SUM)],
        id="multiple-positive-not-100",
    ),
    pytest.param(
        "// atiende: type=multiple\nQ {~a ~%-50%b}",
        [(2, gift.E_MULTIPLE_NONE)],
        id="multiple-no-right",
    ),
    pytest.param(
        "Q {~%50%a ~%20%b ~c}", [(1, gift.E_NO_TYPE)], id="weights-fit-no-type"
    ),
    pytest.param("Q {=a -> 1}", [(1, gift.E_PAIRS_FEW)], id="matching-one-pair"),
    pytest.param(
        "Q {=a -> =b -> 2}", [(1, gift.E_PAIR_MATCH)], id="matching-empty-match"
    ),
    pytest.param(
        "Q {\n=Impaciente -> 1\n=impaciente -> 2\n}",
        [(1, "enunciado de par repetido: 'impaciente'")],
        id="matching-duplicate-prompt",
    ),
    pytest.param(
        "// atiende: type=matching\nQ {\n=a -> 1\n=b\n=c -> 3\n}",
        [(2, gift.E_PAIR_ARROW)],
        id="matching-missing-arrow",
    ),
    pytest.param(
        "// atiende: type=matching\nQ {\n=a -> 1\n~b -> 2\n}",
        [(2, gift.E_PAIR_START)],
        id="matching-tilde",
    ),
    pytest.param(
        "Q {=a -> 1#bien =b -> 2}", [(1, gift.E_PAIR_FEEDBACK)], id="matching-feedback"
    ),
    pytest.param(
        "Q {= -> 1 =b -> 2}", [(1, gift.E_PAIR_PROMPT)], id="matching-distractor"
    ),
    pytest.param(
        "// atiende: type=situational\nQ {\n=a\n~%-50%b\n}",
        [(2, gift.E_SITUATIONAL_RANGE)],
        id="situational-negative-credit",
    ),
    pytest.param(
        "// atiende: type=situational\nQ {~%50%a ~b}",
        [(2, gift.E_SITUATIONAL_FULL)],
        id="situational-without-full-credit",
    ),
    pytest.param("Q {~%abc%a =b}", [(1, gift.E_WEIGHT)], id="weight-not-a-number"),
    pytest.param("Q {~%50a =b}", [(1, gift.E_WEIGHT)], id="weight-unclosed"),
    pytest.param("Q {~%150%a =b}", [(1, gift.E_WEIGHT_RANGE)], id="weight-too-big"),
    pytest.param("Q {=a#bien#hecho ~b}", [(1, gift.E_HASH)], id="unescaped-hash"),
    pytest.param("Q {T#a#b#c}", [(1, gift.E_TF_FEEDBACK)], id="true-false-3-feedbacks"),
    pytest.param("Q {}", [(1, gift.E_UNSUPPORTED_ESSAY)], id="essay"),
    pytest.param("Q {####Opine}", [(1, gift.E_UNSUPPORTED_ESSAY)], id="essay-feedback"),
    pytest.param(
        "Solo un texto, sin respuestas",
        [(1, gift.E_UNSUPPORTED_DESCRIPTION)],
        id="description",
    ),
    pytest.param(
        "// atiende: type=ordering\nQ {=a ~b}",
        [(2, gift.E_UNSUPPORTED_ORDERING)],
        id="ordering-declared",
    ),
    pytest.param(
        "// atiende: type=essay\nQ {=a ~b}",
        [(2, "tipo de pregunta desconocido 'essay'")],
        id="unknown-declared-type",
    ),
    pytest.param(
        "// atiende: type=single\nQ {T}",
        [
            (
                2,
                "el tipo declarado 'single' no coincide con el bloque de respuestas "
                "(verdadero/falso)",
            )
        ],
        id="declared-type-mismatch-tf",
    ),
    pytest.param(
        "// atiende: type=true_false\nQ {=a ~b}",
        [
            (
                2,
                "el tipo declarado 'true_false' no coincide con el bloque de "
                "respuestas (opciones '=' y '~')",
            )
        ],
        id="declared-type-mismatch-choice",
    ),
    pytest.param(
        "// atiende: code\nQ {=a ~b}",
        [(2, "metadato mal formado 'code': se espera clave=valor")],
        id="metadata-without-value",
    ),
    pytest.param(
        "// atiende: code=A code=B\nQ {=a ~b}",
        [(2, "metadato repetido 'code'")],
        id="metadata-repeated",
    ),
    pytest.param(
        "// atiende: code=K01-001\n\nQ {=a ~b}",
        [(1, gift.E_META_DANGLING)],
        id="metadata-not-before-question",
    ),
    pytest.param(
        "// atiende: code=K01-001\n$CATEGORY: EC0305\nQ {=a ~b}",
        [(1, gift.E_META_DANGLING)],
        id="metadata-before-category",
    ),
    pytest.param(
        "Q {T}\n// atiende: code=K01-001",
        [(1, gift.E_META_INSIDE)],
        id="metadata-after-question-without-blank-line",
    ),
    pytest.param(
        "Q {\n// atiende: code=X\n=a ~b}",
        [(1, gift.E_META_INSIDE)],
        id="metadata-inside-question",
    ),
    pytest.param(
        "Q {" + "~x" * MAX_ANSWERS + "=y}", [(1, gift.E_TOO_MANY)], id="too-many"
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID)
def test_invalid_files_report_line_and_reason(text, expected):
    """Each problem is reported with a reason in Spanish at the 1-based line where
    its question starts (its metadata comment belongs to it), wherever in the
    question the problem is."""
    assert errors_of(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Q {}", "necesita que una persona la califique"),
        ("Q {####Cuéntanos}", "necesita que una persona la califique"),
        ("Solo texto", "no es una pregunta"),
        ("// atiende: type=ordering\nQ {=a ~b}", "no se puede expresar en GIFT"),
    ],
    ids=["essay", "essay-with-feedback", "description", "ordering"],
)
def test_unsupported_forms_say_so_and_why(text, why):
    """Essay, description and (declared) ordering questions are refused as
    unsupported types, each with the reason."""
    [(_, reason)] = errors_of(text)
    assert reason.startswith("tipo de pregunta no soportado")
    assert why in reason


def test_all_errors_of_a_file_are_listed_in_line_order():
    """A file with several problems lists every one of them, and the good
    questions between them do not hide any; the file is rejected whole."""
    text = gift_text(
        """
        Buena {=a ~b}

        // atiende: type=situational
        Mala uno {~%50%a ~b}

        Mala dos {
        =a
        ~a
        }

        Buena {T}

        Mala tres {
        =a
        ~b
        """
    )
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    assert caught.value.errors == [
        (4, gift.E_SITUATIONAL_FULL),
        (6, "opción repetida: 'a'"),
        (13, gift.E_NO_CLOSE),
    ]
    assert str(caught.value).splitlines() == [
        "línea 4: la pregunta situacional debe tener al menos una opción con "
        "crédito de 100 %",
        "línea 6: opción repetida: 'a'",
        "línea 13: falta la llave de cierre '}'",
    ]
    assert isinstance(caught.value, ValueError)


def test_several_errors_in_one_question_are_all_listed():
    """One question can break several rules at once."""
    text = "// atiende: type=situational\n{\n~%-50%a\n~%-50%A\n}"
    assert errors_of(text) == [
        (2, gift.E_EMPTY_STEM),
        (2, "opción repetida: 'A'"),
        (2, gift.E_SITUATIONAL_RANGE),
        (2, gift.E_SITUATIONAL_RANGE),
        (2, gift.E_SITUATIONAL_FULL),
    ]


def test_file_over_the_size_limit_is_refused():
    """A file over 2 MB is refused before any parsing."""
    assert errors_of("Q {T}\n\n" + "x" * MAX_BYTES) == [(1, gift.E_SIZE)]
    # Multi-byte characters count in bytes, not characters.
    assert errors_of("ñ" * (MAX_BYTES // 2 + 1)) == [(1, gift.E_SIZE)]


@pytest.mark.parametrize(
    "text",
    [
        "\\" * (MAX_BYTES - 10),
        "{" * (MAX_BYTES - 10),
        "::" * (MAX_BYTES // 2 - 10),
        "Q {=" + "~" * (MAX_BYTES - 10) + "}",
        "Q {" + "=x -> y " * (MAX_BYTES // 9) + "}",
        "Q {~%" + "9" * (MAX_BYTES - 10) + "}",
        "Q {" + "#" * (MAX_BYTES - 10) + "}",
        "Q {#" + "=1" * (MAX_BYTES // 2 - 10) + "}",
        "Q {=a ~b}\n" * (MAX_BYTES // 11),
    ],
    ids=[
        "backslashes",
        "braces",
        "colons",
        "tildes",
        "pairs",
        "digits",
        "hashes",
        "numbers",
        "no-blank-lines",
    ],
)
def test_pathological_input_is_rejected_quickly(text):
    """Hostile files near the size limit are refused in linear time."""
    started = time.perf_counter()
    with pytest.raises(GiftError):
        parse_gift(text)
    assert time.perf_counter() - started < 15


# ------------------------------------------------------------------- round trip

SPECIAL = "~ = # { } : \\ ¿Acción, niño?"
ROUND_TRIP = [
    Q(
        "single",
        f"¿Qué dice {SPECIAL}?\nSegunda línea: {{ok}}",
        title="K01-001: saludo :: inicial",
        options=(
            Opt(f"Opción {SPECIAL}", F(1), f"Bien {SPECIAL}"),
            Opt("Otra = no", F(0), "Línea 1\nLínea 2"),
            Opt("Penaliza", F(-1, 2)),
        ),
        feedback=f"General {SPECIAL}",
        meta=(
            ("code", "K01-001"),
            ("standard", "EC0305"),
            ("element", "E1"),
            ("criterion", "K01"),
            ("difficulty", "medium"),
        ),
    ),
    Q(
        "multiple",
        "Seleccione las barreras",
        options=(
            Opt("Ruido", F(1, 3), "#sí"),
            Opt("Prisa", F(1, 3)),
            Opt("Jerga", F(1, 3)),
            Opt("Sonrisa", F(-1, 3), "~no"),
            Opt("Calma", F(0)),
        ),
        meta=(("code", "K02-001"), ("criterion", "K02")),
    ),
    Q(
        "multiple",
        "Pesos exactos",
        options=(Opt("a", F(1, 8)), Opt("b", F(7, 8)), Opt("c", F(-1, 1024))),
    ),
    Q(
        "multiple",
        "Una sola correcta, declarada múltiple",
        options=(Opt("a", F(1)), Opt("b", F(-1)), Opt("c", F(0))),
    ),
    Q("true_false", "El cliente {siempre} tiene: razón", answer=True),
    Q("true_false", "Falso ~ con = retro", answer=False, feedback="Porque # sí"),
    Q(
        "matching",
        "Relacione: tipo -> trato",
        title="Emparejar",
        pairs=(
            P("Impaciente {1}", "Atención -> rápida"),
            P("Indeciso = 2", "> Opciones claras"),
            P("Menos -", "Calma: ~respeto~"),
            P("%50 de los casos", "[html] no es formato"),
        ),
        feedback="Cada tipo ## pide",
    ),
    Q(
        "situational",
        "Un cliente grita: ¿qué hace?",
        category="EC0305/E1/K01",
        options=(
            Opt("Escucha", F(1), "La mejor."),
            Opt("Pide esperar", F(1, 2), "Aceptable."),
            Opt("Llama al jefe", F(1, 4)),
            Opt("Lo ignora", F(0), "Empeora."),
        ),
        feedback="Escuchar primero.",
        meta=(("code", "K01-002"), ("criterion", "K01"), ("difficulty", "hard")),
    ),
    Q(
        "situational",
        "Dos respuestas igual de buenas",
        options=(Opt("a -> b", F(1)), Opt("c", F(1)), Opt("d", F(1, 3))),
    ),
    Q(
        "single",
        "// no es comentario",
        category="Banco/Práctica general",
        options=(
            Opt("%50 de descuento", F(1)),
            Opt("%0", F(0)),
            Opt("[html]literal", F(0), "[plain]también"),
            Opt("$CATEGORY: no", F(0)),
        ),
    ),
    Q("true_false", "::no es título:: [markdown]", answer=False),
]


def test_round_trip_of_every_exportable_type():
    """Writing and reading back gives the same questions, special characters,
    accents, credits, categories and metadata included."""
    text, skipped = write_gift(ROUND_TRIP)
    assert skipped == []
    assert parse_gift(text) == ROUND_TRIP


@pytest.mark.parametrize("question", ROUND_TRIP, ids=lambda q: q.stem[:20])
def test_round_trip_of_each_question_alone(question):
    """Each question survives the round trip on its own (no state from others)."""
    assert parse_gift(write_gift([question])[0]) == [question]


def test_ordering_is_skipped_and_reported():
    """Ordering has no GIFT form: it is left out of the file and returned."""
    ordering = Q("ordering", "Ordene los pasos", meta=(("code", "K17-001"),))
    single = Q("single", "Uno", options=(Opt("a", F(1)), Opt("b", F(0))))
    text, skipped = write_gift([single, ordering, single])
    assert skipped == [ordering]
    assert "Ordene" not in text
    assert parse_gift(text) == [single, single]


def test_writer_output_format():
    """The writer emits the category (from standard/element/criterion), the
    metadata comment with the type, the title, one option per line and Moodle's
    weights."""
    question = Q(
        "multiple",
        "Elija dos: {a} o b",
        title="K02-001",
        options=(Opt("uno", F(1, 2), "sí"), Opt("dos", F(1, 2)), Opt("tres", F(-1))),
        feedback="Revise la lección",
        meta={
            "code": "K02-001",
            "standard": "EC0305",
            "element": "E1",
            "criterion": "K02",
        },
    )
    truth = Q("true_false", "Cierto", answer=True)
    text, _ = write_gift([question, truth])
    assert text == (
        "$CATEGORY: EC0305/E1/K02\n"
        "\n"
        "// atiende: code=K02-001 standard=EC0305 element=E1 criterion=K02 "
        "type=multiple\n"
        "::K02-001::Elija dos\\: \\{a\\} o b {\n"
        "\t~%50%uno#sí\n"
        "\t~%50%dos\n"
        "\t~%-100%tres\n"
        "\t####Revise la lección\n"
        "}\n"
        "\n"
        "$CATEGORY:\n"
        "\n"
        "// atiende: type=true_false\n"
        "Cierto {TRUE}\n"
    )


@pytest.mark.parametrize(
    ("credit", "written"),
    [
        (F(1, 2), "%50%"),
        (F(1, 3), "%33.33333%"),
        (F(2, 3), "%66.66667%"),
        (F(-1, 3), "%-33.33333%"),
        (F(1, 8), "%12.5%"),
        (F(1, 1024), "%0.09765625%"),
        (F(-1), "%-100%"),
    ],
)
def test_weights_are_written_like_moodle(credit, written):
    """Short decimals are exact; other fractions get five decimals, and read back
    exactly."""
    question = Q(
        "situational" if credit >= 0 else "single",
        "Q",
        options=(Opt("a", F(1)), Opt("b", credit)),
    )
    text, _ = write_gift([question])
    assert f"\t~{written}b\n" in text
    assert parse_gift(text) == [question]


INVALID_EXPORTS = [
    pytest.param(
        Q("single", "Q", options=(Opt("a", F(1)), Opt("b", F(1)))),
        gift.E_SINGLE_WRONG,
        id="all-right",
    ),
    pytest.param(
        Q("single", "", options=(Opt("a", F(1)), Opt("b", F(0)))),
        gift.E_EMPTY_STEM,
        id="empty-stem",
    ),
    pytest.param(
        Q("multiple", "Q", options=(Opt("a", F(1)), Opt("b", F(1)))),
        gift.E_MULTIPLE_SUM,
        id="multiple-sum",
    ),
    pytest.param(
        Q("situational", "Q", options=(Opt("a", F(1)), Opt("b", F(-1)))),
        gift.E_SITUATIONAL_RANGE,
        id="situational-range",
    ),
    pytest.param(Q("true_false", "Q"), gift.E_TF_ANSWER, id="true-false-no-answer"),
    pytest.param(
        Q("matching", "Q", pairs=(P("a -> b", "1"), P("c", "2"))),
        gift.E_PAIR_PROMPT_ARROW,
        id="arrow-in-prompt",
    ),
    pytest.param(
        Q("true_false", "Q", answer=True, meta=(("type", "single"),)),
        gift._e_meta_reserved(),
        id="type-in-meta",
    ),
    pytest.param(
        Q("true_false", "Q", answer=True, meta=(("tags", "a b"),)),
        gift._e_meta_value("tags"),
        id="meta-value-with-space",
    ),
    pytest.param(
        Q("true_false", "Q", answer=True, category="a\nb"),
        gift.E_CATEGORY_NEWLINE,
        id="category-newline",
    ),
    pytest.param(
        Q("essay", "Q"), "tipo de pregunta desconocido 'essay'", id="unknown-type"
    ),
]


@pytest.mark.parametrize(("question", "reason"), INVALID_EXPORTS)
def test_writer_refuses_questions_it_could_not_read_back(question, reason):
    """Export checks the same rules as import and names the question by its
    position, so that whatever is written can be imported again."""
    good = Q("true_false", "Bien", answer=True)
    with pytest.raises(GiftError) as caught:
        write_gift([good, question])
    assert caught.value.errors == [(2, reason)]
    assert str(caught.value) == f"pregunta 2: {reason}"


# ----------------------------------------------------------------- dataclasses


def test_category_is_derived_from_metadata():
    """Without a category, standard/element/criterion in the metadata make one."""
    question = Q(
        "true_false", "Q", answer=True, meta={"element": "E2", "criterion": "K05"}
    )
    assert question.category == "E2/K05"
    assert question.meta == (("element", "E2"), ("criterion", "K05"))


@pytest.mark.parametrize(
    ("category", "criterion"),
    [
        ("EC0305/E1/K01", "K01"),
        ("K07/", "K07"),
        ("$course$/top/Default for Atiende", None),
    ],
)
def test_criterion_comes_from_last_category_segment(category, criterion):
    """A code-like last category segment is offered as the criterion (the import
    uses it if it names a real criterion); Moodle's default names are not. It is
    not written into the metadata."""
    question = Q("true_false", "Q", answer=True, category=category)
    assert question.category_criterion == (criterion or "")
    assert question.meta == ()


def test_metadata_criterion_wins_over_category():
    """An explicit criterion is kept even when the category says otherwise."""
    [question] = parse_gift(
        "$CATEGORY: EC0305/E1/K01\n// atiende: criterion=K08\nQ {T}"
    )
    assert question.category == "EC0305/E1/K01"
    assert question.meta == (("criterion", "K08"),)


def test_texts_are_trimmed_and_line_is_not_compared():
    """Surrounding whitespace means nothing in GIFT, and ``line`` is bookkeeping."""
    assert Q("true_false", "  Q \n", answer=True, line=3) == Q(
        "true_false", "Q", answer=True, line=9
    )
    assert Opt(" a ", 1) == Opt("a", F(1))


def test_credit_must_not_be_float():
    """Credits are exact: a float is refused, ints and fraction strings are not."""
    with pytest.raises(TypeError):
        Opt("a", 0.5)
    assert Opt("a", "1/2").credit == F(1, 2)


# ------------------------------------------------------- what Moodle writes

N = gift.GiftNumber
D = Decimal

MOODLE_FORMS = [
    pytest.param(
        "¿Quién? {=Grant =Ulises S. Grant =%50%Ulises}",
        Q(
            "short_answer",
            "¿Quién?",
            options=(
                Opt("Grant", F(1)),
                Opt("Ulises S. Grant", F(1)),
                Opt("Ulises", F(1, 2)),
            ),
        ),
        id="short-answer",
    ),
    pytest.param(
        "Uno {=a#bien =%0%b#no}",
        Q(
            "short_answer",
            "Uno",
            options=(Opt("a", F(1), "bien"), Opt("b", F(0), "no")),
        ),
        id="short-answer-zero-credit-with-feedback",
    ),
    pytest.param(
        "Dos más dos es {=cuatro =4}.",
        Q(
            "short_answer",
            f"Dos más dos es {gift.BLANK}.",
            options=(Opt("cuatro", F(1)), Opt("4", F(1))),
        ),
        id="short-answer-missing-word",
    ),
    pytest.param(
        "Grant está {~enterrado =sepultado ~vivo} en su tumba.",
        Q(
            "single",
            f"Grant está {gift.BLANK} en su tumba.",
            options=(Opt("enterrado", F(0)), Opt("sepultado", F(1)), Opt("vivo", F(0))),
        ),
        id="missing-word",
    ),
    pytest.param(
        "Q {=a =b ~c}",
        Q("single", "Q", options=(Opt("a", F(1)), Opt("b", F(1)), Opt("c", F(0)))),
        id="single-two-right",
    ),
    pytest.param(
        "Q {=a ~%50%b ~c#no}",
        Q(
            "situational",
            "Q",
            options=(Opt("a", F(1)), Opt("b", F(1, 2)), Opt("c", F(0), "no")),
        ),
        id="single-pick-with-partial-credit-is-situational",
    ),
    pytest.param(
        "Pi {#3.1416:0.0001}",
        Q("numerical", "Pi", numbers=(N("value", D("3.1416"), D("0.0001")),)),
        id="numerical-tolerance",
    ),
    pytest.param(
        "Entre uno y cinco {#1..5}",
        Q("numerical", "Entre uno y cinco", numbers=(N("range", D(1), D(5)),)),
        id="numerical-range",
    ),
    pytest.param(
        "Exacto {#-2.5}",
        Q("numerical", "Exacto", numbers=(N("value", D("-2.5"), D(0)),)),
        id="numerical-exact",
    ),
    pytest.param(
        """
        Nació en {#
            =1822:0 # Exacto.
            =%50%1822:2 # Cerca.
            ####Fue en 1822.
        }
        """,
        Q(
            "numerical",
            "Nació en",
            numbers=(
                N("value", D(1822), D(0), F(1), "Exacto."),
                N("value", D(1822), D(2), F(1, 2), "Cerca."),
            ),
            feedback="Fue en 1822.",
        ),
        id="numerical-several-answers",
    ),
    pytest.param(
        "Mide {#=3:0 =%50%3.1:0.1} metros.",
        Q(
            "numerical",
            f"Mide {gift.BLANK} metros.",
            numbers=(
                N("value", D(3), D(0)),
                N("value", D("3.1"), D("0.1"), F(1, 2)),
            ),
        ),
        id="numerical-missing-word",
    ),
    pytest.param(
        "La Tierra es {TRUE} redonda.",
        Q("true_false", f"La Tierra es {gift.BLANK} redonda.", answer=True),
        id="true-false-missing-word",
    ),
    pytest.param(
        "[html]<p>Elige <b>una</b></p><script>x()</script> {=[html]<i>Sí</i>"
        " ~No#<b>mal</b> ####<p>Porque <u>sí</u></p>}",
        Q(
            "single",
            "<p>Elige <b>una</b></p>",
            options=(Opt("Sí", F(1)), Opt("No", F(0), "mal")),
            feedback="<p>Porque <u>sí</u></p>",
            text_format="html",
        ),
        id="html-sanitised-options-as-text",
    ),
    pytest.param(
        "[moodle]Línea uno\\nLínea <i>dos</i> {T}",
        Q(
            "true_false",
            "Línea uno<br>Línea <i>dos</i>",
            answer=True,
            text_format="html",
        ),
        id="moodle-format-keeps-line-breaks",
    ),
    pytest.param(
        "[html]Q {=a ~b####[plain]x < y}",
        Q(
            "single",
            "Q",
            options=(Opt("a", F(1)), Opt("b", F(0))),
            feedback="x &lt; y",
            text_format="html",
        ),
        id="plain-feedback-in-html-question",
    ),
    pytest.param(
        "Q {=<b>a</b> ~b####[html]<b>ok</b>}",
        Q(
            "single",
            "Q",
            options=(Opt("<b>a</b>", F(1)), Opt("b", F(0))),
            feedback="ok",
        ),
        id="html-feedback-in-plain-question",
    ),
    pytest.param(
        "[html]Relaciona {=<b>A</b> -> <b>1</b> =B -> 2}",
        Q(
            "matching",
            "Relaciona",
            pairs=(P("A", "<b>1</b>"), P("B", "2")),
            text_format="html",
        ),
        id="html-matching-right-side-is-read-as-is",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MOODLE_FORMS)
def test_moodle_forms_are_read(text, expected):
    """Short answer, numerical, missing word, several right answers, partial
    credit in one pick, and text formats read as Moodle means them."""
    assert parse_gift(gift_text(text)) == [expected]


MOODLE_ERRORS = [
    pytest.param("Q {#tres}", [(1, gift.E_NUMBER)], id="numerical-not-a-number"),
    pytest.param("Q {#3,5}", [(1, gift.E_NUMBER)], id="numerical-decimal-comma"),
    pytest.param("Q {#}", [(1, gift.E_NUMBER)], id="numerical-empty"),
    pytest.param("Q {#3:-1}", [(1, gift.E_TOLERANCE)], id="numerical-negative-tol"),
    pytest.param("Q {#5..1}", [(1, gift.E_NUMBER_RANGE)], id="numerical-reversed"),
    pytest.param(
        "Q {#=%50%3 =%50%4}",
        [(1, gift.E_ANSWER_FULL.format(label="numérica"))],
        id="numerical-no-full-credit",
    ),
    pytest.param(
        "Q {#=3 =%-50%4}",
        [(1, gift.E_ANSWER_RANGE.format(label="numérica"))],
        id="numerical-negative-credit",
    ),
    pytest.param("Q {#3 ~#otra}", [(1, gift.E_NUMERICAL_OTHER)], id="numerical-tilde"),
    pytest.param("Q {#3 =4}", [(1, gift.E_NUMERICAL_START)], id="numerical-start"),
    pytest.param("Q {#3#a#b}", [(1, gift.E_HASH)], id="numerical-two-hashes"),
    pytest.param(
        "Q {=%50%a}",
        [(1, gift.E_ANSWER_FULL.format(label="respuesta corta"))],
        id="short-answer-no-full-credit",
    ),
    pytest.param("Q {= =a}", [(1, gift.E_SHORT_EMPTY)], id="short-answer-empty"),
    pytest.param(
        "// atiende: type=short_answer\nQ {=a ~b}",
        [
            (
                2,
                "el tipo declarado 'short_answer' no coincide con el bloque de "
                "respuestas (opciones con '~')",
            )
        ],
        id="short-answer-declared-with-tilde",
    ),
    pytest.param(
        "// atiende: type=single\nQ {#3}",
        [
            (
                2,
                "el tipo declarado 'single' no coincide con el bloque de "
                "respuestas (numérica)",
            )
        ],
        id="numerical-declared-otherwise",
    ),
    pytest.param("Q {=a ~b} y {=c ~d}", [(1, gift.E_TWO_BLOCKS)], id="two-blocks"),
]


@pytest.mark.parametrize(("text", "expected"), MOODLE_ERRORS)
def test_malformed_moodle_forms_say_why(text, expected):
    assert errors_of(text) == expected


def test_read_gift_keeps_the_valid_questions_and_lists_the_rest():
    """``read_gift`` returns the valid questions and every problem, each at its
    question's first line, so a caller may keep the valid ones."""
    text = gift_text(
        """
        Buena {T}

        // atiende: criterion=K01
        Mala {
        =a
        =%50%b#uno#dos
        }

        Ensayo {}

        Otra buena {#1..2}
        """
    )
    read = gift.read_gift(text)
    assert [q.stem for q in read.questions] == ["Buena", "Otra buena"]
    assert read.errors == [(4, gift.E_HASH), (9, gift.E_UNSUPPORTED_ESSAY)]


NEW_ROUND_TRIP = [
    Q(
        "short_answer",
        "¿Ventanilla?",
        options=(
            Opt("Ventanilla 7", F(1), "Bien # hecho"),
            Opt("%siete", F(1)),
            Opt("[html] literal", F(1, 2), "Casi"),
            Opt("Ulises*Grant", F(0), "No"),
        ),
        meta=(("code", "SA-1"), ("case_sensitive", "true")),
    ),
    Q(
        "numerical",
        "Cuánto",
        numbers=(
            N("value", D("3.14"), D("0.01"), F(1), "Pi: 3.14 \\# ok"),
            N("range", D("-5"), D("1E+2"), F(1, 4)),
            N("value", D("0.5"), D(0), F(1, 3)),
        ),
        feedback="General",
    ),
    Q(
        "single",
        f"Al llegar {gift.BLANK} al cliente: ¿{{ok}}?",
        options=(Opt("saluda", F(1)), Opt("ignora", F(0)), Opt("recibe", F(1))),
    ),
    Q("true_false", f"{gift.BLANK} es el primer paso.", answer=True),
    Q("true_false", f"Termina en blanco {gift.BLANK}", answer=False),
    Q(
        "numerical",
        f"Dos {gift.BLANK} blancos {gift.BLANK}",
        numbers=(N("value", D(2), D(0)),),
    ),
    Q(
        "single",
        '<p>Elige <a href="https://e.org" rel="noopener noreferrer nofollow">la</a>'
        f" {gift.BLANK} <b>correcta</b>:</p><ul><li>uno</li></ul>",
        options=(Opt("a < b", F(1), "<b> no es HTML"), Opt("[plain]c", F(0))),
        feedback="<p>Retro <em>rica</em></p>",
        text_format="html",
    ),
    Q(
        "matching",
        "<p>Relaciona</p>",
        pairs=(P("<uno>", "1 -> a"), P("dos", "[html]2")),
        text_format="html",
    ),
]


@pytest.mark.parametrize("question", NEW_ROUND_TRIP, ids=lambda q: q.type)
def test_round_trip_of_the_new_forms(question):
    """Short answer, numerical, missing word (the block written where the blank
    is) and HTML questions survive the round trip, special characters
    included."""
    assert parse_gift(write_gift([question])[0]) == [question]


def test_writer_puts_the_block_where_the_blank_is():
    """A stem with one blank and text after it is written as Moodle's missing
    word; HTML questions mark their formats; numbers are written exactly."""
    text, _ = write_gift(NEW_ROUND_TRIP[1:3] + NEW_ROUND_TRIP[6:7])
    assert (
        "Al llegar {\n\t=saluda\n\t~ignora\n\t=recibe\n} al cliente\\: ¿\\{ok\\}?"
        in (text)
    )
    assert "Cuánto {#\n\t=3.14:0.01#Pi\\: 3.14 \\\\\\# ok\n\t=%25%-5..100\n" in text
    assert "\t=%33.33333%0.5:0\n" in text
    assert "[html]<p>Elige " in text and "\t=[plain]a < b#[plain]<b> no es HTML\n" in (
        text
    )
    assert "\t####[html]<p>Retro <em>rica</em></p>\n" in text
