"""Frozen versions' payloads are kept decoded per process by content hash
(payloads.frozen_payloads): a start keeps those it draws, and the attempt page
reads its payloads from there (learner_selectors._version_payloads). The same
payloads as the database's, one query fewer once kept, and a changed
question's new version never gets its old payload."""

import pytest

from assessments import learner_selectors, payloads
from assessments.attempt_services import attempt_start
from assessments.models import QuestionVersion
from tests.factories import LearnerFactory, build_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept():
    payloads.frozen_payloads.clear()
    yield
    payloads.frozen_payloads.clear()


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
