"""Short answer and numerical questions, and formatted (HTML) question text.

The grading rules are pure (assessments/typed_grading.py) and tested as tables;
then the types go through the attempt page (the widget, no key in the page), the
save, the submit, the review (the typed answer, the accepted ones, the matched
answer's feedback) and the admin editor; an HTML stem is shown formatted and
sanitised, never as raw tags.
"""

import json
import random
from fractions import Fraction as F

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from assessments import grading, payloads, rich_text
from assessments.attempt_services import attempt_start
from assessments.grading import AnswerShapeError
from assessments.models import AssessmentPage, Attempt, Question
from assessments.question_services import content_from_data, question_problems
from assessments.templatetags.question_text import question_text
from assessments.typed_grading import (
    Accepted,
    Interval,
    NumericalKey,
    ShortAnswerKey,
    TextRule,
    normalize_text,
    parse_number,
)
from tests.assessments.test_question_bank_admin import listblock
from tests.factories import (
    CriterionFactory,
    LearnerFactory,
    QuestionFactory,
    TrainerFactory,
    build_assessment,
)

# ------------------------------------------------------------ pure: short answer

NORMALIZE_CASES = [
    # (case, text, rule, normalised)
    ("spaces and punctuation around", "  ¿Ventanilla 7?  ", TextRule(), "ventanilla 7"),
    ("inner spaces collapse", "ventanilla \t  7", TextRule(), "ventanilla 7"),
    ("case folds", "VENTANILLA", TextRule(), "ventanilla"),
    ("accents drop", "Según él", TextRule(), "segun el"),
    ("ñ stays", "Año", TextRule(), "año"),
    ("diaeresis drops", "pingüino", TextRule(), "pinguino"),
    ("case kept when sensitive", "Según", TextRule(case_sensitive=True), "Segun"),
    ("accents kept when sensitive", "Según", TextRule(accent_sensitive=True), "según"),
    ("inner punctuation stays", "«Sí, claro»", TextRule(), "si, claro"),
    ("only punctuation", " ¡...! ", TextRule(), ""),
]


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [case[1:] for case in NORMALIZE_CASES],
    ids=[case[0] for case in NORMALIZE_CASES],
)
def test_normalisation_rule(text, rule, expected):
    assert normalize_text(text, rule) == expected


KEY = ShortAnswerKey(
    "short_answer",
    (
        Accepted("Ventanilla 7", F(1)),
        Accepted("Ulises*Grant", F(1)),
        Accepted("ventanilla*", F(1, 2)),
        Accepted("a\\*b", F(1)),
    ),
)
STRICT = ShortAnswerKey(
    "short_answer",
    (Accepted("Según", F(1)),),
    TextRule(case_sensitive=True, accent_sensitive=True),
)

SHORT_CASES = [
    # (case, key, answer, score)
    ("exact", KEY, "Ventanilla 7", F(1)),
    ("case, spaces and punctuation ignored", KEY, "  ¿ventanilla   7? ", F(1)),
    ("wildcard in the middle", KEY, "Ulises S. Grant", F(1)),
    ("wildcard matches nothing", KEY, "UlisesGrant", F(1)),
    ("wildcard needs both ends", KEY, "Ulises", F(0)),
    ("first matching answer wins", KEY, "ventanilla 7", F(1)),
    ("a later answer's partial credit", KEY, "Ventanilla 9", F(1, 2)),
    ("escaped star is literal", KEY, "a*b", F(1)),
    ("escaped star is not a wildcard", KEY, "axb", F(0)),
    ("wrong", KEY, "Caja", F(0)),
    ("blank", KEY, "", F(0)),
    ("not text", KEY, 7, F(0)),
    ("too long", KEY, "Ventanilla 7" + " " * 300, F(0)),
    ("strict: exact", STRICT, "Según", F(1)),
    ("strict: case", STRICT, "según", F(0)),
    ("strict: accent", STRICT, "Segun", F(0)),
]


@pytest.mark.parametrize(
    ("key", "answer", "expected"),
    [case[1:] for case in SHORT_CASES],
    ids=[case[0] for case in SHORT_CASES],
)
def test_short_answer_score(key, answer, expected):
    assert grading.score(key, answer) == expected


# ------------------------------------------------------------ pure: numerical

PAUSE = NumericalKey(
    "numerical",
    (
        Interval(F(3), F(3), F(1), "3"),
        Interval(F(3), F("3.2"), F(1, 2), "3.1"),
        Interval(F(1), F(5), F(1, 4), "1"),
    ),
)
PI = NumericalKey("numerical", (Interval(F("3.1405"), F("3.1425"), F(1), "3.1415"),))

NUMERIC_CASES = [
    ("exact value", PAUSE, "3", F(1)),
    ("same value, other notation", PAUSE, "3.000", F(1)),
    ("comma as decimal separator", PAUSE, "3,1", F(1, 2)),
    ("upper bound included", PAUSE, "3.2", F(1, 2)),
    ("just above the tolerance", PAUSE, "3.2000001", F(1, 4)),
    ("interval ends included", PAUSE, "5", F(1, 4)),
    ("outside every answer", PAUSE, "5.01", F(0)),
    ("negative", PAUSE, "-3", F(0)),
    ("exponent", PAUSE, "3e0", F(1)),
    ("exact, no float rounding", PI, "3.1405", F(1)),
    ("exact, just below", PI, "3.14049999999999999999", F(0)),
    ("not a number", PAUSE, "tres", F(0)),
    ("thousands separator is not read", PAUSE, "1,000.5", F(0)),
    ("blank", PAUSE, "", F(0)),
    ("not text", PAUSE, 3, F(0)),
]


@pytest.mark.parametrize(
    ("key", "answer", "expected"),
    [case[1:] for case in NUMERIC_CASES],
    ids=[case[0] for case in NUMERIC_CASES],
)
def test_numerical_score(key, answer, expected):
    assert grading.score(key, answer) == expected


@pytest.mark.parametrize(
    ("key", "raw", "canonical"),
    [
        (KEY, "  Ventanilla    7 ", "Ventanilla 7"),
        (KEY, "   ", None),
        (KEY, None, None),
        (KEY, [], None),
        (PAUSE, " 3,50 ", "3.5"),
        (PAUSE, "+1E1", "10"),
        (PAUSE, "-0", "0"),
        (PAUSE, "", None),
    ],
)
def test_typed_answers_are_stored_canonical(key, raw, canonical):
    """Spaces trimmed and collapsed (text as typed, case and accents kept);
    numbers in their shortest plain notation; blanks are None."""
    assert grading.normalize_answer(key, raw) == canonical


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        (KEY, ["Ventanilla 7"]),
        (KEY, "x" * 201),
        (PAUSE, "tres"),
        (PAUSE, "1,000.5"),
        (PAUSE, "9" * 41),
        (PAUSE, 3),
    ],
)
def test_malformed_typed_answers_are_refused(key, raw):
    with pytest.raises(AnswerShapeError):
        grading.normalize_answer(key, raw)


def test_parse_number_is_exact_and_bounded():
    assert parse_number("0.1") + parse_number("0.2") == parse_number("0.3")
    for bad in ("", "1.2.3", "1e999", "∞", "nan", "1 000"):
        with pytest.raises(ValueError):
            parse_number(bad)


# ------------------------------------------------------------ pure: rich text


def test_sanitiser_keeps_formatting_and_drops_the_rest():
    """Allowed tags stay; scripts, handlers, styles, images and javascript: links
    go; links get rel=noopener."""
    dirty = (
        '<p onclick="x()" style="color:red">Hola <strong>tú</strong>'
        '<script>alert(1)</script><img src="http://evil/x.png">'
        '<a href="javascript:alert(1)">a</a> <a href="https://e.org">b</a></p>'
        "<iframe src=x></iframe><!-- nota -->"
    )
    assert rich_text.sanitize(dirty) == (
        '<p>Hola <strong>tú</strong><a rel="noopener noreferrer nofollow">a</a> '
        '<a href="https://e.org" rel="noopener noreferrer nofollow">b</a></p>'
    )


def test_the_template_filter_sanitises_even_what_was_stored():
    """Whatever a payload holds, the page gets sanitised HTML for an HTML text
    and escaped text (line breaks kept) for a plain one."""
    assert question_text("<b>a</b><script>x</script>", "html") == "<b>a</b>"
    assert question_text("<b>a</b>\nb", "plain") == "&lt;b&gt;a&lt;/b&gt;<br>b"


# ------------------------------------------------------------ the attempt


def typed_assessment(kind, **fields):
    fields.setdefault("review_answers", AssessmentPage.ReviewAnswers.AFTER_PASS)
    assessment, _elements, bank = build_assessment(
        questions=(1,), kinds=(kind,), **fields
    )
    return assessment, bank[0][0]


def save_json(client, attempt, answer):
    return client.post(
        reverse("assessments:attempt_save", args=[attempt.uuid]),
        data=json.dumps({"position": 1, "answer": answer}),
        content_type="application/json",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "field_id", "right", "partial", "secrets"),
    [
        (
            "short_answer",
            "q-1-text",
            "  ventanilla 7 ",
            "Siete",
            ["Ventanilla 7", "siete", "Di cuál."],
        ),
        ("numerical", "q-1-number", "30,0", "26", ["30", "25", "35", "Cerca."]),
    ],
)
def test_a_typed_question_end_to_end(client, kind, field_id, right, partial, secrets):
    """The page shows a text box and none of the accepted answers; a save of a
    partial answer, then of the right one in another spelling; submit scores 1;
    the review shows what was typed and the accepted answers."""
    assessment, _question = typed_assessment(kind)
    learner = LearnerFactory()
    attempt = attempt_start(
        learner=learner, assessment=assessment, rng=random.Random(1)
    )
    client.force_login(learner)

    page = client.get(attempt.get_absolute_url()).content.decode()
    assert f'data-type="{kind}"' in page
    assert f'id="{field_id}"' in page and 'data-answer-shape="one"' in page
    body = page.split('id="attempt-form"')[1]
    for secret in secrets:
        assert f">{secret}<" not in body and f'"{secret}"' not in body, secret

    assert save_json(client, attempt, partial).status_code == 200
    response = attempt.responses.get()
    key = payloads.answer_key(response.version.payload)
    assert grading.score(key, response.answer) == F(1, 2)

    saved = save_json(client, attempt, right)
    assert saved.status_code == 200 and saved.json()["answered"] is True
    client.post(reverse("assessments:attempt_submit", args=[attempt.uuid]))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.score == 1

    review = client.get(
        reverse("assessments:attempt_result", args=[attempt.uuid])
    ).content.decode()
    response.refresh_from_db()
    assert f"<li>{response.answer}</li>" in review
    assert "Respuesta correcta:" in review
    if kind == "short_answer":
        assert "<li>Ventanilla 7</li>" in review
        assert "siete (vale 50 %)" in review
    else:
        assert "<li>30</li>" in review
        assert "de 25 a 35 (vale 50 %)" in review


@pytest.mark.django_db
def test_a_number_that_is_not_one_is_refused_with_a_message(client):
    """A save of text in a numerical question is a 400 with a message; the saved
    answer stays; the plain form post says so too."""
    assessment, _question = typed_assessment("numerical")
    learner = LearnerFactory()
    attempt = attempt_start(learner=learner, assessment=assessment)
    client.force_login(learner)
    assert save_json(client, attempt, "31").status_code == 200
    refused = save_json(client, attempt, "treinta")
    assert refused.status_code == 400
    assert "formato válido" in refused.json()["error"]
    assert attempt.responses.get().answer == "31"
    posted = client.post(
        reverse("assessments:attempt_save", args=[attempt.uuid]), {"q-1": "1.000,5"}
    )
    assert posted.status_code == 400
    assert attempt.responses.get().answer == "31"


@pytest.mark.django_db
def test_the_matched_answer_feedback_shows_in_the_review(client):
    """The review shows the feedback of the accepted answer the learner's
    matched (here the half-credit one)."""
    assessment, _question = typed_assessment(
        "short_answer",
        attempts_allowed=1,
        review_answers=AssessmentPage.ReviewAnswers.AFTER_LAST,
    )
    learner = LearnerFactory()
    attempt = attempt_start(learner=learner, assessment=assessment)
    client.force_login(learner)
    save_json(client, attempt, "siete")
    client.post(reverse("assessments:attempt_submit", args=[attempt.uuid]))
    review = client.get(
        reverse("assessments:attempt_result", args=[attempt.uuid])
    ).content.decode()
    assert "Parcial (50 %)" in review
    assert "Di cuál." in review


# ------------------------------------------------------------ HTML question text


@pytest.mark.django_db
def test_an_html_stem_shows_formatted_and_sanitised(client):
    """An HTML question's stem and feedback show as formatted text in the
    attempt page and the review: the allowed tags render, a script stored by
    any means never reaches the page, and no tag shows as text."""
    assessment, question = typed_assessment(
        "single",
        attempts_allowed=1,
        review_answers=AssessmentPage.ReviewAnswers.AFTER_LAST,
    )
    Question.objects.filter(pk=question.pk).update(
        text_format="html",
        stem="<p>¿Qué <strong>debes</strong> hacer?</p><script>alert('x')</script>",
        feedback="<ul><li>Agradecer</li></ul><img src=x onerror=alert(1)>",
    )
    learner = LearnerFactory()
    attempt = attempt_start(learner=learner, assessment=assessment)
    client.force_login(learner)
    page = client.get(attempt.get_absolute_url()).content.decode()
    assert "<p>¿Qué <strong>debes</strong> hacer?</p>" in page
    assert "alert('x')" not in page and "&lt;strong&gt;" not in page
    assert 'aria-describedby="q-1-stem"' in page

    client.post(reverse("assessments:attempt_submit", args=[attempt.uuid]))
    review = client.get(
        reverse("assessments:attempt_result", args=[attempt.uuid])
    ).content.decode()
    assert "<strong>debes</strong>" in review
    assert "<ul><li>Agradecer</li></ul>" in review
    assert "onerror" not in review and "alert(" not in review


@pytest.mark.django_db
def test_a_plain_stem_shows_tags_as_text(client):
    """A plain question that mentions a tag shows it as text, not as markup."""
    assessment, question = typed_assessment("single")
    Question.objects.filter(pk=question.pk).update(stem="¿Qué hace <b>?\nDos")
    learner = LearnerFactory()
    attempt = attempt_start(learner=learner, assessment=assessment)
    client.force_login(learner)
    page = client.get(attempt.get_absolute_url()).content.decode()
    assert "¿Qué hace &lt;b&gt;?<br>Dos" in page


@pytest.mark.django_db
def test_html_format_changes_the_payload_only_for_html():
    """A plain question's payload (and version hash) is what it was before
    formats existed; an HTML one records its format."""
    question = QuestionFactory(kind="single")
    assert "format" not in payloads.payload_of(question)
    question.text_format = "html"
    assert payloads.payload_of(question)["format"] == "html"
    assert payloads.text_format(payloads.payload_of(question)) == "html"


# ------------------------------------------------------------ the admin editor


ADD_URL = reverse("wagtailsnippets_assessments_question:add")


def editor_form(criterion, kind, value, **fields):
    return nested_form_data(
        {
            "code": "ED-001",
            "criterion": criterion.pk,
            "stem": "¿Pregunta?",
            "text_format": "plain",
            "content": streamfield([(kind, value)]),
            "feedback": "",
            "difficulty": "medium",
            "tags": "",
            "active": "on",
            **fields,
        }
    )


SHORT_VALUE = {
    "answers": listblock(
        [
            {"text": "Ventanilla 7", "credit": "100", "feedback": ""},
            {"text": "siete", "credit": "50", "feedback": "Di cuál."},
        ]
    ),
    "case_sensitive": "",
    "accent_sensitive": "on",
}


def numeric_answer(kind="value", value="", tolerance="", minimum="", maximum=""):
    return {
        "kind": kind,
        "value": value,
        "tolerance": tolerance,
        "minimum": minimum,
        "maximum": maximum,
        "credit": "100",
        "feedback": "",
    }


@pytest.mark.django_db
def test_a_trainer_writes_a_short_answer_and_a_numerical_question(client):
    criterion = CriterionFactory()
    client.force_login(TrainerFactory())
    response = client.post(ADD_URL, editor_form(criterion, "short_answer", SHORT_VALUE))
    assert response.status_code == 302, response.content.decode()[-2000:]
    payload = payloads.payload_of(Question.objects.get(code="ED-001"))
    assert payload["accent_sensitive"] is True and payload["case_sensitive"] is False
    assert [(a["text"], a["credit"]) for a in payload["answers"]] == [
        ("Ventanilla 7", 100),
        ("siete", 50),
    ]

    numeric = {
        "answers": listblock(
            [
                numeric_answer(value="3.14", tolerance="0.01"),
                numeric_answer(kind="range", minimum="1", maximum="5"),
            ]
        )
    }
    response = client.post(
        ADD_URL, editor_form(criterion, "numerical", numeric, code="ED-002")
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    payload = payloads.payload_of(Question.objects.get(code="ED-002"))
    assert [
        (a["kind"], a.get("value"), a.get("tolerance"), a.get("minimum"))
        for a in payload["answers"]
    ] == [("value", "3.14", "0.01", None), ("range", None, None, "1")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            [numeric_answer(kind="range", minimum="5", maximum="1")],
            "no puede pasar del",
        ),
        ([numeric_answer(kind="range", minimum="5")], "Un intervalo necesita su"),
        ([numeric_answer(tolerance="1")], "necesita su valor"),
    ],
    ids=["reversed-range", "half-range", "no-value"],
)
def test_the_editor_refuses_a_numerical_answer_that_means_nothing(
    client, answers, message
):
    criterion = CriterionFactory()
    client.force_login(TrainerFactory())
    response = client.post(
        ADD_URL,
        editor_form(criterion, "numerical", {"answers": listblock(answers)}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(code="ED-001").exists()


@pytest.mark.django_db
def test_the_editor_sanitises_an_html_question_on_save(client):
    """A trainer who picks HTML gets the stem and feedback stored sanitised."""
    criterion = CriterionFactory()
    client.force_login(TrainerFactory())
    response = client.post(
        ADD_URL,
        editor_form(
            criterion,
            "short_answer",
            SHORT_VALUE,
            text_format="html",
            stem='<p onclick="x">Hola <em>tú</em></p><script>1</script>',
            feedback="<style>p{}</style><b>ok</b>",
        ),
    )
    assert response.status_code == 302
    question = Question.objects.get(code="ED-001")
    assert (question.stem, question.feedback) == (
        "<p>Hola <em>tú</em></p>",
        "<b>ok</b>",
    )
    assert question.plain_stem == "Hola tú"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"answers": [{"text": "Sí"}, {"text": "si"}]},
            "se repiten según la regla",
        ),
        ({"answers": [{"text": "¿?"}]}, "no tiene letras ni números"),
        ({"answers": [{"text": "a", "credit": "1/2"}]}, "debe valer 100 %"),
    ],
    ids=["same-under-rule", "only-punctuation", "no-full-credit"],
)
def test_short_answer_block_rules(data, message):
    """Accepted answers must differ under the question's rule, hold a letter or
    a number, and one must be worth 100 %."""
    question = Question(
        code="SA-1",
        criterion=CriterionFactory(),
        stem="¿?",
        content=content_from_data({"type": "short_answer", "code": "SA-1", **data}),
    )
    assert any(message in problem for problem in question_problems(question))


@pytest.mark.django_db
def test_the_bank_data_shape_of_the_new_types():
    """The question bank's data (assessments/content/README.md) writes a short
    answer's accepted answers and a numerical question's values, tolerances and
    intervals; credits are fractions."""
    short = content_from_data(
        {
            "type": "short_answer",
            "code": "Y-1",
            "case_sensitive": True,
            "answers": [{"text": "Sí"}, {"text": "Si", "credit": "1/2"}],
        }
    )[0]["value"]
    assert short["case_sensitive"] is True and short["accent_sensitive"] is False
    assert [a["value"]["credit"] for a in short["answers"]] == [100, 50]
    numeric = content_from_data(
        {
            "type": "numerical",
            "code": "Y-2",
            "answers": [
                {"value": "9", "tolerance": "3"},
                {"min": "1", "max": 3, "credit": "1/4", "feedback": "Pocos."},
            ],
        }
    )[0]["value"]
    kinds = [(a["value"]["kind"], a["value"]["credit"]) for a in numeric["answers"]]
    assert kinds == [("value", 100), ("range", 25)]
