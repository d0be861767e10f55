"""Flag for review, the summary page before submitting and one question per page
(issue 15)."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import attempt_services, learner_answers
from assessments.attempt_services import AnswerRejected
from assessments.models import AssessmentPage, Attempt, Response
from tests.assessments.attempt_helpers import form_fields, right_tokens
from tests.factories import LearnerFactory, build_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment():
    page, _elements, _bank = build_assessment(questions=(4,))
    return page


@pytest.fixture
def learner():
    return LearnerFactory()


@pytest.fixture
def attempt(assessment, learner):
    return attempt_services.attempt_start(learner=learner, assessment=assessment)


def flags(attempt) -> dict[int, bool]:
    return dict(
        Response.objects.filter(attempt=attempt).values_list("position", "flagged")
    )


def save_url(attempt):
    return reverse("assessments:attempt_save", args=[attempt.uuid])


def summary_url(attempt):
    return reverse("assessments:attempt_summary", args=[attempt.uuid])


def post_json(client, attempt, body):
    return client.post(
        save_url(attempt), json.dumps(body), content_type="application/json"
    )


# ----------------------------------------------------------------------- flag


def test_flag_is_saved_by_the_autosave_endpoint_and_shown(client, attempt, learner):
    client.force_login(learner)
    response = post_json(client, attempt, {"position": 2, "flagged": True})
    assert response.status_code == 200
    assert response.json()["flagged"] is True
    assert flags(attempt) == {1: False, 2: True, 3: False, 4: False}
    page = client.get(attempt.get_absolute_url()).content.decode()
    assert 'id="flag-2" data-flag checked' in page
    assert 'class="btn btn-sm btn-outline-secondary flagged" data-nav-position="2"' in (
        page
    )
    # Clearing it, and the answer is untouched by either.
    post_json(client, attempt, {"position": 2, "flagged": False})
    assert flags(attempt)[2] is False
    assert not Response.objects.filter(attempt=attempt, answer__isnull=False).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"position": 2, "flagged": "yes"},
        {"position": 2, "flagged": 1},
        {"position": 99, "flagged": True},
        {"position": 2, "flagged": True, "answer": None},
        {"position": True, "flagged": True},
    ],
)
def test_bad_flag_posts_are_400_and_change_nothing(client, attempt, learner, body):
    client.force_login(learner)
    response = post_json(client, attempt, body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert not any(flags(attempt).values())


def test_only_the_owner_flags_and_never_after_submitting(client, attempt, learner):
    other = LearnerFactory()
    client.force_login(other)
    assert post_json(client, attempt, {"position": 1, "flagged": True}).status_code == (
        404
    )
    client.force_login(learner)
    attempt_services.attempt_submit(attempt=attempt)
    closed = post_json(client, attempt, {"position": 1, "flagged": True})
    assert closed.status_code == 409
    assert not any(flags(attempt).values())
    with pytest.raises(AnswerRejected):
        attempt_services.attempt_flag(attempt=attempt, flags={1: True})


def test_flag_after_the_deadline_is_refused(attempt):
    late = attempt.deadline + timedelta(minutes=5)
    with pytest.raises(AnswerRejected):
        attempt_services.attempt_flag(attempt=attempt, flags={1: True}, now=late)


def test_flags_of_several_questions_are_all_or_nothing(attempt):
    with pytest.raises(AnswerRejected):
        attempt_services.attempt_flag(attempt=attempt, flags={1: True, 9: True})
    assert not any(flags(attempt).values())
    attempt_services.attempt_flag(attempt=attempt, flags={1: True, 3: True, 4: False})
    assert flags(attempt) == {1: True, 2: False, 3: True, 4: False}


def test_flags_without_javascript_follow_the_boxes_of_the_page(
    client, attempt, learner
):
    client.force_login(learner)
    attempt_services.attempt_flag(attempt=attempt, flags={4: True})
    response = client.post(
        save_url(attempt),
        {"shown": ["1", "2", "3", "4"], "flagged": ["1", "3"], "save": "1"},
    )
    assert response.status_code == 303
    assert flags(attempt) == {1: True, 2: False, 3: True, 4: False}
    # A box for a question the page did not show, or no number: 400.
    for data in ({"shown": ["1"], "flagged": ["2"]}, {"shown": ["x"]}):
        assert client.post(save_url(attempt), data).status_code == 400
    assert flags(attempt) == {1: True, 2: False, 3: True, 4: False}


# -------------------------------------------------------------------- summary


def test_summary_lists_answered_unanswered_and_flagged(client, attempt, learner):
    responses = {r.position: r for r in attempt.responses.select_related("version")}
    attempt_services.attempt_save_answers(
        attempt=attempt,
        answers={
            1: _right(responses[1]),
            3: _right(responses[3]),
        },
    )
    attempt_services.attempt_flag(attempt=attempt, flags={3: True, 4: True})
    client.force_login(learner)
    page = client.get(summary_url(attempt)).content.decode()

    def positions(testid):
        block = page[page.index(f'data-testid="summary-{testid}"') :]
        block = block[: block.index("</section>")]
        return [
            int(chunk.split('"')[0]) for chunk in block.split('data-position="')[1:]
        ]

    assert positions("answered") == [1, 3]
    assert positions("unanswered") == [2, 4]
    assert positions("flagged") == [3, 4]
    # Each links back to its question; the submit posts to the submit URL.
    assert f'href="{attempt.get_absolute_url()}#q-4"' in page
    submit = reverse("assessments:attempt_submit", args=[attempt.uuid])
    assert f'action="{submit}"' in page
    assert 'data-unanswered="2, 4"' in page


def _right(response):
    payload, display = response.version.payload, response.display
    return learner_answers.from_tokens(
        kind=payload["type"], display=display, raw=right_tokens(response)
    )


def test_submit_from_the_summary_is_idempotent(client, attempt, learner):
    client.force_login(learner)
    submit = reverse("assessments:attempt_submit", args=[attempt.uuid])
    result = reverse("assessments:attempt_result", args=[attempt.uuid])
    first = client.post(submit)
    second = client.post(submit)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == result
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    # Once submitted, the summary sends to the result.
    assert client.get(summary_url(attempt))["Location"] == result


def test_review_button_saves_then_opens_the_summary(client, attempt, learner):
    client.force_login(learner)
    response_1 = attempt.responses.select_related("version").get(position=1)
    data = form_fields(1, response_1.version.payload["type"], right_tokens(response_1))
    response = client.post(save_url(attempt), {**data, "review": "1"})
    assert response.status_code == 303
    assert response["Location"] == summary_url(attempt)
    assert Response.objects.get(attempt=attempt, position=1).answer is not None


def test_summary_is_the_owner_s_only(client, attempt):
    assert client.get(summary_url(attempt)).status_code == 302  # sign in first
    client.force_login(LearnerFactory())
    assert client.get(summary_url(attempt)).status_code == 404


# -------------------------------------------------------------- one per page


@pytest.fixture
def paged(learner):
    page, _elements, _bank = build_assessment(
        questions=(3,), layout=AssessmentPage.Layout.ONE
    )
    return attempt_services.attempt_start(learner=learner, assessment=page)


def shown_questions(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-question data-position="(\d+)"', html)]


def test_one_question_per_page_with_previous_and_next(client, paged, learner):
    client.force_login(learner)
    url = paged.get_absolute_url()
    first = client.get(url).content.decode()
    assert shown_questions(first) == [1]
    assert 'data-testid="previous"' not in first
    assert 'name="go" value="2"' in first
    # The navigator jumps to any question's page.
    assert 'href="?pregunta=3#q-3"' in first
    third = client.get(url + "?pregunta=3").content.decode()
    assert shown_questions(third) == [3]
    assert 'name="go" value="2"' in third and 'data-testid="next"' not in third
    for bad in ("0", "4", "x", "-1", "9" * 30):
        assert client.get(url, {"pregunta": bad}).status_code == 404


def test_next_saves_the_answer_and_moves_on(client, paged, learner):
    client.force_login(learner)
    response_1 = paged.responses.select_related("version").get(position=1)
    data = form_fields(1, response_1.version.payload["type"], right_tokens(response_1))
    moved = client.post(
        save_url(paged), {**data, "shown": "1", "flagged": "1", "go": "2"}
    )
    assert moved.status_code == 303
    assert moved["Location"] == paged.get_absolute_url() + "?pregunta=2#q-2"
    saved = Response.objects.get(attempt=paged, position=1)
    assert saved.answer is not None and saved.flagged
    # Going back shows the answer kept.
    back = client.get(paged.get_absolute_url() + "?pregunta=1").content.decode()
    assert "checked" in back.split('id="q-1"')[1].split("data-save-state")[0]
    assert client.post(save_url(paged), {"go": "abc"}).status_code == 400


def test_summary_links_to_the_question_pages(client, paged, learner):
    client.force_login(learner)
    page = client.get(summary_url(paged)).content.decode()
    assert f'href="{paged.get_absolute_url()}?pregunta=2#q-2"' in page


def test_all_on_one_page_ignores_the_page_parameter(client, attempt, learner):
    client.force_login(learner)
    html = client.get(attempt.get_absolute_url() + "?pregunta=zz").content.decode()
    assert shown_questions(html) == [1, 2, 3, 4]


def test_time_left_is_announced_politely_only(client, attempt, learner):
    """The clock itself is silent (aria-live off); a separate polite region
    carries the 5- and 1-minute messages the script writes."""
    client.force_login(learner)
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert 'role="timer" aria-live="off"' in html
    assert 'aria-live="polite" data-timer-announce' in html
    assert "Quedan 5 minutos." in html and "Queda 1 minuto." in html
    assert 'data-testid="attempt-bar"' in html and 'id="attempt-navigator"' in html
    assert attempt.deadline > timezone.now()
