"""Who may do what on the course side: anonymous visitors, learners (aprendiz),
trainers (instructor) and HR (rh), with the demo accounts of load_initial_data."""

import re

import pytest
from django.contrib.auth.models import User
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail.test.utils.form_data import streamfield as stream_data

from courses.models import CoursePage, Enrolment, LessonPage
from standards.models import Criterion
from tests.factories import LessonPageFactory, ModulePageFactory, home_page

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "aprendiz", "instructor", "rh"]
SIGNED_IN = ROLES[1:]
COURSE_SLUG = "ec0305-atencion-a-clientes"


@pytest.fixture
def as_role(client, initial_data):
    """Sign the test client in as a demo account (or stay anonymous)."""

    def sign_in(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(User.objects.get(username=role))
        return client

    return sign_in


@pytest.fixture
def course(initial_data):
    return CoursePage.objects.get(slug=COURSE_SLUG)


@pytest.fixture
def lesson(initial_data):
    return LessonPage.objects.get(slug="habilitar-area-de-servicio")


def assert_login_redirect(response, path, login="/accounts/login/"):
    assert response.status_code == 302
    assert response["Location"].startswith(f"{login}?next=")
    assert path.rstrip("/") in response["Location"].replace("%2F", "/")


# ---------------------------------------------------------------- public site


@pytest.mark.parametrize("role", ROLES)
def test_catalogue_and_course_page_are_public(as_role, course, role):
    """Everyone, signed in or not, sees the catalogue and the course page."""
    client = as_role(role)
    home = client.get("/")
    assert home.status_code == 200
    assert course.title in home.content.decode()
    assert client.get(course.url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_lessons_need_sign_in(as_role, lesson, role):
    """Lessons send anonymous visitors to sign in (coming back afterwards) and open
    for every signed-in role."""
    response = as_role(role).get(lesson.url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={lesson.url}"
    else:
        assert response.status_code == 200
        assert lesson.title in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_needs_sign_in(as_role, role):
    """/mi-avance/ sends anonymous visitors to sign in and opens for everyone
    signed in."""
    response = as_role(role).get("/mi-avance/")
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/mi-avance/"
    else:
        assert response.status_code == 200


def test_enrol_anonymous_goes_to_sign_in(as_role, course):
    """An anonymous enrol POST enrols nobody and asks to sign in."""
    before = Enrolment.objects.count()
    response = as_role("anonymous").post(f"/cursos/{course.pk}/inscripcion/")
    assert_login_redirect(response, f"/cursos/{course.pk}/inscripcion/")
    assert Enrolment.objects.count() == before


def test_learner_enrols(as_role, course):
    """A learner's enrol POST enrols them and returns to the course page, which
    then shows their progress instead of the button."""
    Enrolment.objects.filter(user__username="aprendiz").delete()
    client = as_role("aprendiz")
    assert "Inscribirme" in client.get(course.url).content.decode()
    response = client.post(f"/cursos/{course.pk}/inscripcion/")
    assert response.status_code == 302
    assert response["Location"] == course.url
    assert Enrolment.objects.filter(user__username="aprendiz", course=course).exists()
    html = client.get(course.url).content.decode()
    assert "Inscribirme" not in html
    assert "Avance del curso" in html


def test_enrol_needs_post(as_role, course):
    """A GET on the enrol URL does nothing (405)."""
    before = Enrolment.objects.count()
    response = as_role("aprendiz").get(f"/cursos/{course.pk}/inscripcion/")
    assert response.status_code == 405
    assert Enrolment.objects.count() == before


def test_enrol_in_a_missing_course_is_404(as_role):
    """Enrolling in a course that does not exist is a 404."""
    assert as_role("aprendiz").post("/cursos/999999/inscripcion/").status_code == 404


# ---------------------------------------------------------------- admin


def test_learner_has_no_admin(as_role, lesson):
    """Learners cannot enter the admin nor its page editor."""
    client = as_role("aprendiz")
    for url in ("/admin/", f"/admin/pages/{lesson.pk}/edit/"):
        assert_login_redirect(client.get(url), url, login="/admin/login/")


def _edit_data(page, title):
    return nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "summary": page.summary,
            "minutes": page.minutes,
            "body": stream_data(
                [("paragraph", rich_text("<p>Contenido revisado.</p>"))]
            ),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


@pytest.fixture
def editable_lesson(course):
    """A lesson with a simple body, in a new module of the course."""
    module = ModulePageFactory(parent=course)
    return LessonPageFactory(
        parent=module,
        body=[{"type": "paragraph", "value": "<p>Contenido.</p>"}],
    )


def test_trainer_edits_and_publishes_a_lesson(as_role, lesson, editable_lesson):
    """A trainer opens a lesson in the page editor and publishes a change."""
    client = as_role("instructor")
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200

    url = f"/admin/pages/{editable_lesson.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_data(editable_lesson, "Lección revisada"))

    assert response.status_code == 302, getattr(response, "context", None) and (
        response.context["form"].errors
    )
    editable_lesson.refresh_from_db()
    assert editable_lesson.title == "Lección revisada"
    assert editable_lesson.live and not editable_lesson.has_unpublished_changes
    assert editable_lesson.live_revision.user.username == "instructor"
    assert "Contenido revisado." in editable_lesson.body[0].value.source


def test_trainer_can_add_a_lesson_under_a_module(as_role, editable_lesson):
    """A trainer adds a lesson to a module through the page editor: the add form
    opens, and posting it with a body publishes a new LessonPage under that
    module, owned by the trainer, with the body as written."""
    client = as_role("instructor")
    trainer = User.objects.get(username="instructor")
    module = editable_lesson.get_parent()
    url = f"/admin/pages/add/courses/lessonpage/{module.pk}/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        nested_form_data(
            {
                "title": "Lección nueva",
                "slug": "leccion-nueva",
                "summary": "Una lección añadida por el instructor.",
                "minutes": 15,
                "body": stream_data(
                    [("paragraph", rich_text("<p>Contenido nuevo.</p>"))]
                ),
                "comments": inline_formset([]),
                "action-publish": "action-publish",
            }
        ),
    )

    assert response.status_code == 302, getattr(response, "context", None) and (
        response.context["form"].errors
    )
    added = LessonPage.objects.get(slug="leccion-nueva")
    assert added.get_parent().specific == module
    assert added.owner == trainer
    assert added.live and added.live_revision.user == trainer
    assert (added.title, added.minutes) == ("Lección nueva", 15)
    assert "Contenido nuevo." in added.body[0].value.source


def test_hr_cannot_edit_pages(as_role, lesson, editable_lesson):
    """HR may enter the admin but has no page permission: the editor refuses both
    GET and POST, and the page stays as it was."""
    client = as_role("rh")
    assert client.get("/admin/").status_code == 200
    for page in (lesson, editable_lesson):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/edit/" not in response["Location"]
    latest = editable_lesson.latest_revision_id

    response = client.post(
        f"/admin/pages/{editable_lesson.pk}/edit/",
        _edit_data(editable_lesson, "Cambio de RH"),
    )

    assert response.status_code in (302, 403)
    editable_lesson.refresh_from_db()
    assert editable_lesson.title != "Cambio de RH"
    assert editable_lesson.latest_revision_id == latest
    assert not editable_lesson.permissions_for_user(
        User.objects.get(username="rh")
    ).can_edit()


# ---------------------------------------------------------------- coverage report


def test_trainer_sees_the_coverage_report(as_role):
    """The coverage report lists every criterion code, with the lessons that teach
    it."""
    response = as_role("instructor").get("/admin/cobertura/")
    assert response.status_code == 200
    html = response.content.decode()
    for code in Criterion.objects.values_list("code", flat=True):
        assert f"<strong>{code}</strong>" in html, code
    assert "Habilitar el área de servicio" in html
    assert "data-uncovered" not in html  # the shipped course covers everything


@pytest.mark.parametrize("role", ["aprendiz", "rh", "anonymous"])
def test_others_cannot_see_the_coverage_report(as_role, role):
    """Learners, HR and anonymous visitors are turned away from the report."""
    response = as_role(role).get("/admin/cobertura/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/cobertura/" not in response["Location"].split("?")[0]
    assert "data-uncovered" not in response.content.decode()


def test_coverage_report_lists_an_uncovered_criterion(as_role):
    """A criterion no lesson teaches any more is listed as uncovered."""
    criterion = Criterion.objects.get(code="K12")
    LessonPage.criteria.through.objects.filter(criterion=criterion).delete()

    response = as_role("instructor").get("/admin/cobertura/")

    html = response.content.decode()
    assert re.findall(r"<span data-uncovered>([^<]+)</span>", html) == ["K12"]
    assert response.context["uncovered"][0].criterion == criterion


def test_coverage_menu_item_only_for_trainers(as_role):
    """Only trainers see the coverage report in the admin menu."""
    assert "/admin/cobertura/" in as_role("instructor").get("/admin/").content.decode()
    assert "/admin/cobertura/" not in as_role("rh").get("/admin/").content.decode()


def test_home_page_is_the_site_root(initial_data):
    """The catalogue is the Site's root page."""
    assert home_page().get_url() == "/"
