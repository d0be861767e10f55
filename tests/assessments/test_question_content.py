"""Content rules of the shipped question bank (assessments/content/questions.yaml).

Pure data tests (no database): no answer cue a test-wise learner could use (option
length, the key's position, "always Verdadero", fixed multiple-response counts),
one register (tú for the learner, usted only in what is said to a customer, "solo"
without accent) and the terms the lessons use. Each failure names the codes to fix.
The figures themselves come from question_bank_metrics.py, which also prints them.
"""

import re
from collections import Counter
from fractions import Fraction

import pytest

from tests.assessments.question_bank_metrics import (
    CHOICE_TYPES,
    LONG_KEY_RATIO,
    active,
    credit,
    cue_strategy_by_element,
    element_of_criteria,
    key_positions,
    length_cues,
    multiple_counts,
    multiple_length_ratio,
    read_entries,
    true_false_split,
)

ENTRIES = read_entries()
ACTIVE = active(ENTRIES)

# Limits (assessments/content/README.md, "Reglas de redacción").
MAX_KEY_IS_LONGEST = MAX_KEY_IS_SHORTEST = Fraction(40, 100)
MAX_SHARE_OF_ONE_KEY_POSITION = Fraction(40, 100)
TRUE_SHARE = (Fraction(40, 100), Fraction(60, 100))
MULTIPLE_LENGTH_RATIO = (Fraction(85, 100), Fraction(115, 100))
MAX_CUE_STRATEGY_SCORE = Fraction(1, 2)

# Items per criterion before the rewrite of issue 14: replacing items is fine,
# losing coverage is not.
MINIMUM_PER_CRITERION = {
    **dict.fromkeys(["E1-D3", "E1-D4", "K06", "K09", "K13", "K14"], 3),
    **dict.fromkeys(["E2-D1", "E2-D2", "E2-P1", "E2-D5"], 3),
    **dict.fromkeys(["K07", "E1-D1", "K04", "K05", "K11", "K15"], 4),
    **dict.fromkeys(["E2-D3", "E2-D4"], 4),
    **dict.fromkeys(["K08", "E1-D2", "K10", "K12", "E3-D1"], 5),
    **dict.fromkeys(["K02", "K03", "K16", "K17", "E3-D2"], 6),
    "K01": 21,
}


def texts(entry):
    """Every piece of text a learner reads in an entry."""
    yield entry.get("stem", "")
    yield entry.get("feedback", "")
    for option in entry.get("options", []):
        yield option["text"]
        yield option.get("feedback", "")
    for pair in entry.get("pairs", []):
        yield pair["prompt"]
        yield pair["match"]
    yield from entry.get("items", [])


def test_option_length_does_not_point_at_the_key():
    """Across single-choice and situational items the key (the full-credit option)
    is strictly the longest option in at most 40 % of them (and strictly the
    shortest in at most 40 %, so the cue is not merely reversed), and in no item is
    it more than 1.5 times as long as the longest distractor. In multiple response
    the correct options are, on average, within 15 % of the wrong ones' length."""
    cues = length_cues(ENTRIES)
    longest = [cue.code for cue in cues if cue.key_is_longest]
    shortest = [cue.code for cue in cues if cue.key_is_shortest]
    too_long = [cue.code for cue in cues if cue.key_ratio > LONG_KEY_RATIO]

    assert Fraction(len(longest), len(cues)) <= MAX_KEY_IS_LONGEST, (
        f"the key is the longest option in {len(longest)} of {len(cues)}: {longest}"
    )
    assert Fraction(len(shortest), len(cues)) <= MAX_KEY_IS_SHORTEST, shortest
    assert too_long == [], f"key over 1.5x the longest distractor: {too_long}"
    low, high = MULTIPLE_LENGTH_RATIO
    assert low <= multiple_length_ratio(ENTRIES) <= high


def test_the_key_is_not_parked_in_one_position():
    """With option shuffling off the file order is what learners see: no position
    holds the key of more than 40 % of the single-choice and situational items."""
    positions = key_positions(ENTRIES)
    total = sum(positions.values())

    crowded = {
        p: n
        for p, n in positions.items()
        if Fraction(n, total) > MAX_SHARE_OF_ONE_KEY_POSITION
    }
    assert crowded == {}, f"key positions {dict(positions)} of {total}"


def test_guessing_by_length_or_verdadero_fails_every_element():
    """Always picking the longest option, always answering "Verdadero" and marking
    the longer options of a multiple-response item scores under half in each
    element (the pass mark is 80 %)."""
    scores = cue_strategy_by_element(ENTRIES, element_of_criteria())

    assert set(scores) == {"E1", "E2", "E3"}
    high = {
        e: f"{float(s):.0%}" for e, s in scores.items() if s >= MAX_CUE_STRATEGY_SCORE
    }
    assert high == {}, f"cue strategy scores per element: {high}"


def test_multiple_response_correct_counts_vary():
    """Multiple-response items do not share one pattern: at least three different
    numbers of correct options, no item with every option (or none) correct, at
    most half of them "all but one", and no (correct, options) pair in more than
    half of them."""
    counts = multiple_counts(ENTRIES)
    items = [e for e in ACTIVE if e["type"] == "multiple"]
    right = {e["code"]: sum(bool(o["correct"]) for o in e["options"]) for e in items}
    all_or_none = [c for c, n in right.items() if n in (0, len(_options(c)))]
    all_but_one = [c for c, n in right.items() if n == len(_options(c)) - 1]

    assert len({correct for correct, _n in counts}) >= 3, dict(counts)
    assert all_or_none == []
    assert len(all_but_one) <= len(items) / 2, all_but_one
    assert max(counts.values()) <= len(items) / 2, dict(counts)


def _options(code):
    return next(e["options"] for e in ACTIVE if e["code"] == code)


def test_true_false_is_balanced_and_its_feedback_agrees():
    """Between 40 % and 60 % of the true/false items are true, and each item's
    feedback opens with its own answer ("Verdadero." or "Falso."), so a statement
    rewritten to the opposite cannot keep the old explanation."""
    true, false = true_false_split(ENTRIES)
    low, high = TRUE_SHARE
    disagree = [
        e["code"]
        for e in ACTIVE
        if e["type"] == "true_false"
        and not e["feedback"].startswith("Verdadero." if e["answer"] else "Falso.")
    ]

    assert low <= Fraction(true, true + false) <= high, (true, false)
    assert disagree == []


# The learner is addressed as tú; usted belongs only inside «...», in what staff
# say to customers (or customers say), and in "hablar/tratar de usted".
QUOTED = re.compile(r"«[^»]*»")
USTED = re.compile(r"(?<!\bde )\bustede?s?\b", re.IGNORECASE)
# Instructions open a sentence ("Seleccione todas las correctas."); inside one the
# same forms are third-person subjunctives ("para que elija"), which are fine.
USTED_INSTRUCTIONS = re.compile(
    r"(?:^|(?<=[.:;!?¿¡])\s*)(seleccione|selecciónel[ao]s|elija|escoja|indique|"
    r"marque|márquel[ao]s|ordene|ordénel[ao]s|relacione|relaciónel[ao]s|responda|"
    r"conteste|señale)\b",
    re.IGNORECASE,
)
ACCENTED_SOLO = re.compile(r"\bsólo\b", re.IGNORECASE)
# Terms the lessons teach under another name (the lessons' word in the value).
LESSON_TERMS = {
    "conversador": "hablador",
    "canal virtual": "medio electrónico",
    "timbrazo": "timbre",
}


@pytest.mark.parametrize(
    ("rule", "pattern", "unquoted_only"),
    [
        ("usted outside a quotation", USTED, True),
        ("usted instruction to the learner", USTED_INSTRUCTIONS, True),
        ('"sólo" with an accent', ACCENTED_SOLO, False),
    ],
)
def test_one_register_and_one_spelling(rule, pattern, unquoted_only):
    """Learners are addressed as tú ("Selecciona", "¿Qué haces?"), never as usted
    ("Seleccione", "¿Qué haría usted?"); "solo" is written without accent."""
    found = {}
    for entry in ACTIVE:
        for text in texts(entry):
            checked = QUOTED.sub("«»", text) if unquoted_only else text
            words = [m.group(0) for m in pattern.finditer(checked)]
            if words:
                found.setdefault(entry["code"], []).extend(words)

    assert found == {}, f"{rule}: {found}"


def test_the_bank_uses_the_lessons_terms():
    """Questions use the lessons' names: "hablador" (not "conversador"), the media
    of communication the lessons list (no "canal virtual"), "timbre" (not
    "timbrazo")."""
    found = {
        entry["code"]: term
        for entry in ACTIVE
        for text in texts(entry)
        for term in LESSON_TERMS
        if term in text.lower()
    }

    assert found == {}, {code: LESSON_TERMS[t] for code, t in found.items()}


def test_every_criterion_keeps_its_coverage():
    """Rewriting or replacing items never leaves a criterion with fewer items than
    it had, and each code starts with its own criterion (<criterion>-<NNN>)."""
    per_criterion = Counter(e["criterion"] for e in ACTIVE)
    short = {
        criterion: per_criterion[criterion]
        for criterion, minimum in MINIMUM_PER_CRITERION.items()
        if per_criterion[criterion] < minimum
    }
    misfiled = [
        e["code"]
        for e in ACTIVE
        if not re.fullmatch(rf"{re.escape(e['criterion'])}-\d{{3}}", e["code"])
    ]

    assert short == {}
    assert misfiled == []


def test_ordering_items_have_at_least_three_steps():
    short = [
        e["code"] for e in ACTIVE if e["type"] == "ordering" and len(e["items"]) < 3
    ]
    assert short == []


def test_a_retired_code_is_only_a_code():
    """A retired entry carries nothing but its code, and no active entry reuses a
    retired code (a replaced question gets a new one)."""
    retired = [e for e in ENTRIES if e.get("retired")]
    codes = [e["code"] for e in ENTRIES]

    assert retired, "the bank lists the codes it replaced"
    assert all(set(e) == {"code", "retired"} and e["retired"] is True for e in retired)
    assert len(codes) == len(set(codes))


def test_choice_items_have_a_key_and_a_distractor_to_measure():
    """The length figures assume each single-choice and situational item has an
    option at full credit and at least one below it."""
    odd = [
        e["code"]
        for e in ACTIVE
        if e["type"] in CHOICE_TYPES
        and not (
            sum(credit(o) == 1 for o in e["options"]) >= 1
            and any(credit(o) < 1 for o in e["options"])
        )
    ]
    assert odd == []
