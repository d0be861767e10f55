"""Enrolment and progress: services, selectors and the lesson's own endpoints
(knowledge check, mark done)."""

import json

import pytest

from courses import selectors, services
from courses.models import Enrolment, LessonCompletion
from courses.selectors import Progress
from tests.factories import (
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    build_course,
)

pytestmark = pytest.mark.django_db

CHECK_ID = "00000000-0000-4000-8000-00000000c0de"  # the factory's knowledge check


@pytest.fixture(scope="module")
def course(module_db):
    """Two learner modules (2 + 2 lessons) and a trainer module (2 lessons), built
    once for the module."""
    course, modules, lessons = build_course(
        lessons_per_module=[2, 2], trainer_lessons=2
    )
    return {
        "course": course,
        "modules": modules,
        "lessons": lessons[:4],
        "trainer_module": modules[-1],
        "trainer_lessons": lessons[4:],
    }


@pytest.fixture
def learner():
    return LearnerFactory()


def outline_for(course, user):
    return selectors.course_overview(course=course, user=user)["outline"]


# ---------------------------------------------------------------- services


def test_enrol_is_idempotent(course, learner):
    """Enrolling twice leaves one enrolment."""
    first = services.course_enrol(user=learner, course=course["course"])
    second = services.course_enrol(user=learner, course=course["course"])
    assert first.pk == second.pk
    assert Enrolment.objects.filter(user=learner).count() == 1


def test_lesson_complete_is_idempotent_and_enrols(course, learner):
    """Completing a lesson enrols in its course and remembers the lesson; doing it
    again changes nothing."""
    lesson = course["lessons"][1]
    first = services.lesson_complete(user=learner, lesson=lesson)
    second = services.lesson_complete(user=learner, lesson=lesson)

    assert first.pk == second.pk
    assert LessonCompletion.objects.filter(user=learner).count() == 1
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.course_id == course["course"].pk
    assert enrolment.last_lesson_id == lesson.pk


def test_lesson_visit_remembers_the_last_lesson_for_continue(course, learner):
    """Visiting a lesson of an enrolled course makes it the "continue" lesson."""
    services.course_enrol(user=learner, course=course["course"])
    third = course["lessons"][2]

    services.lesson_visit(user=learner, lesson=third)

    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.last_lesson_id == third.pk
    assert enrolment.last_visited_at is not None
    assert outline_for(course["course"], learner).continue_lesson.page.pk == third.pk


def test_lesson_visit_does_not_enrol(course, learner):
    """Merely opening a lesson does not enrol anyone."""
    services.lesson_visit(user=learner, lesson=course["lessons"][0])
    assert not Enrolment.objects.filter(user=learner).exists()


def test_continue_skips_a_finished_last_lesson(course, learner):
    """When the last lesson opened is already done, "continue" goes to the first
    lesson not done yet."""
    first, second = course["lessons"][:2]
    services.lesson_complete(user=learner, lesson=first)
    services.lesson_complete(user=learner, lesson=second)  # last opened, and done
    assert outline_for(course["course"], learner).continue_lesson.page.pk == (
        course["lessons"][2].pk
    )


def test_uncomplete_removes_the_completion(course, learner):
    """Un-completing a lesson takes it out of the progress; doing it for a lesson
    that was not done is harmless."""
    lesson = course["lessons"][0]
    services.lesson_complete(user=learner, lesson=lesson)
    services.lesson_uncomplete(user=learner, lesson=lesson)
    services.lesson_uncomplete(user=learner, lesson=lesson)
    assert not LessonCompletion.objects.filter(user=learner).exists()
    assert outline_for(course["course"], learner).progress == Progress(0, 4)


# ---------------------------------------------------------------- selectors


@pytest.mark.parametrize(
    ("done", "total", "percent", "complete"),
    [
        (0, 0, 0, False),
        (0, 4, 0, False),
        (1, 3, 33, False),
        (2, 3, 67, False),
        (199, 200, 99, False),
        (1, 4, 25, False),
        (3, 3, 100, True),
        (29, 30, 97, False),
    ],
)
def test_progress_percent(done, total, percent, complete):
    """Progress follows the site's percent rule (nearest, halves up: 2 of 3 is
    67; 100 % only when everything is done, 199 of 200 is 99) and an empty course
    is 0 %, never a division by zero."""
    progress = Progress(done, total)
    assert progress.percent == percent
    assert progress.complete is complete


def test_progress_counts_learner_lessons_by_module_and_course(course, learner):
    """Course and module progress count the learner's completed lessons."""
    services.lesson_complete(user=learner, lesson=course["lessons"][0])
    services.lesson_complete(user=learner, lesson=course["lessons"][2])
    services.lesson_complete(user=learner, lesson=course["lessons"][3])

    outline = outline_for(course["course"], learner)

    assert outline.progress == Progress(3, 4)
    assert outline.progress.percent == 75
    assert [m.progress for m in outline.modules] == [Progress(1, 2), Progress(2, 2)]


def test_trainer_module_lessons_do_not_count_and_are_hidden(course, learner):
    """Lessons of a module for trainers are not in a learner's outline and never
    count for progress, even when a trainer looks."""
    learner_outline = outline_for(course["course"], learner)
    assert [m.page.pk for m in learner_outline.modules] == [
        m.pk for m in course["modules"][:2]
    ]
    assert learner_outline.progress.total == 4

    trainer = TrainerFactory()
    for lesson in course["lessons"] + course["trainer_lessons"]:
        services.lesson_complete(user=trainer, lesson=lesson)
    trainer_outline = outline_for(course["course"], trainer)
    assert len(trainer_outline.modules) == 3
    assert trainer_outline.modules[-1].for_trainers
    assert trainer_outline.progress == Progress(4, 4)  # trainer lessons left out


def test_completing_every_learner_lesson_completes_the_course(course, learner):
    """A learner who finished every lesson for learners has finished the course."""
    for lesson in course["lessons"]:
        services.lesson_complete(user=learner, lesson=lesson)
    outline = outline_for(course["course"], learner)
    assert outline.progress.complete
    assert outline.continue_lesson is None


@pytest.mark.parametrize(
    ("user_factory", "status"),
    [(LearnerFactory, 403), (TrainerFactory, 200), (HRFactory, 200)],
    ids=["learner", "trainer", "hr"],
)
def test_trainer_module_pages_by_role(client, course, user_factory, status):
    """A module for trainers and its lessons are forbidden (403) to learners and
    open to trainers and HR."""
    client.force_login(user_factory())
    assert client.get(course["trainer_module"].url).status_code == status
    for lesson in course["trainer_lessons"]:
        assert client.get(lesson.url).status_code == status


def test_learner_cannot_complete_or_check_a_trainer_lesson(client, course, learner):
    """The endpoints of a trainer lesson are forbidden to learners too."""
    client.force_login(learner)
    lesson = course["trainer_lessons"][0]
    assert client.post(f"{lesson.url}completar/").status_code == 403
    check = client.post(f"{lesson.url}comprobar/{CHECK_ID}/", {"option": "1"})
    assert check.status_code == 403
    assert not LessonCompletion.objects.filter(user=learner).exists()


def test_learner_course_page_lists_no_trainer_module(client, course, learner):
    """The course page a learner sees does not list the trainer module."""
    client.force_login(learner)
    html = client.get(course["course"].url).content.decode()
    assert course["modules"][0].title in html
    assert course["trainer_module"].title not in html


# ---------------------------------------------------------------- lesson endpoints


@pytest.fixture
def lesson(course):
    return course["lessons"][0]


@pytest.fixture
def check_url(lesson):
    return f"{lesson.url}comprobar/{CHECK_ID}/"


def test_opening_a_lesson_records_the_visit(client, course, lesson, learner):
    """GET on a lesson of an enrolled course stores it as the last lesson."""
    services.course_enrol(user=learner, course=course["course"])
    client.force_login(learner)
    assert client.get(course["lessons"][2].url).status_code == 200
    assert Enrolment.objects.get(user=learner).last_lesson_id == course["lessons"][2].pk


def test_knowledge_check_right_answer(client, lesson, check_url, learner):
    """The right option gets a success message and its feedback, nothing stored."""
    client.force_login(learner)
    response = client.post(check_url, {"option": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "alert-success" in html and "¡Correcto!" in html
    assert "Así se saluda por la tarde." in html
    assert "ya es de tarde" not in html
    assert 'value="1" required checked' in html
    assert not LessonCompletion.objects.filter(user=learner).exists()


def test_knowledge_check_wrong_answer(client, check_url, learner):
    """A wrong option gets its own feedback, not the right one's."""
    client.force_login(learner)
    response = client.post(check_url, {"option": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "alert-warning" in html and "No es correcto." in html
    assert "A las 16:00 ya es de tarde." in html
    assert "Así se saluda por la tarde." not in html
    assert "alert-success" not in html


@pytest.mark.parametrize("option", [None, "", "7", "-1", "uno", "1.0"])
def test_knowledge_check_invalid_option_is_400(client, check_url, learner, option):
    """A missing or invalid option is a 400 asking to choose one."""
    client.force_login(learner)
    data = {} if option is None else {"option": option}
    response = client.post(check_url, data)
    assert response.status_code == 400
    assert "Elige una opción." in response.content.decode()


def test_knowledge_check_json(client, check_url, learner):
    """With Accept: application/json the answer comes back as JSON."""
    client.force_login(learner)
    right = client.post(
        check_url, {"option": "1"}, headers={"Accept": "application/json"}
    )
    assert right.status_code == 200
    assert right["Content-Type"] == "application/json"
    assert json.loads(right.content) == {
        "chosen": 1,
        "correct": True,
        "feedback": "Así se saluda por la tarde.",
    }
    wrong = client.post(
        check_url, {"option": "2"}, headers={"Accept": "application/json"}
    )
    assert wrong.json() == {
        "chosen": 2,
        "correct": False,
        "feedback": "Todavía no anochece.",
    }
    invalid = client.post(
        check_url, {"option": "9"}, headers={"Accept": "application/json"}
    )
    assert invalid.status_code == 400
    assert invalid.json() == {"error": "Elige una opción."}


def test_knowledge_check_unknown_block_is_404(client, lesson, learner):
    """Checking a block that is not a knowledge check of this lesson is a 404."""
    client.force_login(learner)
    response = client.post(f"{lesson.url}comprobar/no-existe/", {"option": "1"})
    assert response.status_code == 404


def test_knowledge_check_get_changes_nothing(client, course, check_url, learner):
    """GET on the check URL only redirects back to the lesson."""
    client.force_login(learner)
    response = client.get(check_url, {"option": "1"})
    assert response.status_code == 302
    assert response["Location"] == course["lessons"][0].url
    assert not LessonCompletion.objects.filter(user=learner).exists()
    assert not Enrolment.objects.filter(user=learner).exists()


def test_anonymous_knowledge_check_goes_to_login(client, check_url):
    """Anonymous visitors are sent to sign in."""
    response = client.post(check_url, {"option": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_mark_done_moves_the_progress(client, course, lesson, learner):
    """POSTing "mark done" completes the lesson, enrols, and the course progress
    shown on the course page moves."""
    client.force_login(learner)
    response = client.post(f"{lesson.url}completar/")
    assert response.status_code == 302
    assert response["Location"] == lesson.url
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()

    page = client.get(course["course"].url)
    assert page.context["outline"].progress == Progress(1, 4)
    assert 'aria-valuenow="25"' in page.content.decode()

    lesson_html = client.get(lesson.url).content.decode()
    assert 'data-testid="mark-done"' not in lesson_html
    assert "Completaste esta lección." in lesson_html


def test_mark_done_get_changes_nothing(client, lesson, learner):
    """GET on the mark-done URL only redirects to the lesson."""
    client.force_login(learner)
    response = client.get(f"{lesson.url}completar/")
    assert response.status_code == 302
    assert not LessonCompletion.objects.filter(user=learner).exists()


def test_mark_done_follows_a_local_next(client, course, lesson, learner):
    """The "next" parameter leads to the next lesson when it is on this site."""
    client.force_login(learner)
    target = course["lessons"][1].url
    response = client.post(f"{lesson.url}completar/", {"next": target})
    assert response["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "http://evil.example",
        "https:///evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_mark_done_refuses_an_open_redirect(client, lesson, learner, target):
    """An outside "next" is not followed: the learner goes back to the lesson."""
    client.force_login(learner)
    response = client.post(f"{lesson.url}completar/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == lesson.url
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()


def test_dashboard_shows_enrolled_courses_with_progress(client, course, learner):
    """/mi-avance/ lists the enrolled courses with their progress."""
    services.lesson_complete(user=learner, lesson=course["lessons"][0])
    services.lesson_complete(user=learner, lesson=course["lessons"][1])
    client.force_login(learner)
    response = client.get("/mi-avance/")
    assert response.status_code == 200
    [outline] = response.context["outlines"]
    assert outline.course.pk == course["course"].pk
    assert outline.progress == Progress(2, 4)
    assert 'aria-valuenow="50"' in response.content.decode()
