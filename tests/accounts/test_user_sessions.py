"""Sessions: the idle limit (sliding at most once a minute; a timed final kept
alive by its answer saves and its keep-alive ping), the browser-close setting,
and "Mis sesiones" (list, end another, end all others, never someone else's;
password change ends the others)."""

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts import user_sessions
from accounts.models import UserSession
from assessments.models import AssessmentPage, Attempt
from tests.accounts.two_factor_support import LOGIN_URL, sign_in_password
from tests.assessments.attempt_helpers import right_tokens
from tests.factories import LearnerFactory, TrainerFactory, meet_completion_rule

pytestmark = pytest.mark.django_db

SESSIONS_URL = reverse("accounts:sessions")
KEEPALIVE_URL = reverse("accounts:session_keepalive")
PAGE = reverse("notifications:preferences")
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def thirty_minutes(settings):
    """The production default (test settings lengthen it for other tests)."""
    settings.SESSION_COOKIE_AGE = 30 * 60


def browser(user_agent=CHROME, address="198.51.100.7") -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def signed_in(user, **kwargs) -> Client:
    client = browser(**kwargs)
    sign_in_password(client, user)
    return client


def is_signed_in(client) -> bool:
    response = client.get(PAGE)
    if response.status_code == 302:
        assert response["Location"].startswith(LOGIN_URL)
        return False
    assert response.status_code == 200
    return True


# ------------------------------------------------------------------ idle limit


def test_a_session_ends_after_thirty_idle_minutes():
    user = LearnerFactory()
    start = timezone.now()
    with freeze_time(start) as clock:
        client = signed_in(user)
        clock.tick(timedelta(minutes=29))
        assert is_signed_in(client)
        clock.tick(timedelta(minutes=29))  # 58 minutes in: activity slid it
        assert is_signed_in(client)
        clock.tick(timedelta(minutes=31))
        assert not is_signed_in(client)


def test_expiry_slides_at_most_once_a_minute():
    """Requests within a minute of the last refresh write nothing: neither the
    session nor its record."""
    user = LearnerFactory()
    start = timezone.now()
    with freeze_time(start) as clock:
        client = signed_in(user)
        client.get(PAGE)
        key = client.session.session_key
        expiry = Session.objects.get(session_key=key).expire_date
        clock.tick(timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            client.get(PAGE)
        writes = [
            q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))
        ]
        assert writes == []
        assert Session.objects.get(session_key=key).expire_date == expiry
        clock.tick(timedelta(seconds=31))
        client.get(PAGE)
        assert Session.objects.get(session_key=key).expire_date == (
            timezone.now() + timedelta(minutes=30)
        )
        assert UserSession.objects.get(session_key=key).last_seen == timezone.now()


def _final(initial_data):
    return AssessmentPage.objects.get(slug="evaluacion-final-ec0305")


def _begin(client, assessment) -> Attempt:
    response = client.post(assessment.url + "comenzar/")
    assert response.status_code == 303
    return Attempt.objects.get(uuid=response["Location"].split("/")[-2])


def test_a_timed_final_is_not_cut_by_the_idle_limit(initial_data):
    """A 45-minute final: the learner reads for 40 minutes without answering.
    The attempt page pings while its clock runs, and its answer saves count as
    activity, so the session lives to the end; without them it would not."""
    final = _final(initial_data)
    assert final.time_limit_minutes > 30
    learner, idle = LearnerFactory(), LearnerFactory()
    for person in (learner, idle):
        meet_completion_rule(person, final)
    start = timezone.now()
    with freeze_time(start) as clock:
        client, control = signed_in(learner), signed_in(idle)
        attempt = _begin(client, final)
        page = client.get(attempt.get_absolute_url()).content.decode()
        assert f'data-session-keepalive="{KEEPALIVE_URL}"' in page
        assert 'data-session-keepalive-seconds="600"' in page
        _begin(control, final)
        for _ in range(4):  # every 10 minutes, as the page's script does
            clock.tick(timedelta(minutes=10))
            assert client.get(KEEPALIVE_URL).status_code == 204
        clock.tick(timedelta(minutes=2))
        first = attempt.responses.select_related("version").order_by("position")[0]
        saved = client.post(
            reverse("assessments:attempt_save", args=[attempt.uuid]),
            data=json.dumps({"position": 1, "answer": right_tokens(first)}),
            content_type="application/json",
        )
        assert saved.status_code == 200
        assert is_signed_in(client)
        assert not is_signed_in(control)


def test_keepalive_without_a_session_says_so(client):
    assert client.get(KEEPALIVE_URL).status_code == 401
    assert client.post(KEEPALIVE_URL).status_code == 405


@pytest.mark.parametrize("at_close", [True, False])
def test_browser_close_setting_decides_the_cookie(settings, at_close):
    """On shared workstations (the default) the cookie is a browser-session
    cookie; otherwise it lasts the idle limit."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = at_close
    client = browser()
    response = client.post(
        LOGIN_URL, {"username": LearnerFactory().username, "password": "password"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    if at_close:
        assert not cookie["max-age"] and not cookie["expires"]
    else:
        assert cookie["max-age"] == 30 * 60


# ---------------------------------------------------------------- the list


def test_the_list_shows_each_session_and_marks_this_one():
    user = LearnerFactory()
    desk = signed_in(user, user_agent=CHROME, address="198.51.100.7")
    phone = signed_in(user, user_agent=IPHONE, address="2001:db8::1")
    stranger = signed_in(LearnerFactory(), address="203.0.113.9")
    response = desk.get(SESSIONS_URL)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    listed = response.context["sessions"]
    assert [s.current for s in listed] == [True, False]
    assert listed[0].browser == "Chrome 120 · Windows 10"
    assert listed[0].ip_address == "198.51.100.7"
    assert listed[1].browser == "Mobile Safari 17 · iOS 17.0 · iPhone"
    assert listed[1].ip_address == "2001:db8::1"
    html = response.content.decode()
    assert "Esta sesión" in html
    assert "203.0.113.9" not in html
    assert phone.get(SESSIONS_URL).context["sessions"][0].browser.startswith("Mobile")
    assert stranger.get(SESSIONS_URL).context["sessions"][0].ip_address == (
        "203.0.113.9"
    )


def test_the_list_needs_a_sign_in(client):
    response = client.get(SESSIONS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_ending_another_session_signs_it_out():
    user = LearnerFactory()
    desk, phone = signed_in(user), signed_in(user, user_agent=IPHONE)
    other = [s for s in desk.get(SESSIONS_URL).context["sessions"] if not s.current]
    response = desk.post(reverse("accounts:session_end", args=[other[0].pk]))
    assert response["Location"] == SESSIONS_URL
    assert not is_signed_in(phone)
    assert is_signed_in(desk)
    assert UserSession.objects.filter(user=user).count() == 1


def test_ending_this_session_from_the_list_points_to_sign_out():
    user = LearnerFactory()
    desk = signed_in(user)
    [this] = desk.get(SESSIONS_URL).context["sessions"]
    response = desk.post(reverse("accounts:session_end", args=[this.pk]), follow=True)
    assert "Cerrar sesión" in response.content.decode()
    assert is_signed_in(desk)


def test_nobody_can_end_someone_elses_session():
    """Another person's session answers 404, like one that does not exist, and
    goes on."""
    victim, attacker = LearnerFactory(), TrainerFactory()
    victim_client = signed_in(victim)
    theirs = UserSession.objects.get(user=victim)
    attacker_client = browser()
    attacker_client.force_login(attacker)
    for pk in (theirs.pk, 10**30, 0):
        response = attacker_client.post(f"/accounts/sesiones/{pk}/cerrar/")
        assert response.status_code == 404
    assert is_signed_in(victim_client)
    assert attacker_client.get(
        reverse("accounts:session_end", args=[theirs.pk])
    ).status_code in (404, 405)


def test_ending_all_other_sessions():
    user = LearnerFactory()
    clients = [signed_in(user, address=f"198.51.100.{n}") for n in range(1, 4)]
    keep = clients[0]
    response = keep.post(reverse("accounts:session_end_others"), follow=True)
    assert "Cerraste 2 sesiones." in response.content.decode()
    assert [is_signed_in(c) for c in clients] == [True, False, False]
    again = keep.post(reverse("accounts:session_end_others"), follow=True)
    assert "No tenías otras sesiones abiertas." in again.content.decode()


def test_sign_out_removes_the_session_from_the_list():
    user = LearnerFactory()
    desk, phone = signed_in(user), signed_in(user, user_agent=IPHONE)
    phone.post(reverse("accounts:logout"))
    assert len(desk.get(SESSIONS_URL).context["sessions"]) == 1


def test_expired_and_replaced_sessions_are_not_listed():
    """A session past the idle limit, or whose password changed elsewhere (a
    reset), is not listed as alive."""
    user = LearnerFactory()
    start = timezone.now()
    with freeze_time(start) as clock:
        old = signed_in(user)
        clock.tick(timedelta(minutes=31))
        desk = signed_in(user)
        assert len(desk.get(SESSIONS_URL).context["sessions"]) == 1
        assert not is_signed_in(old)
        signed_in(user, user_agent=IPHONE)
        user.set_password("Otra-Contrasena-9931")
        user.save()
        fresh = browser()
        sign_in_password(fresh, user, password="Otra-Contrasena-9931")
        assert len(fresh.get(SESSIONS_URL).context["sessions"]) == 1


def test_password_change_ends_the_other_sessions():
    user = LearnerFactory()
    desk, phone = signed_in(user), signed_in(user, user_agent=IPHONE)
    response = desk.post(
        reverse("accounts:password_change"),
        {
            "old_password": "password",
            "new_password1": "Cactus-Dorado-5817",
            "new_password2": "Cactus-Dorado-5817",
        },
    )
    assert response.status_code == 302
    assert is_signed_in(desk)
    assert not is_signed_in(phone)
    [this] = desk.get(SESSIONS_URL).context["sessions"]
    assert this.current
    assert UserSession.objects.filter(user=user).count() == 1


def test_sign_in_keeps_the_record_when_the_key_changes():
    """The record follows the session through a key change (password change,
    second factor), keeping when it signed in."""
    user = LearnerFactory()
    start = timezone.now()
    with freeze_time(start) as clock:
        desk = signed_in(user)
        clock.tick(timedelta(minutes=5))
        desk.post(
            reverse("accounts:password_change"),
            {
                "old_password": "password",
                "new_password1": "Cactus-Dorado-5817",
                "new_password2": "Cactus-Dorado-5817",
            },
        )
        [this] = desk.get(SESSIONS_URL).context["sessions"]
    assert this.created_at == start
    assert UserSession.objects.get(user=user).session_key == desk.session.session_key


# ------------------------------------------------------------------ user agents

USER_AGENTS = [
    (CHROME, "Chrome 120 · Windows 10"),
    (IPHONE, "Mobile Safari 17 · iOS 17.0 · iPhone"),
    (
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Firefox 128 · Linux",
    ),
    ("", ""),
    ("curl/8.5.0", "curl 8"),
    ("\x00\x01", ""),
]


@pytest.mark.parametrize(("user_agent", "shown"), USER_AGENTS)
def test_user_agent_description(user_agent, shown):
    assert user_sessions.describe_user_agent(user_agent) == shown


def test_odd_user_agents_and_addresses_are_recorded_safely():
    user = LearnerFactory()
    client = Client(HTTP_USER_AGENT="x\x00y" + "z" * 500, REMOTE_ADDR="unix:")
    sign_in_password(client, user)
    row = UserSession.objects.get(user=user)
    assert row.user_agent == "xy" + "z" * 298
    assert row.ip_address is None
    assert client.get(SESSIONS_URL).status_code == 200


@pytest.mark.parametrize(
    "engine",
    ["accounts.cache_session_store", "accounts.session_store"],
)
def test_the_list_and_ending_work_with_cache_sessions(settings, engine):
    """With sessions in the cache (Redis when REDIS_URL is set) the list and
    ending a session work the same."""
    settings.SESSION_ENGINE = engine
    user = LearnerFactory()
    desk, phone = signed_in(user), signed_in(user, user_agent=IPHONE)
    listed = desk.get(SESSIONS_URL).context["sessions"]
    assert [s.current for s in listed] == [True, False]
    desk.post(reverse("accounts:session_end", args=[listed[1].pk]))
    assert not is_signed_in(phone)
    assert is_signed_in(desk)
    assert Session.objects.exists() is (engine == "accounts.session_store")
