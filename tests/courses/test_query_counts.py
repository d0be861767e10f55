"""A page's query count does not grow with the size of the course: the same for a
course of 5 lessons and one of 40. The lesson and course pages stay within their
budget (issue 13: at most 10 queries once the caches are warm)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from standards.models import Criterion, Element, Standard
from tests.factories import LearnerFactory, TrainerFactory, build_course

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 10
SMALL = {"lessons_per_module": [2, 3], "trainer_lessons": 1}  # 5 learner lessons
BIG = {"lessons_per_module": [8] * 5, "trainer_lessons": 3}  # 40 learner lessons


def _build(name, standard, criteria, plan):
    course, modules, lessons = build_course(
        standard=standard, criteria=criteria, **plan
    )
    learner_lessons = [
        lesson
        for lesson in lessons
        if not lesson.get_parent().specific.audience == "trainers"
    ]
    learner = LearnerFactory(username=f"qc-{name}")
    # Some completions in every learner module, and a last lesson to continue from.
    for lesson in learner_lessons[::2]:
        services.lesson_complete(user=learner, lesson=lesson)
    services.lesson_visit(user=learner, lesson=learner_lessons[1])
    return {
        "course": course,
        "module": modules[-2],  # the last learner module, the biggest one
        "lesson": learner_lessons[-1],
        "learner_lessons": learner_lessons,
        "learner": learner,
    }


@pytest.fixture(scope="module")
def courses(module_db):
    standard = Standard.objects.create(code="QC-STD", title="Estándar de prueba")
    element = Element.objects.create(standard=standard, code="QC-E1", title="E1")
    criteria = [
        Criterion.objects.create(
            standard=standard,
            element=element,
            code=f"QC-D{n}",
            kind=Criterion.Kind.PERFORMANCE,
            text=f"Desempeño {n}",
        )
        for n in (1, 2)
    ]
    built = {
        "small": _build("small", standard, criteria, SMALL),
        "big": _build("big", standard, criteria, BIG),
    }
    assert len(built["small"]["learner_lessons"]) == 5
    assert len(built["big"]["learner_lessons"]) == 40
    return built


def queries_for(client, user, url) -> int:
    """Queries of one GET, after a first GET has warmed the caches."""
    client.logout()
    if user is not None:
        client.force_login(user)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def user_for(role, built):
    return {"learner": built["learner"], "anonymous": None}.get(role) or (
        TrainerFactory(username=f"qc-trainer-{built['course'].pk}")
    )


@pytest.mark.parametrize(
    ("target", "role"),
    [
        ("course", "learner"),
        ("course", "trainer"),
        ("course", "anonymous"),
        ("module", "learner"),
        ("module", "trainer"),
        ("module", "anonymous"),
        ("lesson", "learner"),
        ("lesson", "trainer"),
    ],
)
def test_page_query_count_does_not_grow_with_the_course(client, courses, target, role):
    """Course, module and lesson pages run the same number of queries for a course
    of 5 lessons and one of 40 (lessons need a signed-in user)."""
    counts = {
        size: queries_for(client, user_for(role, built), built[target].url)
        for size, built in courses.items()
    }
    assert counts["small"] == counts["big"], counts


@pytest.mark.parametrize(
    ("target", "role"),
    [
        ("course", "learner"),
        ("course", "anonymous"),
        ("module", "learner"),
        ("lesson", "learner"),
    ],
)
def test_page_within_query_budget(
    client, courses, target, role, django_assert_max_num_queries
):
    """Warm, the course and lesson pages (and the module page) take at most 10
    queries, for a learner with progress in a course of 5 lessons and in one of
    40 (and the lesson page records the visit within that budget)."""
    for built in courses.values():
        client.logout()
        if role == "learner":
            client.force_login(built["learner"])
        url = built[target].url
        assert client.get(url).status_code == 200
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = client.get(url)
        assert response.status_code == 200
        if target == "lesson":
            assert response.context["outline"].enrolment.last_lesson_id == (
                built["lesson"].pk
            )


def test_dashboard_query_count_does_not_grow_with_the_course(client, courses):
    """/mi-avance/ runs the same number of queries for a learner enrolled in a
    course of 5 lessons and one enrolled in a course of 40 (both with
    completions)."""
    counts = {
        size: queries_for(client, built["learner"], "/mi-avance/")
        for size, built in courses.items()
    }
    assert counts["small"] == counts["big"], counts


def test_dashboard_shows_the_progress_it_counted(client, courses):
    """The measured dashboards are the real thing: each shows its own progress."""
    for built in courses.values():
        client.force_login(built["learner"])
        [outline] = client.get("/mi-avance/").context["outlines"]
        total = len(built["learner_lessons"])
        assert outline.progress.total == total
        assert outline.progress.done == (total + 1) // 2
