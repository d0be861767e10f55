"""Answer cues in the question bank data: figures a test-wise learner could exploit.

Pure (no Django, no database): it reads ``questions.yaml`` entries as plain data.
The content tests (test_question_content.py) assert limits on these figures, and
running the module prints them, e.g. to compare a branch with main::

    python tests/assessments/question_bank_metrics.py [questions.yaml]

Figures:

- key-is-longest rate: among single-choice and situational items, the share whose
  key (for situational: an option with full credit) is strictly the longest option
  by characters;
- key over 1.5 x: items whose key is more than 1.5 times as long as the longest
  distractor (situational: the longest option below full credit);
- key-is-shortest rate: the same share for the strictly shortest option (the
  opposite cue);
- cue strategy score per element: the mean score of a learner who always picks the
  longest option (single, situational), always answers "Verdadero" (true/false) and,
  in multiple response, marks the options at least as long as the item's average
  option; matching and ordering give length no role and are left out;
- multiple-response correct counts, as "correct of options", and the mean length
  of the correct options over the mean length of the wrong ones;
- the true/false split (answer True : answer False).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from statistics import mean

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from the project root
    sys.path.insert(0, str(ROOT))

from assessments.grading import AnswerKey, score  # noqa: E402 (pure module)

QUESTIONS_FILE = ROOT / "assessments/content/questions.yaml"
STANDARD_FILE = ROOT / "standards/content/ec0305.yaml"
# The loader gives entries without a difficulty or type no defaults that matter
# here; an item is "choice-like" when a length cue can point at its key.
CHOICE_TYPES = ("single", "situational")
CUE_TYPES = ("single", "situational", "true_false", "multiple")
LONG_KEY_RATIO = Fraction(3, 2)

Entry = Mapping[str, object]


def read_entries(path: Path = QUESTIONS_FILE) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def element_of_criteria(path: Path = STANDARD_FILE) -> dict[str, str]:
    """criterion code -> element code, from the standard's data file."""
    with path.open(encoding="utf-8") as handle:
        standard = yaml.safe_load(handle)
    return {
        criterion["code"]: element["code"]
        for element in standard["elements"]
        for criterion in element["criteria"]
    }


def active(entries: Iterable[Entry]) -> list[Entry]:
    """The entries a draw can show (a retired entry only deactivates its code)."""
    return [entry for entry in entries if not entry.get("retired")]


def credit(option: Mapping[str, object]) -> Fraction:
    """An option's credit: situational credit strings, or correct as 1/0."""
    if "credit" in option:
        return Fraction(str(option["credit"]))
    return Fraction(int(bool(option.get("correct"))))


def _length(option: Mapping[str, object]) -> int:
    return len(str(option["text"]).strip())


@dataclass(frozen=True)
class LengthCue:
    code: str
    key_is_longest: bool  # a full-credit option is strictly the longest
    key_is_shortest: bool  # a full-credit option is strictly the shortest
    key_ratio: Fraction  # longest full-credit option / longest distractor


def length_cue(entry: Entry) -> LengthCue:
    options = entry["options"]
    keys = [_length(o) for o in options if credit(o) == 1]
    others = [_length(o) for o in options if credit(o) < 1]
    longest_key, longest_other = max(keys), max(others)
    return LengthCue(
        code=str(entry["code"]),
        key_is_longest=longest_key > longest_other,
        key_is_shortest=min(keys) < min(others),
        key_ratio=Fraction(longest_key, longest_other),
    )


def length_cues(entries: Iterable[Entry]) -> list[LengthCue]:
    return [length_cue(e) for e in active(entries) if e["type"] in CHOICE_TYPES]


def key_positions(entries: Iterable[Entry]) -> Counter[int]:
    """Where the (first) full-credit option sits in single and situational items,
    counted from 1: the file order is the order shown when shuffling is off."""
    return Counter(
        next(i for i, o in enumerate(e["options"], 1) if credit(o) == 1)
        for e in active(entries)
        if e["type"] in CHOICE_TYPES
    )


def cue_strategy_score(entry: Entry) -> Fraction:
    """The score of the length-and-"Verdadero" strategy on one item."""
    kind = entry["type"]
    if kind == "true_false":
        return Fraction(int(bool(entry["answer"])))
    options = entry["options"]
    lengths = [_length(o) for o in options]
    if kind in CHOICE_TYPES:
        longest = max(lengths)
        tied = [o for o, n in zip(options, lengths, strict=True) if n == longest]
        return sum((credit(o) for o in tied), Fraction(0)) / len(tied)
    if kind == "multiple":
        ids = [str(i) for i in range(len(options))]
        key = AnswerKey.multiple(
            ids, [i for i, o in zip(ids, options, strict=True) if credit(o)]
        )
        average = mean(lengths)
        picked = [i for i, n in zip(ids, lengths, strict=True) if n >= average]
        return score(key, picked)
    raise ValueError(f"{entry['code']}: no length cue for type {kind!r}")


def cue_strategy_by_element(
    entries: Iterable[Entry], elements: Mapping[str, str]
) -> dict[str, Fraction]:
    scores: dict[str, list[Fraction]] = {}
    for entry in active(entries):
        if entry["type"] in CUE_TYPES:
            element = elements[str(entry["criterion"])]
            scores.setdefault(element, []).append(cue_strategy_score(entry))
    return {
        element: sum(values, Fraction(0)) / len(values)
        for element, values in sorted(scores.items())
    }


def multiple_counts(entries: Iterable[Entry]) -> Counter[tuple[int, int]]:
    """(correct, options) of each multiple-response item."""
    return Counter(
        (sum(1 for o in e["options"] if credit(o)), len(e["options"]))
        for e in active(entries)
        if e["type"] == "multiple"
    )


def multiple_length_ratio(entries: Iterable[Entry]) -> Fraction:
    """Mean length of the correct options of multiple-response items over the
    mean length of their wrong options (1 = no cue either way)."""
    right, wrong = [], []
    for entry in active(entries):
        if entry["type"] == "multiple":
            for option in entry["options"]:
                (right if credit(option) else wrong).append(_length(option))
    return Fraction(sum(right), len(right)) / Fraction(sum(wrong), len(wrong))


def true_false_split(entries: Iterable[Entry]) -> tuple[int, int]:
    answers = [bool(e["answer"]) for e in active(entries) if e["type"] == "true_false"]
    return answers.count(True), answers.count(False)


def report(entries: list[dict], elements: Mapping[str, str]) -> str:
    cues = length_cues(entries)
    longest = [c.code for c in cues if c.key_is_longest]
    shortest = [c.code for c in cues if c.key_is_shortest]
    over = [c.code for c in cues if c.key_ratio > LONG_KEY_RATIO]
    true, false = true_false_split(entries)
    counts = multiple_counts(entries)
    lines = [
        f"entries: {len(active(entries))} active, {len(entries)} in the file",
        f"types: {dict(Counter(e['type'] for e in active(entries)))}",
        f"key is strictly the longest: {len(longest)} of {len(cues)} "
        f"single + situational ({len(longest) / len(cues):.0%})",
        f"key is strictly the shortest: {len(shortest)} of {len(cues)} "
        f"({len(shortest) / len(cues):.0%})",
        f"key over 1.5x the longest distractor: {len(over)} {over}",
        f"full-credit option position: {dict(sorted(key_positions(entries).items()))}",
        "longest-option / 'Verdadero' strategy score per element: "
        + ", ".join(
            f"{element} {float(value):.0%}"
            for element, value in cue_strategy_by_element(entries, elements).items()
        ),
        f"true/false: {true} True, {false} False",
        "multiple response (correct of options): "
        + ", ".join(f"{c}/{n}: {k}" for (c, n), k in sorted(counts.items())),
        "multiple response, correct / wrong option length: "
        f"{float(multiple_length_ratio(entries)):.2f}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else QUESTIONS_FILE
    print(report(read_entries(path), element_of_criteria()))
