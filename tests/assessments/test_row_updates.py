"""``assessments.row_updates.update_by_pk``: each row gets its own value as the
ORM would save it (JSON, SQL NULL, exact fractions, times), the rows not named
keep theirs, and it costs one query. Runs on both databases in CI."""

from datetime import UTC, datetime
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.attempt_services import attempt_start
from assessments.models import Response
from assessments.row_updates import update_by_pk
from tests.factories import LearnerFactory, build_assessment

pytestmark = pytest.mark.django_db

T1 = datetime(2025, 3, 3, 15, tzinfo=UTC)


@pytest.fixture
def responses():
    assessment, _elements, _bank = build_assessment(questions=(4,))
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    return list(attempt.responses.order_by("position"))


def _stored(responses, name):
    by_pk = dict(
        Response.objects.filter(pk__in=[r.pk for r in responses]).values_list(
            "pk", name
        )
    )
    return [by_pk[r.pk] for r in responses]


@pytest.mark.parametrize(
    ("name", "new", "expected"),
    [
        pytest.param(
            "answer",
            ["a1", ["a", "b"], {"x": "y"}],
            ["a1", ["a", "b"], {"x": "y"}, None],
            id="json-values",
        ),
        pytest.param("answer", [None, None, None], [None] * 4, id="all-null"),
        pytest.param(
            "score",
            [Fraction(1), Fraction(1, 3), None],
            [Fraction(1), Fraction(1, 3), None, None],
            id="fractions",
        ),
    ],
)
def test_each_row_gets_its_value_and_the_others_keep_theirs(
    responses, name, new, expected
):
    named = responses[:3]
    with CaptureQueriesContext(connection) as queries:
        update_by_pk(Response, name, {r.pk: v for r, v in zip(named, new, strict=True)})
    assert len(queries) == 1
    assert _stored(responses, name) == expected


def test_the_shared_fields_are_set_on_the_named_rows_only(responses):
    update_by_pk(Response, "answer", {responses[0].pk: "a1"}, saved_at=T1)
    assert _stored(responses, "saved_at") == [T1, None, None, None]


def test_no_values_no_query(responses):
    with CaptureQueriesContext(connection) as queries:
        update_by_pk(Response, "answer", {})
    assert queries.captured_queries == []
