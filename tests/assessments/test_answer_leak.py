"""The right answers never reach the learner's browser before the attempt is
finished: not in the start page, the attempt page, the answers of the save
endpoint (right or wrong), the page after a plain form save, nor /mi-avance/.

The attempt holds one question of every type, written with markers: per-option
and general feedback texts that must not appear, and payload ids (from which the
key can be derived, see assessments/learner_answers) that must not appear either.
"""

import json
import re

import pytest
from django.urls import reverse

from assessments import payloads
from assessments.models import AssessmentPage, Attempt, BlueprintRow, Question, Response
from assessments.question_services import question_bank_load
from standards.models import Criterion, Element
from tests.assessments.attempt_helpers import form_fields, right_form, right_tokens
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

TYPES = ["single", "multiple", "true_false", "matching", "ordering", "situational"]


def leak_bank(criterion: str) -> list[dict]:
    def opt(n, **extra):
        return {"text": f"Texto de opción {n}", "feedback": f"FBOPT-{n}", **extra}

    return [
        {
            "code": "LEAK-001",
            "criterion": criterion,
            "type": "single",
            "stem": "Pregunta de una respuesta.",
            "feedback": "FBGEN-001",
            "options": [opt(11, correct=True), opt(12), opt(13), opt(14)],
        },
        {
            "code": "LEAK-002",
            "criterion": criterion,
            "type": "multiple",
            "stem": "Pregunta de varias respuestas.",
            "feedback": "FBGEN-002",
            "options": [
                opt(21, correct=True),
                opt(22, correct=True),
                opt(23),
                opt(24),
            ],
        },
        {
            "code": "LEAK-003",
            "criterion": criterion,
            "type": "true_false",
            "stem": "Pregunta de verdadero o falso.",
            "feedback": "FBGEN-003",
            "answer": True,
        },
        {
            "code": "LEAK-004",
            "criterion": criterion,
            "type": "matching",
            "stem": "Pregunta de relacionar.",
            "feedback": "FBGEN-004",
            "pairs": [
                {"prompt": f"Enunciado {n}", "match": f"Pareja {n}"}
                for n in (41, 42, 43, 44)
            ],
        },
        {
            "code": "LEAK-005",
            "criterion": criterion,
            "type": "ordering",
            "stem": "Pregunta de ordenar.",
            "feedback": "FBGEN-005",
            "items": [f"Paso {n}" for n in (51, 52, 53, 54)],
        },
        {
            "code": "LEAK-006",
            "criterion": criterion,
            "type": "situational",
            "stem": "Pregunta de juicio situacional.",
            "feedback": "FBGEN-006",
            "options": [
                opt(61, credit="1"),
                opt(62, credit="1/2"),
                opt(63, credit="0"),
            ],
        },
    ]


@pytest.fixture
def leak_assessment(initial_data):
    """An assessment drawing exactly the six marked questions, one per type."""
    criterion = Criterion.objects.filter(element__code="E1").order_by("order").first()
    question_bank_load(entries=leak_bank(criterion.code))
    Question.objects.exclude(code__startswith="LEAK-").update(active=False)
    final = AssessmentPage.objects.get(slug="evaluacion-final-ec0305")
    page = AssessmentPage(
        title="Evaluación de fugas",
        slug="evaluacion-de-fugas",
        mode=AssessmentPage.Mode.FINAL,
        time_limit_minutes=10,
        attempts_allowed=2,
        review_answers=AssessmentPage.ReviewAnswers.AFTER_PASS,
    )
    final.get_parent().add_child(instance=page)
    BlueprintRow.objects.create(
        page=page, element=Element.objects.get(code="E1"), count=6, sort_order=0
    )
    return page


def secrets_of(responses) -> list[str]:
    """Everything that would reveal a key: payload ids and match ids, the words
    of the key's fields, the feedback markers."""
    found = []
    for response in responses:
        payload = response.version.payload
        for option in payload.get("options", []):
            found.append(option["id"])
        for pair in payload.get("pairs", []):
            found += [pair["id"], pair["match_id"]]
        for item in payload.get("items", []):
            found.append(item["id"])
    return found


KEY_WORDS = re.compile(r"\bcorrect\b|credit|match_id|FBOPT-|FBGEN-|\"answer\"\s*:")


def assert_no_leak(label: str, body: str, secrets: list[str]) -> None:
    assert not KEY_WORDS.search(body), (label, KEY_WORDS.search(body)[0])
    for secret in secrets:
        assert secret not in body, (label, secret)


def in_order(body: str, texts: list[str]) -> bool:
    positions = [body.index(text) for text in texts]
    return positions == sorted(positions)


def section(html: str, position: int) -> str:
    """The question's answer controls: its section up to the flag for review
    (the same box for every question, keyed by position only)."""
    start = html.index(f'id="q-{position}"')
    end = html.find('name="shown"', start)
    return html[start:end]


def test_no_key_reaches_the_browser_before_the_end(client, leak_assessment):
    learner = LearnerFactory()
    client.force_login(learner)
    pages: list[tuple[str, str]] = []

    pages.append(("start page", client.get(leak_assessment.url).content.decode()))
    begun = client.post(leak_assessment.url + "comenzar/")
    assert begun.status_code == 303
    attempt = Attempt.objects.get(learner=learner, assessment=leak_assessment)
    responses = list(
        Response.objects.filter(attempt=attempt)
        .select_related("version")
        .order_by("position")
    )
    assert sorted(r.version.payload["type"] for r in responses) == sorted(TYPES)
    by_type = {r.version.payload["type"]: r for r in responses}

    # Matches in the key's order would pair each prompt with its match by
    # position; the draw shuffles them, make sure this one differs.
    matching = by_type["matching"]
    key_matches = [p["match_id"] for p in matching.version.payload["pairs"]]
    key_prompts = [p["id"] for p in matching.version.payload["pairs"]]
    shown = [key_matches[key_prompts.index(p)] for p in matching.display["prompts"]]
    if matching.display["matches"] == shown:
        matching.display["matches"] = shown[1:] + shown[:1]
        matching.save(update_fields=["display"])
    # Ordering items are shown in any order, the right one included (one time
    # in 24 here): make sure this one is not, so that "shown in the key's order"
    # below can only fail for a leak.
    ordering = by_type["ordering"]
    key_items = [item["id"] for item in ordering.version.payload["items"]]
    if ordering.display["items"] == key_items:
        ordering.display["items"] = key_items[1:] + key_items[:1]
        ordering.save(update_fields=["display"])

    attempt_url = attempt.get_absolute_url()
    html = client.get(attempt_url).content.decode()
    pages.append(("attempt page", html))
    pages.append(
        ("start page, attempt open", client.get(leak_assessment.url).content.decode())
    )
    pages.append(
        ("mi avance", client.get(reverse("portal:dashboard")).content.decode())
    )

    # What is shown follows the attempt's frozen display order, never the key's.
    for response in responses:
        payload, display, part = response.version.payload, response.display, None
        part = section(html, response.position)
        kind = payload["type"]
        if kind in ("single", "multiple", "situational"):
            texts = {o["id"]: o["text"] for o in payload["options"]}
            assert in_order(part, [texts[i] for i in display["options"]])
        elif kind == "matching":
            first_select = part[part.index("<select") : part.index("</select>")]
            matches = {p["match_id"]: p["match"] for p in payload["pairs"]}
            assert in_order(first_select, [matches[i] for i in display["matches"]])
        elif kind == "ordering":
            texts = {i["id"]: i["text"] for i in payload["items"]}
            assert in_order(part, [texts[i] for i in display["items"]])
            assert not in_order(part, [i["text"] for i in payload["items"]])
        # Correct and wrong choices are marked up alike: the tags differ only
        # in their token.
        tags = {
            re.sub(r'(value|id|for)="[^"]*"', "", tag)
            for tag in re.findall(r"<input[^>]*>", part)
        }
        assert len(tags) <= 1, (kind, tags)

    # Saving a right and a wrong answer answers alike.
    save_url = reverse("assessments:attempt_save", args=[attempt.uuid])
    for response in responses:
        right = right_tokens(response)
        wrong = _a_wrong_answer(response)
        replies = []
        for answer in (wrong, right):
            reply = client.post(
                save_url,
                data=json.dumps({"position": response.position, "answer": answer}),
                content_type="application/json",
            )
            assert reply.status_code == 200
            pages.append((f"save {response.position}", reply.content.decode()))
            body = reply.json()
            body.pop("saved_at"), body.pop("message")
            replies.append(body)
        assert replies[0] == replies[1]
    bad = client.post(save_url, data="{", content_type="application/json")
    pages.append(("bad save", bad.content.decode()))

    # The plain form save and the page it leads to.
    saved = client.post(save_url, right_form(attempt), follow=True)
    assert saved.status_code == 200
    pages.append(("form save, followed", saved.content.decode()))
    incomplete = {
        **right_form(attempt),
        **form_fields(
            by_type["ordering"].position,
            "ordering",
            dict.fromkeys(map(str, range(4)), 1),
        ),
    }
    pages.append(
        (
            "form save, half-done ordering",
            client.post(save_url, incomplete, follow=True).content.decode(),
        )
    )
    tampered = client.post(save_url, {"q-99": "1"})
    assert tampered.status_code == 400
    pages.append(("tampered form", tampered.content.decode()))

    secrets = secrets_of(responses)
    assert secrets
    for label, body in pages:
        assert_no_leak(label, body, secrets)

    # Finished: the review may now show the right answers (after_pass, passed).
    client.post(reverse("assessments:attempt_submit", args=[attempt.uuid]))
    result = client.get(reverse("assessments:attempt_result", args=[attempt.uuid]))
    assert "Respuesta correcta:" in result.content.decode()
    assert "FBOPT-" in result.content.decode()


def _a_wrong_answer(response):
    kind = response.version.payload["type"]
    key = payloads.answer_key(response.version.payload)
    display = response.display
    if kind == "true_false":
        return "false" if "true" in key.correct else "true"
    if kind in ("single", "situational"):
        right = key.correct or {o for o, credit in key.credits if credit == 1}
        return next(
            str(i) for i, option in enumerate(display["options"]) if option not in right
        )
    if kind == "multiple":
        return [
            str(i)
            for i, option in enumerate(display["options"])
            if option not in key.correct
        ]
    if kind == "matching":
        return {str(i): "0" for i in range(len(display["prompts"]))}
    right = right_tokens(response)
    order = sorted(right, key=right.get)
    return {token: n for n, token in enumerate(reversed(order), start=1)}


# ------------------------------------------------ after submitting: the review


def take(client, assessment, *, right: bool) -> Attempt:
    """Start (by the start page's URL) and submit an attempt, every answer right
    or none given; return it."""
    begun = client.post(reverse("assessments:begin", args=[assessment.pk]))
    assert begun.status_code == 303
    attempt = Attempt.objects.get(uuid=begun["Location"].split("/")[-2])
    data = right_form(attempt) if right else {}
    submitted = client.post(
        reverse("assessments:attempt_submit", args=[attempt.uuid]), data
    )
    assert submitted.status_code == 303
    return attempt


def result_page(client, attempt) -> str:
    response = client.get(reverse("assessments:attempt_result", args=[attempt.uuid]))
    assert response.status_code == 200
    return response.content.decode()


STEMS = [entry["stem"] for entry in leak_bank("K01")]


def assert_review_withheld(html: str, attempt: Attempt) -> None:
    """Only the results by element and criterion: no stem, no answer, no right
    answer, no general or option feedback, no payload id."""
    responses = Response.objects.filter(attempt=attempt).select_related("version")
    for secret in secrets_of(responses):
        assert secret not in html
    # (KEY_WORDS would match "acreditados" on a passed attempt's page.)
    assert "FBGEN-" not in html
    assert "FBOPT-" not in html
    assert 'data-testid="review"' not in html
    assert 'data-testid="answers-hidden"' in html
    for label in ("Respuesta correcta:", "Tu respuesta:", "Retroalimentación:"):
        assert label not in html
    for stem in STEMS:
        assert stem not in html
    assert 'data-testid="element-results"' in html


def assert_review_shown(html: str, *, answered: bool) -> None:
    """The whole review: right answers, every general feedback and, for an
    answered attempt, the feedback of the options chosen."""
    assert 'data-testid="review"' in html
    assert "Respuesta correcta:" in html
    for n in range(1, 7):
        assert f"FBGEN-00{n}" in html
    assert ("FBOPT-" in html) is answered
    for stem in STEMS:
        assert stem in html


def test_a_failed_attempt_shows_only_results_and_lessons(client, leak_assessment):
    """Under "after passing", a failed attempt's result page shows the element
    result and the criteria to work on with links to their lessons, and nothing
    of any question: no stem, no right answer, none of the general feedback
    (which would say "Verdadero." or spell out an order) nor of the options'."""
    client.force_login(LearnerFactory())
    attempt = take(client, leak_assessment, right=False)
    html = result_page(client, attempt)
    assert_review_withheld(html, attempt)
    assert 'data-element="E1"' in html
    assert 'data-testid="criteria-to-work"' in html
    assert re.search(r'<ul class="criteria-lessons"><li><a href="/[^"]+">', html)
    assert "se muestra cuando apruebas" in html


def test_passing_shows_the_review_with_all_feedback(client, leak_assessment):
    """Once the learner passes, both attempts' pages show the whole review: right
    answers, general feedback and the chosen options' feedback."""
    client.force_login(LearnerFactory())
    failed = take(client, leak_assessment, right=False)
    passed = take(client, leak_assessment, right=True)
    assert_review_shown(result_page(client, passed), answered=True)
    assert "FBGEN-001" in result_page(client, failed)


@pytest.mark.parametrize(
    ("policy", "shown_after"),
    [
        (AssessmentPage.ReviewAnswers.NEVER, [False, False]),
        (AssessmentPage.ReviewAnswers.AFTER_LAST, [False, True]),
        (AssessmentPage.ReviewAnswers.AFTER_PASS, [False, False]),
    ],
)
def test_feedback_follows_the_review_policy(
    client, leak_assessment, policy, shown_after
):
    """Two failed attempts: feedback shows exactly when the right answers do
    (never; after the last attempt; after passing, which never comes)."""
    AssessmentPage.objects.filter(pk=leak_assessment.pk).update(review_answers=policy)
    leak_assessment.refresh_from_db()
    client.force_login(LearnerFactory())
    for shown in shown_after:
        attempt = take(client, leak_assessment, right=False)
        html = result_page(client, attempt)
        if shown:
            assert_review_shown(html, answered=False)
        else:
            assert_review_withheld(html, attempt)


def test_an_open_attempt_withholds_the_review_of_earlier_ones(client, leak_assessment):
    """While another attempt of the same assessment is open, even a passed
    attempt's page withholds the review (the open one draws from the same
    bank)."""
    AssessmentPage.objects.filter(pk=leak_assessment.pk).update(attempts_allowed=3)
    leak_assessment.refresh_from_db()
    client.force_login(LearnerFactory())
    passed = take(client, leak_assessment, right=True)
    client.post(reverse("assessments:begin", args=[leak_assessment.pk]))
    html = result_page(client, passed)
    assert_review_withheld(html, passed)
    assert "mientras tengas un intento en curso" in html
