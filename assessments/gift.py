"""GIFT import and export for the question bank (pure: no Django import).

GIFT is Moodle's plain-text question format. Trainers import and export the bank
with it, so this module reads what Moodle writes and writes what Moodle reads,
plus one extension of ours: a metadata comment directly before a question::

    $CATEGORY: EC0305/E1/K01

    // atiende: code=K01-001 criterion=K01 difficulty=medium type=situational
    ::K01-001::Un cliente llega molesto... {
        =Lo escucho sin interrumpir#La mejor respuesta.
        ~%50%Le pido que espere#Aceptable, pero...
        ~Le digo que se calme#Empeora la situación.
        ####Escuchar primero baja la tensión.
    }

How a question's type is decided:

- ``type=`` in the ``// atiende:`` comment wins (it must agree with the answer
  block). ``write_gift`` always writes it, so our own files never rely on
  inference.
- Otherwise it is inferred from the answer block, as Moodle does:
  ``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` -> ``true_false``; ``{#...}`` ->
  ``numerical`` (``{#3.14:0.01}``, ``{#1..5}``, ``{#=1822:0 =%50%1822:2}``);
  every option ``=prompt -> match`` -> ``matching``; every option ``=`` (with or
  without a weight) -> ``short_answer``; options marked right (``=`` or 100 %)
  and the rest wrong -> ``single`` (with ``{=a =b ~c}`` either right option earns
  full marks); two or more positive options adding up to 100 % -> ``multiple``;
  one pick where some options earn part of the credit (``~%50%``) ->
  ``situational``, the type whose every option carries its own credit; options
  without any weight but no ``=`` -> a ``single`` that fails validation; any
  other weighting is an error.
- Text after the answer block makes a missing-word question, of whatever type
  the block is: the stem shows a blank (``BLANK``) where the block was, and the
  writer puts the block back there.
- Essay (``{}``) and description (no answer block) questions, and our
  ``ordering``, are not supported: each is an error that says why.

Text formats: a text may start with ``[html]``, ``[moodle]``, ``[plain]`` or
``[markdown]``; without one it takes the stem's. ``[html]`` and ``[moodle]`` (which
allows HTML too) make an HTML question: its stem and general feedback are kept
as sanitised HTML (``rich_text``), ``text_format="html"``. ``[plain]``,
``[markdown]`` and no marker give plain text, shown as written. Options, pairs
and accepted answers are always plain text: HTML there becomes text.

Credits are exact ``Fraction`` values in [-1, 1]. Moodle writes thirds as
``%33.33333%``; a weight written with five or more decimals that is the rounding
of a fraction with denominator <= 100 is read as that fraction, so 1/3 survives
the round trip. The writer writes other credits exactly (up to ten decimals).
Numbers are exact ``Decimal`` values.

True/false: Moodle's per-answer feedback (``{T#if wrong#if right}``) has no place
in our bank, which keeps one feedback per true/false question, so it is merged
into ``feedback`` after the general feedback.

``read_gift`` collects the problems of every question, each reported at the
question's first line, and returns the valid questions with them, so a caller
may keep the valid ones; ``parse_gift`` raises ``GiftError`` if there is any.
The parser is a hand-written linear scanner (no backtracking regular
expressions); it refuses files over ``MAX_BYTES`` and questions with more than
``MAX_ANSWERS`` options.

Blank lines separate questions, as in Moodle; ``//`` lines are comments anywhere.
Surrounding whitespace of every text is dropped (it means nothing in GIFT), so
``parse_gift(write_gift(qs)[0]) == qs`` for every exportable question, and
``write_gift`` refuses the questions for which that could not hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from . import rich_text
from .typed_grading import decimal_text

__all__ = [
    "BLANK",
    "EXPORTABLE_TYPES",
    "MAX_ANSWERS",
    "MAX_BYTES",
    "QUESTION_TYPES",
    "GiftError",
    "GiftNumber",
    "GiftOption",
    "GiftPair",
    "GiftQuestion",
    "GiftRead",
    "parse_gift",
    "read_gift",
    "write_gift",
]

MAX_BYTES = 2 * 1024 * 1024

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
MATCHING = "matching"
ORDERING = "ordering"
SITUATIONAL = "situational"
SHORT_ANSWER = "short_answer"
NUMERICAL = "numerical"
QUESTION_TYPES = frozenset(
    {
        SINGLE,
        MULTIPLE,
        TRUE_FALSE,
        MATCHING,
        ORDERING,
        SITUATIONAL,
        SHORT_ANSWER,
        NUMERICAL,
    }
)
EXPORTABLE_TYPES = QUESTION_TYPES - {ORDERING}
_CHOICE_TYPES = frozenset({SINGLE, MULTIPLE, SITUATIONAL})

_TYPE_LABELS = {
    SINGLE: "opción única",
    MULTIPLE: "respuesta múltiple",
    TRUE_FALSE: "verdadero/falso",
    MATCHING: "emparejamiento",
    ORDERING: "ordenamiento",
    SITUATIONAL: "situacional",
    SHORT_ANSWER: "respuesta corta",
    NUMERICAL: "numérica",
}

#: What a missing-word question's stem shows where its answer block was.
BLANK = "_____"

# Characters GIFT gives a meaning to; in text they are written with a backslash.
_SPECIAL = frozenset("\\~=#{}:")
_UNESCAPE = {"\\": "\\", "~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":"}
# The format markers, and what each means for us ("moodle" is HTML whose line
# breaks count).
_MOODLE = "moodle"
_FORMATS = {
    "[html]": rich_text.HTML,
    "[moodle]": _MOODLE,
    "[plain]": rich_text.PLAIN,
    "[markdown]": rich_text.PLAIN,
}
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
_META = "atiende:"
_VALUE = "value"
_RANGE = "range"

# Bounded patterns, applied to short strings only: no catastrophic backtracking.
_WEIGHT_RE = re.compile(r"-?\d{1,3}(?:\.\d{1,10})?")
_NUMBER_RE = re.compile(
    r"[+-]?(?:\d{1,20}(?:\.\d{0,10})?|\.\d{1,10})(?:[eE][+-]?\d{1,2})?"
)
_META_KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_MAX_WEIGHT_CHARS = 20
_MAX_NUMBER_CHARS = 40
# No real question has more; the cap keeps a hostile file from costing much.
MAX_ANSWERS = 100
# The exception's message shows this many errors; ``errors`` keeps them all.
_MAX_SHOWN_ERRORS = 50
_MAX_WEIGHT_DIGITS = 10
# Moodle rounds weights to 5 decimals and checks sums rounded to 2 decimals.
_SNAP_MIN_DIGITS = 5
_SNAP_MAX_DENOMINATOR = 100
_SUM_TOLERANCE = Fraction(1, 200)

# User-facing messages (Spanish).
E_SIZE = "el archivo supera el tamaño máximo de 2 MB"
E_TITLE = "falta el cierre '::' del título"
E_STRAY_CLOSE = "llave de cierre '}' sin llave de apertura '{'"
E_NO_CLOSE = "falta la llave de cierre '}'"
E_TWO_BLOCKS = "la pregunta tiene más de un bloque de respuestas '{…}'"
E_EMPTY_STEM = "el enunciado está vacío"
E_TOO_MANY = f"la pregunta tiene demasiadas opciones (máximo {MAX_ANSWERS})"
E_OPTION_START = "las opciones deben empezar con '=' (correcta) o '~' (incorrecta)"
E_WEIGHT = "ponderación mal formada: se espera '%N%' con N entre -100 y 100"
E_WEIGHT_RANGE = "ponderación fuera de rango: debe estar entre -100 % y 100 %"
E_HASH = "'#' sin escapar en la retroalimentación (escríbalo como '\\#')"
E_TF_FEEDBACK = (
    "verdadero/falso admite como máximo dos retroalimentaciones por respuesta"
)
E_TF_ANSWER = "la pregunta de verdadero/falso necesita la respuesta (verdadero o falso)"
E_TF_EXTRA = "la pregunta de verdadero/falso no admite opciones, pares ni números"
E_PAIR_START = "cada par de emparejamiento debe empezar con '='"
E_PAIR_ARROW = "falta '->' en el par de emparejamiento"
E_PAIR_FEEDBACK = "el emparejamiento no admite retroalimentación por par"
E_PAIR_PROMPT = "el par de emparejamiento tiene el enunciado vacío"
E_PAIR_MATCH = "el par de emparejamiento tiene la respuesta vacía"
E_PAIR_PROMPT_ARROW = "el enunciado de un par no puede contener '->'"
E_PAIRS_FEW = "el emparejamiento debe tener al menos dos pares"
E_MATCHING_EXTRA = (
    "la pregunta de emparejamiento no admite opciones, números ni respuesta"
)
E_CHOICE_EXTRA = (
    "la pregunta de {label} no admite pares, números ni respuesta verdadero/falso"
)
E_OPTIONS_FEW = "la pregunta debe tener al menos dos opciones"
E_OPTION_EMPTY = "el texto de la opción está vacío"
E_CREDIT_RANGE = "crédito fuera de rango: debe estar entre -100 % y 100 %"
E_SINGLE_ONE = "la pregunta de opción única debe tener al menos una respuesta correcta"
E_SINGLE_WRONG = (
    "la pregunta de opción única necesita al menos una respuesta incorrecta"
)
E_SINGLE_PARTIAL = (
    "en la pregunta de opción única las respuestas correctas valen 100 % y las "
    "demás nada: ninguna puede tener un crédito parcial"
)
E_MULTIPLE_NONE = (
    "la pregunta de respuesta múltiple debe tener al menos una respuesta correcta"
)
E_MULTIPLE_SUM = (
    "en la pregunta de respuesta múltiple los créditos positivos deben sumar 100 %"
)
E_SITUATIONAL_RANGE = (
    "en la pregunta situacional cada crédito debe estar entre 0 % y 100 %"
)
E_SITUATIONAL_FULL = (
    "la pregunta situacional debe tener al menos una opción con crédito de 100 %"
)
E_NO_TYPE = (
    "las ponderaciones no corresponden a ningún tipo: use respuestas correctas "
    "'=' (opción única), créditos positivos que sumen 100 % (respuesta múltiple) "
    "u opciones con su propio crédito y al menos una de 100 % (situacional)"
)
E_ANSWERS_EXTRA = "la pregunta de {label} no admite pares ni respuesta verdadero/falso"
E_SHORT_FEW = "la pregunta de respuesta corta necesita al menos una respuesta aceptada"
E_SHORT_EMPTY = "una respuesta aceptada está vacía"
E_ANSWER_RANGE = "en la pregunta de {label} cada crédito debe estar entre 0 % y 100 %"
E_ANSWER_FULL = (
    "la pregunta de {label} debe tener al menos una respuesta con crédito de 100 %"
)
E_NUMERICAL_FEW = "la pregunta numérica no tiene respuestas"
E_NUMERICAL_START = (
    "en una pregunta numérica con varias respuestas cada una empieza con '='"
)
E_NUMERICAL_OTHER = (
    "la pregunta numérica no admite '~' (una retroalimentación para cualquier otra "
    "respuesta): escribe las respuestas aceptadas con '='"
)
E_NUMBER = (
    "número mal formado: se espera 'valor', 'valor:tolerancia' o 'mínimo..máximo' "
    "con punto decimal"
)
E_TOLERANCE = "la tolerancia de una respuesta numérica no puede ser negativa"
E_NUMBER_RANGE = "en un intervalo el mínimo no puede pasar del máximo"
E_TEXT_FORMAT = "formato de texto desconocido: se espera 'plain' o 'html'"
E_META_DANGLING = "comentario 'atiende' sin una pregunta inmediatamente después"
E_META_INSIDE = (
    "el comentario 'atiende' debe ir justo antes de la pregunta, no dentro de ella"
)
E_CATEGORY_NEWLINE = "la categoría no puede tener saltos de línea"
_UNSUPPORTED = "tipo de pregunta no soportado: "
E_UNSUPPORTED_DESCRIPTION = (
    _UNSUPPORTED + "descripción (texto sin bloque de respuestas '{…}'): no es una "
    "pregunta, nadie la responde ni se califica"
)
E_UNSUPPORTED_ESSAY = (
    _UNSUPPORTED + "ensayo ('{}'): la respuesta libre necesita que una persona la "
    "califique, y aquí las evaluaciones se califican solas"
)
E_UNSUPPORTED_ORDERING = _UNSUPPORTED + "ordenamiento (no se puede expresar en GIFT)"


def _e_unknown_type(value: str) -> str:
    return f"tipo de pregunta desconocido '{value}'"


def _e_type_mismatch(declared: str, found: str) -> str:
    return (
        f"el tipo declarado '{declared}' no coincide con el bloque de respuestas "
        f"({found})"
    )


def _e_meta_token(token: str) -> str:
    return f"metadato mal formado '{token}': se espera clave=valor"


def _e_meta_repeated(key: str) -> str:
    return f"metadato repetido '{key}'"


def _e_meta_value(key: str) -> str:
    return f"el valor del metadato '{key}' no puede estar vacío ni tener espacios"


def _e_meta_reserved() -> str:
    return "la clave de metadatos 'type' está reservada: use el tipo de la pregunta"


def _e_repeated_option(text: str) -> str:
    return f"opción repetida: '{text}'"


def _e_repeated_prompt(text: str) -> str:
    return f"enunciado de par repetido: '{text}'"


class GiftError(ValueError):
    """A GIFT file (or a list of questions to export) that cannot be used.

    ``errors`` lists every problem found as ``(position, reason)``: the position is
    the 1-based line where the question starts when parsing and a 1-based question
    number when writing.
    """

    def __init__(self, errors: Iterable[tuple[int, str]], unit: str = "línea"):
        self.errors: list[tuple[int, str]] = list(errors)
        self.unit = unit
        shown = self.messages[:_MAX_SHOWN_ERRORS]
        hidden = len(self.errors) - len(shown)
        if hidden > 0:
            shown.append(f"… y {hidden} errores más")
        super().__init__("\n".join(shown))

    @property
    def messages(self) -> list[str]:
        """Each error ready to show, e.g. ``"línea 12: falta la llave ..."``."""
        return [f"{self.unit} {pos}: {reason}" for pos, reason in self.errors]


# --------------------------------------------------------------------- dataclasses


def _canonical(text: str) -> str:
    # Surrounding whitespace means nothing in GIFT; normalising it here makes
    # write-then-parse an exact round trip.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class GiftOption:
    """A choice, or an accepted short answer; ``credit`` in [-1, 1] (``=`` is 1,
    ``~`` is 0, ``~%50%`` is 1/2)."""

    text: str
    credit: Fraction
    feedback: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.credit, float):
            # Floats cannot hold 1/3; scores are Fractions throughout.
            raise TypeError("credit must be a Fraction (or int/str), not float")
        object.__setattr__(self, "credit", Fraction(self.credit))
        object.__setattr__(self, "text", _canonical(self.text))
        object.__setattr__(self, "feedback", _canonical(self.feedback))


@dataclass(frozen=True)
class GiftPair:
    """One matching pair: ``=prompt -> match``."""

    prompt: str
    match: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "prompt", _canonical(self.prompt))
        object.__setattr__(self, "match", _canonical(self.match))


@dataclass(frozen=True)
class GiftNumber:
    """One accepted numerical answer: ``kind="value"`` is ``first`` ± ``second``
    (the tolerance), ``kind="range"`` is ``first..second``; ``credit`` in [0, 1]."""

    kind: str
    first: Decimal
    second: Decimal
    credit: Fraction = Fraction(1)
    feedback: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.credit, float) or isinstance(self.first, float):
            raise TypeError("numbers and credits must be exact, not float")
        if self.kind not in (_VALUE, _RANGE):
            raise ValueError(f"unknown numerical answer kind {self.kind!r}")
        object.__setattr__(self, "first", Decimal(self.first))
        object.__setattr__(self, "second", Decimal(self.second))
        object.__setattr__(self, "credit", Fraction(self.credit))
        object.__setattr__(self, "feedback", _canonical(self.feedback))

    @property
    def text(self) -> str:
        """The answer as GIFT writes it: ``3.14:0.01`` or ``1..5``."""
        mark = ".." if self.kind == _RANGE else ":"
        return f"{decimal_text(self.first)}{mark}{decimal_text(self.second)}"


@dataclass(frozen=True)
class GiftQuestion:
    """A question as GIFT carries it.

    ``meta`` holds our extra metadata (``code``, ``criterion``, ``difficulty``,
    ``standard``, ``element``, ``tags``...) as ordered ``(key, value)`` pairs; a
    ``Mapping`` is accepted and converted. Without a ``category``,
    standard/element/criterion in ``meta`` make one (``EC0305/E1/K01``).

    ``text_format`` (``"plain"`` or ``"html"``) is the format of ``stem`` and
    ``feedback``; HTML is sanitised (``rich_text.sanitize``). ``numbers`` are
    the answers of a numerical question. ``line`` is where the question starts
    in the parsed file; it is not compared.
    """

    type: str
    stem: str
    title: str = ""
    category: str = ""
    options: tuple[GiftOption, ...] = ()
    answer: bool | None = None
    pairs: tuple[GiftPair, ...] = ()
    numbers: tuple[GiftNumber, ...] = ()
    feedback: str = ""
    meta: tuple[tuple[str, str], ...] = ()
    text_format: str = rich_text.PLAIN
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        raw_meta = self.meta.items() if isinstance(self.meta, Mapping) else self.meta
        meta = tuple((str(key), str(value)) for key, value in raw_meta)
        keys = dict(meta)
        category = _canonical(self.category)
        if not category and keys.get("criterion"):
            parts = (keys.get(k, "") for k in ("standard", "element", "criterion"))
            category = "/".join(part for part in parts if part)
        stem, feedback = _canonical(self.stem), _canonical(self.feedback)
        if self.text_format == rich_text.HTML:
            stem, feedback = rich_text.sanitize(stem), rich_text.sanitize(feedback)
        object.__setattr__(self, "meta", meta)
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "stem", stem)
        object.__setattr__(self, "title", _canonical(self.title))
        object.__setattr__(self, "feedback", feedback)
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "pairs", tuple(self.pairs))
        object.__setattr__(self, "numbers", tuple(self.numbers))

    @property
    def category_criterion(self) -> str:
        """The last segment of the category when it looks like a criterion code
        (``K01``, not Moodle's ``Default for X``), else ``""``. Whether it is a
        real criterion is for the caller to check."""
        segments = [part.strip() for part in self.category.split("/")]
        last = next((part for part in reversed(segments) if part), "")
        return "" if any(ch.isspace() for ch in last) else last


@dataclass
class GiftRead:
    """What ``read_gift`` found: the valid questions, and ``(line, reason)`` for
    every problem, at the first line of the question it belongs to."""

    questions: list[GiftQuestion]
    errors: list[tuple[int, str]]


# ---------------------------------------------------------------------- validation


def _check_question(question: GiftQuestion) -> list[str]:
    """The problems of a question, shared by the parser and the writer, so that
    whatever ``write_gift`` accepts, ``parse_gift`` reads back."""
    problems: list[str] = []
    if not question.stem:
        problems.append(E_EMPTY_STEM)
    if question.text_format not in rich_text.FORMATS:
        problems.append(E_TEXT_FORMAT)
    problems += _check_meta(question.meta)
    kind = question.type
    has_options = bool(question.options)
    has_pairs = bool(question.pairs)
    has_numbers = bool(question.numbers)
    has_answer = question.answer is not None
    if kind == TRUE_FALSE:
        if not isinstance(question.answer, bool):
            problems.append(E_TF_ANSWER)
        if has_options or has_pairs or has_numbers:
            problems.append(E_TF_EXTRA)
    elif kind == MATCHING:
        if has_options or has_answer or has_numbers:
            problems.append(E_MATCHING_EXTRA)
        problems += _check_pairs(question.pairs)
    elif kind in _CHOICE_TYPES:
        if has_pairs or has_answer or has_numbers:
            problems.append(E_CHOICE_EXTRA.format(label=_TYPE_LABELS[kind]))
        problems += _check_options(kind, question.options)
    elif kind == SHORT_ANSWER:
        if has_pairs or has_answer or has_numbers:
            problems.append(E_CHOICE_EXTRA.format(label=_TYPE_LABELS[kind]))
        problems += _check_short_answers(question.options)
    elif kind == NUMERICAL:
        if has_pairs or has_answer or has_options:
            problems.append(E_ANSWERS_EXTRA.format(label=_TYPE_LABELS[kind]))
        problems += _check_numbers(question.numbers)
    else:
        problems.append(_e_unknown_type(kind))
    return problems


def _check_meta(meta: tuple[tuple[str, str], ...]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for key, value in meta:
        if key == "type":
            problems.append(_e_meta_reserved())
        elif not _META_KEY_RE.fullmatch(key):
            problems.append(_e_meta_token(f"{key}={value}"))
        elif key in seen:
            problems.append(_e_meta_repeated(key))
        elif not value or any(ch.isspace() for ch in value):
            problems.append(_e_meta_value(key))
        seen.add(key)
    return problems


def _check_pairs(pairs: tuple[GiftPair, ...]) -> list[str]:
    problems: list[str] = []
    if len(pairs) < 2:
        problems.append(E_PAIRS_FEW)
    elif len(pairs) > MAX_ANSWERS:
        problems.append(E_TOO_MANY)
    seen: set[str] = set()
    for pair in pairs:
        if not pair.prompt:
            problems.append(E_PAIR_PROMPT)
        elif "->" in pair.prompt:
            problems.append(E_PAIR_PROMPT_ARROW)
        elif pair.prompt.casefold() in seen:
            problems.append(_e_repeated_prompt(pair.prompt))
        seen.add(pair.prompt.casefold())
        if not pair.match:
            problems.append(E_PAIR_MATCH)
    return problems


def _check_options(kind: str, options: tuple[GiftOption, ...]) -> list[str]:
    problems: list[str] = []
    if len(options) < 2:
        problems.append(E_OPTIONS_FEW)
    elif len(options) > MAX_ANSWERS:
        problems.append(E_TOO_MANY)
    seen: set[str] = set()
    for option in options:
        if not option.text:
            problems.append(E_OPTION_EMPTY)
        elif option.text.casefold() in seen:
            # Case-insensitive: "Sí" and "sí" would look like the same answer.
            problems.append(_e_repeated_option(option.text))
        seen.add(option.text.casefold())
        if not -1 <= option.credit <= 1:
            problems.append(E_CREDIT_RANGE)
    credits = [option.credit for option in options]
    if kind == SINGLE:
        if 1 not in credits:
            problems.append(E_SINGLE_ONE)
        elif all(credit == 1 for credit in credits):
            # Every option right: nothing to choose (and {=a =b} is read back
            # as a short answer).
            problems.append(E_SINGLE_WRONG)
        elif any(0 < credit < 1 for credit in credits):
            problems.append(E_SINGLE_PARTIAL)
    elif kind == MULTIPLE:
        positive = sum((credit for credit in credits if credit > 0), Fraction(0))
        if not positive:
            problems.append(E_MULTIPLE_NONE)
        elif abs(positive - 1) >= _SUM_TOLERANCE:
            problems.append(E_MULTIPLE_SUM)
    elif kind == SITUATIONAL:
        problems += [E_SITUATIONAL_RANGE for c in credits if not 0 <= c <= 1]
        if 1 not in credits:
            problems.append(E_SITUATIONAL_FULL)
    return problems


def _check_answers(kind: str, answers: tuple, empty: str) -> list[str]:
    """The count and credits of a short-answer or numerical question's
    answers (``empty``: what to say when there is none)."""
    label = _TYPE_LABELS[kind]
    problems: list[str] = []
    if not answers:
        problems.append(empty)
    elif len(answers) > MAX_ANSWERS:
        problems.append(E_TOO_MANY)
    credits = [answer.credit for answer in answers]
    problems += [E_ANSWER_RANGE.format(label=label) for c in credits if not 0 <= c <= 1]
    if credits and 1 not in credits:
        problems.append(E_ANSWER_FULL.format(label=label))
    return problems


def _check_short_answers(options: tuple[GiftOption, ...]) -> list[str]:
    problems = [E_SHORT_EMPTY for option in options if not option.text]
    return problems + _check_answers(SHORT_ANSWER, options, E_SHORT_FEW)


def _check_numbers(numbers: tuple[GiftNumber, ...]) -> list[str]:
    problems: list[str] = []
    for number in numbers:
        if number.kind == _VALUE and number.second < 0:
            problems.append(E_TOLERANCE)
        if number.kind == _RANGE and number.first > number.second:
            problems.append(E_NUMBER_RANGE)
    return problems + _check_answers(NUMERICAL, numbers, E_NUMERICAL_FEW)


def _infer_choice_type(credits: list[Fraction], weighted: bool) -> str | None:
    positive = [credit for credit in credits if credit > 0]
    if 1 in credits and all(credit == 1 for credit in positive):
        # One or more right options, the others wrong (a negative weight on a
        # wrong option means nothing to a single pick).
        return SINGLE
    if len(positive) >= 2 and abs(sum(positive) - 1) < _SUM_TOLERANCE:
        return MULTIPLE
    if 1 in credits:
        # One pick, some options worth part of the credit: each option carries
        # its own credit, which is what a situational question is.
        return SITUATIONAL
    if not weighted:
        # Plain '~' options only: read as single choice; validation then says
        # what is wrong ("al menos una respuesta correcta").
        return SINGLE
    return None


# ------------------------------------------------------------------------ scanning


def _find_unescaped(
    text: str, chars: str, start: int = 0, end: int | None = None
) -> int:
    """Index of the first of ``chars`` not escaped by a backslash, or -1."""
    stop = len(text) if end is None else end
    i = start
    while i < stop:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch in chars:
            return i
        i += 1
    return -1


def _find_unescaped_run(text: str, run: str, start: int = 0) -> int:
    """Index of the first unescaped occurrence of ``run`` (``::``, ``####``)."""
    i = start
    stop = len(text)
    while i < stop:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if text.startswith(run, i):
            return i
        i += 1
    return -1


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    stop = len(text)
    while i < stop:
        ch = text[i]
        if ch == "\\" and i + 1 < stop:
            nxt = text[i + 1]
            if nxt == "n":
                out.append("\n")
            elif nxt in _UNESCAPE:
                out.append(_UNESCAPE[nxt])
            else:
                # Moodle keeps unknown escapes as written.
                out.append(ch + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _format_marker(text: str) -> str:
    """The ``[format]`` marker ``text`` starts with, or ``""``."""
    lowered = text[:12].lower()
    return next((marker for marker in _FORMATS if lowered.startswith(marker)), "")


def _clean(raw: str) -> str:
    """Raw GIFT text that is always plain (Moodle reads it as is: short answers,
    the right-hand side of a pair) to text: drop one ``[format]`` marker,
    unescape, trim."""
    text = raw.strip()
    text = text[len(_format_marker(text)) :]
    return _unescape(text).strip()


def _text_format(raw: str, inherited: str) -> str:
    """The format ``raw`` is written in: its own marker's, or ``inherited``."""
    marker = _format_marker(raw.strip())
    return _FORMATS[marker] if marker else inherited


def _read_text(raw: str, inherited: str, target: str) -> str:
    """Raw GIFT text to our text in format ``target`` (``rich_text.PLAIN`` or
    ``HTML``): its own ``[format]`` marker or ``inherited`` says how it is
    written; HTML comes out sanitised, or as text when ``target`` is plain."""
    source = _text_format(raw, inherited)
    text = _clean(raw)
    if source == _MOODLE:
        # Moodle's own format is HTML whose line breaks are kept.
        source, text = rich_text.HTML, text.replace("\n", "<br>")
    return rich_text.convert(text, source, target)


def _first_non_space(text: str, start: int = 0) -> int:
    i = start
    while i < len(text) and text[i].isspace():
        i += 1
    return i


@dataclass
class _Block:
    """The lines of one question, with the context the lines before it set."""

    category: str
    meta: list[tuple[int, str]]
    linenos: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # Problems the scanner found inside the question (a misplaced comment).
    problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.texts)


# (prefix '=' or '~', raw text after it)
_Raw = tuple[str, str]
_Result = tuple[GiftQuestion | None, list[str]]


def _scan_lines(text: str, errors: list[tuple[int, str]]) -> list[_Block]:
    """Split the file into question blocks (blank lines separate questions)."""
    blocks: list[_Block] = []
    category = ""
    pending: list[tuple[int, str]] = []
    current: _Block | None = None

    def dangling() -> None:
        errors.extend((lineno, E_META_DANGLING) for lineno, _ in pending)
        pending.clear()

    for lineno, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            current = None
            dangling()
            continue
        if stripped.startswith("//"):
            body = stripped[2:].strip()
            if body[: len(_META)].lower() == _META:
                if current is not None:
                    current.problems.append(E_META_INSIDE)
                else:
                    pending.append((lineno, body[len(_META) :]))
            continue
        if stripped.startswith(_CATEGORY):
            current = None
            dangling()
            category = stripped[len(_CATEGORY) :].strip()
            continue
        if current is None:
            current = _Block(category=category, meta=pending.copy())
            pending.clear()
            blocks.append(current)
        current.linenos.append(lineno)
        current.texts.append(line.rstrip())
    dangling()
    return blocks


# ------------------------------------------------------------------------- parsing


def read_gift(text: str) -> GiftRead:
    """Read a GIFT file: the valid questions, and every problem found, each at
    the first line of its question (or of a stray metadata comment).

    See the module docstring for the supported forms and how types are decided.
    An empty file (or one with only comments) gives no question and no error.
    """
    # Cheap check first, so a huge string is never encoded just to be refused.
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return GiftRead([], [(1, E_SIZE)])
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    errors: list[tuple[int, str]] = []
    questions: list[GiftQuestion] = []
    for block in _scan_lines(text, errors):
        question, problems = _parse_block(block)
        errors += [(block.linenos[0], reason) for reason in problems]
        if question is not None and not problems:
            questions.append(question)
    # Stable sort: errors of one question keep the order they were found in.
    return GiftRead(questions, sorted(errors, key=lambda error: error[0]))


def parse_gift(text: str) -> list[GiftQuestion]:
    """Read a GIFT file into questions, or raise ``GiftError`` listing every
    error (``read_gift``), so that a file is taken whole or not at all."""
    read = read_gift(text)
    if read.errors:
        raise GiftError(read.errors)
    return read.questions


def _parse_meta(
    block: _Block, errors: list[str]
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    declared: str | None = None
    meta: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _lineno, body in block.meta:
        for token in body.split():
            key, sep, value = token.partition("=")
            if not sep or not value or not _META_KEY_RE.fullmatch(key):
                errors.append(_e_meta_token(token))
            elif key in seen:
                errors.append(_e_meta_repeated(key))
            elif key == "type":
                seen.add(key)
                if value not in QUESTION_TYPES:
                    errors.append(_e_unknown_type(value))
                elif value == ORDERING:
                    errors.append(E_UNSUPPORTED_ORDERING)
                else:
                    declared = value
            else:
                seen.add(key)
                meta.append((key, value))
    return declared, tuple(meta)


@dataclass
class _Parts:
    """What every question has, found before its answer block is read."""

    stem_format: str  # how the stem is written: plain, html or moodle
    common: dict  # stem, title, category, meta, line, text_format

    @property
    def text_format(self) -> str:
        return self.common["text_format"]

    def text(self, raw: str) -> str:
        """An option's, pair prompt's or feedback's text, as plain text."""
        return _read_text(raw, self.stem_format, rich_text.PLAIN)

    def rich(self, raw: str) -> str:
        """A general feedback's text, in the question's format."""
        return _read_text(raw, self.stem_format, self.text_format)


def _parse_block(block: _Block) -> _Result:
    errors: list[str] = list(block.problems)
    declared, meta = _parse_meta(block, errors)
    text = block.text()

    def fail(reason: str) -> _Result:
        errors.append(reason)
        return None, errors

    pos = _first_non_space(text)
    title = ""
    if text.startswith("::", pos):
        end = _find_unescaped_run(text, "::", pos + 2)
        if end < 0:
            return fail(E_TITLE)
        title = _unescape(text[pos + 2 : end]).strip()
        pos = end + 2
    opening = _find_unescaped(text, "{}", pos)
    if opening < 0:
        return fail(E_UNSUPPORTED_DESCRIPTION)
    if text[opening] == "}":
        return fail(E_STRAY_CLOSE)
    closing = _find_unescaped(text, "{}", opening + 1)
    if closing < 0 or text[closing] == "{":
        return fail(E_NO_CLOSE)
    extra = _find_unescaped(text, "{}", closing + 1)
    if extra >= 0:
        return fail(E_STRAY_CLOSE if text[extra] == "}" else E_TWO_BLOCKS)
    after = text[closing + 1 :]
    # Text after the block: a missing-word question, whose stem shows a blank.
    raw_stem = text[pos:opening] + (BLANK + after if after.strip() else "")
    stem_format = _text_format(raw_stem, rich_text.PLAIN)
    text_format = rich_text.PLAIN if stem_format == rich_text.PLAIN else rich_text.HTML
    parts = _Parts(
        stem_format,
        {
            "stem": _read_text(raw_stem, stem_format, text_format),
            "title": title,
            "category": block.category,
            "meta": meta,
            "line": block.linenos[0],
            "text_format": text_format,
        },
    )

    body_start = opening + 1
    general_at = _find_unescaped_run(text, "####", body_start)
    body_end = general_at if 0 <= general_at < closing else closing
    feedback = parts.rich(text[body_end + 4 : closing]) if body_end < closing else ""
    first = _first_non_space(text, body_start)
    if first >= body_end:
        return fail(E_UNSUPPORTED_ESSAY)
    if text[first] == "#":
        if declared not in (None, NUMERICAL):
            return fail(_e_type_mismatch(declared, _TYPE_LABELS[NUMERICAL]))
        numbers = _parse_numbers(text[first + 1 : body_end], parts, errors)
        if numbers is None:
            return None, errors
        question = GiftQuestion(
            type=NUMERICAL, numbers=numbers, feedback=feedback, **parts.common
        )
        return _finish(question, errors)

    hash_at = _find_unescaped(text, "#", body_start, body_end)
    head = text[body_start : hash_at if hash_at >= 0 else body_end].strip().upper()
    if head in _TRUE_FALSE:
        if declared not in (None, TRUE_FALSE):
            return fail(_e_type_mismatch(declared, _TYPE_LABELS[TRUE_FALSE]))
        raw_parts = _split_feedbacks(text, hash_at, body_end) if hash_at >= 0 else []
        if len(raw_parts) > 2:
            return fail(E_TF_FEEDBACK)
        merged: list[str] = []
        for part in [feedback, *(parts.rich(raw) for raw in raw_parts)]:
            if part and part not in merged:
                merged.append(part)
        question = GiftQuestion(
            type=TRUE_FALSE,
            answer=_TRUE_FALSE[head],
            feedback="\n".join(merged),
            **parts.common,
        )
        return _finish(question, errors)

    if text[first] not in "=~":
        return fail(E_OPTION_START)
    if declared in (TRUE_FALSE, NUMERICAL):
        return fail(_e_type_mismatch(declared, "opciones '=' y '~'"))
    raws = _split_options(text, first, body_end)
    if len(raws) > MAX_ANSWERS:
        return fail(E_TOO_MANY)
    all_right = all(prefix == "=" for prefix, _ in raws)
    if declared == MATCHING or (
        declared is None and all_right and all("->" in raw for _, raw in raws)
    ):
        return _parse_matching(raws, feedback, parts, errors)
    if declared == SHORT_ANSWER or (declared is None and all_right):
        if not all_right:
            return fail(_e_type_mismatch(declared, "opciones con '~'"))
        return _parse_choices(raws, SHORT_ANSWER, feedback, parts, errors)
    return _parse_choices(raws, declared, feedback, parts, errors)


def _split_feedbacks(text: str, hash_at: int, end: int) -> list[str]:
    parts = []
    while hash_at >= 0:
        nxt = _find_unescaped(text, "#", hash_at + 1, end)
        parts.append(text[hash_at + 1 : nxt if nxt >= 0 else end])
        hash_at = nxt
    return parts


def _split_options(text: str, start: int, end: int, marks: str = "=~") -> list[_Raw]:
    found = []
    pos = _find_unescaped(text, marks, start, end)
    while pos >= 0:
        found.append(pos)
        pos = _find_unescaped(text, marks, pos + 1, end)
    bounds = [*found[1:], end]
    return [
        (text[mark], text[mark + 1 : stop])
        for mark, stop in zip(found, bounds, strict=True)
    ]


def _parse_matching(
    raws: list[_Raw], feedback: str, parts: _Parts, errors: list[str]
) -> _Result:
    pairs: list[GiftPair] = []
    for prefix, raw in raws:
        arrow = raw.find("->")
        if prefix != "=":
            errors.append(E_PAIR_START)
        elif arrow < 0:
            errors.append(E_PAIR_ARROW)
        elif _find_unescaped(raw, "#") >= 0:
            errors.append(E_PAIR_FEEDBACK)
        else:
            # Moodle reads the right-hand side as is, never as formatted text.
            pairs.append(GiftPair(parts.text(raw[:arrow]), _clean(raw[arrow + 2 :])))
    if len(pairs) < len(raws):
        return None, errors
    question = GiftQuestion(
        type=MATCHING, pairs=tuple(pairs), feedback=feedback, **parts.common
    )
    return _finish(question, errors)


def _read_weight(raw: str) -> tuple[Fraction | None, str, str | None]:
    """An answer's ``%N%`` weight (None: it has none), the text after it, and
    the error found, if any."""
    at = _first_non_space(raw)
    if not raw.startswith("%", at):
        return None, raw, None
    closing = raw.find("%", at + 1, at + 1 + _MAX_WEIGHT_CHARS)
    weight = raw[at + 1 : closing] if closing >= 0 else ""
    if not _WEIGHT_RE.fullmatch(weight):
        return None, raw, E_WEIGHT
    credit = _parse_weight(weight)
    if not -1 <= credit <= 1:
        return None, raw, E_WEIGHT_RANGE
    return credit, raw[closing + 1 :], None


def _read_feedback(body: str) -> tuple[str, str, str | None]:
    """An answer's text and its ``#feedback`` (raw), and the error found."""
    hash_at = _find_unescaped(body, "#")
    if hash_at < 0:
        return body, "", None
    if _find_unescaped(body, "#", hash_at + 1) >= 0:
        return body, "", E_HASH
    return body[:hash_at], body[hash_at + 1 :], None


def _parse_choices(
    raws: list[_Raw],
    declared: str | None,
    feedback: str,
    parts: _Parts,
    errors: list[str],
) -> _Result:
    options: list[GiftOption] = []
    weighted = False
    for prefix, raw in raws:
        credit, body, error = _read_weight(raw)
        weighted = weighted or credit is not None
        if credit is None:
            credit = Fraction(1 if prefix == "=" else 0)
        if error is None:
            body, option_feedback, error = _read_feedback(body)
        if error is not None:
            errors.append(error)
            continue
        # Moodle reads a short answer as is; a choice may be formatted text.
        text = _clean(body) if declared == SHORT_ANSWER else parts.text(body)
        options.append(GiftOption(text, credit, parts.text(option_feedback)))
    if len(options) < len(raws):
        # An option could not be read: its credit is unknown, so type checks
        # would only add noise.
        return None, errors
    kind = declared
    if kind is None:
        kind = _infer_choice_type([option.credit for option in options], weighted)
        if kind is None:
            errors.append(E_NO_TYPE)
            return None, errors
    question = GiftQuestion(
        type=kind, options=tuple(options), feedback=feedback, **parts.common
    )
    return _finish(question, errors)


def _parse_numbers(
    body: str, parts: _Parts, errors: list[str]
) -> tuple[GiftNumber, ...] | None:
    """The answers of a numerical block (the text after its ``#``)."""
    if _find_unescaped(body, "~") >= 0:
        errors.append(E_NUMERICAL_OTHER)
        return None
    first_mark = _find_unescaped(body, "=")
    if first_mark < 0:
        raws = [body]
    elif body[:first_mark].strip():
        errors.append(E_NUMERICAL_START)
        return None
    else:
        raws = [raw for _, raw in _split_options(body, first_mark, len(body), "=")]
    if len(raws) > MAX_ANSWERS:
        errors.append(E_TOO_MANY)
        return None
    numbers: list[GiftNumber] = []
    for raw in raws:
        credit, rest, error = _read_weight(raw)
        if error is None:
            rest, answer_feedback, error = _read_feedback(rest)
        number = None if error else _read_number(_unescape(rest).strip())
        if error or number is None:
            errors.append(error or E_NUMBER)
            continue
        kind, first, second = number
        numbers.append(
            GiftNumber(
                kind,
                first,
                second,
                Fraction(1) if credit is None else credit,
                parts.text(answer_feedback),
            )
        )
    if len(numbers) < len(raws):
        return None
    return tuple(numbers)


def _decimal(text: str) -> Decimal | None:
    text = text.strip()
    if len(text) > _MAX_NUMBER_CHARS or not _NUMBER_RE.fullmatch(text):
        return None
    return Decimal(text)


def _read_number(spec: str) -> tuple[str, Decimal, Decimal] | None:
    """``a..b`` (an interval), ``v:t`` (a value and its tolerance) or ``v``."""
    if ".." in spec:
        low, _, high = spec.partition("..")
        kind, first, second = _RANGE, _decimal(low), _decimal(high)
    else:
        value, sep, tolerance = spec.partition(":")
        kind, first = _VALUE, _decimal(value)
        second = _decimal(tolerance) if sep else Decimal(0)
    if first is None or second is None:
        return None
    return kind, first, second


def _parse_weight(weight: str) -> Fraction:
    value = Fraction(weight) / 100
    digits = len(weight.partition(".")[2])
    if digits >= _SNAP_MIN_DIGITS:
        # Moodle writes 1/3 as 33.33333: read such roundings back as the fraction.
        candidate = value.limit_denominator(_SNAP_MAX_DENOMINATOR)
        if round(candidate * 100, digits) == Fraction(weight):
            return candidate
    return value


def _finish(question: GiftQuestion, errors: list[str]) -> _Result:
    errors += _check_question(question)
    return (None if errors else question), errors


# ------------------------------------------------------------------------- writing


def write_gift(
    questions: Iterable[GiftQuestion],
) -> tuple[str, list[GiftQuestion]]:
    """Write questions as GIFT; return the text and the questions left out.

    ``ordering`` questions cannot be expressed in GIFT: they are skipped and
    returned so that the caller can report them. Every question written carries
    a ``// atiende:`` comment with its metadata and ``type=``, a ``$CATEGORY:``
    line when its category changes, and its ``::title::``. Invalid questions raise
    ``GiftError`` (positions are 1-based question numbers), so that whatever is
    written is read back by ``parse_gift`` as the same questions.

    For Moodle, give a ``multiple`` question's right options credit ``1/k`` and
    its wrong ones ``-1/k`` (k right options): Moodle then scores it as our bank
    does (right picks minus wrong picks over right options, never below 0).
    """
    chunks: list[str] = []
    skipped: list[GiftQuestion] = []
    errors: list[tuple[int, str]] = []
    category = ""
    for number, question in enumerate(questions, start=1):
        if question.type == ORDERING:
            skipped.append(question)
            continue
        problems = _check_question(question)
        if "\n" in question.category:
            problems.append(E_CATEGORY_NEWLINE)
        if problems:
            errors += [(number, reason) for reason in problems]
            continue
        if question.category != category:
            category = question.category
            chunks.append(f"{_CATEGORY} {category}".rstrip() + "\n")
        chunks.append(_write_question(question))
    if errors:
        raise GiftError(errors, unit="pregunta")
    return "\n".join(chunks), skipped


def _escape(text: str) -> str:
    return "".join(
        "\\n" if ch == "\n" else "\\" + ch if ch in _SPECIAL else ch for ch in text
    )


def _escape_text(text: str) -> str:
    """Plain text in a question that is plain text."""
    escaped = _escape(text)
    if _format_marker(escaped) or escaped.startswith("//"):
        # The reader drops one leading [format] marker; a line starting with //
        # would be a comment.
        return "[plain]" + escaped
    return escaped


class _Writer:
    """How one question's texts are written: in an HTML question the stem and
    general feedback say ``[html]``, and the plain texts that would otherwise
    take the stem's format say ``[plain]``."""

    def __init__(self, text_format: str):
        self.html = text_format == rich_text.HTML

    def rich(self, text: str) -> str:
        """The stem (or its part before the blank) and the general feedback."""
        return "[html]" + _escape(text) if self.html else _escape_text(text)

    def plain(self, text: str) -> str:
        """An option, a pair's prompt, a feedback of one answer."""
        return "[plain]" + _escape(text) if self.html else _escape_text(text)


def _write_percent(credit: Fraction) -> str:
    percent = credit * 100
    scaled, digits = percent, 0
    while scaled.denominator != 1 and digits < _MAX_WEIGHT_DIGITS:
        scaled *= 10
        digits += 1
    if scaled.denominator != 1:
        # Not a short decimal (1/3): five decimals, as Moodle writes them.
        digits = _SNAP_MIN_DIGITS
        scaled = Fraction(round(percent * 10**digits))
    sign = "-" if scaled < 0 else ""
    number = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    if digits:
        number = number[:-digits] + "." + number[-digits:]
    return sign + number


def _feedback(option_feedback: str, writer: _Writer) -> str:
    return f"#{writer.plain(option_feedback)}" if option_feedback else ""


def _write_option(option: GiftOption, writer: _Writer) -> str:
    text = writer.plain(option.text)
    if option.credit == 1 and not text.startswith("%"):
        prefix = "="
    elif option.credit == 0 and not text.startswith("%"):
        prefix = "~"
    else:
        # Also for text starting with '%', which would otherwise read as a weight.
        prefix = f"~%{_write_percent(option.credit)}%"
    return f"\t{prefix}{text}{_feedback(option.feedback, writer)}"


def _write_accepted(option: GiftOption, writer: _Writer) -> str:
    # Moodle reads a short answer as is: no format marker, only the escapes.
    text = _escape_text(option.text)
    weight = "" if option.credit == 1 else f"%{_write_percent(option.credit)}%"
    if not weight and text.startswith("%"):
        weight = "%100%"
    return f"\t={weight}{text}{_feedback(option.feedback, writer)}"


def _write_number(number: GiftNumber, writer: _Writer) -> str:
    weight = "" if number.credit == 1 else f"%{_write_percent(number.credit)}%"
    return f"\t={weight}{number.text}{_feedback(number.feedback, writer)}"


def _answer_lines(question: GiftQuestion, writer: _Writer) -> list[str]:
    if question.type == SHORT_ANSWER:
        return [_write_accepted(option, writer) for option in question.options]
    if question.type == NUMERICAL:
        return [_write_number(number, writer) for number in question.numbers]
    return [_write_option(option, writer) for option in question.options] + [
        f"\t={writer.plain(pair.prompt)} -> {_escape_text(pair.match)}"
        for pair in question.pairs
    ]


def _write_question(question: GiftQuestion) -> str:
    writer = _Writer(question.text_format)
    meta = [f"{key}={value}" for key, value in question.meta]
    lines = [f"// atiende: {' '.join([*meta, f'type={question.type}'])}"]
    title = f"::{_escape(question.title)}::" if question.title else ""
    general = f"####{writer.rich(question.feedback)}" if question.feedback else ""
    before, blank, after = question.stem.partition(BLANK)
    if not blank or not after.strip() or BLANK in after:
        # The answer block goes after the stem (whose blank, if any, stays).
        before, after = question.stem, ""
    head = title + writer.rich(before) + ("" if after else " ")
    # On the closing brace's line: never a comment, even if it starts with //.
    tail = _escape(after)
    if question.type == TRUE_FALSE:
        answer = "TRUE" if question.answer else "FALSE"
        lines.append(f"{head}{{{answer}{general}}}{tail}")
        return "\n".join(lines) + "\n"
    opening = "{#" if question.type == NUMERICAL else "{"
    lines.append(f"{head}{opening}")
    lines += _answer_lines(question, writer)
    if general:
        lines.append(f"\t{general}")
    lines.append("}" + tail)
    return "\n".join(lines) + "\n"
