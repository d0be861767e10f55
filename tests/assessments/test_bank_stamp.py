"""The bank's cache key (``assessments.bank``): every change to what a start
draws from makes a new key, and nothing else does. The stamps are hand-written
SQL (``bank._stamp_sql``), so each change is checked on its own, on both
databases."""

import pytest
from freezegun import freeze_time

from assessments import bank
from assessments.models import Question
from tests.factories import CriterionFactory, QuestionFactory, build_assessment

pytestmark = pytest.mark.django_db


def _key(assessment) -> str:
    return bank._key(assessment, bank.blueprint_rows(assessment))


def _edit_stem(setup):
    question = Question.objects.get(pk=setup["question"].pk)
    question.stem = "¿Qué hace primero al recibir a un cliente?"
    question.save()


def _deactivate(setup):
    Question.objects.filter(pk=setup["question"].pk).update(active=False)


def _add_question(setup):
    QuestionFactory(criterion=setup["question"].criterion)


def _delete_question(setup):
    Question.objects.filter(pk=setup["question"].pk).delete()


def _add_asked_criterion(setup):
    CriterionFactory(element=setup["elements"][0])


def _question_elsewhere(setup):
    QuestionFactory()


def _nothing(setup):
    pass


@pytest.mark.parametrize(
    ("change", "new_key"),
    [
        pytest.param(_edit_stem, True, id="question-edited"),
        pytest.param(_deactivate, True, id="question-deactivated"),
        pytest.param(_add_question, True, id="question-added"),
        pytest.param(_delete_question, True, id="question-deleted"),
        pytest.param(_add_asked_criterion, True, id="criterion-added"),
        pytest.param(_question_elsewhere, False, id="other-standard-question"),
        pytest.param(_nothing, False, id="nothing"),
    ],
)
def test_a_change_to_the_bank_makes_a_new_key(change, new_key):
    with freeze_time("2025-03-03 15:00:00"):
        assessment, elements, questions = build_assessment(questions=(3, 2))
        before = _key(assessment)
    with freeze_time("2025-03-03 15:05:00"):
        change({"question": questions[0][0], "elements": elements})
        after = _key(assessment)
    assert (after != before) is new_key


def test_the_stamps_count_and_sum_the_element_s_active_questions():
    assessment, _elements, questions = build_assessment(questions=(3, 2))
    Question.objects.filter(pk=questions[1][0].pk).update(active=False)
    rows = sorted(bank.blueprint_rows(assessment), key=lambda row: row.element.order)
    assert [(row.bank_count, row.bank_ids) for row in rows] == [
        (3, sum(q.pk for q in questions[0])),
        (1, questions[1][1].pk),
    ]
    assert [row.criteria_count for row in rows] == [1, 1]
    latest = max(q.updated_at for q in questions[0])
    assert rows[0].bank_saved == Question.objects.get(updated_at=latest).updated_at


# ------------------------------------------------- rows kept per content token

ROW_FIELDS = [
    "pk",
    "sort_order",
    "page_id",
    "element_id",
    "criterion_id",
    "count",
    "cover",
    "knowledge_level",
    "threshold_percent",
    *bank._STAMP_FIELDS,
]


def described(rows):
    return [
        (
            tuple((name, getattr(row, name)) for name in ROW_FIELDS),
            row.element.code,
            row.criterion.code if row.criterion else None,
        )
        for row in rows
    ]


def _with_a_criterion_row(assessment, elements):
    from assessments.models import BlueprintRow

    BlueprintRow.objects.create(
        page=assessment,
        element=elements[1],
        criterion=elements[1].criteria.first(),
        count=1,
        cover=True,
        sort_order=0,
    )


@pytest.mark.parametrize("tied", [False, True], ids=["ordered", "tied-order"])
def test_kept_rows_are_the_rows_the_orm_reads(tied, django_assert_num_queries):
    """The kept path (a statement of its own, elements and criteria kept) gives
    exactly the ORM's rows, stamps and order, in 1 query."""
    from assessments.models import BlueprintRow
    from courses import content_cache

    assessment, elements, _questions = build_assessment(questions=(3, 2, 2))
    _with_a_criterion_row(assessment, elements)
    if tied:
        BlueprintRow.objects.filter(page=assessment).update(sort_order=0)
    expected = described(bank._read_with_orm(assessment))
    assert len(expected) == 4
    assert described(bank.blueprint_rows(assessment)) == expected  # kept now
    content_cache.content_token()  # as a request has read it
    with django_assert_num_queries(2):  # the token (no request here) and the rows
        assert described(bank.blueprint_rows(assessment)) == expected


def test_a_row_changed_behind_the_page_is_read_as_it_is_now():
    """Rows are saved with their page, which makes a new content token; one
    changed without it is still read as the database has it, through the kept
    elements, or through the ORM for an element that is not kept."""
    from assessments.models import BlueprintRow
    from tests.factories import ElementFactory

    assessment, elements, _questions = build_assessment(questions=(3, 2))
    bank.blueprint_rows(assessment)
    row, other = BlueprintRow.objects.filter(page=assessment).order_by("pk")
    BlueprintRow.objects.filter(pk=row.pk).update(count=1, threshold_percent=50)
    BlueprintRow.objects.filter(pk=other.pk).update(element=row.element_id)
    rows = bank.blueprint_rows(assessment)
    assert described(rows) == described(bank._read_with_orm(assessment))
    assert [(r.count, r.threshold_percent, r.element_id) for r in rows][:1] == [
        (1, 50, row.element_id)
    ]
    new_element = ElementFactory(standard=elements[0].standard, order=9)
    BlueprintRow.objects.filter(pk=other.pk).update(element=new_element)
    rows = bank.blueprint_rows(assessment)
    assert described(rows) == described(bank._read_with_orm(assessment))
    assert new_element.pk in {r.element_id for r in rows}


def test_each_call_gets_rows_of_its_own():
    assessment, _elements, _questions = build_assessment(questions=(3,))
    bank.blueprint_rows(assessment)
    first, second = bank.blueprint_rows(assessment), bank.blueprint_rows(assessment)
    assert first[0] is not second[0]
    assert first[0].element is not second[0].element
