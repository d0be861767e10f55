"""The notification preferences page (/cuenta/avisos/) and the one-click
unsubscribe link: who sees which kinds, what can be turned off, and tampering."""

import pytest
from django.core import signing
from django.urls import reverse

from accounts import notifications, roles
from accounts.models import NotificationOptOut
from rollout import notifications as rollout_kinds
from tests.factories import HRFactory, LearnerFactory, TrainerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/cuenta/avisos/"
ALL = {
    rollout_kinds.ENROLMENT,
    rollout_kinds.SESSION_REMINDER,
    rollout_kinds.READY,
    rollout_kinds.BEHIND_TARGET,
}


def shown(client, user) -> dict[str, bool]:
    """Kind code → whether its checkbox is disabled (mandatory)."""
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return {row["kind"].code: row["kind"].mandatory for row in response.context["rows"]}


def test_the_url():
    assert reverse("notifications:preferences") == URL


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post(URL, {"kind": []}).status_code == 302


@pytest.mark.parametrize(
    "who, expected",
    [
        ("learner", {rollout_kinds.ENROLMENT, rollout_kinds.SESSION_REMINDER}),
        ("trainer", set()),
        ("evaluator", {rollout_kinds.READY}),
        ("hr", {rollout_kinds.BEHIND_TARGET}),
        ("superuser", {rollout_kinds.READY, rollout_kinds.BEHIND_TARGET}),
    ],
)
def test_each_person_sees_the_kinds_that_concern_them(client, who, expected):
    user = {
        "learner": LearnerFactory,
        "trainer": TrainerFactory,
        "evaluator": lambda: UserFactory(groups=[roles.EVALUATORS]),
        "hr": HRFactory,
        "superuser": lambda: UserFactory(is_superuser=True),
    }[who]()
    assert set(shown(client, user)) == expected


def test_enrolment_shows_as_always_on(client):
    kinds = shown(client, LearnerFactory())
    assert kinds[rollout_kinds.ENROLMENT] is True
    assert kinds[rollout_kinds.SESSION_REMINDER] is False
    page = client.get(URL).content.decode()
    assert "Siempre activo" in page


def test_turning_off_and_on(client):
    learner = LearnerFactory()
    client.force_login(learner)
    response = client.post(URL, {})
    assert response.status_code == 302
    # Everything optional is off; the mandatory kind cannot be.
    assert notifications.opted_out(learner) == {rollout_kinds.SESSION_REMINDER}
    client.post(URL, {"kind": [rollout_kinds.SESSION_REMINDER]})
    assert notifications.opted_out(learner) == set()
    page = client.get(URL)
    rows = {row["kind"].code: row["on"] for row in page.context["rows"]}
    assert rows == {rollout_kinds.ENROLMENT: True, rollout_kinds.SESSION_REMINDER: True}


@pytest.mark.parametrize("posted", [[rollout_kinds.BEHIND_TARGET], ["no-such-kind"]])
def test_a_tampered_form_is_refused_and_saves_nothing(client, posted):
    learner = LearnerFactory()
    client.force_login(learner)
    response = client.post(URL, {"kind": posted})
    assert response.status_code == 400
    assert "no existe" in response.content.decode()
    assert not NotificationOptOut.objects.exists()


def test_other_peoples_opt_outs_are_untouched(client):
    learner, other = LearnerFactory(), LearnerFactory()
    NotificationOptOut.objects.create(user=other, kind=rollout_kinds.SESSION_REMINDER)
    client.force_login(learner)
    client.post(URL, {"kind": [rollout_kinds.SESSION_REMINDER]})
    assert notifications.opted_out(other) == {rollout_kinds.SESSION_REMINDER}


# ---------------------------------------------------------------- unsubscribe


def unsubscribe_url(user, code):
    token = notifications.unsubscribe_token(user, notifications.get(code))
    return reverse("notifications:unsubscribe", args=[token])


def test_unsubscribe_asks_on_get_and_turns_off_on_post_without_signing_in(client):
    learner = LearnerFactory()
    url = unsubscribe_url(learner, rollout_kinds.SESSION_REMINDER)
    response = client.get(url)
    assert response.status_code == 200
    assert "Recordatorio de sesión" in response.content.decode()
    assert not NotificationOptOut.objects.exists()  # no change on GET
    response = client.post(url)
    assert response.status_code == 200
    assert "Ya no recibirás" in response.content.decode()
    assert notifications.opted_out(learner) == {rollout_kinds.SESSION_REMINDER}
    assert client.post(url).status_code == 200  # again: nothing changes


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "tampered",
        signing.dumps([1, rollout_kinds.SESSION_REMINDER], salt="another-salt"),
        "mandatory",
        "unknown-kind",
        "unknown-person",
    ],
)
def test_unsubscribe_refuses_bad_tokens(client, token):
    learner = LearnerFactory()
    salt = notifications.UNSUBSCRIBE_SALT
    if token == "tampered":
        good = notifications.unsubscribe_token(
            learner, notifications.get(rollout_kinds.SESSION_REMINDER)
        )
        _payload, signature = good.rsplit(":", 1)
        forged = signing.dumps([learner.pk + 1, rollout_kinds.SESSION_REMINDER])
        token = f"{forged.split(':')[0]}:{signature}"  # another person, old signature
    elif token == "mandatory":
        token = signing.dumps([learner.pk, rollout_kinds.ENROLMENT], salt=salt)
    elif token == "unknown-kind":
        token = signing.dumps([learner.pk, "nothing"], salt=salt)
    elif token == "unknown-person":
        token = signing.dumps([learner.pk + 1000, rollout_kinds.READY], salt=salt)
    url = reverse("notifications:unsubscribe", args=[token])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 400
        assert "Enlace no válido" in response.content.decode()
    assert not NotificationOptOut.objects.exists()


def test_every_registered_kind_is_known():
    assert {kind.code for kind in notifications.all_kinds()} >= ALL
