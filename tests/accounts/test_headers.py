"""Response headers (issue 12, item 5): the Content-Security-Policy and pages
that keep to it, ``Cache-Control: private, no-store`` on everything personal,
and the admin left out of the CSP."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.urls import reverse

from assessments.models import AssessmentPage, Attempt
from certificates.models import Certificate
from courses.models import CoursePage, LessonPage
from portal.demo import FINAL_ASSESSMENT_SLUG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part)
    return {name: value for name, value in directives}


def _as(client, username):
    if username:
        client.force_login(User.objects.get(username=username))
    return client


# ------------------------------------------------------------------ CSP


@pytest.mark.parametrize(
    ("username", "url"),
    [
        (None, "/"),
        (None, "/verificar/"),
        (None, "/no-existe/"),  # the 404 page
        (None, "/buscar/?q=%00"),  # the guard's 400 page
        ("aprendiz", "/mi-avance/"),
        ("rh", "/certificados/"),
    ],
)
def test_site_pages_carry_the_policy(client, username, url):
    """Every directive the issue asks for, on pages, error pages and the
    guard's 400 alike."""
    policy = _policy(_as(client, username).get(url))
    for directive, value in POLICY.items():
        assert policy.get(directive) == value, directive
    assert "'unsafe-inline'" not in str(policy)


@pytest.mark.parametrize("url", ["/admin/", "/django-admin/"])
def test_the_admin_is_left_out_of_the_policy(client, url):
    """The Wagtail and Django admins run inline scripts and styles: no CSP
    there (they still refuse framing with X-Frame-Options)."""
    response = _as(client, "admin").get(url)
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


def _pages_of_every_role() -> list[tuple[str | None, str]]:
    course = CoursePage.objects.live().first()
    lesson = LessonPage.objects.live().first()
    final = AssessmentPage.objects.get(slug=FINAL_ASSESSMENT_SLUG)
    certificate = Certificate.objects.order_by("pk").first()
    attempt = Attempt.objects.filter(submitted_at__isnull=False).first()
    pages = [
        (None, "/"),
        (None, course.url),
        (None, "/estandar/EC0305/"),
        (None, "/verificar/"),
        (None, reverse("certificates:verify", args=[certificate.code])),
        (None, "/accounts/login/"),
        (None, "/accounts/signup/"),
        ("aprendiz", "/"),
        ("aprendiz", lesson.url),
        ("aprendiz", final.url),
        ("aprendiz", "/mi-avance/"),
        ("aprendiz", "/buscar/?q=cliente"),
        ("aprendiz", "/accounts/sesiones/"),
        ("aprendiz", "/accounts/segundo-factor/activar/"),  # the QR code (SVG)
        ("rh", "/certificados/"),
        ("rh", reverse("certificates:hr_detail", args=[certificate.pk])),
        ("rh", "/certificados/por-vencer/"),
        ("rh", "/tablero/"),
        ("rh", "/tablero/mapas/"),
        ("rh", "/tablero/grupos/"),
        ("rh", "/tablero/dc3/"),
        ("rh", "/evaluacion/evaluaciones/"),
        ("instructor", "/evaluacion/mis-evaluaciones/"),
        ("evaluadora", "/evaluacion/mis-evaluaciones/"),
        ("rh", "/no-existe/"),
    ]
    if attempt is not None:
        pages.append(
            (
                attempt.learner.username,
                reverse("assessments:attempt_result", args=[attempt.uuid]),
            )
        )
    return pages


def test_pages_hold_no_inline_script_or_style(client):
    """What the policy would block, found without a browser: no <script> without
    ``src`` (JSON data blocks excepted), no <style> element, no style="" and no
    on…="" handler attribute, on the main pages of every role."""
    for username, url in _pages_of_every_role():
        client.logout()
        response = _as(client, username).get(url)
        expected = 404 if url == "/no-existe/" else 200
        assert response.status_code == expected, (username, url, response.status_code)
        soup = BeautifulSoup(response.content, "html.parser")
        where = f"{url} as {username}"
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/json", (
                where,
                str(script)[:200],
            )
        assert not soup.find_all("style"), where
        styled = soup.find_all(style=True)
        assert not styled, (where, [str(tag)[:120] for tag in styled])
        handlers = [
            (tag.name, name)
            for tag in soup.find_all(True)
            for name in tag.attrs
            if name.startswith("on")
        ]
        assert not handlers, (where, handlers)


# ------------------------------------------------------------------ Cache-Control


def _no_store(response) -> bool:
    directives = {
        part.strip()
        for part in response.headers.get("Cache-Control", "").split(",")
        if part.strip()
    }
    return {"private", "no-store"} <= directives and "public" not in directives


def _demo_certificate() -> Certificate:
    return Certificate.objects.select_related("holder").order_by("pk").first()


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("aprendiz", "/mi-avance/"),
        ("aprendiz", "/"),  # the home page names the person in the navbar
        ("rh", "/certificados/"),
        ("rh", "/certificados/exportar.csv"),
        ("rh", "/certificados/exportar.xlsx"),
        ("rh", "/certificados/por-vencer/"),
        ("rh", "/tablero/"),
        ("rh", "/tablero/embudo.csv"),
        ("rh", "/tablero/dc3/"),
        ("rh", "/evaluacion/evaluaciones/exportar.csv"),
        ("instructor", "/evaluacion/mis-evaluaciones/"),
    ],
)
def test_personal_and_hr_pages_are_not_stored(client, username, url):
    response = _as(client, username).get(url)
    assert response.status_code == 200, response.status_code
    assert _no_store(response), response.headers.get("Cache-Control")


def test_downloads_are_not_stored(client):
    """The HR PDF download and the holder's own PDF."""
    certificate = _demo_certificate()
    hr = _as(client, "rh").get(reverse("certificates:hr_pdf", args=[certificate.pk]))
    assert hr.status_code == 200 and _no_store(hr)
    client.logout()
    client.force_login(certificate.holder)
    own = client.get(reverse("certificates:download", args=[certificate.code]))
    assert own.status_code == 200 and _no_store(own)


def test_refusals_to_a_signed_in_person_are_not_stored_either(client):
    response = _as(client, "aprendiz").get("/certificados/")
    assert response.status_code == 403
    assert _no_store(response)


def test_the_public_verification_result_is_not_stored(client):
    """Anonymous, but it shows the holder's name: not stored either."""
    certificate = _demo_certificate()
    response = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200
    assert certificate.holder.last_name in response.content.decode()
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("url", ["/", "/estandar/EC0305/"])
def test_public_pages_stay_cacheable_for_anonymous_visitors(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
