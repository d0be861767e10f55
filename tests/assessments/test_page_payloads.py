"""Frozen versions' payloads and answer keys are kept per process by content
hash (payloads.frozen_payloads, payloads.version_keys): a start keeps the
payloads it draws, the attempt page reads its payloads from there, and a save
and a submit their keys (assessments.frozen_versions). The same payloads and
keys as the database's, one query for all those not kept and none once kept,
and a changed question's new version never gets its old payload."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import frozen_versions, learner_selectors, payloads
from assessments.attempt_services import (
    attempt_save_answers,
    attempt_start,
    attempt_submit,
)
from assessments.models import Attempt, QuestionVersion
from tests.factories import LearnerFactory, answer_for, build_assessment

pytestmark = pytest.mark.django_db


def _forget_everything():
    payloads.frozen_payloads.clear()
    payloads.version_keys.clear()


@pytest.fixture(autouse=True)
def nothing_kept():
    _forget_everything()
    yield
    _forget_everything()


def _stored(attempt) -> dict[int, dict]:
    return {
        response.position: response.version.payload
        for response in attempt.responses.select_related("version")
    }


def _shown(attempt) -> dict[int, dict]:
    data = learner_selectors.attempt_questions(attempt=attempt)
    return {question.position: question.payload for question in data["questions"]}


def test_the_page_shows_each_version_s_own_payload():
    assessment, _elements, _bank = build_assessment(questions=(3, 2))
    first = attempt_start(learner=LearnerFactory(), assessment=assessment)
    second = attempt_start(learner=LearnerFactory(), assessment=assessment)

    assert _shown(first) == _stored(first)  # read from the database
    assert _shown(second) == _stored(second)  # kept
    assert _shown(first) == _stored(first)


def test_kept_payloads_save_the_page_a_query(django_assert_num_queries):
    assessment, _elements, _bank = build_assessment(questions=(3, 2))
    first = attempt_start(learner=LearnerFactory(), assessment=assessment)
    second = attempt_start(learner=LearnerFactory(), assessment=assessment)

    payloads.frozen_payloads.clear()  # as in another process than the start's

    with django_assert_num_queries(2):
        learner_selectors.attempt_questions(attempt=first)
    # Every question of the bank is drawn: the second attempt's are all kept.
    with django_assert_num_queries(1):
        learner_selectors.attempt_questions(attempt=second)
    with django_assert_num_queries(1):
        learner_selectors.attempt_questions(attempt=first, position=1)


def test_an_edited_question_s_new_version_shows_its_new_payload():
    assessment, _elements, bank = build_assessment(questions=(3, 2))
    before = attempt_start(learner=LearnerFactory(), assessment=assessment)
    _shown(before)  # every version of the bank is kept now
    question = bank[0][0]
    question.stem = "¿Qué hace primero al recibir a un cliente molesto?"
    question.save()  # its next draw freezes a new version
    after = attempt_start(learner=LearnerFactory(), assessment=assessment)

    shown = _shown(after)

    assert shown == _stored(after)
    new = QuestionVersion.objects.filter(question=question).latest("number")
    assert new.payload["stem"] == question.stem
    assert new.payload in shown.values()
    assert _shown(before) == _stored(before)  # the old version keeps its own


def test_a_start_keeps_the_payloads_it_draws(django_assert_num_queries):
    assessment, _elements, _bank = build_assessment(questions=(3, 2))
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)

    for response in attempt.responses.select_related("version"):
        kept = payloads.frozen_payloads.get(response.version.content_hash)
        assert kept == response.version.payload
    with django_assert_num_queries(1):
        learner_selectors.attempt_questions(attempt=attempt)


def _versions(attempt) -> dict[str, QuestionVersion]:
    return {
        response.version.content_hash: response.version
        for response in attempt.responses.select_related("version")
    }


def test_keys_not_kept_are_read_in_one_query_and_kept(django_assert_num_queries):
    assessment, _elements, _bank = build_assessment(questions=(3, 2))
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    versions = _versions(attempt)
    assert len(versions) == 5
    _forget_everything()  # as in another process than the start's
    asked = {content_hash: v.pk for content_hash, v in versions.items()}

    with django_assert_num_queries(1):
        keys = frozen_versions.version_keys(asked)
    with django_assert_num_queries(0):
        again = frozen_versions.version_keys(asked)

    assert keys == {h: payloads.answer_key(v.payload) for h, v in versions.items()}
    assert all(again[h] is keys[h] for h in versions)


def test_a_cold_save_and_submit_read_their_keys_in_one_query(
    django_assert_num_queries,
):
    """Saving every answer of a 5-question attempt in a process that keeps no
    key costs one query more than in one that keeps them all, not one a
    question; so does grading at the submit."""
    assessment, _elements, _bank = build_assessment(questions=(3, 2))
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    posted = {
        r.position: answer_for(r.version.payload, right=True)
        for r in attempt.responses.select_related("version")
    }
    attempt_save_answers(attempt=attempt, answers=posted)  # every key kept now
    with CaptureQueriesContext(connection) as warm:
        attempt_save_answers(attempt=attempt, answers=posted)
    _forget_everything()
    with django_assert_num_queries(len(warm) + 1):
        attempt_save_answers(attempt=attempt, answers=posted)

    _forget_everything()
    submitted = attempt_submit(attempt=attempt)

    assert submitted.status == Attempt.Status.SUBMITTED
    assert submitted.score == 1  # every key the right one, read cold


def test_a_post_reads_its_questions_types_from_the_kept_payloads(
    django_assert_num_queries,
):
    """Reading a posted form needs each question's type and display: the types
    come from the payloads kept by content hash (1 query more when not kept),
    as each version's own."""
    assessment, _elements, _bank = build_assessment(
        questions=(2, 2), kinds=("single", "ordering")
    )
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    expected = {
        r.position: (r.version.payload["type"], r.display)
        for r in attempt.responses.select_related("version")
    }
    assert {kind for kind, _display in expected.values()} == {"single", "ordering"}
    _forget_everything()

    with django_assert_num_queries(2):
        cold = learner_selectors.attempt_question_types(attempt=attempt)
    with django_assert_num_queries(1):
        warm = learner_selectors.attempt_question_types(attempt=attempt)
    with django_assert_num_queries(1):
        one = learner_selectors.attempt_question_types(attempt=attempt, position=3)

    assert cold == warm == expected
    assert one == {3: expected[3]}
