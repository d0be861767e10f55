"""Benchmark: app CPU and queries of starting and submitting a 30-question final.

Run from the project root: ``python tests/bench/bench_attempts.py`` (``make
bench``). Uses DATABASE_URL when set (PostgreSQL: ``createdb atiende_attempts``
and ``DATABASE_URL=postgres://postgres@127.0.0.1/atiende_attempts``), else a
temporary SQLite file. The database is migrated and flushed first
(tests/bench/support.py): never point it at data you want to keep.

Setup (not timed): a standard of three elements and a final drawing 10
questions of each (30 in all), over a small bank (30 questions, every type) and
a large one (300). Both banks are in use: every question was shown before (its
version is frozen). Learners are signed in through Django's test client and
open the start page (not timed), and a first run warms the process up
(imports, templates, URL resolver). Tasks go to the database queue, as with
``make run``.

Timed, per learner, with Django's test client in this process: the start (POST
to the start button's URL), the attempt page it redirects to, the submit (POST
"Enviar", the answers saved before through the service, as the page's script
does) and the result page. Each step reports the median app CPU in ms
(``time.process_time``: on SQLite it includes SQLite's own work, which runs in
this process) and its largest number of queries. The first start of each bank
is reported on its own line: it reads the bank from the database and caches it.
Exits non-zero when a step misses its budget (issue 13: start ≤ 15 ms and ≤ 12
queries, submit ≤ 25 ms and ≤ 20 queries) or when the large bank needs more
queries than the small one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.support import django_setup, empty_site  # noqa: E402

DRAWN_PER_ELEMENT = 10
ELEMENTS = 3
# step -> (CPU ms, queries): the budgets of issue 13 (start and submit).
BUDGETS = {"start": (15.0, 12), "submit": (25.0, 20)}


def build_final(bank_size: int):
    """A final drawing 30 questions from a bank of ``bank_size``, every type,
    each question shown before (its version frozen)."""
    from assessments.models import AssessmentPage
    from assessments.question_services import FrozenContent, question_versions_freeze
    from tests.factories import QUESTION_TYPES, build_assessment

    per_element = bank_size // ELEMENTS
    assessment, _elements, bank = build_assessment(
        questions=(per_element,) * ELEMENTS,
        draw=(DRAWN_PER_ELEMENT,) * ELEMENTS,
        kinds=QUESTION_TYPES,
        mode=AssessmentPage.Mode.FINAL,
        time_limit_minutes=30,
        attempts_allowed=3,
        title=f"Final sobre {bank_size} preguntas",
    )
    question_versions_freeze(
        wanted={q.pk: FrozenContent.of(q) for element in bank for q in element}
    )
    return assessment


def measure(call) -> tuple[float, int, object]:
    """(app CPU ms, queries, result) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        result = call()
        cpu = (time.process_time() - started) * 1000
    return cpu, len(queries), result


def run_bank(bank_size: int, learners: int) -> dict[str, list[tuple[float, int]]]:
    from django.test import Client
    from django.urls import reverse

    from assessments.attempt_services import attempt_save_answer
    from assessments.models import Attempt
    from tests.factories import LearnerFactory, answer_for

    assessment = build_final(bank_size)
    begin_url = reverse("assessments:begin", args=[assessment.pk])
    steps: dict[str, list[tuple[float, int]]] = {
        name: [] for name in ("cold start", "start", "attempt page", "submit", "result")
    }
    for n in range(learners):
        learner = LearnerFactory()
        client = Client()
        client.force_login(learner)
        # The start page first, as a learner does: a session's first request
        # has bookkeeping of its own (the session record), not the start's.
        assert client.get(assessment.url).status_code == 200
        cpu, count, reply = measure(lambda c=client: c.post(begin_url))
        assert reply.status_code == 303, reply.status_code
        cold = n == 0
        steps["cold start" if cold else "start"].append((cpu, count))
        attempt_url = reply["Location"]
        cpu, count, reply = measure(lambda c=client, u=attempt_url: c.get(u))
        assert reply.status_code == 200, reply.status_code
        if not cold:
            steps["attempt page"].append((cpu, count))

        attempt = Attempt.objects.get(learner=learner, assessment=assessment)
        for response in attempt.responses.select_related("version"):
            attempt_save_answer(
                attempt=attempt,
                position=response.position,
                raw_answer=answer_for(
                    response.version.payload, right=response.position % 4 != 0
                ),
            )
        submit_url = reverse("assessments:attempt_submit", args=[attempt.uuid])
        cpu, count, reply = measure(lambda c=client, u=submit_url: c.post(u))
        assert reply.status_code == 303, reply.status_code
        if not cold:
            steps["submit"].append((cpu, count))
        result_url = reply["Location"]
        cpu, count, reply = measure(lambda c=client, u=result_url: c.get(u))
        assert reply.status_code == 200, reply.status_code
        if not cold:
            steps["result"].append((cpu, count))
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=15)
    parser.add_argument("--banks", type=int, nargs="+", default=[30, 300])
    args = parser.parse_args()
    django_setup()
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # Generated files go to a media directory of the bench's own. Tasks go to
    # the database queue, as with `make run`: a start and a submit pay for
    # enqueueing theirs (the finalisation at the deadline, the announcement of
    # the result), and a worker runs them, outside these requests.
    override_settings(
        MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-media-"),
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    ).enable()
    empty_site()
    print(
        f"database: {connection.vendor}; {ELEMENTS * DRAWN_PER_ELEMENT}-question "
        f"final, {args.learners} learners per bank; median app CPU and queries"
    )
    print(f"{'step':14}" + "".join(f"{f'bank {b}':>22}" for b in args.banks))
    run_bank(min(args.banks), 2)  # warm the process up (imports, templates)
    results = {bank: run_bank(bank, args.learners) for bank in args.banks}
    failed = False
    for step in ("cold start", "start", "attempt page", "submit", "result"):
        cells, counts = [], set()
        for bank in args.banks:
            samples = results[bank][step]
            cpu = statistics.median(s[0] for s in samples)
            count = max(s[1] for s in samples)
            counts.add(count)
            budget = BUDGETS.get(step)
            over = budget is not None and (cpu > budget[0] or count > budget[1])
            failed |= over
            cells.append(f"{cpu:8.1f} ms {count:4d} q{' !' if over else '  '}")
        if len(counts) > 1 and step != "cold start":
            failed = True
            cells.append("  queries grow with the bank")
        print(f"{step:14}" + "".join(f"{c:>22}" for c in cells))
    budgets = ", ".join(
        f"{s} ≤ {ms:g} ms and ≤ {q} queries" for s, (ms, q) in BUDGETS.items()
    )
    print(f"budgets: {budgets} ('!' marks a miss)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
