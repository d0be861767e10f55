"""What the roster import does for people: enrolment in the course (idempotent),
one invitation each through one task, the set-password link (works once; bad or
expired links get a clear page), re-sending scoped by unit; a failing import
saves and sends nothing; the row limit; a large preview lists only a page of the
valid rows."""

import re
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.invitations import set_password_url
from courses.models import CoursePage, Enrolment
from rollout import invitations, roster, selectors, services, views_roster
from rollout.models import StaffProfile
from tests.factories import CoursePageFactory, HRFactory, LearnerFactory, home_page

from .test_roster_import import (
    ANA,
    HEADER,
    JUAN,
    rows,
    scoped,
    tree,
    upload,
    valid_curp,
)

__all__ = ["tree"]  # the fixture, imported for these tests

pytestmark = pytest.mark.django_db

LUIS = valid_curp("ROLL800101HDFDPS0")
LINK = re.compile(r"https?://[^/\s]+(/accounts/activar/[^\s\"]+/)")


@pytest.fixture
def course():
    return CoursePageFactory(parent=home_page(), title="Atención EC0305")


def three(unit="SUC-A", ana_email="ana@example.com"):
    return rows(
        f"{ANA},Ana,Gómez,,{ana_email},Cajera,{unit},",
        f"{JUAN},Juan,Pérez,,juan@example.com,,{unit},",
        f"{LUIS},Luis,Rodríguez,,,,{unit},",  # no e-mail
    )


def run_import(capture, **kwargs):
    with capture(execute=True):
        return services.roster_import(**kwargs)


def link_path(message) -> str:
    return LINK.search(message.body).group(1)


# ---------------------------------------------------------------- import


def test_new_people_are_enrolled_and_invited_once(
    tree, course, django_capture_on_commit_callbacks
):
    report = run_import(django_capture_on_commit_callbacks, rows=three(), course=course)
    assert (report.created, report.enrolled) == (3, 3)
    assert (report.invited, report.without_email) == (2, 1)
    people = User.objects.filter(staff__curp__in=[ANA, JUAN, LUIS])
    assert Enrolment.objects.filter(course=course, user__in=people).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.com",
        "juan@example.com",
    ]
    message = mail.outbox[0]
    assert "contraseña" in message.subject
    assert message.alternatives and "/accounts/activar/" in message.alternatives[0][0]
    assert message.body.count("http://127.0.0.1:8000/accounts/activar/") == 1
    luis = StaffProfile.objects.get(curp=LUIS)
    assert luis.invited_at is None
    assert StaffProfile.objects.get(curp=ANA).invited_at is not None

    # Importing again: updated people, no second invitation, no new enrolment.
    report = run_import(django_capture_on_commit_callbacks, rows=three(), course=course)
    assert (report.created, report.unchanged, report.enrolled) == (0, 3, 0)
    assert report.invited == 0
    assert len(mail.outbox) == 2
    # The task run again (a retry) sends nothing either.
    assert (
        invitations.invitations_send(user_ids=list(people.values_list("pk", flat=True)))
        == 0
    )
    assert len(mail.outbox) == 2


def test_people_already_there_are_enrolled_too(tree, course):
    services.roster_import(rows=three())  # no course
    assert not Enrolment.objects.filter(course=course).exists()
    report = services.roster_import(rows=three(), course=course)
    assert report.enrolled == 3
    assert Enrolment.objects.filter(course=course).count() == 3


def test_a_failure_inside_the_import_saves_and_sends_nothing(
    tree, course, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_enrol", broken)
    with pytest.raises(RuntimeError):
        run_import(django_capture_on_commit_callbacks, rows=three(), course=course)
    assert not StaffProfile.objects.filter(curp__in=[ANA, JUAN, LUIS]).exists()
    assert not User.objects.filter(username=ANA.lower()).exists()
    assert mail.outbox == []


# ---------------------------------------------------------------- the link


@pytest.fixture
def invited(tree, course, django_capture_on_commit_callbacks):
    run_import(django_capture_on_commit_callbacks, rows=three(), course=course)
    return mail.outbox[0]


def test_the_link_sets_the_password_signs_in_and_works_once(client, invited):
    person = User.objects.get(email=invited.to[0])
    page = client.get(link_path(invited), follow=True)
    assert page.status_code == 200
    assert "Define tu contraseña" in page.text and person.username in page.text
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Cuenta-Nueva-2025", "new_password2": "Cuenta-Nueva-2025"},
    )
    assert response.status_code == 302 and response["Location"] == "/mi-avance/"
    person.refresh_from_db()
    assert person.check_password("Cuenta-Nueva-2025")
    assert client.get("/mi-avance/").context["user"] == person  # signed in
    client.logout()
    again = client.get(link_path(invited), follow=True)
    assert again.status_code == 200
    assert "El enlace ya no sirve" in again.text


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/activar/MQ/abc-123/",
        "/accounts/activar/zzzz/set-password/",
        "/accounts/activar/%C3%B1/x/",
    ],
)
def test_bad_links_get_a_clear_page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "El enlace ya no sirve" in response.text


def test_an_expired_link_gets_a_clear_page(client, invited, settings, monkeypatch):
    person = User.objects.get(email=invited.to[0])
    long_ago = datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: long_ago)
    old_link = set_password_url(person)
    monkeypatch.undo()
    response = client.get(LINK.search(old_link).group(1), follow=True)
    assert "El enlace ya no sirve" in response.text


# ---------------------------------------------------------------- re-send


def test_resend_is_scoped_and_only_for_people_without_password(
    client, tree, invited, django_capture_on_commit_callbacks
):
    ana = User.objects.get(username=ANA.lower())
    luis = User.objects.get(username=LUIS.lower())
    url = reverse("rollout:invitation_resend", args=[ana.pk])
    sent = len(mail.outbox)

    client.logout()
    assert client.post(url).status_code == 302  # to sign in
    client.force_login(LearnerFactory())
    assert client.post(url).status_code == 403
    client.force_login(scoped(HRFactory(), tree["b"]))
    assert client.post(url).status_code == 404
    assert (
        client.get(reverse("rollout:invitation_list")).context["page"].paginator.count
        == 0
    )
    assert len(mail.outbox) == sent

    client.force_login(scoped(HRFactory(), tree["a"]))
    listed = client.get(reverse("rollout:invitation_list"))
    assert {p.pk for p in listed.context["page"].object_list} >= {ana.pk, luis.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.status_code == 200
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == [ana.email]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rollout:invitation_resend", args=[luis.pk]), follow=True
        )
    assert "no tiene correo" in response.text
    ana.set_password("ya-tiene-una-2025")
    ana.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "ya definió su contraseña" in response.text
    assert len(mail.outbox) == sent + 1


def test_invitation_list_queries_are_flat(client, tree, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hr = scoped(HRFactory(), tree["a"])
    client.force_login(hr)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("rollout:invitation_list")).status_code == 200
        return len(queries)

    services.roster_import(rows=rows(f"{ANA},Ana,Gómez,,a@example.com,,SUC-A,"))
    client.get(reverse("rollout:invitation_list"))
    before = count()
    services.roster_import(
        rows=rows(
            *[
                f"{valid_curp(f'GOMA8501{i:02d}MDFRRN0')},P{i},X,,p{i}@example.com,,SUC-A,"
                for i in range(1, 21)
            ]
        )
    )
    assert count() == before


# ---------------------------------------------------------------- screens


def test_upload_defaults_to_the_only_live_course_and_commits_enrolments(
    client, tree, course, django_capture_on_commit_callbacks
):
    CoursePage.objects.exclude(pk=course.pk).update(live=False)
    assert selectors.default_roster_course() == course
    client.force_login(scoped(HRFactory(), tree["a"]))
    preview = upload(client, f"{HEADER}\n{ANA},Ana,Gómez,,ana@example.com,,SUC-A,\n")
    assert "Atención EC0305" in preview.text
    token = client.session[views_roster.SESSION_KEY]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("rollout:roster_commit"), {"token": token})
    assert 'data-count="enrolled">1<' in done.text
    assert 'data-count="invited">1<' in done.text
    assert Enrolment.objects.filter(course=course, user__username=ANA.lower()).exists()
    assert len(mail.outbox) == 1


def test_row_limit_message(client, tree, monkeypatch):
    monkeypatch.setattr(roster, "MAX_ROWS", 2)
    client.force_login(scoped(HRFactory(), tree["a"]))
    text = "\n".join(
        [HEADER]
        + [f"{valid_curp(f'GOMA8501{i:02d}MDFRRN0')},A,B,,,,SUC-A," for i in (1, 2, 3)]
    )
    response = upload(client, text, follow=False)
    assert response.status_code == 400
    assert "más de 2 filas" in response.text
    assert not StaffProfile.objects.filter(unit=tree["a"]).exists()


def test_a_large_preview_lists_errors_and_only_a_page_of_valid_rows(client, tree):
    client.force_login(scoped(HRFactory(), tree["a"]))
    good = [
        f"{valid_curp(f'GOMA85{m:02d}{d:02d}MDFRRN0')},P,X,,p{m}-{d}@example.com,,SUC-A,"
        for m in (1, 2, 3, 4)
        for d in range(1, 29)  # 112 valid rows
    ]
    bad = [f"{JUAN},Juan,Pérez,,juan{i}@example.com,,SUC-A," for i in range(3)]
    response = upload(client, "\n".join([HEADER, *good, *bad]))
    lines = re.findall(r'data-line="(\d+)"', response.text)
    per_page = views_roster.VALID_ROWS_PER_PAGE
    # The 2 repeated CURPs in full, and one page of the 113 valid rows.
    assert len(lines) == 2 + per_page
    assert "Guardar el personal" not in response.text
    assert 'href="?page=2"' in response.text  # the link to the next page
    last = client.get(reverse("rollout:roster_preview"), {"page": 3})
    assert len(re.findall(r'data-line="(\d+)"', last.text)) == 2 + 113 - 2 * per_page


def test_commit_without_a_pending_preview_goes_back(client, tree):
    client.force_login(scoped(HRFactory(), tree["a"]))
    response = client.post(reverse("rollout:roster_commit"), {"token": "nada"})
    assert response.status_code == 302
    assert client.get(reverse("rollout:roster_preview")).status_code == 302


# ---------------------------------------------------------------- command


def test_command_enrols_in_the_course_given(tree, course, tmp_path):
    path = tmp_path / "personal.csv"
    path.write_text(f"{HEADER}\n{ANA},Ana,Gómez,,ana@example.com,,SUC-A,\n")
    CoursePageFactory(parent=home_page(), title="Otro curso")
    with pytest.raises(CommandError, match="--course"):
        call_command("import_roster", str(path), "--commit", stdout=StringIO())
    with pytest.raises(CommandError, match="no-existe"):
        call_command("import_roster", str(path), "--commit", "--course", "no-existe")
    out = StringIO()
    call_command(
        "import_roster", str(path), "--commit", "--course", course.slug, stdout=out
    )
    assert "inscritas en el curso: 1" in out.getvalue()
    assert Enrolment.objects.filter(course=course).count() == 1
