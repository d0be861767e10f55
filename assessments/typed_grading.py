"""Pure grading of typed answers: short answer and numerical (no Django import).

Both keys follow ``grading.Key``: ``normalize`` checks a posted answer's shape and
returns its canonical form; ``ratio`` scores it as an int pair. As in Moodle, a
question has one or more accepted answers, each with a credit; they are tried
in order and the **first** that matches gives its credit (so a question may list
a half-credit answer after the exact one it overlaps with).

Short answer: a response matches an accepted answer when both read the same
after normalisation (``normalize_text``):

- always: Unicode NFC, surrounding spaces and punctuation dropped (``¿Ventanilla
  7?`` reads ``Ventanilla 7``), runs of spaces made one;
- unless the question is case-sensitive: upper and lower case are the same;
- unless the question is accent-sensitive: accents and diaereses are ignored
  (``Según`` = ``segun``), but ``ñ`` stays a letter of its own (``año`` ≠ ``ano``).

An accepted answer may use ``*`` as a wildcard for any run of characters, as in
Moodle (``Ulises*Grant``); ``\\*`` is a literal asterisk.

Numerical: the response is a number (``.`` or ``,`` as the decimal separator, no
thousands separator, an optional exponent); each accepted answer is an interval
(a value with its tolerance, or ``minimum..maximum``), bounds included. Numbers
are compared exactly (``Fraction``), never as floats.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .grading import AnswerShapeError

__all__ = [
    "MAX_NUMBER_CHARS",
    "MAX_TEXT_CHARS",
    "Accepted",
    "Interval",
    "NumericalKey",
    "ShortAnswerKey",
    "TextRule",
    "decimal_text",
    "normalize_text",
    "parse_number",
]

MAX_TEXT_CHARS = 200
MAX_NUMBER_CHARS = 40

_ZERO = (0, 1)
_STAR = "*"
_LITERAL_STAR = "\ue000"  # a private-use character stands for "\*" meanwhile
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d{1,2})?")
_COMBINING_TILDE = "\u0303"
_SPACES_RE = re.compile(r"\s+")


# ----------------------------------------------------------------- short answer


@dataclass(frozen=True, slots=True)
class TextRule:
    """How strictly typed text is compared (the per-question choices)."""

    case_sensitive: bool = False
    accent_sensitive: bool = False


def _blank(raw: object) -> bool:
    # As for every other type (grading): None and empty values are no answer.
    return raw is None or (isinstance(raw, str | list | tuple | dict) and not raw)


def _is_edge(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def _strip_edges(text: str, keep: str = "") -> str:
    start, end = 0, len(text)
    while start < end and text[start] not in keep and _is_edge(text[start]):
        start += 1
    while end > start and text[end - 1] not in keep and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


def _drop_accents(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            # ñ is a letter of Spanish, not an accented n.
            if ch == _COMBINING_TILDE and out and out[-1] in "nN":
                out.append(ch)
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _fold(text: str, rule: TextRule) -> str:
    text = _SPACES_RE.sub(" ", text)
    if not rule.accent_sensitive:
        text = _drop_accents(text)
    if not rule.case_sensitive:
        text = text.casefold()
    return text


def normalize_text(text: str, rule: TextRule = TextRule()) -> str:
    """``text`` as it is compared under ``rule`` (see the module docstring)."""
    return _fold(_strip_edges(unicodedata.normalize("NFC", text)), rule)


def _segments(pattern: str, rule: TextRule) -> tuple[str, ...]:
    text = unicodedata.normalize("NFC", pattern).replace("\\" + _STAR, _LITERAL_STAR)
    text = _strip_edges(text, keep=_STAR)
    parts = []
    for part in text.split(_STAR):
        # Inner edges keep one space: "Grant *" wants a space after "Grant".
        parts.append(_fold(part, rule).replace(_LITERAL_STAR, _STAR))
    return tuple(parts)


def _matches(segments: tuple[str, ...], text: str) -> bool:
    if len(segments) == 1:
        return text == segments[0]
    first, *middle, last = segments
    if len(text) < len(first) + len(last):
        return False
    if not (text.startswith(first) and text.endswith(last)):
        return False
    # Leftmost match of each middle part is enough for '*'-only patterns.
    at, stop = len(first), len(text) - len(last)
    for part in middle:
        found = text.find(part, at, stop)
        if found < 0:
            return False
        at = found + len(part)
    return True


class _FirstMatch:
    """What both keys share: ``answers`` (each with a ``credit``), tried in
    order by the key's ``match``; the first that matches gives its credit."""

    __slots__ = ()

    def _check_credits(self, what: str) -> None:
        if not self.answers:
            raise ValueError(f"a {what} key needs at least one answer")
        if not any(a.credit == 1 for a in self.answers):
            raise ValueError(f"a {what} key needs an answer worth full marks")
        if any(not 0 <= a.credit <= 1 for a in self.answers):
            raise ValueError(f"{what} credits must be between 0 and 1")

    def ratio(self, answer: object) -> tuple[int, int]:
        index = self.match(answer)
        if index is None:
            return _ZERO
        credit = self.answers[index].credit
        return (credit.numerator, credit.denominator)

    def right_answer(self) -> str:
        """A response that earns full marks."""
        return self.example(next(a for a in self.answers if a.credit == 1))


@dataclass(frozen=True, slots=True)
class Accepted:
    """One accepted answer: its pattern as written, and its credit in [0, 1]."""

    text: str
    credit: Fraction


@dataclass(frozen=True, slots=True)
class ShortAnswerKey(_FirstMatch):
    type: str
    answers: tuple[Accepted, ...]
    rule: TextRule = TextRule()
    # Each answer's pattern, folded and split at its wildcards, derived once.
    _compiled: tuple[tuple[str, ...], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._check_credits("short-answer")
        compiled = tuple(_segments(a.text, self.rule) for a in self.answers)
        object.__setattr__(self, "_compiled", compiled)

    def match(self, answer: object) -> int | None:
        """The index of the first accepted answer ``answer`` matches, or None."""
        if not isinstance(answer, str) or len(answer) > MAX_TEXT_CHARS:
            return None
        text = normalize_text(answer, self.rule)
        if not text:
            return None
        for index, segments in enumerate(self._compiled):
            if _matches(segments, text):
                return index
        return None

    def normalize(self, raw: object) -> object:
        if _blank(raw):
            return None
        if not isinstance(raw, str):
            raise AnswerShapeError(f"expected text, got {type(raw).__name__}")
        if len(raw) > MAX_TEXT_CHARS:
            raise AnswerShapeError(
                f"the answer is longer than {MAX_TEXT_CHARS} characters"
            )
        return " ".join(raw.split()) or None

    @staticmethod
    def example(answer: Accepted) -> str:
        # A wildcard read as nothing still matches.
        return "".join(_segments(answer.text, TextRule(True, True))).strip() or "?"


# -------------------------------------------------------------------- numerical


def parse_number(text: str) -> Fraction:
    """A typed number, exactly; ``ValueError`` if ``text`` is not one."""
    cleaned = text.strip()
    if len(cleaned) > MAX_NUMBER_CHARS or not _NUMBER_RE.fullmatch(cleaned):
        raise ValueError(f"not a number: {text[:MAX_NUMBER_CHARS]!r}")
    try:
        return Fraction(Decimal(cleaned.replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise ValueError(f"not a number: {text!r}") from None


def decimal_text(value: Decimal | str) -> str:
    """A decimal in its shortest plain notation: ``3.10`` -> ``3.1``, ``1E+2`` ->
    ``100``, ``-0`` -> ``0``."""
    number = Decimal(value)
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


@dataclass(frozen=True, slots=True)
class Interval:
    """One accepted numerical answer: ``low <= x <= high`` earns ``credit``;
    ``example`` is a value inside it, as text."""

    low: Fraction
    high: Fraction
    credit: Fraction
    example: str


@dataclass(frozen=True, slots=True)
class NumericalKey(_FirstMatch):
    type: str
    answers: tuple[Interval, ...]

    def __post_init__(self) -> None:
        self._check_credits("numerical")
        if any(answer.low > answer.high for answer in self.answers):
            raise ValueError("an interval's low bound is above its high bound")

    def match(self, answer: object) -> int | None:
        if not isinstance(answer, str):
            return None
        try:
            value = parse_number(answer)
        except ValueError:
            return None
        for index, interval in enumerate(self.answers):
            if interval.low <= value <= interval.high:
                return index
        return None

    def normalize(self, raw: object) -> object:
        if _blank(raw):
            return None
        if not isinstance(raw, str):
            raise AnswerShapeError(f"expected a number, got {type(raw).__name__}")
        if not raw.strip():
            return None
        try:
            parse_number(raw)
        except ValueError:
            raise AnswerShapeError("the answer is not a number") from None
        return decimal_text(raw.strip().replace(",", "."))

    @staticmethod
    def example(answer: Interval) -> str:
        return answer.example
