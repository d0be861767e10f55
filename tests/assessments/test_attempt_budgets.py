"""The query budgets of an attempt's four requests (issue 13): the start, the
attempt page it leads to, the submit and the result page cost the same number of
queries for a 30-question final whether its bank holds 30 questions or 300, and
stay within their budgets. (Their CPU is measured by tests/bench/bench_attempts.py.)

Tasks go to the database queue, as in production: the start and the submit pay
for enqueueing theirs, and a worker runs them outside these requests. The banks
are in use (every question shown before), and the bank of the assessment is
cached by a first learner's start.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import payloads, tasks
from assessments.attempt_services import attempt_save_answer
from assessments.models import AssessmentPage, Attempt, Response
from assessments.question_services import FrozenContent, question_versions_freeze
from tests.assessments.attempt_helpers import right_form
from tests.factories import QUESTION_TYPES, LearnerFactory, answer_for, build_assessment

pytestmark = pytest.mark.django_db

# Queries per request. SQLite counts BEGIN IMMEDIATE and COMMIT, which
# PostgreSQL does not; inside a test's transaction both become a savepoint.
START = 12
SUBMIT = 20
ATTEMPT_PAGE = 10
RESULT_PAGE = 14
# The first start over a bank nobody drew from: the bank read (2 queries) and its
# versions frozen in bulk (6, with their savepoint), besides the start's own;
# and the page itself with its parent, read once per content token (3).
COLD_START = START + 11
DRAWN = (10, 10, 10)


@pytest.fixture(autouse=True)
def _database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def final_over(bank_size: int, **fields) -> AssessmentPage:
    """A final drawing 30 questions (10 of each of 3 elements, every type) from a
    bank of ``bank_size``, each question shown before (its version frozen)."""
    assessment, _elements, bank = build_assessment(
        questions=(bank_size // 3,) * 3,
        draw=DRAWN,
        kinds=QUESTION_TYPES,
        mode=AssessmentPage.Mode.FINAL,
        **fields,
    )
    question_versions_freeze(
        wanted={q.pk: FrozenContent.of(q) for element in bank for q in element}
    )
    return assessment


class Counted:
    """Runs requests, counting the queries of each (on-commit work included:
    enqueueing tasks, caching the bank)."""

    def __init__(self, client, capture_on_commit):
        self.client = client
        self.capture = capture_on_commit

    def __call__(self, method: str, url: str, data=None):
        with CaptureQueriesContext(connection) as queries:
            with self.capture(execute=True):
                response = getattr(self.client, method)(url, data or {})
        return response, len(queries)


def answer_every_question(attempt: Attempt, *, right: bool) -> None:
    for response in Response.objects.filter(attempt=attempt).select_related("version"):
        attempt_save_answer(
            attempt=attempt,
            position=response.position,
            raw_answer=answer_for(response.version.payload, right=right),
        )


def walk(
    client, capture, assessment, *, right: bool, form: bool = False
) -> dict[str, int]:
    """A new learner starts, sees the attempt, submits (answers saved before, as
    the page's script does) and sees the result: the queries of each. ``form``:
    the submit carries the whole form too (the button posts it), answers
    unchanged."""
    run = Counted(client, capture)
    client.force_login(LearnerFactory())
    # The learner reads the start page first: a session's first request has its
    # own bookkeeping (accounts' session record), which is not the start's.
    assert client.get(assessment.url).status_code == 200
    # Measured enqueueing its finalisation task, the dearer case (one query
    # more): whether an earlier start of its minute already did depends on the
    # clock.
    tasks._scheduled.clear()
    started, start = run("post", reverse("assessments:begin", args=[assessment.pk]))
    assert started.status_code == 303
    # Measured with none of its payloads kept, the dearer case (one query
    # more): which versions a walk draws is random.
    payloads.frozen_payloads.clear()
    page, attempt_page = run("get", started["Location"])
    assert page.status_code == 200
    attempt = Attempt.objects.get(uuid=started["Location"].split("/")[-2])
    assert attempt.responses.count() == sum(DRAWN)
    answer_every_question(attempt, right=right)
    submitted, submit = run(
        "post",
        reverse("assessments:attempt_submit", args=[attempt.uuid]),
        right_form(attempt) if form and right else None,
    )
    assert submitted.status_code == 303
    result, result_page = run("get", submitted["Location"])
    assert result.status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.competent is right
    return {
        "start": start,
        "attempt page": attempt_page,
        "submit": submit,
        "result page": result_page,
    }


BUDGETS = {
    "start": START,
    "attempt page": ATTEMPT_PAGE,
    "submit": SUBMIT,
    "result page": RESULT_PAGE,
}


@pytest.mark.parametrize("right", [True, False], ids=["passing", "failing"])
def test_each_request_costs_the_same_for_a_bank_of_30_or_300(
    client, django_capture_on_commit_callbacks, right
):
    """Every step's queries are within budget and equal for both banks, for a
    passing learner (whose result shows the review) and a failing one (whose
    result lists the criteria to work on)."""
    counts = {}
    for size in (30, 300):
        assessment = final_over(size, review_answers="after_pass")
        walk(client, django_capture_on_commit_callbacks, assessment, right=True)
        counts[size] = walk(
            client, django_capture_on_commit_callbacks, assessment, right=right
        )
    assert counts[30] == counts[300], counts
    for step, budget in BUDGETS.items():
        assert counts[300][step] <= budget, (step, counts[300][step])


def test_a_start_that_freezes_new_versions_is_flat_too(
    client, django_capture_on_commit_callbacks
):
    """The first starts of a new bank freeze the versions of the questions they
    draw: in bulk, the same few queries more for 30 questions as for 300."""
    counts = {}
    for size in (30, 300):
        assessment, _elements, _bank = build_assessment(
            questions=(size // 3,) * 3, draw=DRAWN, kinds=QUESTION_TYPES
        )
        client.force_login(LearnerFactory())
        assert client.get(assessment.url).status_code == 200
        run = Counted(client, django_capture_on_commit_callbacks)
        started, counts[size] = run(
            "post", reverse("assessments:begin", args=[assessment.pk])
        )
        assert started.status_code == 303
    assert counts[30] == counts[300] <= COLD_START, counts


def test_a_later_attempt_s_start_stays_within_budget(
    client, django_capture_on_commit_callbacks
):
    """A learner's third start reads what they were shown before (1 query more)
    and stays within budget."""
    assessment = final_over(300, attempts_allowed=3)
    learner = LearnerFactory()
    client.force_login(learner)
    assert client.get(assessment.url).status_code == 200
    run = Counted(client, django_capture_on_commit_callbacks)
    url = reverse("assessments:begin", args=[assessment.pk])
    for _ in range(2):
        started, _count = run("post", url)
        attempt = Attempt.objects.get(uuid=started["Location"].split("/")[-2])
        client.post(reverse("assessments:attempt_submit", args=[attempt.uuid]))
    started, count = run("post", url)
    assert started.status_code == 303
    assert Attempt.objects.filter(learner=learner).count() == 3
    assert count <= START


def test_a_submit_carrying_the_saved_answers_costs_one_query_more(
    client, django_capture_on_commit_callbacks
):
    """The submit button posts the whole form. Its answers, already saved by the
    page's script, are checked under the submit's own lock and read of the
    responses: one query more (the display orders the form's tokens are read
    with), none per answer."""
    assessment = final_over(30)
    walk(client, django_capture_on_commit_callbacks, assessment, right=True)
    bare = walk(client, django_capture_on_commit_callbacks, assessment, right=True)
    form = walk(
        client, django_capture_on_commit_callbacks, assessment, right=True, form=True
    )
    assert form["submit"] == bare["submit"] + 1, (bare, form)
    assert form["submit"] <= SUBMIT
