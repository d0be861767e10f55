"""How well the seeded final samples the criteria: simulated draws over the shipped
data, with no database.

The question bank (``questions.yaml``), the standard (``ec0305.yaml``) and the
final's blueprint (``course.yaml``) are read as plain data and drawn from by the
pure ``assessments.blueprint.draw`` with a seeded RNG, the way ``attempt_start``
draws from its cached bank. Each simulated learner takes the final's allowed
attempts in turn, every attempt avoiding what the earlier ones showed, so the
figures include the effect of avoidance. The content test
(test_final_sampling.py) asserts on these draws; running the module prints the
before/after figure of issue 14 (criteria missed per attempt)::

    python tests/assessments/final_sampling.py [draws]
"""

from __future__ import annotations

import os
import random
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from the project root
    sys.path.insert(0, str(ROOT))

from assessments.blueprint import BlueprintRow, Candidate, draw  # noqa: E402
from tests.assessments.question_bank_metrics import (  # noqa: E402
    QUESTIONS_FILE,
    STANDARD_FILE,
    active,
    read_entries,
)

COURSE_FILE = ROOT / "courses/content/ec0305/course.yaml"
FINAL_SLUG = "evaluacion-final-ec0305"
# The kinds a question asks (assessments.models.ASKED_KINDS, as data).
ASKED_KINDS = ("performance", "product", "knowledge")
DRAWS = 1000


def _read(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def asked_criteria(path: Path = STANDARD_FILE) -> dict[str, tuple[str, ...]]:
    """Element code -> the codes of the criteria questions ask, in map order."""
    return {
        element["code"]: tuple(
            c["code"] for c in element["criteria"] if c["kind"] in ASKED_KINDS
        )
        for element in _read(path)["elements"]
    }


def final_blueprint(path: Path = COURSE_FILE) -> list[BlueprintRow]:
    """The seeded final's rows, by element and criterion code."""
    (final,) = [a for a in _read(path)["assessments"] if a["slug"] == FINAL_SLUG]
    return [
        BlueprintRow(
            row["element"],
            row.get("criterion"),
            row["count"],
            cover=bool(row.get("cover")),
            level=row.get("level") or None,
        )
        for row in final["blueprint"]
    ]


def attempts_allowed(path: Path = COURSE_FILE) -> int:
    (final,) = [a for a in _read(path)["assessments"] if a["slug"] == FINAL_SLUG]
    return final.get("attempts_allowed", 3) or 3


def bank(
    entries: Sequence[Mapping] | None = None, path: Path = STANDARD_FILE
) -> list[Candidate]:
    """The active questions as the draw sees them, in code order (as the cached
    bank lists them), with the knowledge level the editor would give them."""
    from assessments.question_types import registry

    element = {
        code: e for e, criteria in asked_criteria(path).items() for code in criteria
    }
    entries = active(entries if entries is not None else read_entries(QUESTIONS_FILE))
    return [
        Candidate(
            entry["code"],
            element[entry["criterion"]],
            entry["criterion"],
            entry.get("level") or registry.get(entry["type"]).default_level,
        )
        for entry in sorted(entries, key=lambda e: e["code"])
        if entry["criterion"] in element
    ]


def uncovering(rows: Sequence[BlueprintRow]) -> list[BlueprintRow]:
    """The same blueprint drawing at random within each element (before issue 14)."""
    return [replace(row, cover=False) for row in rows]


@dataclass(frozen=True)
class Draw:
    attempt: int  # 1 for a learner's first attempt
    questions: tuple[str, ...]
    asked: frozenset[str]


def simulate(
    rows: Sequence[BlueprintRow],
    pool: Sequence[Candidate],
    criteria: Mapping[str, Sequence[str]],
    *,
    draws: int = DRAWS,
    attempts: int = 3,
    seed: int = 0,
) -> Iterator[Draw]:
    """``draws`` attempts by learners who each take ``attempts`` in a row, each
    avoiding the questions the learner saw before (fewest times, then longest
    ago, as ``attempt_start`` does)."""
    rng = random.Random(seed)
    criterion_of = {c.question_id: c.criterion for c in pool}
    done = 0
    while done < draws:
        history: dict[str, tuple[int, int]] = {}
        for number in range(1, attempts + 1):
            if done == draws:
                return
            drawn = draw(
                rows, pool, seen=history, rng=rng, shuffle=False, criteria=criteria
            )
            for question in drawn:
                times = history.get(question, (0, 0))[0]
                history[question] = (times + 1, number)
            done += 1
            yield Draw(number, drawn, frozenset(criterion_of[q] for q in drawn))


def missed_per_attempt(
    draws: Sequence[Draw], criteria: Mapping[str, Sequence[str]]
) -> dict[str, Fraction]:
    """Element -> mean number of its asked criteria an attempt does not ask."""
    return {
        element: Fraction(sum(len(set(codes) - d.asked) for d in draws), len(draws))
        for element, codes in criteria.items()
    }


def unasked_rate(draws: Sequence[Draw], criteria: Mapping[str, Sequence[str]]):
    """Criterion -> share of attempts that do not ask it (only those above 0)."""
    counts = Counter(
        code
        for d in draws
        for codes in criteria.values()
        for code in codes
        if code not in d.asked
    )
    return {code: Fraction(n, len(draws)) for code, n in counts.most_common()}


# The final's blueprint before issue 14: random within each element.
OLD_FINAL = (
    BlueprintRow("E1", None, 12),
    BlueprintRow("E2", None, 10),
    BlueprintRow("E3", None, 8),
)


def report(draws: int = DRAWS) -> str:
    criteria = asked_criteria()
    rows, pool = final_blueprint(), bank()
    attempts = attempts_allowed()
    lines = [f"{draws} simulated final attempts ({attempts} per learner):"]
    for name, blueprint in (
        ("old blueprint, random within element", OLD_FINAL),
        ("new sizes, random within element", uncovering(rows)),
        ("new blueprint, covering every criterion", rows),
    ):
        simulated = list(
            simulate(blueprint, pool, criteria, draws=draws, attempts=attempts)
        )
        missed = missed_per_attempt(simulated, criteria)
        figures = ", ".join(
            f"{element} {float(value):.2f} of {len(criteria[element])}"
            for element, value in missed.items()
        )
        worst = ", ".join(
            f"{code} {float(rate):.0%}"
            for code, rate in list(unasked_rate(simulated, criteria).items())[:4]
        )
        sizes = ", ".join(f"{row.element} {row.count}" for row in blueprint)
        lines.append(f"  {name} ({sizes}):")
        lines.append(f"    criteria missed per attempt: {figures}")
        lines.append(f"    most often unasked: {worst or 'none'}")
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    print(report(int(sys.argv[1]) if len(sys.argv) > 1 else DRAWS))
