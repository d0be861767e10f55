"""Queries composed once (accounts.statements.Select) give exactly the rows
the ORM gives, converted as it converts them, for any values; on both
databases."""

import dataclasses
import uuid
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts import statements
from assessments import access, attempt_services, learner_selectors, submission
from assessments.attempt_services import (
    attempt_flag,
    attempt_save_answer,
    attempt_start,
)
from assessments.models import Attempt, BlueprintRow, ElementResult, Response
from tests.factories import (
    AssessmentPageFactory,
    CoursePageFactory,
    ElementFactory,
    LearnerFactory,
    answer_for,
    build_assessment,
    home_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempts():
    """Two learners' attempts at one assessment, one with a saved, flagged
    answer (JSON, a time, a flag to convert)."""
    assessment, _elements, _bank = build_assessment(questions=(3, 2))
    first = attempt_start(learner=LearnerFactory(), assessment=assessment)
    second = attempt_start(learner=LearnerFactory(), assessment=assessment)
    response = first.responses.order_by("position").select_related("version").first()
    attempt_save_answer(
        attempt=first,
        position=response.position,
        raw_answer=answer_for(response.version.payload),
    )
    attempt_flag(attempt=first, flags={response.position: True})
    return first, second


def orm_rows(queryset) -> list[list]:
    return [list(row) for row in queryset]


def test_the_page_questions_are_the_orm_s(attempts, django_assert_num_queries):
    columns = learner_selectors._PAGE_QUESTION_COLUMNS
    for attempt in attempts:
        expected = orm_rows(
            Response.objects.filter(attempt_id=attempt.pk)
            .order_by("position")
            .values_list(*columns.values())
        )
        with django_assert_num_queries(1):
            found = learner_selectors._page_questions.rows(attempt.pk)
        assert found == expected
    # the first attempt's saved answer came converted: a time, a flag, JSON
    first = learner_selectors._page_questions.rows(attempts[0].pk)
    saved = [dict(zip(columns, row, strict=True)) for row in first if row[5]]
    assert len(saved) == 1
    assert saved[0]["flagged"] is True
    assert saved[0]["saved_at"].tzinfo is not None
    assert isinstance(saved[0]["display"], dict)


def test_an_attempt_read_is_the_orm_s_and_only_its_learner_s(attempts):
    first, second = attempts
    found = access.get_own_attempt_or_404(first.learner, first.uuid)
    expected = Attempt.objects.get(pk=first.pk)
    for field in Attempt._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname)
    assert type(found.thresholds) is dict
    assert found._state.adding is False and found._state.db == "default"
    with pytest.raises(access.Http404):
        access.get_own_attempt_or_404(second.learner, first.uuid)
    with pytest.raises(access.Http404):
        access.get_own_attempt_or_404(first.learner, "no-es-un-uuid")
    with pytest.raises(access.Http404):
        access.get_own_attempt_or_404(first.learner, uuid.uuid4())


def test_a_learner_s_attempts_are_the_orm_s(attempts):
    first, _second = attempts
    found = attempt_services._attempts_of(
        learner=first.learner, assessment=first.assessment
    )
    by_id = attempt_services._attempts_of(
        learner=first.learner_id, assessment=first.assessment
    )
    expected = list(
        Attempt.objects.filter(learner=first.learner, assessment=first.assessment)
    )
    assert [a.pk for a in found] == [a.pk for a in by_id] == [a.pk for a in expected]
    assert [(a.status, a.started_at, a.deadline) for a in found] == [
        (a.status, a.started_at, a.deadline) for a in expected
    ]


def test_a_value_the_query_does_not_compare_is_refused():
    ignoring = statements.Select(
        lambda attempt_id: Response.objects.values_list("pk"),
        fields=[Response._meta.get_field("attempt")],
    )
    with pytest.raises(statements.StandInNotFound):
        ignoring.rows(1)


def test_a_value_the_field_cannot_take_is_a_validation_error():
    by_uuid = statements.Select(
        lambda value: Attempt.objects.filter(uuid=value).values_list("pk"),
        fields=[Attempt._meta.get_field("uuid")],
    )
    assert by_uuid.rows(uuid.uuid4()) == []
    with pytest.raises(ValidationError):
        by_uuid.rows("no-es-un-uuid")


def test_a_value_compared_twice_goes_in_both_places(attempts):
    first, second = attempts
    twice = statements.Select(
        lambda attempt_id: (
            Attempt.objects.filter(pk=attempt_id)
            .exclude(pk__gt=attempt_id)
            .values_list("pk")
        ),
        fields=[Attempt._meta.get_field("id")],
    )
    assert twice.rows(first.pk) == [[first.pk]]
    assert twice.rows(second.pk) == [[second.pk]]


def test_an_attempt_s_response_rows_are_the_orm_s(attempts, django_assert_num_queries):
    """All of an attempt's rows come from a query composed once; the same rows,
    converted alike (scores as fractions, answers as JSON), as a read of some
    positions through the ORM."""
    first, _second = attempts
    attempt_services.attempt_submit(attempt=first)
    for attempt in attempts:
        expected = orm_rows(
            Response.objects.filter(attempt_id=attempt.pk)
            .order_by("position")
            .values_list(*submission._ROW_COLUMNS)
        )
        with django_assert_num_queries(1):
            found = submission.response_rows(attempt.pk)
        assert [list(dataclasses.astuple(row)) for row in found] == expected
        positions = [row.position for row in found]
        assert submission.response_rows(attempt.pk, positions) == found
    graded = submission.response_rows(first.pk)
    assert all(isinstance(row.score, Fraction) for row in graded)
    assert sum(row.answer is not None for row in graded) == 1


def test_a_locked_attempt_is_read_again_with_the_assessment_it_was_given(attempts):
    first, _second = attempts
    Attempt.objects.filter(pk=first.pk).update(number=first.number + 5)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            locked = submission.locked_attempt(first)
            assert locked.assessment is first.assessment
        assert len(queries) == 1
        # The row is locked where the database can lock rows.
        locks = "FOR UPDATE" in queries[0]["sql"]
        assert locks is connection.features.has_select_for_update
    assert locked.number == first.number + 5
    assert locked.pk == first.pk and locked._state.adding is False


def test_a_locked_attempt_reads_its_assessment_when_not_given(
    attempts, django_assert_num_queries
):
    first, _second = attempts
    bare = Attempt.objects.get(pk=first.pk)
    with transaction.atomic(), django_assert_num_queries(2):
        assert submission.locked_attempt(bare).assessment.pk == first.assessment_id
    with transaction.atomic(), pytest.raises(Attempt.DoesNotExist):
        submission.locked_attempt(Attempt(pk=first.pk + 1000))


def test_element_results_come_in_the_standard_s_order_with_kept_elements(
    django_assert_num_queries,
):
    assessment, elements, _bank = build_assessment(questions=(2, 2, 2))
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    attempt_services.attempt_submit(attempt=attempt)
    # Saved: a new content token, so no element is kept. The first goes last;
    # the other two tie on order and go by code.
    for element, order, code in zip(
        elements, (9, 2, 2), ("PZ-ULTIMO", "PY", "PX"), strict=True
    ):
        element.order, element.code = order, code
        element.save()

    found = learner_selectors._element_results(attempt)
    expected = ElementResult.objects.filter(attempt=attempt).order_by(
        "element__order", "element__code"
    )

    def seen(results):
        return [
            (r.pk, r.element.code, r.earned, r.possible, r.threshold, r.passed)
            for r in results
        ]

    assert seen(found) == seen(expected)
    assert [r.element.code for r in found] == ["PX", "PY", "PZ-ULTIMO"]
    # Kept: the token and the results, no element.
    with django_assert_num_queries(2):
        again = learner_selectors._element_results(attempt)
    assert seen(again) == seen(found)


def test_a_blueprint_s_standards_are_the_ids_of_its_elements_standards(
    django_assert_num_queries,
):
    assessment, elements, _bank = build_assessment(questions=(2, 2))
    elsewhere = ElementFactory()
    both = AssessmentPageFactory(
        parent=CoursePageFactory(parent=home_page()),
        blueprint=[
            {"element": element, "count": 1, "threshold_percent": 80}
            for element in (elements[0], elsewhere)
        ],
    )
    none = AssessmentPageFactory(parent=CoursePageFactory(parent=home_page()))
    with django_assert_num_queries(1):
        assert attempt_services._standards(assessment) == {elements[0].standard_id}
    assert attempt_services._standards(both) == {
        elements[0].standard_id,
        elsewhere.standard_id,
    }
    assert attempt_services._standards(none) == set()
    rows = BlueprintRow.objects.filter(page=both).select_related("element")
    assert attempt_services._standards(both, rows) == attempt_services._standards(both)
