"""Attempts under concurrency: simultaneous submits grade once, answers saved while
an attempt is submitted are either graded or refused (never lost), simultaneous
starts make one attempt, and one learner's save never waits for another's.

These tests commit from several threads, each with its own database connection, so
they need a database that locks rows: they run on PostgreSQL (CI's PostgreSQL pass,
or locally with DATABASE_URL=postgres://...) and are skipped on SQLite, which
serialises every write to the whole file instead.
"""

import threading
from collections import Counter
from datetime import timedelta
from fractions import Fraction
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

from assessments import submission
from assessments.attempt_services import (
    AnswerRejected,
    attempt_save_answer,
    attempt_start,
    attempt_submit,
    attempts_finalise_overdue,
)
from assessments.models import Attempt, ElementResult, Question, QuestionVersion
from assessments.question_services import content_from_data, question_version_current
from courses.content_loader import home_page
from tests.factories import (
    QUESTION_TYPES,
    CoursePageFactory,
    UserFactory,
    answer_for,
    build_assessment,
    question_data,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Concurrency tests need PostgreSQL's row locks (SQLite serialises "
        "all writes); they run in CI's PostgreSQL pass.",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
TIMEOUT = 60  # seconds a thread may take before the test counts it as hung


@pytest.fixture(scope="module", autouse=True)
def _reload_initial_data_afterwards(django_db_blocker):
    """Transactional tests flush the database when they end. Put the seeded data
    back once this module is done, so that later tests of the session that rely on
    the session-wide ``initial_data`` still find it."""
    yield
    with django_db_blocker.unblock():
        call_command("load_initial_data", demo=True, verbosity=0)


def assessment_with_bank(**kwargs):
    """Our own standard, course and assessment: a flushed database has no seeded
    data (and no role groups, so learners here are plain users)."""
    course = CoursePageFactory(parent=home_page())
    return build_assessment(parent=course, **kwargs)


def run_together(*calls):
    """Run each call in its own thread, released at the same moment, and return
    ("ok", result) or ("error", exception) per call. Each thread closes its own
    database connection at the end."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=TIMEOUT)
            outcomes[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call), daemon=True)
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def counting_grade():
    """A stand-in for submission._grade that counts calls across threads."""
    calls = Counter()
    lock = threading.Lock()
    real = submission._grade

    def grade(attempt, responses=None):
        with lock:
            calls[attempt.pk] += 1
        return real(attempt, responses)

    return calls, grade


def assert_graded_once(attempt: Attempt, elements) -> None:
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    per_element = Counter(
        ElementResult.objects.filter(attempt=attempt).values_list(
            "element_id", flat=True
        )
    )
    assert per_element == Counter({element.pk: 1 for element in elements})


def test_concurrent_submits_grade_once():
    """Eight simultaneous submits of one attempt grade it exactly once: one
    ElementResult per element, one call to the grader, and every caller gets the
    same submitted result."""
    assessment, elements, _bank = assessment_with_bank(questions=(3, 3))
    attempt = attempt_start(learner=UserFactory(), assessment=assessment)
    for response in attempt.responses.select_related("version"):
        attempt_save_answer(
            attempt=attempt,
            position=response.position,
            raw_answer=answer_for(response.version.payload),
        )
    calls, grade = counting_grade()

    with mock.patch.object(submission, "_grade", grade):
        outcomes = run_together(
            *(lambda: attempt_submit(attempt=attempt) for _ in range(THREADS))
        )

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    assert calls == Counter({attempt.pk: 1})
    assert_graded_once(attempt, elements)
    results = {(r.status, r.score, r.competent, r.submitted_at) for _, r in outcomes}
    assert results == {
        ("submitted", attempt.score, True, attempt.submitted_at),
    }


def save_during_submit_round() -> None:
    assessment, elements, _bank = assessment_with_bank(
        questions=(len(QUESTION_TYPES),), kinds=QUESTION_TYPES
    )
    attempt = attempt_start(learner=UserFactory(), assessment=assessment)
    shown = list(attempt.responses.select_related("version"))

    def save(response):
        return lambda: attempt_save_answer(
            attempt=attempt,
            position=response.position,
            raw_answer=answer_for(response.version.payload),
        )

    outcomes = run_together(
        *(save(response) for response in shown),
        lambda: attempt_submit(attempt=attempt),
    )

    *saves, (submit_kind, _submitted) = outcomes
    assert submit_kind == "ok", outcomes
    assert_graded_once(attempt, elements)
    stored = {r.position: r for r in attempt.responses.all()}
    for response, (kind, value) in zip(shown, saves, strict=True):
        row = stored[response.position]
        if kind == "ok":
            assert row.answer is not None and row.score == 1
        else:
            assert isinstance(value, AnswerRejected), value
            assert row.answer is None and row.score == 0
    saved = sum(kind == "ok" for kind, _ in saves)
    assert attempt.score == Fraction(saved, len(shown))


def test_answers_saved_during_a_submit_are_graded_or_refused_never_lost():
    """Answers saved at the same moment as the submit are either stored before the
    grading (and count in it) or refused as too late: an answer whose save
    returned is never missing from the graded attempt. Repeated over several
    attempts to vary the interleaving."""
    for _round in range(4):
        save_during_submit_round()


def test_simultaneous_saves_to_one_attempt_all_stick():
    """Saves to different questions of one attempt at the same moment are all
    stored: none overwrites another."""
    assessment, _elements, _bank = assessment_with_bank(
        questions=(THREADS,), kinds=QUESTION_TYPES
    )
    attempt = attempt_start(learner=UserFactory(), assessment=assessment)
    shown = list(attempt.responses.select_related("version"))

    outcomes = run_together(
        *(
            lambda response=response: attempt_save_answer(
                attempt=attempt,
                position=response.position,
                raw_answer=answer_for(response.version.payload),
            )
            for response in shown
        )
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    assert all(r.answer is not None for r in attempt.responses.all())


def test_a_learner_s_submit_and_the_overdue_job_grade_once():
    """The periodic overdue job and the learner's own late submit racing for one
    attempt grade it once."""
    assessment, elements, _bank = assessment_with_bank(
        questions=(2, 2), time_limit_minutes=1, grace_seconds=0
    )
    attempt = attempt_start(learner=UserFactory(), assessment=assessment)
    later = attempt.deadline + timedelta(seconds=5)
    calls, grade = counting_grade()

    with mock.patch.object(submission, "_grade", grade):
        outcomes = run_together(
            lambda: attempt_submit(attempt=attempt, now=later),
            lambda: attempts_finalise_overdue(now=later),
            lambda: attempts_finalise_overdue(now=later),
        )

    assert [kind for kind, _ in outcomes] == ["ok"] * 3, outcomes
    assert calls == Counter({attempt.pk: 1})
    assert_graded_once(attempt, elements)


def test_simultaneous_starts_make_one_attempt():
    """A learner's simultaneous starts (a double click, two tabs) create one open
    attempt with one set of responses, and every call returns it; each drawn
    question gets a single version."""
    assessment, _elements, bank = assessment_with_bank(questions=(5, 5), draw=(3, 3))
    learner = UserFactory()

    outcomes = run_together(
        *(
            lambda: attempt_start(learner=learner, assessment=assessment)
            for _ in range(THREADS)
        )
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    (attempt,) = Attempt.objects.filter(learner=learner)
    assert {result.pk for _, result in outcomes} == {attempt.pk}
    assert attempt.responses.count() == 3 + 3  # the draw of each element
    questions = [q.pk for element in bank for q in element]
    assert set(
        QuestionVersion.objects.filter(question__in=questions).values_list(
            "number", flat=True
        )
    ) == {1}
    assert QuestionVersion.objects.filter(question__in=questions).count() == len(
        set(attempt.responses.values_list("version__question", flat=True))
    )


def test_simultaneous_draws_of_an_edited_question_make_one_new_version():
    """Many first draws of an edited question at once freeze one version 2."""
    assessment, _elements, bank = assessment_with_bank(questions=(1,))
    question = bank[0][0]
    question_version_current(question=question)
    question = Question.objects.get(pk=question.pk)
    question.content = content_from_data(
        {**question_data("single", right=1), "code": question.code}
    )
    question.save()

    outcomes = run_together(
        *(
            lambda: question_version_current(
                question=Question.objects.get(pk=question.pk)
            )
            for _ in range(THREADS)
        )
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    assert {version.number for _, version in outcomes} == {2}
    assert list(
        QuestionVersion.objects.filter(question=question).values_list(
            "number", flat=True
        )
    ) == [1, 2]


def test_one_learner_s_open_transaction_does_not_block_another_learner():
    """Saving, submitting and starting only lock the attempt's own row: while one
    learner's save holds its lock, other learners of the same assessment save,
    submit and start without waiting for it."""
    assessment, _elements, _bank = assessment_with_bank(questions=(4,), draw=(2,))
    holder, saver, submitter = (
        attempt_start(learner=UserFactory(), assessment=assessment) for _ in range(3)
    )
    newcomer = UserFactory()
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        from django.db import transaction

        try:
            with transaction.atomic():
                attempt_save_answer(attempt=holder, position=1, raw_answer=None)
                locked.set()
                release.wait(timeout=TIMEOUT)
        finally:
            connection.close()

    def first_payload(attempt):
        response = attempt.responses.select_related("version").get(position=1)
        return answer_for(response.version.payload)

    blocker = threading.Thread(target=hold_lock, daemon=True)
    blocker.start()
    try:
        assert locked.wait(timeout=TIMEOUT)
        others = []
        done = threading.Event()

        def others_work():
            try:
                others.append(
                    attempt_save_answer(
                        attempt=saver, position=1, raw_answer=first_payload(saver)
                    )
                )
                others.append(attempt_submit(attempt=submitter))
                others.append(attempt_start(learner=newcomer, assessment=assessment))
            finally:
                connection.close()
                done.set()

        worker = threading.Thread(target=others_work, daemon=True)
        worker.start()
        finished_while_locked = done.wait(timeout=10)
    finally:
        release.set()
        blocker.join(timeout=TIMEOUT)
    worker.join(timeout=TIMEOUT)

    assert finished_while_locked, "another learner waited for a foreign lock"
    assert len(others) == 3
    assert others[1].status == Attempt.Status.SUBMITTED
    assert others[2].learner_id == newcomer.pk
