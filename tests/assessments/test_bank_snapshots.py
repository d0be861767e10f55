"""The bank a start draws from (assessments.bank) is kept in the process once
its transaction commits: later starts read it from neither the database nor
the cache, and a start that rolls back leaves the kept bank as it was."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assessments import bank
from assessments.attempt_services import attempt_start
from assessments.models import QuestionVersion
from tests.factories import LearnerFactory, build_assessment

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def kept_snapshots() -> list:
    return list(bank.snapshots._entries.values())


def test_a_committed_start_keeps_the_bank_in_the_process(
    django_capture_on_commit_callbacks,
):
    assessment, _elements, _bank = build_assessment(questions=(20,), draw=(20,))
    with django_capture_on_commit_callbacks(execute=True):
        attempt_start(learner=LearnerFactory(), assessment=assessment)
    [snapshot] = kept_snapshots()
    assert len(snapshot.candidates) == 20
    cache.clear()  # the process's copy, not the cache's, serves the next start
    with CaptureQueriesContext(connection) as queries:
        attempt_start(learner=LearnerFactory(), assessment=assessment)
    bank_reads = [
        q
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "assessments_question"."id"')
    ]
    assert bank_reads == []


def test_a_rolled_back_start_leaves_the_kept_bank_as_it_was(
    django_capture_on_commit_callbacks,
):
    """The second start draws questions nobody was shown yet and freezes their
    versions; its rollback undoes them, and the kept bank never named them."""
    assessment, _elements, _bank = build_assessment(questions=(60,), draw=(20,))
    with django_capture_on_commit_callbacks(execute=True):
        attempt_start(learner=LearnerFactory(), assessment=assessment)
    [before] = kept_snapshots()
    named = dict(before.versions)
    assert len(named) == 20
    with pytest.raises(Rollback), transaction.atomic():
        attempt_start(learner=LearnerFactory(), assessment=assessment)
        assert QuestionVersion.objects.count() > 20  # it froze new versions
        raise Rollback
    [after] = kept_snapshots()
    assert after.versions == named
    existing = set(QuestionVersion.objects.values_list("pk", flat=True))
    assert set(after.versions.values()) <= existing
