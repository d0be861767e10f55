"""The learner's way through an assessment with the test client: the start page,
starting, saving (JSON and plain form), submitting, the result page, the history
on /mi-avance/, the deadline and its grace, and the background finalisation."""

import json
from datetime import datetime, timedelta
from fractions import Fraction
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from assessments import attempt_services, payloads, submission, tasks
from assessments.models import AssessmentPage, Attempt, BlueprintRow, ElementResult
from courses.models import LessonPage, ModulePage
from tests.assessments.attempt_helpers import form_fields, right_form, right_tokens
from tests.certificates.support import pass_final
from tests.factories import (
    QUESTION_TYPES,
    answer_for,
    build_assessment,
    learner_ready_for,
)

pytestmark = pytest.mark.django_db

FINAL_SLUG = "evaluacion-final-ec0305"
DIAGNOSTIC_SLUG = "diagnostico-ec0305"


@pytest.fixture(autouse=True)
def _forget_cached_banks():
    """Some tests here run their on-commit hooks, which cache the seeded final's
    bank (assessments.bank) naming versions their rollback then undoes: a later
    test must not draw those ids from the cache."""
    yield
    cache.clear()


@pytest.fixture
def final(initial_data):
    return AssessmentPage.objects.get(slug=FINAL_SLUG)


@pytest.fixture
def diagnostic(initial_data):
    return AssessmentPage.objects.get(slug=DIAGNOSTIC_SLUG)


@pytest.fixture
def learner(initial_data, final):
    return learner_ready_for(final)


@pytest.fixture
def client_in(client, learner):
    client.force_login(learner)
    return client


def begin(client, assessment) -> Attempt:
    response = client.post(assessment.url + "comenzar/")
    assert response.status_code == 303, response.content[:500]
    attempt = Attempt.objects.get(uuid=response["Location"].split("/")[-2])
    return attempt


def save_json(client, attempt, position, answer, **extra):
    return client.post(
        reverse("assessments:attempt_save", args=[attempt.uuid]),
        data=json.dumps({"position": position, "answer": answer, **extra}),
        content_type="application/json",
    )


def submit(client, attempt, data=None):
    return client.post(
        reverse("assessments:attempt_submit", args=[attempt.uuid]), data or {}
    )


def result_url(attempt):
    return reverse("assessments:attempt_result", args=[attempt.uuid])


def answers(attempt) -> dict:
    return dict(attempt.responses.values_list("position", "answer"))


# ------------------------------------------------------------------ start page


def test_start_page_needs_sign_in(client, final):
    """Anonymous visitors of the start page (and of "comenzar") are sent to sign
    in, and nothing is started."""
    before = Attempt.objects.count()
    response = client.get(final.url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    response = client.post(final.url + "comenzar/")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert Attempt.objects.count() == before


def test_start_page_shows_rules_and_attempts(client_in, final):
    """The start page shows the rules (questions, time limit, attempts used and
    left) and a "Comenzar" button posting to the start URL by page id (the
    cheap way round Wagtail's routing)."""
    response = client_in.get(final.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "36 preguntas" in html
    assert "55 minutos" in html
    assert 'data-testid="attempts-left">3<' in html
    assert 'data-testid="attempts-used">0<' in html
    assert "Comenzar" in html
    begin = reverse("assessments:begin", args=[final.pk])
    assert begin == f"/evaluaciones/{final.pk}/comenzar/"
    assert f'action="{begin}"' in html


def test_start_page_explains_the_renewal_of_a_certificate(client, final, learner):
    """A learner certified on 2026-01-10 (certificate valid to 2028-01-10): until
    the renewal window opens the page shows why no attempt can start and from
    which day they can renew, with no "Comenzar" (and posting comenzar/ starts
    nothing); from 2027-11-11 it offers "Comenzar" with every attempt left and
    says a pass issues a new certificate while the current one stays valid;
    after expiry it says the certificate expired."""
    with freeze_time("2026-01-10 18:00:00"):
        pass_final(learner)
    with freeze_time("2027-11-10 18:00:00"):
        client.force_login(learner)
        html = client.get(final.url).content.decode()
        assert (
            "Ya tienes una constancia vigente hasta el 10 de enero de 2028. "
            "Podrás renovarla a partir del 11 de noviembre de 2027."
        ) in html
        assert 'data-testid="begin"' not in html
        assert 'data-testid="attempts-left">3<' in html
        assert "Los intentos cuentan desde tu última constancia." in html
        refused = client.post(final.url + "comenzar/", follow=True)
        assert "Podrás renovarla a partir del 11 de noviembre de 2027." in (
            refused.content.decode()
        )
        assert Attempt.objects.filter(learner=learner).count() == 1
    with freeze_time("2027-11-11 18:00:00"):
        client.force_login(learner)
        html = client.get(final.url).content.decode()
        assert 'data-testid="begin"' in html
        assert 'data-testid="attempts-left">3<' in html
        assert "Tu constancia vence el 10 de enero de 2028 y ya puedes renovarla" in (
            html
        )
        assert "Ya tienes una constancia vigente" not in html
    with freeze_time("2028-01-11 18:00:00"):
        client.force_login(learner)
        html = client.get(final.url).content.decode()
        assert 'data-testid="begin"' in html
        assert "Tu constancia venció el 10 de enero de 2028." in html


def test_get_on_comenzar_starts_nothing(client_in, final, learner):
    """GET never changes state: comenzar/ only redirects back to the page."""
    response = client_in.get(final.url + "comenzar/")
    assert response.status_code == 302
    assert not Attempt.objects.filter(learner=learner).exists()


def test_start_resumes_the_open_attempt(client_in, final, learner):
    """A second "Comenzar" resumes the open attempt: the page then offers
    "Continuar intento", and there is still one attempt."""
    first = begin(client_in, final)
    assert begin(client_in, final) == first
    html = client_in.get(final.url).content.decode()
    assert "Continuar intento" in html
    assert Attempt.objects.filter(learner=learner).count() == 1


def test_start_refused_shows_a_message(client_in, final, learner):
    """With no attempts left, "Comenzar" answers with the reason, not a 500."""
    AssessmentPage.objects.filter(pk=final.pk).update(attempts_allowed=1)
    final.refresh_from_db()
    attempt = begin(client_in, final)
    submit(client_in, attempt)
    response = client_in.post(final.url + "comenzar/", follow=True)
    assert response.status_code == 200
    assert "Ya usaste todos tus intentos." in response.content.decode()
    assert Attempt.objects.filter(learner=learner).count() == 1


def test_diagnostic_start_page_says_not_graded(client_in, diagnostic):
    html = client_in.get(diagnostic.url).content.decode()
    assert "no se califica" in html
    assert "ilimitados" in html


# ---------------------------------------------------------------- whole flow


def test_learner_flow_end_to_end(client_in, final, learner):
    """Start, answer every question right (one by JSON, the rest by a plain form
    post), see the answers pre-filled, submit twice (graded once, same result),
    read the result and find the attempt on /mi-avance/."""
    attempt = begin(client_in, final)
    assert attempt.responses.count() == 36

    page = client_in.get(attempt.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-question ") == 36
    assert "data-remaining-seconds=" in html
    assert 'href="#q-36"' in html

    first = attempt.responses.select_related("version").get(position=1)
    saved = save_json(client_in, attempt, 1, right_tokens(first))
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["answered"] is True
    assert body["message"].startswith("Guardado ")
    assert set(body) == {"position", "answered", "saved_at", "message"}

    data = {
        name: value
        for name, value in right_form(attempt).items()
        if name != "q-1" and not name.startswith("q-1-")
    }
    response = client_in.post(
        reverse("assessments:attempt_save", args=[attempt.uuid]), data
    )
    assert response.status_code == 303
    assert response["Location"] == attempt.get_absolute_url()
    followed = client_in.get(response["Location"]).content.decode()
    assert "Se guardaron tus respuestas" in followed
    assert all(answer is not None for answer in answers(attempt).values())
    # Saved answers come back pre-filled.
    assert " checked" in followed or " selected" in followed
    assert 'class="btn btn-sm btn-outline-secondary answered"' in followed

    with mock.patch.object(submission, "_grade", wraps=submission._grade) as grade:
        one = submit(client_in, attempt)
        two = submit(client_in, attempt)
    assert one.status_code == two.status_code == 303
    assert one["Location"] == two["Location"] == result_url(attempt)
    assert grade.call_count == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.competent is True
    assert ElementResult.objects.filter(attempt=attempt).count() == 3

    result = client_in.get(result_url(attempt))
    assert result.status_code == 200
    html = result.content.decode()
    # A passed final accredits knowledge; competence waits for the evaluator.
    assert "Conocimientos acreditados — pendiente la evaluación de desempeño" in html
    assert "Todavía no competente" not in html
    for code in ("E1", "E2", "E3"):
        assert f'data-element="{code}"' in html
    assert "100 % (umbral 80 %)" in html
    # review_answers is "after_pass" for the final assessment: shown now.
    assert "Respuesta correcta:" in html
    assert "Retroalimentación:" in html

    # The attempt page of a submitted attempt leads to its result.
    assert client_in.get(attempt.get_absolute_url())["Location"] == result_url(attempt)

    dashboard = client_in.get(reverse("portal:dashboard")).content.decode()
    assert "Mis evaluaciones" in dashboard
    assert "Evaluación final EC0305" in dashboard
    assert result_url(attempt) in dashboard
    assert "Competente" in dashboard


def test_failing_attempt_lists_criteria_with_lessons(client_in, final):
    """A blank attempt is "todavía no competente"; the result lists every element
    as below threshold, the criteria to work on with links to their lessons, and
    (after_pass) nothing of the questions: no right answers, no feedback."""
    attempt = begin(client_in, final)
    assert submit(client_in, attempt).status_code == 303
    html = client_in.get(result_url(attempt)).content.decode()
    assert "Todavía no competente" in html
    assert "0 % (umbral 80 %)" in html
    assert 'data-testid="criteria-to-work"' in html
    # Every criterion drawn is below threshold, and lessons are linked.
    attempt.refresh_from_db()
    codes = set(
        attempt.responses.values_list("key_version__criterion__code", flat=True)
    )
    for code in codes:
        assert f"<strong>{code}</strong>" in html
    # Each is linked to the live lessons for learners tagged with it; lessons of
    # modules for trainers are left out.
    lessons = LessonPage.objects.live().filter(criteria__code__in=codes).distinct()
    trainer_paths = [
        m.path for m in ModulePage.objects.filter(audience=ModulePage.Audience.TRAINERS)
    ]
    linked = [
        lesson
        for lesson in lessons
        if not any(lesson.path.startswith(p) for p in trainer_paths)
    ]
    assert linked
    for lesson in lessons:
        shown = f'href="{lesson.url}"' in html
        assert shown == (lesson in linked), lesson.title
    assert "Respuesta correcta:" not in html
    assert 'data-testid="answers-hidden"' in html
    assert "Retroalimentación:" not in html


def test_the_criteria_to_work_come_from_the_recorded_scores(client_in, final):
    """The result page reads the scores its attempt's submit (or a re-grade)
    recorded, as its bars do, without grading the answers again: full marks
    recorded for one criterion's questions take that criterion off the list."""
    attempt = begin(client_in, final)
    assert submit(client_in, attempt).status_code == 303
    responses = attempt.responses.select_related("key_version__criterion")
    codes = sorted({r.key_version.criterion.code for r in responses})
    assert len(codes) > 1
    fixed = codes[0]
    attempt.responses.filter(key_version__criterion__code=fixed).update(score="1/1")
    html = client_in.get(result_url(attempt)).content.decode()
    assert f"<strong>{fixed}</strong>" not in html
    for code in codes[1:]:
        assert f"<strong>{code}</strong>" in html


def test_the_criteria_to_work_show_the_standard_as_it_is_now(client_in, final):
    """The criteria to work on are kept per content token: an edit of a
    criterion's text shows on the next result page."""
    attempt = begin(client_in, final)
    assert submit(client_in, attempt).status_code == 303
    criterion = attempt.responses.select_related("key_version__criterion").first()
    criterion = criterion.key_version.criterion
    assert criterion.text in client_in.get(result_url(attempt)).content.decode()

    criterion.text = "Saluda con el nombre de la institución y el suyo propio."
    criterion.save()

    html = client_in.get(result_url(attempt)).content.decode()
    assert criterion.text in html


def test_result_page_rounds_percentages_to_the_nearest(client_in, final, learner):
    """An element scored 121 of 150 reads "81 %" (not the truncated 80 %) on the
    result page and in the history, by the site's one percent rule."""
    attempt = begin(client_in, final)
    assert submit(client_in, attempt).status_code == 303
    e1 = ElementResult.objects.get(attempt=attempt, element__code="E1")
    e1.earned, e1.possible, e1.passed = Fraction(121), Fraction(150), True
    e1.save()
    Attempt.objects.filter(pk=attempt.pk).update(score=Fraction(121, 150))
    html = client_in.get(result_url(attempt)).content.decode()
    assert "81 % (umbral 80 %)" in html
    assert "Puntaje global: 81 %." in html
    assert '<span class="result-score-value">81 %</span>' in html
    assert "80 % (umbral" not in html
    history = client_in.get(final.url).content.decode()
    assert '<span class="small">81 %</span>' in history


@pytest.mark.parametrize(
    ("policy", "attempts_allowed", "shown_after"),
    [
        ("never", 2, [False, False]),
        ("after_last", 2, [False, True]),
        ("after_pass", 2, [False, False]),
    ],
)
def test_review_answers_policy(client_in, final, policy, attempts_allowed, shown_after):
    """Right answers are shown per review_answers: never; after the last attempt
    (none left); after passing (two blank attempts never pass)."""
    AssessmentPage.objects.filter(pk=final.pk).update(
        review_answers=policy, attempts_allowed=attempts_allowed
    )
    final.refresh_from_db()
    for shown in shown_after:
        attempt = begin(client_in, final)
        submit(client_in, attempt)
        html = client_in.get(result_url(attempt)).content.decode()
        assert ("Respuesta correcta:" in html) is shown


def test_right_answers_hidden_while_another_attempt_is_open(client, final, learner):
    """A passed attempt's review hides the right answers while a new attempt of
    the same assessment is open (a certified learner can start one once the
    certificate's renewal window opens: 2027-11-11 for one issued 2026-01-10)."""
    with freeze_time("2026-01-10 18:00:00"):
        client.force_login(learner)
        attempt = begin(client, final)
        submit(client, attempt, right_form(attempt))
        assert "Respuesta correcta:" in client.get(result_url(attempt)).content.decode()
    with freeze_time("2027-11-11 18:00:00"):
        client.force_login(learner)
        begin(client, final)
        html = client.get(result_url(attempt)).content.decode()
    assert "Respuesta correcta:" not in html


def test_diagnostic_suggests_what_to_study(client_in, diagnostic):
    """The diagnostic is not graded: no verdict, the elements to study and the
    criteria with their lessons."""
    attempt = begin(client_in, diagnostic)
    submit(client_in, attempt)
    attempt.refresh_from_db()
    assert attempt.competent is None
    html = client_in.get(result_url(attempt)).content.decode()
    assert "Te conviene estudiar" in html
    assert 'data-testid="study-elements"' in html
    assert "Competente" not in html
    assert "Todavía no competente" not in html
    assert 'data-testid="criteria-to-work"' in html


# ------------------------------------------------------------------- saving


def test_submit_without_javascript_saves_the_posted_answers(client_in, final):
    """ "Enviar intento" posts the whole form: its answers are saved, then graded."""
    attempt = begin(client_in, final)
    response = submit(client_in, attempt, right_form(attempt))
    assert response.status_code == 303
    attempt.refresh_from_db()
    assert attempt.competent is True


def test_a_submit_keeps_the_time_of_the_answers_it_carries_unchanged(client_in, final):
    """The whole form comes with the submit: an answer the page's script saved
    before keeps its time, the others are saved at the submit, and all of them
    are graded."""
    start = timezone.now().replace(microsecond=0)
    later = start + timedelta(minutes=3)
    with freeze_time(start):
        attempt = begin(client_in, final)
        first = attempt.responses.select_related("version").get(position=1)
        assert save_json(client_in, attempt, 1, right_tokens(first)).status_code == 200
    with freeze_time(later):
        assert submit(client_in, attempt, right_form(attempt)).status_code == 303
    saved_at = dict(attempt.responses.values_list("position", "saved_at"))
    assert saved_at.pop(1) == start
    assert set(saved_at.values()) == {later}
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.submitted_at == later
    assert attempt.competent is True


def test_a_submit_with_a_refused_answer_saves_nothing_and_stays_open(final, learner):
    """The answers a submit carries are saved in its transaction: one that does
    not fit refuses the whole submit, and the valid answers beside it are not
    saved either."""
    attempt = attempt_services.attempt_start(learner=learner, assessment=final)
    responses = list(attempt.responses.select_related("version").order_by("position"))
    valid = {
        r.position: answer_for(r.version.payload, right=True) for r in responses[:3]
    }
    choice = next(r for r in responses if r.version.payload["type"] == "single")
    for refused in ({99: valid[1]}, {choice.position: ["not", "one", "option"]}):
        with pytest.raises(attempt_services.AnswerRejected):
            attempt_services.attempt_submit(
                attempt=attempt, answers={**valid, **refused}
            )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN
    assert all(answer is None for answer in answers(attempt).values())
    assert not ElementResult.objects.filter(attempt=attempt).exists()


def test_a_submit_past_grace_takes_none_of_its_answers(final, learner):
    """Past the deadline plus grace the answers a submit carries are not taken:
    the attempt is finalised with those saved before, as at its deadline."""
    start = timezone.now().replace(microsecond=0)
    attempt = attempt_services.attempt_start(
        learner=learner, assessment=final, now=start
    )
    response = attempt.responses.select_related("version").get(position=1)
    late = attempt.deadline + timedelta(seconds=final.grace_seconds + 1)
    submitted = attempt_services.attempt_submit(
        attempt=attempt,
        answers={1: answer_for(response.version.payload, right=True)},
        now=late,
    )
    assert submitted.status == Attempt.Status.SUBMITTED
    assert submitted.finalised_automatically
    assert submitted.submitted_at == attempt.deadline
    assert all(answer is None for answer in answers(attempt).values())


def test_json_save_clears_an_answer(client_in, final):
    attempt = begin(client_in, final)
    first = attempt.responses.select_related("version").get(position=1)
    save_json(client_in, attempt, 1, right_tokens(first))
    response = save_json(client_in, attempt, 1, None)
    assert response.status_code == 200
    assert response.json()["answered"] is False
    assert answers(attempt)[1] is None


def _bad_json_posts(attempt):
    first = attempt.responses.select_related("version").get(position=1)
    right = right_tokens(first)
    # An id from the payload, as a tampered page might post it.
    payload_id = first.display.get(
        "options", first.display.get("items", first.display.get("prompts"))
    )
    # True/false has no payload ids ("true"/"false" are its own tokens): post an
    # id of the shape the bank uses instead.
    payload_id = payload_id[0] if payload_id else "00000000-0000-0000-0000-000000000000"
    return [
        ("not json", "{nope"),
        ("a list", json.dumps([1, right])),
        ("no answer", json.dumps({"position": 1})),
        ("extra key", json.dumps({"position": 1, "answer": right, "correct": 1})),
        ("unknown position", json.dumps({"position": 99, "answer": right})),
        ("position as text", json.dumps({"position": "1", "answer": right})),
        ("bool position", json.dumps({"position": True, "answer": right})),
        ("tampered token", json.dumps({"position": 1, "answer": "99"})),
        ("payload id", json.dumps({"position": 1, "answer": payload_id})),
        ("wrong shape", json.dumps({"position": 1, "answer": {"a": [1]}})),
    ]


def test_malformed_json_saves_are_400_and_change_nothing(client_in, final):
    attempt = begin(client_in, final)
    before = answers(attempt)
    url = reverse("assessments:attempt_save", args=[attempt.uuid])
    for label, body in _bad_json_posts(attempt):
        response = client_in.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, label
        assert "error" in response.json(), label
    assert answers(attempt) == before
    assert not attempt.responses.filter(saved_at__isnull=False).exists()


def test_malformed_form_posts_are_400_and_change_nothing(client_in, final):
    """A form post with a field no form of the attempt has (unknown question,
    unknown token, a list where one value goes) is refused whole: the valid
    answers beside it are not saved."""
    attempt = begin(client_in, final)
    url = reverse("assessments:attempt_save", args=[attempt.uuid])
    good = right_form(attempt)
    by_type = {}
    for r in attempt.responses.select_related("version"):
        by_type.setdefault(r.version.payload["type"], r.position)
    choice = by_type.get("single") or by_type.get("situational")
    tampered = [
        ("unknown question", {"q-99": "0"}),
        ("bad name", {f"q-{choice}-x-2": "0"}),
        ("token out of range", {f"q-{choice}": "42"}),
        ("payload id", {f"q-{choice}": "00000000-0000-0000-0000-000000000000"}),
        ("two values for a radio", {f"q-{choice}": ["0", "1"]}),
    ]
    if "matching" in by_type:
        tampered.append(("unknown prompt", {f"q-{by_type['matching']}-42": "0"}))
        tampered.append(("unknown match", {f"q-{by_type['matching']}-0": "42"}))
    if "ordering" in by_type:
        tampered.append(("place 0", {f"q-{by_type['ordering']}-0": "0"}))
    for label, extra in tampered:
        data = {**good, **extra}
        response = client_in.post(url, data)
        assert response.status_code == 400, label
        assert "no se guardó nada" in response.content.decode()
    assert all(answer is None for answer in answers(attempt).values())


def test_half_done_ordering_is_reported_not_saved(client, learner):
    """Without JavaScript, an ordering with a place used twice is reported by a
    message; the other answers of the post are saved. The assessment draws one
    question of each type, so the attempt always has an ordering question."""
    assessment, _elements, _bank = build_assessment(
        questions=(len(QUESTION_TYPES),), kinds=QUESTION_TYPES
    )
    attempt = attempt_services.attempt_start(learner=learner, assessment=assessment)
    [ordering] = [
        r
        for r in attempt.responses.select_related("version")
        if r.version.payload["type"] == "ordering"
    ]
    client.force_login(learner)
    data = right_form(attempt)
    for token in range(len(ordering.display["items"])):
        data[f"q-{ordering.position}-{token}"] = "1"
    response = client.post(
        reverse("assessments:attempt_save", args=[attempt.uuid]), data, follow=True
    )
    html = response.content.decode()
    assert f"Pregunta {ordering.position}:" in html
    saved = answers(attempt)
    assert saved[ordering.position] is None
    assert sum(1 for a in saved.values() if a is not None) == len(QUESTION_TYPES) - 1


# --------------------------------------------------------- deadline and grace


def test_deadline_and_grace(client_in, final, learner):
    """Saving works until the deadline plus grace; after it a save is refused
    with 409 and finalises the attempt with the answers saved before."""
    start = timezone.now().replace(microsecond=0)
    with freeze_time(start):
        attempt = begin(client_in, final)
    assert attempt.deadline == start + timedelta(minutes=55)
    first, second = attempt.responses.select_related("version").order_by("position")[:2]
    grace = timedelta(seconds=final.grace_seconds)

    with freeze_time(attempt.deadline + grace - timedelta(seconds=1)):
        ok = save_json(client_in, attempt, 1, right_tokens(first))
        assert ok.status_code == 200
        page = client_in.get(attempt.get_absolute_url())
        assert page.status_code == 200
        assert 'data-remaining-seconds="0"' in page.content.decode()

    with freeze_time(attempt.deadline + grace + timedelta(seconds=1)):
        late = save_json(client_in, attempt, 2, right_tokens(second))
        assert late.status_code == 409
        body = late.json()
        assert body["closed"] is True
        assert "se envió automáticamente" in body["error"]
        assert body["result_url"] == result_url(attempt)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.finalised_automatically
    assert attempt.submitted_at == attempt.deadline
    saved = answers(attempt)
    assert saved[1] is not None and saved[2] is None


def test_visit_after_grace_finalises_with_saved_answers(client_in, final):
    """Opening an open attempt after its deadline plus grace hands it in with
    the answers saved, then shows the result saying so."""
    start = timezone.now().replace(microsecond=0)
    with freeze_time(start):
        attempt = begin(client_in, final)
        client_in.post(
            reverse("assessments:attempt_save", args=[attempt.uuid]),
            right_form(attempt),
        )
    after = attempt.deadline + timedelta(seconds=final.grace_seconds + 1)
    with freeze_time(after):
        response = client_in.get(attempt.get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] == result_url(attempt)
    html = response.content.decode()
    assert "se envió automáticamente" in html
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.competent is True


def test_form_save_after_grace_is_409(client_in, final):
    start = timezone.now().replace(microsecond=0)
    with freeze_time(start):
        attempt = begin(client_in, final)
    with freeze_time(attempt.deadline + timedelta(minutes=5)):
        response = client_in.post(
            reverse("assessments:attempt_save", args=[attempt.uuid]),
            right_form(attempt),
        )
    assert response.status_code == 409
    assert "se envió automáticamente" in response.content.decode()
    assert all(answer is None for answer in answers(attempt).values())


# ------------------------------------------------------- background finalising


def test_finalise_task_and_command(final, learner):
    """The sweep task and the cron command finalise overdue attempts only."""
    start = timezone.now() - timedelta(hours=2)
    overdue = attempt_services.attempt_start(
        learner=learner, assessment=final, now=start
    )
    other = learner_ready_for(final)
    current = attempt_services.attempt_start(learner=other, assessment=final)

    result = tasks.finalise_overdue_attempts.enqueue()
    assert result.return_value == 1
    overdue.refresh_from_db()
    current.refresh_from_db()
    assert overdue.status == Attempt.Status.SUBMITTED
    assert current.status == Attempt.Status.OPEN

    call_command("finalise_overdue_attempts", verbosity=0)  # nothing left: no-op
    assert tasks.finalise_attempt.call(str(current.uuid)) is False


@pytest.fixture
def deferring_backend(settings):
    """A task backend that can defer (the dummy one keeps what is enqueued), in
    a process that has scheduled nothing yet."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    tasks._scheduled.clear()
    backend = tasks.finalise_assessment_attempts.get_backend()
    assert backend.supports_defer
    yield backend
    tasks._scheduled.clear()


def _closes(attempt):
    return submission.closes_at(attempt)


def test_start_defers_finalisation_when_the_backend_can(
    client_in, final, deferring_backend, django_capture_on_commit_callbacks
):
    """With a backend that can defer (not the tests' immediate one), starting an
    attempt enqueues its assessment's finalisation for the end of the minute in
    which the attempt closes (deadline plus grace), plus the margin."""
    with django_capture_on_commit_callbacks(execute=True):
        attempt = begin(client_in, final)
    [queued] = deferring_backend.results
    assert queued.task.func is tasks.finalise_assessment_attempts.func
    assert queued.args == [final.pk]
    run_after = queued.task.run_after
    assert run_after == tasks.window_end(_closes(attempt)) + tasks.FINALISE_MARGIN
    assert (
        _closes(attempt) + tasks.FINALISE_MARGIN
        <= run_after
        < _closes(attempt) + tasks.FINALISE_MARGIN + timedelta(minutes=1)
    )


def test_starting_through_the_service_schedules_finalisation(
    final, learner, deferring_backend, django_capture_on_commit_callbacks
):
    """attempt_start itself schedules the deadline task, on commit, so an attempt
    started without the view (the demo loader, a command) is finalised too; a
    resumed open attempt is not scheduled again."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempt = attempt_services.attempt_start(learner=learner, assessment=final)
        assert deferring_backend.results == []  # nothing before commit
    for callback in callbacks:
        callback()
    [queued] = deferring_backend.results
    assert queued.args == [final.pk]
    assert queued.task.run_after == (
        tasks.window_end(_closes(attempt)) + tasks.FINALISE_MARGIN
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = attempt_services.attempt_start(learner=learner, assessment=final)
    assert again.pk == attempt.pk
    assert len(deferring_backend.results) == 1


# (start offsets in seconds from a moment whose attempt closes on a minute's
# edge, tasks enqueued).
WINDOW_CASES = [
    ([5, 30, 55], 1),  # all close in one minute: one task
    ([5, 65], 2),  # the next minute: its own task
    ([0, 60, 120], 3),
]


@pytest.mark.parametrize(("offsets", "expected"), WINDOW_CASES)
def test_attempts_closing_in_one_minute_share_a_task(
    final, deferring_backend, django_capture_on_commit_callbacks, offsets, expected
):
    """A class starting together enqueues one task per assessment and minute,
    not one per attempt, and each attempt's task runs after it closes and
    within a minute and the margin."""
    base = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    length = timedelta(minutes=final.time_limit_minutes, seconds=final.grace_seconds)
    base -= timedelta(seconds=(base + length).timestamp() % 60)
    started = []
    for offset in offsets:
        with (
            freeze_time(base + timedelta(seconds=offset)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            started.append(
                attempt_services.attempt_start(
                    learner=learner_ready_for(final), assessment=final
                )
            )
    runs = sorted(result.task.run_after for result in deferring_backend.results)
    assert len(runs) == expected
    for attempt in started:
        first_run = min(run for run in runs if run > _closes(attempt))
        assert first_run - _closes(attempt) <= timedelta(minutes=1) + (
            tasks.FINALISE_MARGIN
        )


def test_each_assessment_has_its_own_task(
    final, diagnostic, deferring_backend, django_capture_on_commit_callbacks
):
    AssessmentPage.objects.filter(pk=diagnostic.pk).update(
        time_limit_minutes=final.time_limit_minutes, grace_seconds=final.grace_seconds
    )
    diagnostic.refresh_from_db()
    moment = timezone.now().replace(second=10, microsecond=0)
    for assessment in (final, diagnostic):
        with (
            freeze_time(moment),
            django_capture_on_commit_callbacks(execute=True),
        ):
            attempt_services.attempt_start(
                learner=learner_ready_for(assessment), assessment=assessment
            )
    assert sorted(r.args[0] for r in deferring_backend.results) == sorted(
        [final.pk, diagnostic.pk]
    )


def test_a_rolled_back_start_leaves_its_window_unscheduled(
    final, deferring_backend, django_capture_on_commit_callbacks
):
    """Only a committed start counts: after a start whose transaction never
    committed, the next start in the same minute enqueues the task."""
    moment = timezone.now().replace(second=10, microsecond=0)
    with freeze_time(moment), django_capture_on_commit_callbacks(execute=False):
        attempt_services.attempt_start(
            learner=learner_ready_for(final), assessment=final
        )
    assert deferring_backend.results == []
    with freeze_time(moment), django_capture_on_commit_callbacks(execute=True):
        attempt_services.attempt_start(
            learner=learner_ready_for(final), assessment=final
        )
    assert len(deferring_backend.results) == 1


def test_the_process_forgets_windows_whose_task_has_run(
    final, deferring_backend, django_capture_on_commit_callbacks
):
    moment = timezone.now().replace(second=10, microsecond=0)
    with freeze_time(moment), django_capture_on_commit_callbacks(execute=True):
        first = attempt_services.attempt_start(
            learner=learner_ready_for(final), assessment=final
        )
    assert len(tasks._scheduled) == 1
    later = _closes(first) + timedelta(minutes=2)
    with freeze_time(later), django_capture_on_commit_callbacks(execute=True):
        attempt_services.attempt_start(
            learner=learner_ready_for(final), assessment=final
        )
    [run_after] = tasks._scheduled.values()
    assert run_after > later


def test_the_shared_task_finalises_only_its_assessments_overdue_attempts(
    final, diagnostic, learner
):
    AssessmentPage.objects.filter(pk=diagnostic.pk).update(time_limit_minutes=30)
    diagnostic.refresh_from_db()
    two_hours_ago = timezone.now() - timedelta(hours=2)
    overdue = attempt_services.attempt_start(
        learner=learner, assessment=final, now=two_hours_ago
    )
    current = attempt_services.attempt_start(
        learner=learner_ready_for(final), assessment=final
    )
    elsewhere = attempt_services.attempt_start(
        learner=learner_ready_for(diagnostic),
        assessment=diagnostic,
        now=two_hours_ago,
    )
    assert tasks.finalise_assessment_attempts.call(final.pk) == 1
    statuses = dict(
        Attempt.objects.filter(
            pk__in=[overdue.pk, current.pk, elsewhere.pk]
        ).values_list("pk", "status")
    )
    assert statuses == {
        overdue.pk: Attempt.Status.SUBMITTED,
        current.pk: Attempt.Status.OPEN,
        elsewhere.pk: Attempt.Status.OPEN,
    }


@pytest.mark.parametrize(
    ("moment", "end"),
    [
        ("2026-11-30T10:00:00+00:00", "2026-11-30T10:00:00+00:00"),  # on the edge
        ("2026-11-30T10:00:00.000001+00:00", "2026-11-30T10:01:00+00:00"),
        ("2026-11-30T10:00:59.999999+00:00", "2026-11-30T10:01:00+00:00"),
        ("2026-11-30T04:00:30-06:00", "2026-11-30T10:01:00+00:00"),  # any zone
        ("2026-12-31T23:59:01+00:00", "2027-01-01T00:00:00+00:00"),
    ],
)
def test_window_end(moment, end):
    assert tasks.window_end(datetime.fromisoformat(moment)) == (
        datetime.fromisoformat(end)
    )


def test_an_attempt_without_time_limit_schedules_nothing(
    final, learner, deferring_backend, django_capture_on_commit_callbacks
):
    """No deadline, no task."""
    AssessmentPage.objects.filter(pk=final.pk).update(time_limit_minutes=0)
    final.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_services.attempt_start(learner=learner, assessment=final)
    assert attempt.deadline is None
    assert deferring_backend.results == []


def test_immediate_backend_skips_deferral(final, learner):
    attempt = attempt_services.attempt_start(learner=learner, assessment=final)
    assert tasks.schedule_finalisation(attempt) is False


# -------------------------------------------------------------- query counts


def _count(client, url) -> int:
    # The payloads kept per version would make a page that draws no new
    # version one query cheaper: every count here reads them.
    payloads.frozen_payloads.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_result_page_queries_do_not_grow_with_questions(client, final, initial_data):
    """The result page needs as many queries for 30 questions as for 3 (warm:
    the links to lessons are cached after the first page that lists them)."""
    big, small = learner_ready_for(final), learner_ready_for(final)
    client.force_login(big)
    big_attempt = begin(client, final)
    submit(client, big_attempt)
    cold_count = _count(client, result_url(big_attempt))
    big_count = _count(client, result_url(big_attempt))
    assert big_count <= cold_count

    BlueprintRow.objects.filter(page=final).update(count=1, cover=False)
    client.force_login(small)
    small_attempt = begin(client, final)
    assert small_attempt.responses.count() == 3
    submit(client, small_attempt)
    assert _count(client, result_url(small_attempt)) == big_count


def test_dashboard_queries_do_not_grow_with_attempts(client_in, diagnostic):
    """ "Mis evaluaciones" lists every attempt in a constant number of queries."""
    attempt = begin(client_in, diagnostic)
    submit(client_in, attempt)
    url = reverse("portal:dashboard")
    one = _count(client_in, url)
    for _ in range(3):
        submit(client_in, begin(client_in, diagnostic))
    assert _count(client_in, url) == one
    html = client_in.get(url).content.decode()
    assert html.count(">Diagnóstico EC0305<") == 4


def test_attempt_page_queries_do_not_grow_with_questions(client, final):
    """Warm (the site is remembered after the first page), the attempt page
    needs as many queries for 30 questions as for 3."""
    big, small = learner_ready_for(final), learner_ready_for(final)
    client.force_login(big)
    url = begin(client, final).get_absolute_url()
    cold_count = _count(client, url)
    big_count = _count(client, url)
    assert big_count <= cold_count
    BlueprintRow.objects.filter(page=final).update(count=1, cover=False)
    client.force_login(small)
    assert _count(client, begin(client, final).get_absolute_url()) == big_count


def test_form_fields_helper_matches_the_page(client_in, final):
    """The helper's field names are the page's: every one appears in the form."""
    attempt = begin(client_in, final)
    html = client_in.get(attempt.get_absolute_url()).content.decode()
    for response in attempt.responses.select_related("version"):
        fields = form_fields(
            response.position,
            response.version.payload["type"],
            right_tokens(response),
        )
        for name in fields:
            assert f'name="{name}"' in html


def test_the_result_page_s_lesson_links_follow_the_content(client_in, final):
    """The links to the lessons that teach each criterion to work on are kept per
    content token: a lesson unpublished after they were first shown goes from
    the page at once; retitled, it shows its new title."""
    attempt = begin(client_in, final)
    submit(client_in, attempt)  # nothing answered: every criterion to work on
    html = client_in.get(result_url(attempt)).content.decode()
    linked = [
        lesson for lesson in LessonPage.objects.live() if f'href="{lesson.url}"' in html
    ]
    assert len(linked) >= 2
    gone, renamed = linked[0], linked[1]
    gone_link = f'href="{gone.url}"'
    gone.unpublish()
    renamed.title = "Lección con otro título"
    renamed.save_revision().publish()

    html = client_in.get(result_url(attempt)).content.decode()
    assert gone_link not in html
    assert "Lección con otro título" in html


def test_the_attempt_pages_follow_their_assessment_s_edits(client_in, final):
    """The attempt views keep their assessment page per content token: a
    published edit shows on the next request, and an attempt whose assessment
    was unpublished since stays reachable by its learner."""
    attempt = begin(client_in, final)
    assert final.title in client_in.get(attempt.get_absolute_url()).content.decode()

    final.title = "Evaluación final renombrada"
    final.save_revision().publish()
    page = client_in.get(attempt.get_absolute_url()).content.decode()
    assert "Evaluación final renombrada" in page

    final.unpublish()
    assert client_in.get(attempt.get_absolute_url()).status_code == 200
    assert submit(client_in, attempt).status_code == 303
    result = client_in.get(result_url(attempt))
    assert result.status_code == 200
    assert "Evaluación final renombrada" in result.content.decode()
