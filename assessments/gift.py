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
  inference. It is the *only* way to mark ``situational``: in plain GIFT a
  situational question looks exactly like a Moodle multiple choice with partial
  credit, and guessing would silently change how it is graded.
- Otherwise it is inferred from the answer block:
  ``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` -> ``true_false``; every option
  ``=prompt -> match`` -> ``matching``; exactly one option worth 100 % and no other
  positive option -> ``single``; two or more positive options adding up to 100 %
  -> ``multiple``; options without any weight but not exactly one ``=`` -> a
  ``single`` that fails validation; any other weighting is an error.
- Moodle's numerical, short-answer, essay, description and missing-word
  questions (and our ``ordering``) are rejected: "tipo de pregunta no soportado".

Credits are exact ``Fraction`` values in [-1, 1]. Moodle writes thirds as
``%33.33333%``; a weight written with five or more decimals that is the rounding
of a fraction with denominator <= 100 is read as that fraction, so 1/3 survives
the round trip. The writer writes other credits exactly (up to ten decimals).

True/false: Moodle's per-answer feedback (``{T#if wrong#if right}``) has no place
in our bank, which keeps one feedback per true/false question, so it is merged
into ``feedback`` after the general feedback.

Errors are collected over the whole file and raised together as ``GiftError``
with 1-based line numbers; a file with any error is rejected whole. The parser is
a hand-written linear scanner (no backtracking regular expressions); it refuses
files over ``MAX_BYTES`` and questions with more than ``MAX_ANSWERS`` options.

Blank lines separate questions, as in Moodle; ``//`` lines are comments anywhere.
Surrounding whitespace of every text is dropped (it means nothing in GIFT), so
``parse_gift(write_gift(qs)[0]) == qs`` for every exportable question, and
``write_gift`` refuses the questions for which that could not hold.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "EXPORTABLE_TYPES",
    "MAX_ANSWERS",
    "MAX_BYTES",
    "QUESTION_TYPES",
    "GiftError",
    "GiftOption",
    "GiftPair",
    "GiftQuestion",
    "parse_gift",
    "write_gift",
]

MAX_BYTES = 2 * 1024 * 1024

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
MATCHING = "matching"
ORDERING = "ordering"
SITUATIONAL = "situational"
QUESTION_TYPES = frozenset(
    {SINGLE, MULTIPLE, TRUE_FALSE, MATCHING, ORDERING, SITUATIONAL}
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
}

# Characters GIFT gives a meaning to; in text they are written with a backslash.
_SPECIAL = frozenset("\\~=#{}:")
_UNESCAPE = {"\\": "\\", "~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":"}
_FORMATS = ("[html]", "[moodle]", "[plain]", "[markdown]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
_META = "atiende:"

# Bounded patterns, applied to short strings only: no catastrophic backtracking.
_WEIGHT_RE = re.compile(r"-?\d{1,3}(?:\.\d{1,10})?")
_META_KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_MAX_WEIGHT_CHARS = 20
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
E_TF_EXTRA = "la pregunta de verdadero/falso no admite opciones ni pares"
E_PAIR_START = "cada par de emparejamiento debe empezar con '='"
E_PAIR_ARROW = "falta '->' en el par de emparejamiento"
E_PAIR_FEEDBACK = "el emparejamiento no admite retroalimentación por par"
E_PAIR_PROMPT = "el par de emparejamiento tiene el enunciado vacío"
E_PAIR_MATCH = "el par de emparejamiento tiene la respuesta vacía"
E_PAIR_PROMPT_ARROW = "el enunciado de un par no puede contener '->'"
E_PAIRS_FEW = "el emparejamiento debe tener al menos dos pares"
E_MATCHING_EXTRA = "la pregunta de emparejamiento no admite opciones ni respuesta"
E_CHOICE_EXTRA = "la pregunta de {label} no admite pares ni respuesta verdadero/falso"
E_OPTIONS_FEW = "la pregunta debe tener al menos dos opciones"
E_OPTION_EMPTY = "el texto de la opción está vacío"
E_CREDIT_RANGE = "crédito fuera de rango: debe estar entre -100 % y 100 %"
E_SINGLE_ONE = (
    "la pregunta de opción única debe tener exactamente una respuesta correcta"
)
E_SINGLE_PARTIAL = (
    "en la pregunta de opción única solo la respuesta correcta puede tener "
    "crédito positivo"
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
    "las ponderaciones no corresponden a ningún tipo: use una sola respuesta "
    "correcta '=' (opción única), créditos positivos que sumen 100 % (respuesta "
    "múltiple) o marque la pregunta con '// atiende: type=situational'"
)
E_META_DANGLING = "comentario 'atiende' sin una pregunta inmediatamente después"
E_META_INSIDE = (
    "el comentario 'atiende' debe ir justo antes de la pregunta, no dentro de ella"
)
E_CATEGORY_NEWLINE = "la categoría no puede tener saltos de línea"
_UNSUPPORTED = "tipo de pregunta no soportado: "
E_UNSUPPORTED_DESCRIPTION = _UNSUPPORTED + "descripción sin bloque de respuestas '{…}'"
E_UNSUPPORTED_ESSAY = _UNSUPPORTED + "ensayo ('{}')"
E_UNSUPPORTED_NUMERICAL = _UNSUPPORTED + "numérica ('{#…}')"
E_UNSUPPORTED_SHORT = _UNSUPPORTED + "respuesta corta (todas las opciones con '=')"
E_UNSUPPORTED_MISSING_WORD = (
    _UNSUPPORTED + "palabra faltante (hay texto después del bloque de respuestas)"
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
    a 1-based line number when parsing and a 1-based question number when writing.
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
    """A choice; ``credit`` in [-1, 1] (``=`` is 1, ``~`` is 0, ``~%50%`` is 1/2)."""

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
class GiftQuestion:
    """A question as GIFT carries it.

    ``meta`` holds our extra metadata (``code``, ``criterion``, ``difficulty``,
    ``standard``, ``element``...) as ordered ``(key, value)`` pairs; a ``Mapping``
    is accepted and converted. Two normalisations keep category and criterion in
    step, whoever builds the question:

    - no ``category`` but a ``criterion`` in ``meta``: the category becomes
      ``standard/element/criterion`` (the parts present), e.g. ``EC0305/E1/K01``;
    - a ``category`` but no ``criterion``: the last segment of the category is
      added as ``criterion`` (the caller checks that it is a real criterion code).

    ``line`` is where the question starts in the parsed file; it is not compared.
    """

    type: str
    stem: str
    title: str = ""
    category: str = ""
    options: tuple[GiftOption, ...] = ()
    answer: bool | None = None
    pairs: tuple[GiftPair, ...] = ()
    feedback: str = ""
    meta: tuple[tuple[str, str], ...] = ()
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        raw_meta = self.meta.items() if isinstance(self.meta, Mapping) else self.meta
        meta = tuple((str(key), str(value)) for key, value in raw_meta)
        keys = dict(meta)
        category = _canonical(self.category)
        if not category and keys.get("criterion"):
            parts = (keys.get(k, "") for k in ("standard", "element", "criterion"))
            category = "/".join(part for part in parts if part)
        elif category and "criterion" not in keys:
            criterion = _category_criterion(category)
            # Only a code-like segment ("K01"), not Moodle's "Default for X".
            if criterion and not any(ch.isspace() for ch in criterion):
                meta += (("criterion", criterion),)
        object.__setattr__(self, "meta", meta)
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "stem", _canonical(self.stem))
        object.__setattr__(self, "title", _canonical(self.title))
        object.__setattr__(self, "feedback", _canonical(self.feedback))
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "pairs", tuple(self.pairs))


def _category_criterion(category: str) -> str:
    segments = [part.strip() for part in category.split("/") if part.strip()]
    return segments[-1] if segments else ""


# ---------------------------------------------------------------------- validation


def _check_question(question: GiftQuestion) -> list[tuple[int | None, str]]:
    """Problems as ``(index of the option or pair, or None, reason)``.

    Shared by the parser and the writer, so that whatever ``write_gift`` accepts,
    ``parse_gift`` reads back.
    """
    problems: list[tuple[int | None, str]] = []
    if not question.stem:
        problems.append((None, E_EMPTY_STEM))
    problems += [(None, reason) for reason in _check_meta(question.meta)]
    kind = question.type
    if kind == TRUE_FALSE:
        if not isinstance(question.answer, bool):
            problems.append((None, E_TF_ANSWER))
        if question.options or question.pairs:
            problems.append((None, E_TF_EXTRA))
    elif kind == MATCHING:
        if question.options or question.answer is not None:
            problems.append((None, E_MATCHING_EXTRA))
        problems += _check_pairs(question.pairs)
    elif kind in _CHOICE_TYPES:
        if question.pairs or question.answer is not None:
            problems.append((None, E_CHOICE_EXTRA.format(label=_TYPE_LABELS[kind])))
        problems += _check_options(kind, question.options)
    else:
        problems.append((None, _e_unknown_type(kind)))
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


def _check_pairs(pairs: tuple[GiftPair, ...]) -> list[tuple[int | None, str]]:
    problems: list[tuple[int | None, str]] = []
    if len(pairs) < 2:
        problems.append((None, E_PAIRS_FEW))
    elif len(pairs) > MAX_ANSWERS:
        problems.append((None, E_TOO_MANY))
    seen: set[str] = set()
    for index, pair in enumerate(pairs):
        if not pair.prompt:
            problems.append((index, E_PAIR_PROMPT))
        elif "->" in pair.prompt:
            problems.append((index, E_PAIR_PROMPT_ARROW))
        elif pair.prompt.casefold() in seen:
            problems.append((index, _e_repeated_prompt(pair.prompt)))
        seen.add(pair.prompt.casefold())
        if not pair.match:
            problems.append((index, E_PAIR_MATCH))
    return problems


def _check_options(
    kind: str, options: tuple[GiftOption, ...]
) -> list[tuple[int | None, str]]:
    problems: list[tuple[int | None, str]] = []
    if len(options) < 2:
        problems.append((None, E_OPTIONS_FEW))
    elif len(options) > MAX_ANSWERS:
        problems.append((None, E_TOO_MANY))
    seen: set[str] = set()
    for index, option in enumerate(options):
        if not option.text:
            problems.append((index, E_OPTION_EMPTY))
        elif option.text.casefold() in seen:
            # Case-insensitive: "Sí" and "sí" would look like the same answer.
            problems.append((index, _e_repeated_option(option.text)))
        seen.add(option.text.casefold())
        if not -1 <= option.credit <= 1:
            problems.append((index, E_CREDIT_RANGE))
    credits = [option.credit for option in options]
    if kind == SINGLE:
        if credits.count(1) != 1:
            problems.append((None, E_SINGLE_ONE))
        elif any(0 < credit < 1 for credit in credits):
            problems.append((None, E_SINGLE_PARTIAL))
    elif kind == MULTIPLE:
        positive = sum((credit for credit in credits if credit > 0), Fraction(0))
        if not positive:
            problems.append((None, E_MULTIPLE_NONE))
        elif abs(positive - 1) >= _SUM_TOLERANCE:
            problems.append((None, E_MULTIPLE_SUM))
    elif kind == SITUATIONAL:
        for index, credit in enumerate(credits):
            if not 0 <= credit <= 1:
                problems.append((index, E_SITUATIONAL_RANGE))
        if 1 not in credits:
            problems.append((None, E_SITUATIONAL_FULL))
    return problems


def _infer_choice_type(credits: list[Fraction], weighted: bool) -> str | None:
    positive = [credit for credit in credits if credit > 0]
    if credits.count(1) == 1 and len(positive) == 1:
        return SINGLE
    if len(positive) >= 2 and abs(sum(positive) - 1) < _SUM_TOLERANCE:
        return MULTIPLE
    if not weighted:
        # Plain '=' / '~' options read as single choice; validation then says
        # what is wrong ("exactamente una respuesta correcta").
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


def _format_prefix_len(text: str) -> int:
    lowered = text[:12].lower()
    for marker in _FORMATS:
        if lowered.startswith(marker):
            return len(marker)
    return 0


def _clean(raw: str) -> str:
    """Raw GIFT text to plain text: drop one ``[format]`` marker, unescape, trim."""
    text = raw.strip()
    text = text[_format_prefix_len(text) :]
    return _unescape(text).strip()


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
    _starts: list[int] = field(default_factory=list)

    def text(self) -> str:
        self._starts = []
        offset = 0
        for line in self.texts:
            self._starts.append(offset)
            offset += len(line) + 1
        return "\n".join(self.texts)

    def line_at(self, pos: int) -> int:
        return self.linenos[max(bisect_right(self._starts, pos) - 1, 0)]


# (prefix '=' or '~', raw text after it, position of the prefix in the block)
_Raw = tuple[str, str, int]
_Result = tuple[GiftQuestion | None, list[tuple[int, str]]]


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
                    errors.append((lineno, E_META_INSIDE))
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


def parse_gift(text: str) -> list[GiftQuestion]:
    """Read a GIFT file into questions, or raise ``GiftError`` listing every error.

    See the module docstring for the supported forms and how types are decided.
    An empty file (or one with only comments) gives an empty list.
    """
    # Cheap check first, so a huge string is never encoded just to be refused.
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise GiftError([(1, E_SIZE)])
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    errors: list[tuple[int, str]] = []
    questions: list[GiftQuestion] = []
    for block in _scan_lines(text, errors):
        question, problems = _parse_block(block)
        errors += problems
        if question is not None and not problems:
            questions.append(question)
    if errors:
        # Stable sort: errors of one line keep the order they were found in.
        raise GiftError(sorted(errors, key=lambda error: error[0]))
    return questions


def _parse_meta(
    block: _Block, errors: list[tuple[int, str]]
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    declared: str | None = None
    meta: list[tuple[str, str]] = []
    seen: set[str] = set()
    for lineno, body in block.meta:
        for token in body.split():
            key, sep, value = token.partition("=")
            if not sep or not value or not _META_KEY_RE.fullmatch(key):
                errors.append((lineno, _e_meta_token(token)))
            elif key in seen:
                errors.append((lineno, _e_meta_repeated(key)))
            elif key == "type":
                seen.add(key)
                if value not in QUESTION_TYPES:
                    errors.append((lineno, _e_unknown_type(value)))
                elif value == ORDERING:
                    errors.append((lineno, E_UNSUPPORTED_ORDERING))
                else:
                    declared = value
            else:
                seen.add(key)
                meta.append((key, value))
    return declared, tuple(meta)


def _parse_block(block: _Block) -> _Result:
    errors: list[tuple[int, str]] = []
    declared, meta = _parse_meta(block, errors)
    text = block.text()
    start_line = block.linenos[0]

    def fail(pos: int, reason: str) -> _Result:
        errors.append((block.line_at(pos), reason))
        return None, errors

    pos = _first_non_space(text)
    title = ""
    if text.startswith("::", pos):
        end = _find_unescaped_run(text, "::", pos + 2)
        if end < 0:
            return fail(pos, E_TITLE)
        title = _unescape(text[pos + 2 : end]).strip()
        pos = end + 2
    opening = _find_unescaped(text, "{}", pos)
    if opening < 0:
        return fail(pos, E_UNSUPPORTED_DESCRIPTION)
    if text[opening] == "}":
        return fail(opening, E_STRAY_CLOSE)
    closing = _find_unescaped(text, "{}", opening + 1)
    if closing < 0 or text[closing] == "{":
        return fail(opening, E_NO_CLOSE)
    after = _first_non_space(text, closing + 1)
    if after < len(text):
        if text[after] == "}":
            return fail(after, E_STRAY_CLOSE)
        return fail(after, E_UNSUPPORTED_MISSING_WORD)
    stem = _clean(text[pos:opening])

    body_start = opening + 1
    general_at = _find_unescaped_run(text, "####", body_start)
    body_end = general_at if 0 <= general_at < closing else closing
    feedback = _clean(text[body_end + 4 : closing]) if body_end < closing else ""
    first = _first_non_space(text, body_start)
    if first >= body_end:
        return fail(opening, E_UNSUPPORTED_ESSAY)
    if text[first] == "#":
        return fail(first, E_UNSUPPORTED_NUMERICAL)

    common = {
        "stem": stem,
        "title": title,
        "category": block.category,
        "meta": meta,
        "line": start_line,
    }
    hash_at = _find_unescaped(text, "#", body_start, body_end)
    head = text[body_start : hash_at if hash_at >= 0 else body_end].strip().upper()
    if head in _TRUE_FALSE:
        if declared not in (None, TRUE_FALSE):
            return fail(first, _e_type_mismatch(declared, _TYPE_LABELS[TRUE_FALSE]))
        parts = _split_feedbacks(text, hash_at, body_end) if hash_at >= 0 else []
        if len(parts) > 2:
            return fail(hash_at, E_TF_FEEDBACK)
        merged: list[str] = []
        for part in [feedback, *parts]:
            if part and part not in merged:
                merged.append(part)
        question = GiftQuestion(
            type=TRUE_FALSE,
            answer=_TRUE_FALSE[head],
            feedback="\n".join(merged),
            **common,
        )
        return _finish(question, block, [], errors)

    if text[first] not in "=~":
        return fail(first, E_OPTION_START)
    if declared == TRUE_FALSE:
        return fail(first, _e_type_mismatch(declared, "opciones '=' y '~'"))
    raws = _split_options(text, first, body_end)
    if len(raws) > MAX_ANSWERS:
        return fail(first, E_TOO_MANY)
    is_matching = declared == MATCHING or (
        declared is None
        and all(prefix == "=" and "->" in raw for prefix, raw, _ in raws)
    )
    if is_matching:
        return _parse_matching(block, raws, feedback, common, errors)
    if declared is None and all(prefix == "=" for prefix, _, _ in raws):
        return fail(first, E_UNSUPPORTED_SHORT)
    return _parse_choices(block, raws, declared, feedback, common, errors)


def _split_feedbacks(text: str, hash_at: int, end: int) -> list[str]:
    parts = []
    while hash_at >= 0:
        nxt = _find_unescaped(text, "#", hash_at + 1, end)
        parts.append(_clean(text[hash_at + 1 : nxt if nxt >= 0 else end]))
        hash_at = nxt
    return parts


def _split_options(text: str, start: int, end: int) -> list[_Raw]:
    marks = []
    pos = _find_unescaped(text, "=~", start, end)
    while pos >= 0:
        marks.append(pos)
        pos = _find_unescaped(text, "=~", pos + 1, end)
    bounds = [*marks[1:], end]
    return [
        (text[mark], text[mark + 1 : stop], mark)
        for mark, stop in zip(marks, bounds, strict=True)
    ]


def _parse_matching(
    block: _Block,
    raws: list[_Raw],
    feedback: str,
    common: dict,
    errors: list[tuple[int, str]],
) -> _Result:
    pairs: list[GiftPair] = []
    lines: list[int] = []
    for prefix, raw, mark in raws:
        line = block.line_at(mark)
        arrow = raw.find("->")
        if prefix != "=":
            errors.append((line, E_PAIR_START))
        elif arrow < 0:
            errors.append((line, E_PAIR_ARROW))
        elif _find_unescaped(raw, "#") >= 0:
            errors.append((line, E_PAIR_FEEDBACK))
        else:
            pairs.append(GiftPair(_clean(raw[:arrow]), _clean(raw[arrow + 2 :])))
            lines.append(line)
    if len(pairs) < len(raws):
        return None, errors
    question = GiftQuestion(
        type=MATCHING, pairs=tuple(pairs), feedback=feedback, **common
    )
    return _finish(question, block, lines, errors)


def _parse_choices(
    block: _Block,
    raws: list[_Raw],
    declared: str | None,
    feedback: str,
    common: dict,
    errors: list[tuple[int, str]],
) -> _Result:
    options: list[GiftOption] = []
    lines: list[int] = []
    weighted = False
    for prefix, raw, mark in raws:
        line = block.line_at(mark)
        credit = Fraction(1 if prefix == "=" else 0)
        body = raw
        at = _first_non_space(raw)
        if raw.startswith("%", at):
            closing = raw.find("%", at + 1, at + 1 + _MAX_WEIGHT_CHARS)
            weight = raw[at + 1 : closing] if closing >= 0 else ""
            if not _WEIGHT_RE.fullmatch(weight):
                errors.append((line, E_WEIGHT))
                continue
            credit = _parse_weight(weight)
            if not -1 <= credit <= 1:
                errors.append((line, E_WEIGHT_RANGE))
                continue
            weighted = True
            body = raw[closing + 1 :]
        hash_at = _find_unescaped(body, "#")
        option_feedback = ""
        if hash_at >= 0:
            if _find_unescaped(body, "#", hash_at + 1) >= 0:
                errors.append((line, E_HASH))
                continue
            option_feedback = body[hash_at + 1 :]
            body = body[:hash_at]
        options.append(GiftOption(_clean(body), credit, _clean(option_feedback)))
        lines.append(line)
    if len(options) < len(raws):
        # An option could not be read: its credit is unknown, so type checks
        # would only add noise.
        return None, errors
    kind = declared
    if kind is None:
        kind = _infer_choice_type([option.credit for option in options], weighted)
        if kind is None:
            errors.append((common["line"], E_NO_TYPE))
            return None, errors
    question = GiftQuestion(
        type=kind, options=tuple(options), feedback=feedback, **common
    )
    return _finish(question, block, lines, errors)


def _parse_weight(weight: str) -> Fraction:
    value = Fraction(weight) / 100
    digits = len(weight.partition(".")[2])
    if digits >= _SNAP_MIN_DIGITS:
        # Moodle writes 1/3 as 33.33333: read such roundings back as the fraction.
        candidate = value.limit_denominator(_SNAP_MAX_DENOMINATOR)
        if round(candidate * 100, digits) == Fraction(weight):
            return candidate
    return value


def _finish(
    question: GiftQuestion,
    block: _Block,
    lines: list[int],
    errors: list[tuple[int, str]],
) -> _Result:
    for index, reason in _check_question(question):
        line = lines[index] if index is not None else question.line
        errors.append((line, reason))
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
        problems = [reason for _, reason in _check_question(question)]
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
    escaped = _escape(text)
    if _format_prefix_len(escaped) or escaped.startswith("//"):
        # The reader drops one leading [format] marker; a line starting with //
        # would be a comment.
        return "[plain]" + escaped
    return escaped


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


def _write_option(option: GiftOption) -> str:
    text = _escape_text(option.text)
    if option.credit == 1 and not text.startswith("%"):
        prefix = "="
    elif option.credit == 0 and not text.startswith("%"):
        prefix = "~"
    else:
        # Also for text starting with '%', which would otherwise read as a weight.
        prefix = f"~%{_write_percent(option.credit)}%"
    feedback = f"#{_escape_text(option.feedback)}" if option.feedback else ""
    return f"\t{prefix}{text}{feedback}"


def _write_question(question: GiftQuestion) -> str:
    meta = [f"{key}={value}" for key, value in question.meta]
    lines = [f"// atiende: {' '.join([*meta, f'type={question.type}'])}"]
    head = f"::{_escape(question.title)}::" if question.title else ""
    head += _escape_text(question.stem)
    general = f"####{_escape_text(question.feedback)}" if question.feedback else ""
    if question.type == TRUE_FALSE:
        answer = "TRUE" if question.answer else "FALSE"
        lines.append(f"{head} {{{answer}{general}}}")
        return "\n".join(lines) + "\n"
    lines.append(f"{head} {{")
    lines += [_write_option(option) for option in question.options]
    lines += [
        f"\t={_escape_text(pair.prompt)} -> {_escape_text(pair.match)}"
        for pair in question.pairs
    ]
    if general:
        lines.append(f"\t{general}")
    lines.append("}")
    return "\n".join(lines) + "\n"
