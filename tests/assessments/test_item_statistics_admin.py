"""Assessment results and item statistics in the admin: the figures on a small
hand-built set of attempts, the CSV export, who may read them, and a query count
that does not grow with the attempts."""

import csv
import io
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import admin_selectors, admin_views
from assessments.attempt_services import (
    attempt_save_answer,
    attempt_start,
    attempt_submit,
)
from tests.factories import (
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    UserFactory,
    answer_for,
    build_assessment,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("wagtailadmin_login")
ADMIN_HOME = reverse("wagtailadmin_home")


def pick(*texts):
    """An answer choosing the options with these texts (a list for multiple)."""

    def answer(payload):
        ids = [o["id"] for o in payload["options"] if o["text"] in texts]
        return ids if payload["type"] == "multiple" else ids[0]

    return answer


def take(assessment, answers, *, name=None):
    """One learner's submitted attempt; ``answers`` maps question codes to a
    function of the version payload giving the raw answer (None: left blank)."""
    learner = LearnerFactory(**({"first_name": name} if name else {}))
    attempt = attempt_start(learner=learner, assessment=assessment)
    for response in attempt.responses.select_related("version__question"):
        raw = answers[response.version.question.code](response.version.payload)
        if raw is not None:
            attempt_save_answer(
                attempt=attempt, position=response.position, raw_answer=raw
            )
    return attempt_submit(attempt=attempt)


@pytest.fixture
def scenario():
    """Two elements (threshold 50 %): E1 with a single, a multiple and a true/false
    question, E2 with a single one; four attempts answered by hand.

    ==========  =====  ==========  =====  =====  =====
    attempt     q1     q2          q3     q4     total
    ==========  =====  ==========  =====  =====  =====
    a1          A 1    E+C 1       F 0    A 1    3
    a2          A 1    E 1/2       F 0    B 0    3/2
    a3          B 0    E+D 0       F 0    A 1    1
    a4          C 0    (blank) 0   T 1    A 1    2
    ==========  =====  ==========  =====  =====  =====

    Groups of 27 % of 4: one attempt each; upper a1 (3), lower a3 (1).
    """
    assessment, _elements, bank = build_assessment(
        questions=(3, 1),
        kinds=("single", "multiple", "true_false"),
        threshold_percent=50,
        shuffle_questions=False,
    )
    q1, q2, q3 = bank[0]
    q4 = bank[1][0]
    right, wrong1, wrong2 = (
        "Saludar por su nombre",
        "Ignorar al cliente",
        "Interrumpirlo",
    )
    listen, confirm, argue = "Escuchar", "Confirmar la solicitud", "Discutir"
    true, false = (lambda p: "true"), (lambda p: "false")
    rows = [
        (pick(right), pick(listen, confirm), false, pick(right)),
        (pick(right), pick(listen), false, pick(wrong1)),
        (pick(wrong1), pick(listen, argue), false, pick(right)),
        (pick(wrong2), lambda p: None, true, pick(right)),
    ]
    attempts = [
        take(
            assessment,
            {q1.code: a, q2.code: b, q3.code: c, q4.code: d},
            name=f"Aprendiz{index}",
        )
        for index, (a, b, c, d) in enumerate(rows, start=1)
    ]
    return assessment, (q1, q2, q3, q4), attempts


# ------------------------------------------------------------------- figures


def test_item_statistics_by_hand(scenario):
    """Facility, discrimination, n and option counts match the hand computation."""
    assessment, (q1, q2, q3, q4), _ = scenario
    rows = {
        row.code: row
        for row in admin_selectors.item_statistics_rows(assessment=assessment)
    }
    assert set(rows) == {q1.code, q2.code, q3.code, q4.code}
    assert {code: row.n for code, row in rows.items()} == dict.fromkeys(rows, 4)
    assert rows[q1.code].facility == Fraction(1, 2)
    assert rows[q2.code].facility == Fraction(3, 8)
    assert rows[q3.code].facility == Fraction(1, 4)
    assert rows[q4.code].facility == Fraction(3, 4)
    assert rows[q1.code].discrimination == 1
    assert rows[q2.code].discrimination == 1
    assert rows[q3.code].discrimination == 0
    assert rows[q4.code].discrimination == 0

    def counts(code):
        return [(o.text, o.count, o.correct) for o in rows[code].options]

    assert counts(q1.code) == [
        ("Saludar por su nombre", 2, True),
        ("Ignorar al cliente", 1, False),
        ("Interrumpirlo", 1, False),
    ]
    assert counts(q2.code) == [
        ("Escuchar", 3, True),
        ("Confirmar la solicitud", 1, True),
        ("Discutir", 1, False),
        ("Mirar el reloj", 0, False),
    ]
    assert counts(q3.code) == [("Verdadero", 1, True), ("Falso", 3, False)]


def test_item_statistics_page(client, scenario):
    """The page shows the figures with two decimals and each option's count."""
    assessment, (q1, q2, q3, _q4), _ = scenario
    client.force_login(TrainerFactory())
    response = client.get(reverse("assessments_item_statistics", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-question="{q2.code}"' in html
    assert "<td data-facility>0.38</td>" in html  # 3/8, half up
    assert "<td data-facility>0.25</td>" in html
    assert "<td data-discrimination>1.00</td>" in html
    assert "<td data-discrimination>0.00</td>" in html
    assert "Confirmar la solicitud" in html


def test_item_statistics_csv(client, scenario):
    """The CSV is an attachment in UTF-8 with BOM, one row per question with the
    same figures as the page."""
    assessment, (q1, q2, q3, q4), _ = scenario
    client.force_login(TrainerFactory())
    response = client.get(
        reverse("assessments_item_statistics_csv", args=[assessment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:8] == [
        "código",
        "enunciado",
        "tipo",
        "elemento",
        "criterio",
        "n",
        "índice de facilidad",
        "índice de discriminación",
    ]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {q1.code, q2.code, q3.code, q4.code}
    row = by_code[q2.code]
    assert row[1] == q2.stem
    assert row[2] == "Respuesta múltiple"
    assert row[3:8] == [
        q2.criterion.element.code,
        q2.criterion.code,
        "4",
        "0.38",
        "1.00",
    ]
    assert row[8] == (
        "Escuchar ✓: 3 | Confirmar la solicitud ✓: 1 | Discutir: 1 | Mirar el reloj: 0"
    )
    assert by_code[q3.code][8] == "Verdadero ✓: 1 | Falso: 3"


def test_results_page(client, scenario):
    """Submitted and competent attempts, the pass rate overall and per element, and
    the recent attempts with score and verdict."""
    assessment, (q1, _q2, _q3, q4), _attempts = scenario
    client.force_login(TrainerFactory())
    response = client.get(reverse("assessments_results", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<dd data-submitted>4</dd>" in html
    assert "<dd data-competent>1</dd>" in html
    assert "<dd data-pass-rate>25 %</dd>" in html
    e1 = q1.criterion.element.code
    e2 = q4.criterion.element.code
    summary = admin_selectors.element_pass_rates(assessment=assessment)
    assert [(e.code, e.attempts, e.passed) for e in summary] == [
        (e1, 4, 2),
        (e2, 4, 3),
    ]
    assert "<td data-element-rate>50 %</td>" in html
    assert "<td data-element-rate>75 %</td>" in html
    assert html.count("data-attempt>") == 4
    for score in ("75 %", "38 %", "25 %", "50 %"):
        assert f"<td>{score}</td>" in html
    assert html.count("todavía no competente") == 3


def test_results_are_paginated(client, scenario, monkeypatch):
    """The recent attempts come a page at a time."""
    assessment = scenario[0]
    monkeypatch.setattr(admin_views, "ATTEMPTS_PER_PAGE", 3)
    client.force_login(TrainerFactory())
    url = reverse("assessments_results", args=[assessment.pk])
    first = client.get(url).content.decode()
    second = client.get(url, {"p": 2}).content.decode()
    assert first.count("data-attempt>") == 3
    assert second.count("data-attempt>") == 1
    assert "Página 1 de 2" in first


def test_results_index_lists_assessments(client, scenario):
    assessment = scenario[0]
    client.force_login(TrainerFactory())
    html = client.get(reverse("assessments_results_index")).content.decode()
    assert assessment.title in html
    assert reverse("assessments_results", args=[assessment.pk]) in html
    assert reverse("assessments_item_statistics", args=[assessment.pk]) in html


# ------------------------------------------------------------------- access


def urls(assessment):
    return [
        reverse("assessments_results_index"),
        reverse("assessments_results", args=[assessment.pk]),
        reverse("assessments_item_statistics", args=[assessment.pk]),
        reverse("assessments_item_statistics_csv", args=[assessment.pk]),
    ]


@pytest.mark.parametrize("who", ["anonymous", "learner", "hr", "trainer", "superuser"])
def test_who_may_read_results(client, who):
    """Anonymous users and learners go to the admin login, HR to the admin home;
    trainers and superusers read results, statistics and the CSV."""
    assessment, _, _ = build_assessment(questions=(1,))
    users = {
        "learner": LearnerFactory,
        "hr": HRFactory,
        "trainer": TrainerFactory,
        "superuser": lambda: UserFactory(is_superuser=True),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    for url in urls(assessment):
        response = client.get(url)
        if who in ("anonymous", "learner"):
            assert response.status_code == 302
            assert response["Location"].startswith(LOGIN_URL)
        elif who == "hr":
            assert response.status_code == 302
            assert response["Location"] == ADMIN_HOME
        else:
            assert response.status_code == 200, url


def test_unknown_assessment_is_404(client):
    client.force_login(TrainerFactory())
    assert client.get(reverse("assessments_results", args=[999999])).status_code == 404


# ------------------------------------------------------------------- queries


def assessment_with_attempts(count: int):
    assessment, _elements, _bank = build_assessment(
        questions=(2, 1), kinds=("single", "multiple", "true_false")
    )
    for index in range(count):
        take(
            assessment,
            _AnswerAll(right=index % 2 == 0),
        )
    return assessment


class _AnswerAll(dict):
    """Answers every question right (or wrong), whatever its code."""

    def __init__(self, right: bool):
        super().__init__()
        self.right = right

    def __missing__(self, code):
        return lambda payload: answer_for(payload, right=self.right)


@pytest.mark.parametrize(
    "name",
    [
        "assessments_results",
        "assessments_item_statistics",
        "assessments_item_statistics_csv",
    ],
)
def test_query_count_does_not_grow_with_attempts(client, name):
    """Results, item statistics and the CSV cost the same number of queries for 2
    attempts as for 10."""
    client.force_login(TrainerFactory())

    def queries(assessment):
        url = reverse(name, args=[assessment.pk])
        client.get(url)  # warm caches (content types, site, user groups)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries(assessment_with_attempts(2))
    many = queries(assessment_with_attempts(10))
    assert many == few
