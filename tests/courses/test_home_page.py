"""The home page says what the programme is, its path (course, evaluation,
certificate) and where to verify a certificate; a signed-in learner sees their
own courses with progress first. Every page carries the print stylesheet and a
footer link to /verificar/."""

import re

import pytest
from django.contrib.auth.models import User

from courses import services
from courses.models import CoursePage, LessonPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

COURSE_SLUG = "ec0305-atencion-a-clientes"


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_the_home_page_title_names_the_site_once(client):
    """Not "Atiende · Atiende": the home page's title, then what the site is."""
    title = title_of(client.get("/").content.decode())
    assert title == "Atiende · Formación y certificación en atención a clientes"
    assert title.count("Atiende") == 1


def test_anonymous_visitors_read_the_programme_its_path_and_verification(client):
    """The programme, its three steps in order, the catalogue and the link to
    verify a certificate (in the page and in the footer)."""
    html = client.get("/").content.decode()
    steps = re.search(r'<ol class="path-steps">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r"<h3>(.*?)</h3>", steps) == [
        "Curso",
        "Evaluación",
        "Constancia",
    ]
    assert "Catálogo de cursos" in html
    assert html.count('href="/verificar/"') == 2  # the call-out and the footer
    assert "Tus cursos" not in html


def test_a_learner_sees_their_courses_with_progress(client):
    """An enrolled learner's course comes under "Tus cursos" with its progress
    meter and a link to continue; the catalogue no longer repeats it."""
    learner = User.objects.get(username="aprendiz")
    course = CoursePage.objects.get(slug=COURSE_SLUG)
    services.course_enrol(user=learner, course=course)
    first = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    services.lesson_complete(user=learner, lesson=first)
    client.force_login(learner)
    response = client.get("/")
    [mine] = response.context["my_courses"]
    assert mine.course == course and response.context["other_courses"] == []
    html = response.content.decode()
    section = html.split('id="mine-title"')[1].split("</section>")[0]
    percent = mine.progress.percent
    assert 0 < percent < 100
    assert f'aria-valuenow="{percent}"' in section
    assert f'<span class="meter-value">{percent} %</span>' in section
    assert "Continuar donde me quedé" in section
    assert "Ya te inscribiste en todos los cursos publicados." in html


def test_every_page_has_the_print_stylesheet_and_the_verification_link(client):
    """base.html: print.css for print media and the footer's /verificar/ link."""
    html = client.get("/verificar/").content.decode()
    assert 'href="/static/css/print.css" media="print"' in html
    footer = html.split('<footer class="site-footer')[1]
    assert '<a href="/verificar/">Verificar una constancia</a>' in footer
