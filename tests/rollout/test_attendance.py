"""The attendance page: JSON per tap, the plain form post, and bad input."""

import json

import pytest
from django.urls import reverse

from rollout import cohort_selectors
from rollout.models import Attendance

from .support import World, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def post_json(client, url, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def test_json_tap_saves_and_updates(client, world):
    client.force_login(world.trainer)
    url = reverse("rollout:attendance", args=[world.session.pk])
    response = post_json(client, url, {"person": world.member.pk, "present": True})
    assert response.status_code == 200
    assert response.json() == {"ok": True, "person": world.member.pk, "present": True}
    post_json(client, url, {"person": world.member.pk, "present": False})
    assert list(Attendance.objects.values_list("present", flat=True)) == [False]


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[1, 2]",
        {"present": True},
        {"person": "x", "present": True},
        {"person": 1, "present": "yes"},
        "outsider",
    ],
)
def test_json_bad_input_is_400_with_message(client, world, body):
    client.force_login(world.trainer)
    url = reverse("rollout:attendance", args=[world.session.pk])
    if body == "outsider":
        body = {"person": world.outsider.pk, "present": True}
    response = post_json(client, url, body)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert response.json()["error"]
    assert not Attendance.objects.exists()


def test_json_by_another_trainer_is_404(client, world):
    """other_trainer neither leads the cohort nor has its unit."""
    client.force_login(world.other_trainer)
    url = reverse("rollout:attendance", args=[world.session.pk])
    response = post_json(client, url, {"person": world.member.pk, "present": True})
    assert response.status_code == 404


def test_plain_form_post_without_javascript(client, world):
    client.force_login(world.trainer)
    url = reverse("rollout:attendance", args=[world.session.pk])
    response = client.post(url, {"person": world.member.pk, "present": "1"})
    assert response.status_code == 302
    assert Attendance.objects.get().present is True
    page = client.get(url)
    assert 'aria-pressed="true"' in page.text
    bad = client.post(url, {"person": world.outsider.pk, "present": "1"})
    assert bad.status_code == 400
    assert client.post(url, {"person": "", "present": "1"}).status_code == 400
    assert client.post(url, {"person": world.member.pk}).status_code == 400


def test_next_session_for_the_learner(world):
    [item] = cohort_selectors.learner_cohorts(user=world.member, now=at(1, 8))
    assert item.next_session == world.session
    [item] = cohort_selectors.learner_cohorts(user=world.member, now=at(5, 8))
    assert item.next_session is None
    assert cohort_selectors.learner_cohorts(user=world.outsider) == []
