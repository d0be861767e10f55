"""The blueprint editor (Wagtail admin): a row that covers its element's criteria
must have room for one question each, and the bank a question of each (of the
row's level, when it sets one); the message names the criteria without one."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from assessments.models import AssessmentPage, BlueprintRow
from standards.models import Criterion
from tests.factories import (
    AssessmentPageFactory,
    CoursePageFactory,
    CriterionFactory,
    ElementFactory,
    QuestionFactory,
    home_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def element():
    """An element asking three criteria (a performance with a situational
    question, two knowledge ones with a single-choice question each, and the
    third knowledge criterion without questions), plus an attitude."""
    element = ElementFactory()
    performance = CriterionFactory(
        element=element,
        code="PX-D1",
        kind=Criterion.Kind.PERFORMANCE,
        knowledge_level="",
    )
    first = CriterionFactory(element=element, code="PX-K1")
    CriterionFactory(element=element, code="PX-K2")
    CriterionFactory(
        element=element, code="PX-A1", kind=Criterion.Kind.ATTITUDE, knowledge_level=""
    )
    QuestionFactory(criterion=performance, kind="situational")
    QuestionFactory(criterion=first, kind="single")
    return element


def row(element, **fields) -> BlueprintRow:
    return BlueprintRow(element=element, **{"count": 5, "cover": True, **fields})


def errors_of(candidate: BlueprintRow) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        candidate.full_clean(exclude=["page"])
    return error.value.message_dict


def test_covering_row_names_the_criteria_without_questions(element):
    """The attitude is not asked; PX-K2 has no question, and the message says so."""
    assert errors_of(row(element)) == {
        "cover": ["El banco no tiene preguntas activas para estos criterios: PX-K2."]
    }


def test_covering_row_needs_a_question_per_criterion(element):
    """Three asked criteria need a count of at least three."""
    QuestionFactory(criterion=Criterion.objects.get(code="PX-K2"))
    assert errors_of(row(element, count=2)) == {
        "count": [
            "Para cubrir los 3 criterios del elemento se necesitan al menos 3 "
            "preguntas."
        ]
    }
    row(element, count=3).full_clean(exclude=["page"])


def test_covering_row_with_a_level_counts_only_questions_of_that_level(element):
    """The situational question asks at application, the single-choice ones at
    comprehension unless the question sets its level."""
    QuestionFactory(criterion=Criterion.objects.get(code="PX-K2"), kind="single")
    message = errors_of(row(element, knowledge_level="application"))["cover"]
    assert message == [
        "El banco no tiene preguntas activas de nivel aplicación para estos "
        "criterios: PX-K1, PX-K2."
    ]
    for question in Criterion.objects.get(code="PX-K1").questions.all():
        question.knowledge_level = "application"
        question.save()
    message = errors_of(row(element, knowledge_level="application"))["cover"]
    assert message[0].endswith("criterios: PX-K2.")


def test_inactive_questions_do_not_count(element):
    """Only active questions are drawn, so only they cover a criterion."""
    QuestionFactory(criterion=Criterion.objects.get(code="PX-K2"), active=False)
    assert "PX-K2" in errors_of(row(element))["cover"][0]


def test_covering_row_leaves_the_criterion_empty(element):
    criterion = Criterion.objects.get(code="PX-K1")
    assert errors_of(row(element, criterion=criterion)) == {
        "cover": [
            "Para cubrir todos los criterios del elemento, deja vacío el criterio."
        ]
    }


def test_plain_rows_are_not_checked_for_coverage(element):
    BlueprintRow(element=element, count=1).full_clean(exclude=["page"])


def test_question_level_defaults_from_its_type(element):
    """Situational judgement asks at application, the other types at
    comprehension, unless the editor sets a level."""
    levels = {q.type: q.level for q in element.criteria.first().questions.all()}
    situational = QuestionFactory(kind="situational")
    single = QuestionFactory(kind="single", knowledge_level="application")
    assert (situational.level, single.level) == ("application", "application")
    assert QuestionFactory(kind="matching").level == "comprehension"
    assert levels == {"situational": "application"}


def test_the_page_editor_refuses_a_row_that_cannot_cover(element, admin_client):
    """Publishing the assessment from the Wagtail editor shows the row's error
    naming the criterion without questions, and keeps the old blueprint."""
    course = CoursePageFactory(parent=home_page())
    page = AssessmentPageFactory(
        parent=course, blueprint=[{"element": element, "count": 3}]
    )
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "mode": AssessmentPage.Mode.FINAL,
            "intro": rich_text(""),
            "blueprint_rows": inline_formset(
                [
                    {
                        "element": element.pk,
                        "criterion": "",
                        "count": 5,
                        "cover": "on",
                        "knowledge_level": "",
                        "threshold_percent": 80,
                    }
                ]
            ),
            "time_limit_minutes": 30,
            "attempts_allowed": 3,
            "wait_hours": 0,
            "grace_seconds": 30,
            "shuffle_questions": "on",
            "shuffle_options": "on",
            "review_answers": "after_last",
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "El banco no tiene preguntas activas para estos criterios: PX-K2." in html
    assert not BlueprintRow.objects.filter(page=page, cover=True).exists()
