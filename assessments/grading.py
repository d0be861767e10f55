"""Pure grading of assessment answers (see DESIGN.md, "Grading rules").

No Django import here: frozen dataclasses in, frozen dataclasses out, and exact
``Fraction`` scores, never floats. The same functions grade a live attempt and
re-grade past attempts after a key is corrected, so they must be deterministic.

Answers arrive as the JSON-able data stored on a response:

- single, true_false, situational: an option id (``str``);
- multiple: a list of option ids;
- matching: a dict ``prompt_id -> match_id``;
- ordering: a list of item ids;
- short_answer, numerical: the typed text (their keys, in ``typed_grading``);
- ``None`` (or an empty value): blank.

Speed matters (``make bench``: >= 5,000 thirty-question attempts per second on
one core), and ``Fraction`` arithmetic is slow. So each item is scored as a pair of
plain ints ``(numerator, denominator)``, sums are kept over a common denominator
with integer arithmetic, and a ``Fraction`` is built only for the results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from numbers import Rational
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "DEFAULT_THRESHOLD",
    "AnswerKey",
    "AnswerShapeError",
    "AttemptGrade",
    "CriterionGrade",
    "ElementGrade",
    "GradedItem",
    "InvalidKey",
    "Key",
    "QuestionType",
    "ScoredItem",
    "grade_attempt",
    "grade_scored",
    "normalize_answer",
    "score",
]

DEFAULT_THRESHOLD = Fraction(4, 5)

# An item score as an unreduced (numerator, denominator) pair of ints.
_Ratio = tuple[int, int]
_ZERO: _Ratio = (0, 1)
_ONE: _Ratio = (1, 1)


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    MATCHING = "matching"
    ORDERING = "ordering"
    SITUATIONAL = "situational"


class InvalidKey(ValueError):
    """An answer key that breaks the rules of its question type."""


class AnswerShapeError(ValueError):
    """A posted answer whose shape does not fit its question.

    The message describes only what was posted, never the key: it may be shown
    to the learner.
    """


@runtime_checkable
class Key(Protocol):
    """What grading needs of an answer key. ``AnswerKey`` is the key of the
    built-in question types; a question type of its own (see
    ``assessments/question_types``) may bring any frozen object with:

    - ``type``: the question type's name;
    - ``ratio(answer)``: the score of a raw or canonical answer as a pair of ints
      ``(numerator, denominator)`` in [0, 1]; a blank or malformed answer is 0 and
      never raises;
    - ``normalize(raw)``: the canonical, JSON-able form of a posted answer, or
      ``None`` for a blank; raises ``AnswerShapeError`` for a malformed one.
    """

    type: str

    def ratio(self, answer: object) -> tuple[int, int]: ...

    def normalize(self, raw: object) -> object: ...


_CHOICE_TYPES = frozenset(
    {
        QuestionType.SINGLE,
        QuestionType.MULTIPLE,
        QuestionType.TRUE_FALSE,
        QuestionType.SITUATIONAL,
    }
)
_CORRECT_TYPES = frozenset(
    {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE}
)
_TRUE_FALSE_OPTIONS = ("true", "false")


# --------------------------------------------------------------------------- keys


def _id(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidKey(f"{what} must be a non-empty string, got {_show(value)}")
    return value


def _ids(values: object, what: str) -> tuple[str, ...]:
    # A bare string is iterable too; taking it letter by letter is never meant.
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidKey(f"{what} must be a sequence of ids, got {_show(values)}")
    return tuple(_id(v, f"each of {what}") for v in values)


def _unique(values: tuple[str, ...], what: str) -> None:
    if len(set(values)) != len(values):
        raise InvalidKey(f"{what} must be unique")


def _pairs_of(values: object, what: str) -> tuple[tuple[Any, Any], ...]:
    if isinstance(values, Mapping):
        return tuple(values.items())
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidKey(f"{what} must be a mapping or a sequence of pairs")
    result = []
    for pair in values:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise InvalidKey(f"each of {what} must be a pair, got {_show(pair)}")
        result.append((pair[0], pair[1]))
    return tuple(result)


def _credit(value: object, option_id: str) -> Fraction:
    # Credits are exact: ints, Fractions or fraction strings ("1/2", as in the
    # question bank); a float would smuggle rounding into the scores.
    if isinstance(value, bool | float):
        raise InvalidKey(
            f"credit of {option_id!r} must be exact (int, Fraction, '1/2')"
        )
    try:
        if isinstance(value, Rational | str):
            credit = Fraction(value)
        else:
            raise TypeError
    except (TypeError, ValueError, ZeroDivisionError):
        raise InvalidKey(
            f"credit of {option_id!r} is not a number: {_show(value)}"
        ) from None
    if not 0 <= credit <= 1:
        raise InvalidKey(
            f"credit of {option_id!r} must be between 0 and 1, got {credit}"
        )
    return credit


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """The right answer to one question, validated on construction.

    Use the per-type constructors (``AnswerKey.single(...)`` etc.); the plain
    constructor validates the same way, so an ``AnswerKey`` is always sound.
    """

    type: QuestionType
    options: tuple[str, ...] = ()
    correct: frozenset[str] = frozenset()
    credits: tuple[tuple[str, Fraction], ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    order: tuple[str, ...] = ()
    # Lookups derived once per key so that scoring stays cheap.
    _option_set: frozenset[str] = field(init=False, repr=False, compare=False)
    _credit_of: dict[str, _Ratio] = field(init=False, repr=False, compare=False)
    _match_of: dict[str, str] = field(init=False, repr=False, compare=False)
    _match_set: frozenset[str] = field(init=False, repr=False, compare=False)
    _item_set: frozenset[str] = field(init=False, repr=False, compare=False)
    _rate: Callable[[AnswerKey, object], _Ratio] = field(
        init=False, repr=False, compare=False
    )

    # -- constructors, one per type

    @classmethod
    def single(cls, options: Iterable[str], correct: str | Iterable[str]) -> AnswerKey:
        correct_ids = (correct,) if isinstance(correct, str) else correct
        return cls(QuestionType.SINGLE, options=options, correct=correct_ids)

    @classmethod
    def multiple(cls, options: Iterable[str], correct: Iterable[str]) -> AnswerKey:
        correct_ids = (correct,) if isinstance(correct, str) else correct
        return cls(QuestionType.MULTIPLE, options=options, correct=correct_ids)

    @classmethod
    def true_false(cls, value: bool) -> AnswerKey:
        if not isinstance(value, bool):
            raise InvalidKey(f"a true/false key takes a bool, got {_show(value)}")
        right = "true" if value else "false"
        return cls(
            QuestionType.TRUE_FALSE, options=_TRUE_FALSE_OPTIONS, correct={right}
        )

    @classmethod
    def matching(
        cls, pairs: Mapping[str, str] | Iterable[tuple[str, str]]
    ) -> AnswerKey:
        return cls(QuestionType.MATCHING, pairs=pairs)

    @classmethod
    def ordering(cls, order: Iterable[str]) -> AnswerKey:
        return cls(QuestionType.ORDERING, order=order)

    @classmethod
    def situational(
        cls, credits: Mapping[str, object] | Iterable[tuple[str, object]]
    ) -> AnswerKey:
        return cls(QuestionType.SITUATIONAL, credits=credits)

    # -- validation

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        try:
            kind = QuestionType(self.type)
        except ValueError:
            raise InvalidKey(f"unknown question type {_show(self.type)}") from None
        options = _ids(self.options, "options")
        correct = frozenset(_ids(self.correct, "correct options"))
        credits = tuple(
            (_id(o, "credited option"), _credit(c, str(o)))
            for o, c in _pairs_of(self.credits, "credits")
        )
        pairs = tuple(
            (_id(p, "prompt"), _id(m, "match"))
            for p, m in _pairs_of(self.pairs, "pairs")
        )
        order = _ids(self.order, "order")

        if kind is QuestionType.SITUATIONAL:
            credit_ids = tuple(o for o, _ in credits)
            if options and options != credit_ids:
                raise InvalidKey("situational options must be the credited options")
            options = credit_ids

        # A field another type uses is a mistake in the caller, not noise.
        for name, value, allowed in (
            ("options", options, kind in _CHOICE_TYPES),
            ("correct", correct, kind in _CORRECT_TYPES),
            ("credits", credits, kind is QuestionType.SITUATIONAL),
            ("pairs", pairs, kind is QuestionType.MATCHING),
            ("order", order, kind is QuestionType.ORDERING),
        ):
            if value and not allowed:
                raise InvalidKey(f"a {kind} key takes no {name}")

        if kind in _CHOICE_TYPES:
            if len(options) < 2:
                raise InvalidKey(f"a {kind} key needs at least 2 options")
            _unique(options, "option ids")
            if not correct <= set(options):
                raise InvalidKey("every correct option must be one of the options")
        if kind is QuestionType.SINGLE and not correct:
            # Several right options are allowed (GIFT's {=a =b ~c}): picking
            # any one of them earns full marks.
            raise InvalidKey("a single-choice key needs at least one correct option")
        if kind is QuestionType.MULTIPLE and not correct:
            raise InvalidKey(
                "a multiple-response key needs at least one correct option"
            )
        if kind is QuestionType.TRUE_FALSE:
            if options != _TRUE_FALSE_OPTIONS or len(correct) != 1:
                raise InvalidKey(
                    "a true/false key has options ('true', 'false') and one correct"
                )
        if kind is QuestionType.SITUATIONAL and not any(c == 1 for _, c in credits):
            raise InvalidKey(
                "a situational key needs at least one option with credit 1"
            )
        if kind is QuestionType.MATCHING:
            if len(pairs) < 2:
                raise InvalidKey("a matching key needs at least 2 pairs")
            _unique(tuple(p for p, _ in pairs), "matching prompts")
            _unique(tuple(m for _, m in pairs), "matching matches")
        if kind is QuestionType.ORDERING:
            if len(order) < 2:
                raise InvalidKey("an ordering key needs at least 2 items")
            _unique(order, "ordering items")

        setattr_(self, "type", kind)
        setattr_(self, "options", options)
        setattr_(self, "correct", correct)
        setattr_(self, "credits", credits)
        setattr_(self, "pairs", pairs)
        setattr_(self, "order", order)
        setattr_(self, "_option_set", frozenset(options))
        setattr_(
            self,
            "_credit_of",
            {o: (c.numerator, c.denominator) for o, c in credits},
        )
        setattr_(self, "_match_of", dict(pairs))
        setattr_(self, "_match_set", frozenset(m for _, m in pairs))
        setattr_(self, "_item_set", frozenset(order))
        setattr_(self, "_rate", _RATERS[kind])

    # -- the key protocol (see ``Key``)

    def ratio(self, answer: object) -> tuple[int, int]:
        """The score of ``answer`` as an unreduced ``(numerator, denominator)``."""
        return self._rate(self, answer)

    def normalize(self, raw: object) -> object:
        """The canonical form of ``raw`` (see ``normalize_answer``)."""
        checked = _CHECKERS[self.type](self, raw)
        if checked is None:
            return None
        if self.type is QuestionType.MULTIPLE:
            return tuple(sorted(checked))
        if self.type is QuestionType.MATCHING:
            return tuple(sorted(checked.items()))
        return checked


# ------------------------------------------------------------------ answer shapes
#
# Each _check_* validates a raw answer and returns a form that is cheap to score
# (or None for blank), raising AnswerShapeError otherwise. The valid case takes a
# fast path; the slow diagnosis runs only to word an error.


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str | list | tuple | dict) and not raw)


def _check_choice(key: AnswerKey, raw: object) -> str | None:
    if isinstance(raw, str) and raw in key._option_set:
        return raw
    if _blank(raw):
        return None
    if not isinstance(raw, str):
        raise AnswerShapeError(f"expected an option id, got {type(raw).__name__}")
    raise AnswerShapeError(f"unknown option id {_show(raw)}")


def _check_multiple(key: AnswerKey, raw: object) -> frozenset[str] | None:
    if isinstance(raw, list | tuple):
        if not raw:
            return None
        try:
            picked = frozenset(raw)
        except TypeError:
            picked = None
        # Only strings are in the option set, so a subset holds only valid ids.
        if picked is not None and picked <= key._option_set:
            return picked
        for item in raw:
            if not isinstance(item, str):
                raise AnswerShapeError(
                    f"expected option ids, got a {type(item).__name__}"
                )
            if item not in key._option_set:
                raise AnswerShapeError(f"unknown option id {_show(item)}")
    if _blank(raw):
        return None
    raise AnswerShapeError(f"expected a list of option ids, got {type(raw).__name__}")


def _check_matching(key: AnswerKey, raw: object) -> dict[str, str] | None:
    if isinstance(raw, dict):
        entries: Iterable[object] = raw.items()
    elif isinstance(raw, list | tuple):
        # The canonical form (a tuple of pairs) is accepted back.
        entries = raw
    elif _blank(raw):
        return None
    else:
        raise AnswerShapeError(
            f"expected a mapping of prompt to match, got {type(raw).__name__}"
        )
    match_of, match_set = key._match_of, key._match_set
    answer: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, tuple | list) or len(entry) != 2:
            raise AnswerShapeError(
                f"expected (prompt, match) pairs, got {_show(entry)}"
            )
        prompt, match = entry
        if not isinstance(prompt, str) or prompt not in match_of:
            raise AnswerShapeError(f"unknown prompt {_show(prompt)}")
        if prompt in answer:
            raise AnswerShapeError(f"prompt {_show(prompt)} is answered twice")
        if match is None or match == "":
            continue  # a prompt left unanswered
        if not isinstance(match, str) or match not in match_set:
            raise AnswerShapeError(f"unknown match {_show(match)}")
        answer[prompt] = match
    return answer or None


def _check_ordering(key: AnswerKey, raw: object) -> tuple[str, ...] | None:
    if isinstance(raw, list | tuple):
        if not raw:
            return None
        answer = tuple(raw)
        item_set = key._item_set
        try:
            if len(answer) == len(item_set) and set(answer) == item_set:
                return answer
        except TypeError:
            pass
        seen: set[str] = set()
        for item in answer:
            if not isinstance(item, str):
                raise AnswerShapeError(
                    f"expected item ids, got a {type(item).__name__}"
                )
            if item not in item_set:
                raise AnswerShapeError(f"unknown item id {_show(item)}")
            if item in seen:
                raise AnswerShapeError(f"item {_show(item)} appears twice")
            seen.add(item)
        raise AnswerShapeError(
            f"an ordering must list each of the {len(item_set)} items exactly once"
        )
    if _blank(raw):
        return None
    raise AnswerShapeError(f"expected a list of item ids, got {type(raw).__name__}")


_CHECKERS: dict[QuestionType, Callable[[AnswerKey, object], Any]] = {
    QuestionType.SINGLE: _check_choice,
    QuestionType.TRUE_FALSE: _check_choice,
    QuestionType.SITUATIONAL: _check_choice,
    QuestionType.MULTIPLE: _check_multiple,
    QuestionType.MATCHING: _check_matching,
    QuestionType.ORDERING: _check_ordering,
}


def normalize_answer(key: Key, raw: object) -> object:
    """Validate the shape of a posted answer and return its canonical form.

    Canonical forms: an option id ``str`` (single, true_false, situational); a
    sorted tuple without duplicates (multiple); a tuple of sorted
    ``(prompt, match)`` pairs (matching); a tuple (ordering); ``None`` (blank).
    Raises ``AnswerShapeError``, whose message never reveals the key.
    """
    return key.normalize(raw)


# ------------------------------------------------------------------------ scoring
#
# Each _rate_* takes a raw answer and returns the score as an int pair; a blank
# or malformed answer scores 0 and never raises.


def _rate_choice(key: AnswerKey, raw: object) -> _Ratio:
    # Single and true/false: one pick; a right option earns it all.
    if isinstance(raw, str) and raw in key.correct:
        return _ONE
    return _ZERO


def _rate_situational(key: AnswerKey, raw: object) -> _Ratio:
    if isinstance(raw, str):
        return key._credit_of.get(raw, _ZERO)
    return _ZERO


def _rate_multiple(key: AnswerKey, raw: object) -> _Ratio:
    try:
        picked = _check_multiple(key, raw)
    except AnswerShapeError:
        return _ZERO
    if picked is None:
        return _ZERO
    # Right picks minus wrong picks: picking everything earns nothing.
    right = len(picked & key.correct)
    net = right - (len(picked) - right)
    return (net, len(key.correct)) if net > 0 else _ZERO


def _rate_matching(key: AnswerKey, raw: object) -> _Ratio:
    try:
        answer = _check_matching(key, raw)
    except AnswerShapeError:
        return _ZERO
    if answer is None:
        return _ZERO
    match_of = key._match_of
    right = sum(1 for prompt, match in answer.items() if match_of[prompt] == match)
    return (right, len(match_of))


def _rate_ordering(key: AnswerKey, raw: object) -> _Ratio:
    try:
        answer = _check_ordering(key, raw)
    except AnswerShapeError:
        return _ZERO
    if answer is None:
        return _ZERO
    order = key.order
    return (sum(1 for a, b in zip(answer, order, strict=True) if a == b), len(order))


_RATERS: dict[QuestionType, Callable[[AnswerKey, object], _Ratio]] = {
    QuestionType.SINGLE: _rate_choice,
    QuestionType.TRUE_FALSE: _rate_choice,
    QuestionType.SITUATIONAL: _rate_situational,
    QuestionType.MULTIPLE: _rate_multiple,
    QuestionType.MATCHING: _rate_matching,
    QuestionType.ORDERING: _rate_ordering,
}

# Item scores repeat endlessly (0, 1, 1/2, 2/3 ...): share the Fraction objects,
# which are immutable. Bounded so that odd credits cannot grow it without limit.
_FRACTIONS: dict[_Ratio, Fraction] = {}
_FRACTIONS_MAX = 4096


def _fraction(ratio: _Ratio) -> Fraction:
    value = _FRACTIONS.get(ratio)
    if value is None:
        value = Fraction(*ratio)
        if len(_FRACTIONS) < _FRACTIONS_MAX:
            _FRACTIONS[ratio] = value
    return value


def score(key: Key, answer: object) -> Fraction:
    """Score one answer (raw or canonical) in [0, 1]; blank or malformed is 0."""
    return _fraction(key.ratio(answer))


# ---------------------------------------------------------------- attempt grading


@dataclass(frozen=True, slots=True)
class GradedItem:
    question_id: str
    element: str
    criterion: str
    key: Key
    answer: object


@dataclass(frozen=True, slots=True)
class ScoredItem:
    """An item already scored: ``ratio`` is its score as a (numerator,
    denominator) pair of ints (an item is worth 1)."""

    question_id: str
    element: str
    criterion: str
    ratio: tuple[int, int]


@dataclass(frozen=True, slots=True)
class ElementGrade:
    element: str
    earned: Fraction
    possible: Fraction
    threshold: Fraction
    passed: bool

    @property
    def score(self) -> Fraction:
        return self.earned / self.possible if self.possible else Fraction(0)


@dataclass(frozen=True, slots=True)
class CriterionGrade:
    criterion: str
    element: str
    earned: Fraction
    possible: Fraction
    below_threshold: bool

    @property
    def score(self) -> Fraction:
        return self.earned / self.possible if self.possible else Fraction(0)


@dataclass(frozen=True, slots=True)
class AttemptGrade:
    items: tuple[tuple[str, Fraction], ...]
    elements: tuple[ElementGrade, ...]
    criteria: tuple[CriterionGrade, ...]
    competent: bool

    @property
    def weak_elements(self) -> tuple[str, ...]:
        """Codes of the elements not passed, in order."""
        return tuple(e.element for e in self.elements if not e.passed)

    @property
    def weak_criteria(self) -> tuple[str, ...]:
        """Codes of criteria scoring below their element's threshold, in order."""
        return tuple(c.criterion for c in self.criteria if c.below_threshold)


def _threshold(value: object, element: str) -> Fraction:
    if isinstance(value, Fraction):
        threshold = value
    elif isinstance(value, Rational) and not isinstance(value, bool):
        threshold = Fraction(value)
    else:
        raise TypeError(
            f"threshold of {element!r} must be an int or a Fraction, "
            f"got {type(value).__name__}"
        )
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold of {element!r} must be between 0 and 1")
    return threshold


def _reaches(earned: list[int], threshold: Fraction) -> bool:
    # earned = [numerator, denominator, questions]; score = n / (d * q).
    n, d, q = earned
    return n * threshold.denominator >= threshold.numerator * d * q


def grade_attempt(
    items: Sequence[GradedItem],
    thresholds: Mapping[str, Fraction] = MappingProxyType({}),
    default_threshold: Fraction = DEFAULT_THRESHOLD,
) -> AttemptGrade:
    """Grade an attempt: per item, per element, per criterion, and overall.

    Every item is scored by its key, then graded as ``grade_scored`` says.
    """
    return grade_scored(
        [
            ScoredItem(
                item.question_id,
                item.element,
                item.criterion,
                item.key.ratio(item.answer),
            )
            for item in items
        ],
        thresholds,
        default_threshold,
    )


def grade_scored(
    items: Sequence[ScoredItem],
    thresholds: Mapping[str, Fraction] = MappingProxyType({}),
    default_threshold: Fraction = DEFAULT_THRESHOLD,
) -> AttemptGrade:
    """Grade items already scored (the result page reads a graded attempt's
    recorded scores): per item, per element, per criterion, and overall.

    Every item is worth 1. An element passes when earned / possible reaches its
    threshold (``thresholds[element]`` or ``default_threshold``). The attempt is
    competent only when it has elements and every one passed.
    """
    scored: list[tuple[str, Fraction]] = []
    # Running sums as [numerator, common denominator, number of questions].
    by_element: dict[str, list[int]] = {}
    by_criterion: dict[tuple[str, str], list[int]] = {}
    for item in items:
        ratio = item.ratio
        scored.append((item.question_id, _fraction(ratio)))
        num, den = ratio
        for sums in (
            by_element.get(item.element)
            or by_element.setdefault(item.element, [0, 1, 0]),
            by_criterion.get((item.element, item.criterion))
            or by_criterion.setdefault((item.element, item.criterion), [0, 1, 0]),
        ):
            sums[2] += 1
            if num:
                d = sums[1]
                if d == den:
                    sums[0] += num
                else:
                    common = d * den // math.gcd(d, den)
                    sums[0] = sums[0] * (common // d) + num * (common // den)
                    sums[1] = common

    if len(scored) != len({q for q, _ in scored}):
        raise ValueError("an attempt lists the same question more than once")

    levels = {
        element: _threshold(thresholds.get(element, default_threshold), element)
        for element in by_element
    }
    elements = tuple(
        ElementGrade(
            element=element,
            earned=Fraction(sums[0], sums[1]),
            possible=_fraction((sums[2], 1)),
            threshold=levels[element],
            passed=_reaches(sums, levels[element]),
        )
        for element, sums in by_element.items()
    )
    criteria = tuple(
        CriterionGrade(
            criterion=criterion,
            element=element,
            earned=Fraction(sums[0], sums[1]),
            possible=_fraction((sums[2], 1)),
            below_threshold=not _reaches(sums, levels[element]),
        )
        for (element, criterion), sums in by_criterion.items()
    )
    return AttemptGrade(
        items=tuple(scored),
        elements=elements,
        criteria=criteria,
        competent=bool(elements) and all(e.passed for e in elements),
    )
