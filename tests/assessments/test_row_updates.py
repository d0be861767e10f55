"""``assessments.row_updates``: ``update_by_pk`` gives each row its own value as
the ORM would save it (JSON, SQL NULL, exact fractions, times), the rows not
named keep theirs; ``insert_rows`` stores new rows as ``bulk_create`` would,
defaults included, and ``insert_one`` one row as ``create`` would, its key read
back. Each costs one query. Runs on both databases in CI."""

from datetime import UTC, datetime
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.attempt_services import attempt_start
from assessments.models import Attempt, Response
from assessments.row_updates import insert_one, insert_rows, update_by_pk
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


COLUMNS = [
    "position",
    "version_id",
    "key_version_id",
    "display",
    "answer",
    "saved_at",
    "score",
    "flagged",
]


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({}, id="defaults"),
        pytest.param(
            {"answer": {"p": "m"}, "saved_at": T1, "score": Fraction(2, 3)},
            id="values",
        ),
        pytest.param({"answer": ["a", "b"], "flagged": True}, id="list-and-flag"),
    ],
)
def test_inserted_rows_are_stored_as_bulk_create_stores_them(responses, extra):
    """The same rows written by ``insert_rows`` (into one attempt) and by
    ``bulk_create`` (into another) read back alike, column by column."""
    source = responses[0].attempt
    twins = [
        attempt_start(learner=LearnerFactory(), assessment=source.assessment)
        for _ in range(2)
    ]
    for twin in twins:
        twin.responses.all().delete()
    rows = [
        {
            "position": r.position,
            "version_id": r.version_id,
            "key_version_id": r.key_version_id,
            "display": {"options": ["b", "a"]} if r.position % 2 else {},
            **extra,
        }
        for r in responses
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Response, [{**row, "attempt_id": twins[0].pk} for row in rows])
    assert len(queries) == 1
    Response.objects.bulk_create(
        Response(attempt_id=twins[1].pk, **row) for row in rows
    )

    def stored(attempt):
        return list(
            Response.objects.filter(attempt=attempt)
            .order_by("position")
            .values_list(*COLUMNS)
        )

    assert stored(twins[0]) == stored(twins[1])
    assert len(stored(twins[0])) == len(responses)
    assert Response.objects.filter(attempt=twins[0], answer__isnull=True).count() == (
        Response.objects.filter(attempt=twins[1], answer__isnull=True).count()
    )


def test_no_rows_no_insert():
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Response, [])
    assert queries.captured_queries == []


def _columns(attempt) -> dict:
    row = Attempt.objects.filter(pk=attempt.pk).values().get()
    return {name: value for name, value in row.items() if name not in ("id", "uuid")}


@pytest.mark.parametrize(
    "values",
    [
        {},
        {
            "deadline": T1,
            "thresholds": {"3": "4/5", "7": "1/1"},
            "score": Fraction(2, 3),
            "competent": False,
        },
    ],
    ids=["defaults", "every-kind"],
)
def test_an_inserted_row_is_stored_and_loaded_as_create_makes_it(values):
    """``insert_one`` stores what ``create`` stores (defaults included), reads the
    new key back and returns the instance ``create`` returns, in one query."""
    assessment, _elements, _bank = build_assessment(questions=(1,))
    common = {"assessment_id": assessment.pk, "started_at": T1, **values}
    made = Attempt.objects.create(learner=LearnerFactory(), number=1, **common)
    learner = LearnerFactory()
    with CaptureQueriesContext(connection) as queries:
        inserted = insert_one(
            Attempt, {"learner_id": learner.pk, "number": 1, **common}
        )
    assert len(queries) == 1
    assert inserted.pk == Attempt.objects.get(learner=learner).pk != made.pk
    assert inserted.uuid != made.uuid
    stored = _columns(inserted)
    assert stored == {**_columns(made), "learner_id": learner.pk}
    assert stored["status"] == Attempt.Status.OPEN
    assert inserted._state.adding is False
    assert inserted._state.db == "default"
    for field in Attempt._meta.concrete_fields:
        if field.attname not in ("id", "uuid", "learner_id"):
            assert getattr(inserted, field.attname) == getattr(made, field.attname)
    assert Attempt.objects.get(pk=inserted.pk).uuid == inserted.uuid
