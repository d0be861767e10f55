"""Who may reach an attempt: its learner only. Anonymous visitors are sent to sign
in; another learner, a trainer, HR or an administrator who does not own it get
404 on every route, GET and POST alike; GET never changes state; every POST
needs the CSRF token."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from assessments import attempt_services
from assessments.models import AssessmentPage, Attempt
from tests.assessments.attempt_helpers import right_form, right_tokens
from tests.factories import (
    AssessmentPageFactory,
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    learner_ready_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(initial_data):
    return AssessmentPage.objects.get(slug="evaluacion-final-ec0305")


@pytest.fixture
def owner(initial_data, final):
    return learner_ready_for(final)


@pytest.fixture
def attempt(final, owner):
    return attempt_services.attempt_start(learner=owner, assessment=final)


def state(attempt) -> tuple:
    attempt.refresh_from_db()
    return (
        attempt.status,
        attempt.score,
        tuple(attempt.responses.values_list("position", "answer", "saved_at")),
    )


def routes(attempt) -> list[tuple[str, str, dict]]:
    """(method, url, post kwargs) for every route of an attempt."""
    uuid = attempt.uuid
    first = attempt.responses.select_related("version").get(position=1)
    json_body = {
        "data": json.dumps({"position": 1, "answer": right_tokens(first)}),
        "content_type": "application/json",
    }
    return [
        ("get", reverse("assessments:attempt", args=[uuid]), {}),
        ("get", reverse("assessments:attempt_result", args=[uuid]), {}),
        ("post", reverse("assessments:attempt_save", args=[uuid]), json_body),
        (
            "post",
            reverse("assessments:attempt_save", args=[uuid]),
            {"data": right_form(attempt)},
        ),
        (
            "post",
            reverse("assessments:attempt_submit", args=[uuid]),
            {"data": right_form(attempt)},
        ),
    ]


def call(client, method, url, kwargs):
    return getattr(client, method)(url, **kwargs)


def test_anonymous_is_sent_to_sign_in(client, attempt):
    before = state(attempt)
    for method, url, kwargs in routes(attempt):
        response = call(client, method, url, kwargs)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("accounts:login")), url
    assert state(attempt) == before


@pytest.mark.parametrize("who", ["learner", "trainer", "hr", "superuser"])
def test_anyone_but_the_owner_gets_404(client, attempt, who):
    """Another learner, a trainer, HR and even a superuser get 404 on every route
    of an attempt that is not theirs, and the attempt does not change."""
    user = {
        "learner": LearnerFactory,
        "trainer": TrainerFactory,
        "hr": HRFactory,
        "superuser": lambda: User.objects.create_superuser("jefa", "j@x.mx", "pw"),
    }[who]()
    client.force_login(user)
    before = state(attempt)
    for method, url, kwargs in routes(attempt):
        response = call(client, method, url, kwargs)
        assert response.status_code == 404, (who, method, url)
    assert state(attempt) == before


def test_unknown_attempt_is_404(client, owner):
    client.force_login(owner)
    url = reverse("assessments:attempt", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


def test_the_owner_may_use_every_route(client, attempt, owner):
    client.force_login(owner)
    codes = [call(client, *route).status_code for route in routes(attempt)]
    # attempt page, result of an open attempt (-> attempt), JSON save,
    # form save (303), submit (303)
    assert codes == [200, 302, 200, 303, 303]
    assert state(attempt)[0] == Attempt.Status.SUBMITTED


def test_get_never_changes_state(client, attempt, owner):
    """GET on the pages leaves the attempt as it was; GET on the POST routes is
    refused with 405; the result of an open attempt only redirects."""
    client.force_login(owner)
    before = state(attempt)
    uuid = attempt.uuid
    for name in ("attempt", "attempt_result"):
        client.get(reverse(f"assessments:{name}", args=[uuid]))
    for name in ("attempt_save", "attempt_submit"):
        url = reverse(f"assessments:{name}", args=[uuid])
        assert client.get(url, right_form(attempt)).status_code == 405
    assert state(attempt) == before


def test_every_post_needs_the_csrf_token(final, owner, attempt):
    """With CSRF checks enforced, each POST without the token is refused (403)
    and changes nothing; with the page's token it goes through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    before = state(attempt)
    for method, url, kwargs in routes(attempt):
        if method == "post":
            assert call(client, method, url, kwargs).status_code == 403, url
    begin = final.url + "comenzar/"
    assert client.post(begin).status_code == 403
    by_id = reverse("assessments:begin", args=[final.pk])
    assert client.post(by_id).status_code == 403
    assert state(attempt) == before

    page = client.get(attempt.get_absolute_url())
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    first = attempt.responses.select_related("version").get(position=1)
    saved = client.post(
        reverse("assessments:attempt_save", args=[attempt.uuid]),
        data=json.dumps({"position": 1, "answer": right_tokens(first)}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert saved.status_code == 200
    assert client.post(begin, {"csrfmiddlewaretoken": token}).status_code == 303
    submitted = client.post(
        reverse("assessments:attempt_submit", args=[attempt.uuid]),
        {"csrfmiddlewaretoken": token, **right_form(attempt)},
    )
    assert submitted.status_code == 303
    assert state(attempt)[0] == Attempt.Status.SUBMITTED


# ------------------------------------------------------- the start, by page id


def begin_url(page_id) -> str:
    return reverse("assessments:begin", args=[page_id])


def test_the_start_url_needs_sign_in_and_a_post(client, final):
    """The start button's URL sends anonymous visitors to sign in and a GET back
    to the assessment page, starting nothing; a learner's POST starts."""
    url = begin_url(final.pk)
    anonymous = client.post(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    learner = learner_ready_for(final)
    client.force_login(learner)
    assert client.get(url)["Location"] == final.url
    assert not Attempt.objects.filter(learner=learner).exists()
    started = client.post(url)
    assert started.status_code == 303
    attempt = Attempt.objects.get(learner=learner, assessment=final)
    assert started["Location"] == attempt.get_absolute_url()
    # Again: the open attempt, not a second one.
    assert client.post(url)["Location"] == attempt.get_absolute_url()
    assert Attempt.objects.filter(learner=learner).count() == 1


def test_the_start_url_is_404_for_anything_but_a_live_assessment(client, final):
    """An unknown or overlong id, another kind of page and an unpublished
    assessment are 404, never a 500, and start nothing."""
    learner = LearnerFactory()
    client.force_login(learner)
    draft = AssessmentPageFactory(parent=final.get_parent(), publish=False)
    for page_id in (0, 99_999_999, 10**30, final.get_parent().pk, draft.pk):
        assert client.post(begin_url(page_id)).status_code == 404, page_id
    assert not Attempt.objects.filter(learner=learner).exists()


def test_the_start_url_keeps_the_page_s_view_restrictions(client, final):
    """A course restricted to a group: a learner outside it is sent to the page
    (where Wagtail asks for what the restriction wants) and starts nothing; in
    the group, the start goes through."""
    group = Group.objects.create(name="Sucursal piloto")
    restriction = PageViewRestriction.objects.create(
        page=final.get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group])
    learner = learner_ready_for(final)
    client.force_login(learner)
    refused = client.post(begin_url(final.pk))
    assert refused.status_code == 302
    assert refused["Location"] == final.url
    assert not Attempt.objects.filter(learner=learner).exists()

    learner.groups.add(group)
    assert client.post(begin_url(final.pk)).status_code == 303
    assert Attempt.objects.filter(learner=learner, assessment=final).exists()


def test_the_start_url_follows_changes_made_after_it_was_used(client, final):
    """The page behind the start URL is kept per content token: a restriction
    added, or an unpublish, after a learner used the URL applies at once."""
    first, second = learner_ready_for(final), learner_ready_for(final)
    client.force_login(first)
    assert client.post(begin_url(final.pk)).status_code == 303

    group = Group.objects.create(name="Sucursal piloto")
    restriction = PageViewRestriction.objects.create(
        page=final.get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group])
    client.force_login(second)
    assert client.post(begin_url(final.pk)).status_code == 302
    assert not Attempt.objects.filter(learner=second).exists()

    restriction.delete()
    final.unpublish()
    assert client.post(begin_url(final.pk)).status_code == 404
    assert not Attempt.objects.filter(learner=second).exists()
