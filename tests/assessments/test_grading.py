"""Rules of assessments.grading (DESIGN.md, "Grading rules"); no Django needed."""

from __future__ import annotations

import pickle
import re
from fractions import Fraction as F

import pytest

from assessments.grading import (
    DEFAULT_THRESHOLD,
    AnswerKey,
    AnswerShapeError,
    AttemptGrade,
    ElementGrade,
    GradedItem,
    InvalidKey,
    QuestionType,
    ScoredItem,
    grade_attempt,
    grade_scored,
    normalize_answer,
    score,
)

# Distinctive ids, so that a test can tell whether an error message leaks them.
SINGLE = AnswerKey.single(["alpha", "bravo", "charlie"], "bravo")
SINGLE_TWO = AnswerKey.single(["alpha", "bravo", "charlie"], ["alpha", "bravo"])
TF_TRUE = AnswerKey.true_false(True)
TF_FALSE = AnswerKey.true_false(False)
MULTI = AnswerKey.multiple(["alpha", "bravo", "charlie", "delta"], ["alpha", "bravo"])
MULTI3 = AnswerKey.multiple(
    ["alpha", "bravo", "charlie", "delta", "echo"], ["alpha", "charlie", "delta"]
)
MATCH = AnswerKey.matching(
    {"p-one": "m-one", "p-two": "m-two", "p-three": "m-three", "p-four": "m-four"}
)
ORDER = AnswerKey.ordering(["step-a", "step-b", "step-c", "step-d"])
ORDER5 = AnswerKey.ordering(["step-a", "step-b", "step-c", "step-d", "step-e"])
SITUATION = AnswerKey.situational({"best": 1, "good": "1/2", "fair": F(1, 4), "bad": 0})

ALL_MATCHED = {
    "p-one": "m-one",
    "p-two": "m-two",
    "p-three": "m-three",
    "p-four": "m-four",
}


# ------------------------------------------------------------------------ score

SCORE_CASES = [
    # single
    ("single right", SINGLE, "bravo", F(1)),
    ("single wrong", SINGLE, "alpha", F(0)),
    ("single blank", SINGLE, None, F(0)),
    ("single empty string", SINGLE, "", F(0)),
    ("single unknown id", SINGLE, "zulu", F(0)),
    ("single wrong type", SINGLE, 1, F(0)),
    ("single list", SINGLE, ["bravo"], F(0)),
    # single with several right options ({=a =b ~c}): any right pick earns all
    ("single two right, first", SINGLE_TWO, "alpha", F(1)),
    ("single two right, second", SINGLE_TWO, "bravo", F(1)),
    ("single two right, wrong", SINGLE_TWO, "charlie", F(0)),
    ("single two right, both as a list", SINGLE_TWO, ["alpha", "bravo"], F(0)),
    # true/false
    ("true/false right (true)", TF_TRUE, "true", F(1)),
    ("true/false wrong (true)", TF_TRUE, "false", F(0)),
    ("true/false right (false)", TF_FALSE, "false", F(1)),
    ("true/false wrong (false)", TF_FALSE, "true", F(0)),
    ("true/false blank", TF_TRUE, None, F(0)),
    ("true/false bool is not an option id", TF_TRUE, True, F(0)),
    # multiple: (right picks - wrong picks) / right options, never below 0
    ("multiple exact", MULTI, ["alpha", "bravo"], F(1)),
    ("multiple exact, any order", MULTI, ["bravo", "alpha"], F(1)),
    ("multiple exact, canonical tuple", MULTI, ("alpha", "bravo"), F(1)),
    ("multiple partial", MULTI, ["alpha"], F(1, 2)),
    ("multiple one right one wrong", MULTI, ["alpha", "charlie"], F(0)),
    ("multiple two right one wrong", MULTI, ["alpha", "bravo", "charlie"], F(1, 2)),
    ("multiple over-selection", MULTI, ["alpha", "bravo", "charlie", "delta"], F(0)),
    ("multiple all wrong, not negative", MULTI, ["charlie", "delta"], F(0)),
    ("multiple duplicate pick counts once", MULTI, ["alpha", "alpha"], F(1, 2)),
    ("multiple blank list", MULTI, [], F(0)),
    ("multiple blank", MULTI, None, F(0)),
    ("multiple unknown id", MULTI, ["alpha", "zulu"], F(0)),
    ("multiple string not list", MULTI, "alpha", F(0)),
    ("multiple unhashable item", MULTI, [["alpha"]], F(0)),
    ("multiple of 3, one third", MULTI3, ["alpha", "charlie", "bravo"], F(1, 3)),
    ("multiple of 3, two thirds", MULTI3, ["alpha", "charlie"], F(2, 3)),
    (
        "multiple of 3, all five",
        MULTI3,
        ["alpha", "bravo", "charlie", "delta", "echo"],
        F(1, 3),
    ),
    # matching: share of pairs right
    ("matching exact", MATCH, ALL_MATCHED, F(1)),
    (
        "matching half",
        MATCH,
        {"p-one": "m-one", "p-two": "m-two", "p-three": "m-four", "p-four": "m-three"},
        F(1, 2),
    ),
    (
        "matching all wrong",
        MATCH,
        {"p-one": "m-two", "p-two": "m-one", "p-three": "m-four", "p-four": "m-three"},
        F(0),
    ),
    ("matching incomplete", MATCH, {"p-one": "m-one"}, F(1, 4)),
    ("matching unanswered prompt", MATCH, {"p-one": "m-one", "p-two": None}, F(1, 4)),
    (
        "matching one match for every prompt",
        MATCH,
        {"p-one": "m-one", "p-two": "m-one", "p-three": "m-one", "p-four": "m-one"},
        F(1, 4),
    ),
    (
        "matching canonical pairs",
        MATCH,
        (("p-one", "m-one"), ("p-two", "m-two"), ("p-three", "m-one")),
        F(1, 2),
    ),
    ("matching blank dict", MATCH, {}, F(0)),
    ("matching blank", MATCH, None, F(0)),
    ("matching unknown prompt", MATCH, {"p-one": "m-one", "p-nine": "m-two"}, F(0)),
    ("matching unknown match", MATCH, {"p-one": "m-one", "p-two": "m-nine"}, F(0)),
    ("matching wrong type", MATCH, "p-one", F(0)),
    # ordering: share of items in place
    ("ordering exact", ORDER, ["step-a", "step-b", "step-c", "step-d"], F(1)),
    ("ordering canonical tuple", ORDER, ("step-a", "step-b", "step-c", "step-d"), F(1)),
    ("ordering one swap", ORDER, ["step-b", "step-a", "step-c", "step-d"], F(1, 2)),
    ("ordering reversed", ORDER, ["step-d", "step-c", "step-b", "step-a"], F(0)),
    ("ordering rotated", ORDER, ["step-d", "step-a", "step-b", "step-c"], F(0)),
    (
        "ordering of 5, one swap",
        ORDER5,
        ["step-a", "step-b", "step-d", "step-c", "step-e"],
        F(3, 5),
    ),
    ("ordering blank list", ORDER, [], F(0)),
    ("ordering blank", ORDER, None, F(0)),
    ("ordering duplicate", ORDER, ["step-a", "step-a", "step-c", "step-d"], F(0)),
    ("ordering missing item", ORDER, ["step-a", "step-b", "step-c"], F(0)),
    ("ordering unknown item", ORDER, ["step-a", "step-b", "step-c", "step-z"], F(0)),
    ("ordering wrong type", ORDER, {"step-a": 1}, F(0)),
    # situational: the picked option's own credit
    ("situational best", SITUATION, "best", F(1)),
    ("situational good", SITUATION, "good", F(1, 2)),
    ("situational fair", SITUATION, "fair", F(1, 4)),
    ("situational bad", SITUATION, "bad", F(0)),
    ("situational blank", SITUATION, None, F(0)),
    ("situational unknown", SITUATION, "zulu", F(0)),
    ("situational wrong type", SITUATION, ["best"], F(0)),
]


@pytest.mark.parametrize(
    ("key", "answer", "expected"),
    [case[1:] for case in SCORE_CASES],
    ids=[case[0] for case in SCORE_CASES],
)
def test_score(key, answer, expected):
    """Each type scores an exact Fraction in [0, 1]; blank or malformed scores 0."""
    result = score(key, answer)
    assert type(result) is F
    assert result == expected
    assert 0 <= result <= 1


@pytest.mark.parametrize(
    ("key", "answer", "expected"),
    [case[1:] for case in SCORE_CASES],
    ids=[case[0] for case in SCORE_CASES],
)
def test_score_agrees_with_normalize_answer(key, answer, expected):
    """A raw answer and its canonical form score the same; a rejected one scores 0."""
    try:
        canonical = normalize_answer(key, answer)
    except AnswerShapeError:
        assert score(key, answer) == 0
    else:
        assert score(key, canonical) == score(key, answer) == expected


# ------------------------------------------------------------- normalize_answer

ACCEPTED = [
    ("single", SINGLE, "bravo", "bravo"),
    ("single blank", SINGLE, None, None),
    ("single empty string is blank", SINGLE, "", None),
    ("true/false", TF_TRUE, "false", "false"),
    ("situational", SITUATION, "good", "good"),
    (
        "multiple sorted, deduplicated",
        MULTI,
        ["delta", "alpha", "delta"],
        ("alpha", "delta"),
    ),
    ("multiple tuple", MULTI, ("bravo",), ("bravo",)),
    ("multiple empty is blank", MULTI, [], None),
    (
        "matching sorted pairs",
        MATCH,
        {"p-two": "m-one", "p-one": "m-two"},
        (("p-one", "m-two"), ("p-two", "m-one")),
    ),
    (
        "matching unanswered prompt dropped",
        MATCH,
        {"p-one": "m-one", "p-two": ""},
        (("p-one", "m-one"),),
    ),
    ("matching all unanswered is blank", MATCH, {"p-one": None}, None),
    ("matching empty is blank", MATCH, {}, None),
    (
        "matching pairs accepted back",
        MATCH,
        [["p-one", "m-one"]],
        (("p-one", "m-one"),),
    ),
    (
        "ordering tuple",
        ORDER,
        ["step-d", "step-c", "step-b", "step-a"],
        ("step-d", "step-c", "step-b", "step-a"),
    ),
    ("ordering empty is blank", ORDER, [], None),
    ("ordering blank", ORDER, None, None),
]


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [case[1:] for case in ACCEPTED],
    ids=[case[0] for case in ACCEPTED],
)
def test_normalize_answer_accepts(key, raw, expected):
    """A well-shaped answer comes back in canonical form, and canonical is stable."""
    assert normalize_answer(key, raw) == expected
    assert normalize_answer(key, expected) == expected


REJECTED = [
    ("single unknown id", SINGLE, "zulu", "unknown option id"),
    ("single wrong type", SINGLE, 2, "expected an option id"),
    ("single list", SINGLE, ["bravo"], "expected an option id"),
    ("true/false bool", TF_TRUE, True, "expected an option id"),
    ("true/false unknown", TF_TRUE, "yes", "unknown option id"),
    ("situational unknown", SITUATION, "zulu", "unknown option id"),
    ("situational float", SITUATION, 0.5, "expected an option id"),
    ("multiple string", MULTI, "alpha", "expected a list"),
    ("multiple dict", MULTI, {"alpha": True}, "expected a list"),
    ("multiple non-string item", MULTI, ["alpha", 3], "expected option ids"),
    ("multiple unhashable item", MULTI, [["alpha"]], "expected option ids"),
    ("multiple unknown id", MULTI, ["alpha", "zulu"], "unknown option id"),
    ("matching string", MATCH, "p-one", "expected a mapping"),
    ("matching flat list", MATCH, ["p-one", "m-one"], "expected (prompt, match) pairs"),
    ("matching unknown prompt", MATCH, {"p-nine": "m-one"}, "unknown prompt"),
    ("matching unknown match", MATCH, {"p-one": "m-nine"}, "unknown match"),
    ("matching match not a string", MATCH, {"p-one": 1}, "unknown match"),
    (
        "matching prompt twice",
        MATCH,
        [("p-one", "m-one"), ("p-one", "m-two")],
        "answered twice",
    ),
    ("ordering string", ORDER, "step-a", "expected a list"),
    ("ordering non-string item", ORDER, [1, 2, 3, 4], "expected item ids"),
    (
        "ordering unknown item",
        ORDER,
        ["step-a", "step-b", "step-c", "step-z"],
        "unknown item",
    ),
    ("ordering duplicate", ORDER, ["step-a", "step-a", "step-c", "step-d"], "twice"),
    ("ordering missing item", ORDER, ["step-a", "step-b", "step-c"], "exactly once"),
    (
        "ordering extra item",
        ORDER,
        ["step-a", "step-b", "step-c", "step-d", "step-a"],
        "twice",
    ),
]


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_normalize_answer_rejects(key, raw, message):
    """A badly shaped answer raises AnswerShapeError (a ValueError), not a crash."""
    with pytest.raises(AnswerShapeError, match=re.escape(message)):
        normalize_answer(key, raw)
    assert issubclass(AnswerShapeError, ValueError)


@pytest.mark.parametrize(
    ("key", "raw"),
    [case[1:3] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_normalize_answer_error_never_leaks_the_key(key, raw):
    """The error names only what was posted, never the key's own ids."""
    with pytest.raises(AnswerShapeError) as error:
        normalize_answer(key, raw)
    key_ids = {*key.options, *key.order, *(p for pair in key.pairs for p in pair)}
    leaked = {i for i in key_ids if i in str(error.value) and i not in repr(raw)}
    assert not leaked


# ----------------------------------------------------------------- answer keys

INVALID_KEYS = [
    (
        "single none right",
        lambda: AnswerKey.single(["a", "b"], []),
        "at least one correct",
    ),
    ("single one option", lambda: AnswerKey.single(["a"], "a"), "at least 2 options"),
    (
        "single duplicate options",
        lambda: AnswerKey.single(["a", "a", "b"], "a"),
        "unique",
    ),
    (
        "single right not an option",
        lambda: AnswerKey.single(["a", "b"], "z"),
        "one of the options",
    ),
    (
        "single options as a string",
        lambda: AnswerKey.single("ab", "a"),
        "sequence of ids",
    ),
    ("single empty id", lambda: AnswerKey.single(["a", ""], "a"), "non-empty string"),
    (
        "single non-string id",
        lambda: AnswerKey.single(["a", 1], "a"),
        "non-empty string",
    ),
    (
        "multiple none right",
        lambda: AnswerKey.multiple(["a", "b"], []),
        "at least one correct",
    ),
    (
        "multiple right not an option",
        lambda: AnswerKey.multiple(["a", "b"], ["z"]),
        "one of the options",
    ),
    ("true/false not a bool", lambda: AnswerKey.true_false("yes"), "bool"),
    (
        "true/false other options",
        lambda: AnswerKey(
            QuestionType.TRUE_FALSE, options=("yes", "no"), correct={"yes"}
        ),
        "'true', 'false'",
    ),
    ("matching one pair", lambda: AnswerKey.matching({"p": "m"}), "at least 2 pairs"),
    (
        "matching shared match",
        lambda: AnswerKey.matching([("p1", "m"), ("p2", "m")]),
        "matches must be unique",
    ),
    (
        "matching shared prompt",
        lambda: AnswerKey.matching([("p", "m1"), ("p", "m2")]),
        "prompts must be unique",
    ),
    (
        "matching not pairs",
        lambda: AnswerKey.matching([("p1",), ("p2", "m2")]),
        "must be a pair",
    ),
    ("ordering one item", lambda: AnswerKey.ordering(["a"]), "at least 2 items"),
    ("ordering duplicate item", lambda: AnswerKey.ordering(["a", "b", "a"]), "unique"),
    ("ordering as a string", lambda: AnswerKey.ordering("abc"), "sequence of ids"),
    (
        "situational no full credit",
        lambda: AnswerKey.situational({"a": "1/2", "b": 0}),
        "credit 1",
    ),
    (
        "situational credit above 1",
        lambda: AnswerKey.situational({"a": 1, "b": F(3, 2)}),
        "between 0 and 1",
    ),
    (
        "situational negative credit",
        lambda: AnswerKey.situational({"a": 1, "b": -1}),
        "between 0 and 1",
    ),
    (
        "situational float credit",
        lambda: AnswerKey.situational({"a": 1, "b": 0.5}),
        "exact",
    ),
    (
        "situational bool credit",
        lambda: AnswerKey.situational({"a": 1, "b": True}),
        "exact",
    ),
    (
        "situational text credit",
        lambda: AnswerKey.situational({"a": 1, "b": "half"}),
        "not a number",
    ),
    (
        "situational one option",
        lambda: AnswerKey.situational({"a": 1}),
        "at least 2 options",
    ),
    ("unknown type", lambda: AnswerKey("essay"), "unknown question type"),
    (
        "field of another type",
        lambda: AnswerKey(
            QuestionType.SINGLE, options=("a", "b"), correct={"a"}, order=("a", "b")
        ),
        "takes no order",
    ),
    (
        "correct on ordering",
        lambda: AnswerKey(QuestionType.ORDERING, order=("a", "b"), correct={"a"}),
        "takes no correct",
    ),
]


@pytest.mark.parametrize(
    ("build", "message"),
    [case[1:] for case in INVALID_KEYS],
    ids=[case[0] for case in INVALID_KEYS],
)
def test_invalid_key_is_refused(build, message):
    """A key that breaks its type's rules raises InvalidKey (a ValueError)."""
    with pytest.raises(InvalidKey) as error:
        build()
    assert message in str(error.value)
    assert isinstance(error.value, ValueError)
    assert not isinstance(error.value, KeyError)


def test_valid_keys_are_canonical_and_hashable():
    """Constructors store tuples, frozensets and Fractions; equal keys are equal."""
    key = AnswerKey(type="single", options=["a", "b"], correct=["b"])
    assert key == AnswerKey.single(("a", "b"), "b")
    assert key.type is QuestionType.SINGLE
    assert key.options == ("a", "b") and key.correct == frozenset({"b"})
    assert hash(key) == hash(AnswerKey.single(["a", "b"], "b"))
    assert SITUATION.options == ("best", "good", "fair", "bad")
    assert SITUATION.credits[1] == ("good", F(1, 2))
    assert all(type(credit) is F for _, credit in SITUATION.credits)
    assert TF_FALSE.options == ("true", "false") and TF_FALSE.correct == {"false"}
    assert MATCH.pairs[0] == ("p-one", "m-one")
    assert pickle.loads(pickle.dumps(MATCH)) == MATCH


# -------------------------------------------------------------- grade_attempt


def item(question_id: str, element: str, criterion: str, earned: F | int) -> GradedItem:
    """A question whose answer earns exactly ``earned`` (a situational pick)."""
    key = AnswerKey.situational({"picked": earned, "best": 1})
    return GradedItem(question_id, element, criterion, key, "picked")


def items_scoring(element: str, *scores: F | int) -> list[GradedItem]:
    return [
        item(f"{element}-q{n}", element, f"{element}.C1", earned)
        for n, earned in enumerate(scores)
    ]


THRESHOLD_CASES = [
    ("exactly 80 % passes", [1, 1, 1, 1, 0], None, True),
    ("just below 80 % fails", [1, 1, 1, F(99, 100), 0], None, False),
    ("70 % fails the default", [1] * 7 + [0] * 3, None, False),
    ("70 % passes a 70 % threshold", [1] * 7 + [0] * 3, F(7, 10), True),
    ("two thirds at a two-thirds threshold", [1, 1, 0], F(2, 3), True),
    ("two thirds below 67 %", [1, 1, 0], F(67, 100), False),
    ("partial credits add up exactly", [F(1, 2), F(1, 3), F(1, 6)], F(1, 3), True),
    ("zero threshold passes anything", [0, 0], 0, True),
    ("full threshold needs everything", [1, 1, F(999, 1000)], 1, False),
]


@pytest.mark.parametrize(
    ("scores", "threshold", "passed"),
    [case[1:] for case in THRESHOLD_CASES],
    ids=[case[0] for case in THRESHOLD_CASES],
)
def test_element_passes_when_score_reaches_threshold(scores, threshold, passed):
    """An element passes when earned / possible >= its threshold (80 % unless set)."""
    thresholds = {} if threshold is None else {"E1": threshold}
    grade = grade_attempt(items_scoring("E1", *scores), thresholds)
    (element,) = grade.elements
    assert element.earned == sum(F(s) for s in scores)
    assert element.possible == len(scores)
    assert element.threshold == (DEFAULT_THRESHOLD if threshold is None else threshold)
    assert element.passed is passed
    assert grade.competent is passed


COMPETENCE_CASES = [
    (
        "100 % and 70 %: a strong element does not make up",
        {"E1": [1] * 10, "E2": [1] * 7 + [0] * 3},
        {},
        False,
    ),
    (
        "all elements pass",
        {"E1": [1, 1, 1, 1, 0], "E2": [1] * 4, "E3": [1] * 9 + [0]},
        {},
        True,
    ),
    ("a single passing element", {"E1": [1]}, {}, True),
    ("all elements fail", {"E1": [1, 0], "E2": [0, 1]}, {}, False),
    (
        "custom threshold for one element",
        {"E1": [1] * 5, "E2": [1] * 7 + [0] * 3},
        {"E2": F(7, 10)},
        True,
    ),
    (
        "custom threshold does not apply elsewhere",
        {"E1": [1] * 7 + [0] * 3, "E2": [1] * 5},
        {"E2": F(7, 10)},
        False,
    ),
    ("stricter custom threshold", {"E1": [1] * 9 + [0]}, {"E1": 1}, False),
]


@pytest.mark.parametrize(
    ("per_element", "thresholds", "competent"),
    [case[1:] for case in COMPETENCE_CASES],
    ids=[case[0] for case in COMPETENCE_CASES],
)
def test_competent_only_when_every_element_passes(per_element, thresholds, competent):
    """Competent needs every element passed, each against its own threshold."""
    items = [
        i for element, s in per_element.items() for i in items_scoring(element, *s)
    ]
    grade = grade_attempt(items, thresholds)
    assert grade.competent is competent
    assert [e.element for e in grade.elements] == list(per_element)
    assert grade.weak_elements == tuple(
        e.element for e in grade.elements if not e.passed
    )


def test_empty_attempt_is_not_competent():
    """No questions means no evidence: no elements and not competent."""
    grade = grade_attempt([])
    assert grade == AttemptGrade(items=(), elements=(), criteria=(), competent=False)
    assert grade.weak_criteria == ()


def test_items_and_elements_keep_their_order():
    """Items keep the attempt's order; elements and criteria their first appearance."""
    items = [
        item("q1", "E2", "E2.C1", 1),
        item("q2", "E1", "E1.C2", F(1, 2)),
        item("q3", "E2", "E2.C2", 0),
        item("q4", "E1", "E1.C1", 1),
    ]
    grade = grade_attempt(items)
    assert grade.items == (("q1", F(1)), ("q2", F(1, 2)), ("q3", F(0)), ("q4", F(1)))
    assert [e.element for e in grade.elements] == ["E2", "E1"]
    assert [c.criterion for c in grade.criteria] == ["E2.C1", "E1.C2", "E2.C2", "E1.C1"]
    assert [(c.element, c.earned, c.possible) for c in grade.criteria] == [
        ("E2", 1, 1),
        ("E1", F(1, 2), 1),
        ("E2", 0, 1),
        ("E1", 1, 1),
    ]


def test_weak_criteria_are_those_below_their_element_threshold():
    """A criterion is weak when its own score is below its element's threshold."""
    items = [
        item("q1", "E1", "E1.C1", 1),
        item("q2", "E1", "E1.C1", 1),
        item("q3", "E1", "E1.C2", 1),
        item("q4", "E1", "E1.C2", 0),  # E1.C2 at 1/2 < 4/5
        item("q5", "E2", "E2.C3", 1),
        item("q6", "E2", "E2.C3", 1),
        item("q7", "E2", "E2.C3", 1),
        item("q8", "E2", "E2.C3", 0),  # E2.C3 at 3/4 >= 7/10
        item("q9", "E2", "E2.C4", F(2, 3)),  # E2.C4 at 2/3 < 7/10
    ]
    grade = grade_attempt(items, {"E2": F(7, 10)})
    assert grade.weak_criteria == ("E1.C2", "E2.C4")
    assert {c.criterion: c.below_threshold for c in grade.criteria} == {
        "E1.C1": False,
        "E1.C2": True,
        "E2.C3": False,
        "E2.C4": True,
    }
    # E1 at 3/4 fails; E2 at (3 + 2/3) / 5 = 11/15 passes 7/10.
    assert [(e.element, e.score, e.passed) for e in grade.elements] == [
        ("E1", F(3, 4), False),
        ("E2", F(11, 15), True),
    ]
    assert grade.competent is False


def test_scores_are_exact_fractions():
    """Earned, possible and scores are Fractions, never floats, even with thirds."""
    grade = grade_attempt(items_scoring("E1", F(1, 3), F(1, 3), F(1, 3)))
    (element,) = grade.elements
    assert element.earned == 1 and type(element.earned) is F
    assert element.possible == 3 and type(element.possible) is F
    assert element.score == F(1, 3) and type(element.score) is F
    assert all(type(s) is F for _, s in grade.items)


def test_zero_possible_scores_zero():
    """A grade with nothing possible scores 0 instead of dividing by zero."""
    empty = ElementGrade("E1", F(0), F(0), DEFAULT_THRESHOLD, passed=False)
    assert empty.score == 0


def test_mixed_attempt_grades_every_type():
    """Every question type feeds the element sums with its own rule."""
    answers = [
        (SINGLE, "bravo"),  # 1
        (TF_TRUE, "false"),  # 0
        (MULTI, ["alpha"]),  # 1/2
        (MATCH, {"p-one": "m-one"}),  # 1/4
        (ORDER5, ["step-a", "step-b", "step-d", "step-c", "step-e"]),  # 3/5
        (SITUATION, "good"),  # 1/2
        (MULTI3, "not a list"),  # malformed: 0
    ]
    items = [
        GradedItem(f"q{n}", "E1", "E1.C1", key, answer)
        for n, (key, answer) in enumerate(answers)
    ]
    grade = grade_attempt(items)
    expected = [F(1), F(0), F(1, 2), F(1, 4), F(3, 5), F(1, 2), F(0)]
    assert [s for _, s in grade.items] == expected
    assert grade.elements[0].earned == sum(expected)
    assert grade.elements[0].possible == 7


def test_grading_is_deterministic_and_regrades_with_a_corrected_key():
    """The same items always grade the same; a corrected key changes the grade."""
    items = [
        GradedItem("q1", "E1", "E1.C1", SINGLE, "alpha"),
        GradedItem("q2", "E1", "E1.C1", MULTI, ["alpha", "charlie"]),
        GradedItem("q3", "E2", "E2.C1", MATCH, ALL_MATCHED),
    ]
    first = grade_attempt(items)
    assert all(grade_attempt(list(items)) == first for _ in range(5))

    corrected = AnswerKey.single(["alpha", "bravo", "charlie"], "alpha")
    regraded = grade_attempt(
        [GradedItem("q1", "E1", "E1.C1", corrected, "alpha"), *items[1:]]
    )
    assert first.items[0] == ("q1", 0)
    assert regraded.items[0] == ("q1", 1)


@pytest.mark.parametrize(
    ("thresholds", "error"),
    [
        ({"E1": 0.8}, TypeError),
        ({"E1": F(6, 5)}, ValueError),
        ({"E1": -1}, ValueError),
    ],
    ids=["float threshold", "threshold above 1", "negative threshold"],
)
def test_bad_threshold_is_refused(thresholds, error):
    """Thresholds are exact and within [0, 1]."""
    with pytest.raises(error):
        grade_attempt(items_scoring("E1", 1), thresholds)


def test_question_listed_twice_is_refused():
    """An attempt grades each question once; a repeat would skew its element."""
    with pytest.raises(ValueError, match="more than once"):
        grade_attempt([item("q1", "E1", "E1.C1", 1), item("q1", "E1", "E1.C1", 1)])


# --------------------------------------------------------------- grade_scored


def recorded(items: list[GradedItem]) -> list[ScoredItem]:
    """The items as a graded attempt records them: each one's score, no key."""
    return [
        ScoredItem(
            i.question_id,
            i.element,
            i.criterion,
            score(i.key, i.answer).as_integer_ratio(),
        )
        for i in items
    ]


MIXED = [
    GradedItem("q1", "E1", "E1.C1", SINGLE, "bravo"),
    GradedItem("q2", "E1", "E1.C2", MULTI, ["alpha"]),
    GradedItem("q3", "E2", "E2.C1", MATCH, {"p-one": "m-one"}),
    GradedItem("q4", "E2", "E2.C1", SITUATION, "good"),
    GradedItem("q5", "E2", "E2.C2", TF_TRUE, "false"),
]


@pytest.mark.parametrize(
    ("items", "thresholds"),
    [
        *[
            (
                items_scoring("E1", *case[1]),
                {"E1": case[2]} if case[2] is not None else {},
            )
            for case in THRESHOLD_CASES
        ],
        (MIXED, {}),
        (MIXED, {"E1": F(1, 2), "E2": F(2, 5)}),
        ([], {}),
    ],
    ids=[case[0] for case in THRESHOLD_CASES] + ["mixed", "mixed, own marks", "empty"],
)
def test_recorded_scores_grade_as_the_keys_do(items, thresholds):
    """The result page grades a graded attempt from its recorded scores: the same
    items, elements, criteria and verdict as grading it by its keys."""
    assert grade_scored(recorded(items), thresholds) == grade_attempt(items, thresholds)


def test_a_recorded_score_is_what_counts_not_a_key():
    """grade_scored reads only the ratio: a changed key would not move it."""
    [one] = recorded([GradedItem("q1", "E1", "E1.C1", SINGLE, "alpha")])
    assert grade_scored([one]).items == (("q1", 0),)
    regraded = ScoredItem("q1", "E1", "E1.C1", (1, 1))
    assert grade_scored([regraded]).items == (("q1", 1),)
    assert grade_scored([regraded]).competent
