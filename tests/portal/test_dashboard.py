"""What a candidate reads after passing the final: "Conocimientos acreditados —
pendiente la evaluación de desempeño" on the result page and on /mi-avance/,
with the evaluation plan when there is one; then the evaluator's judgement with
its feedback and the acknowledgements; in a number of queries that does not grow
with the plans and judgements."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import EvaluationPlan
from tests.certificates.support import diagnostic_assessment, take
from tests.factories import LearnerFactory, evaluate, evaluation_instruments
from tests.factories import lead_evaluator as make_lead_evaluator

pytestmark = pytest.mark.django_db

PENDING = "Conocimientos acreditados — pendiente la evaluación de desempeño"


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def candidate(initial_data):
    return LearnerFactory(first_name="Ñeli", last_name="Zúñiga")


def plan_for(candidate, attempt, evaluator, **extra) -> EvaluationPlan:
    standard = attempt.element_results.first().element.standard
    return services.plan_create(
        candidate=candidate,
        evaluator=evaluator,
        standard=standard,
        scheduled_at=timezone.now() + timedelta(days=3),
        instruments=evaluation_instruments(standard),
        by=evaluator,
        **extra,
    )


def test_result_page_of_a_passed_final_says_knowledge_accredited(client, candidate):
    attempt = take(candidate)
    client.force_login(candidate)
    response = client.get(reverse("assessments:attempt_result", args=[attempt.uuid]))
    text = text_of(response)
    assert PENDING in text
    assert "constancia emitida" not in text.lower()


def test_result_page_of_a_diagnostic_does_not(client, candidate):
    attempt = take(candidate, assessment=diagnostic_assessment())
    client.force_login(candidate)
    response = client.get(reverse("assessments:attempt_result", args=[attempt.uuid]))
    assert PENDING not in text_of(response)


def test_result_page_of_a_failed_final_does_not(client, candidate):
    attempt = take(candidate, right=False)
    client.force_login(candidate)
    response = client.get(reverse("assessments:attempt_result", args=[attempt.uuid]))
    assert PENDING not in text_of(response)


def test_dashboard_before_and_after_passing(client, candidate):
    client.force_login(candidate)
    assert PENDING not in text_of(client.get("/mi-avance/"))
    take(candidate)
    text = text_of(client.get("/mi-avance/"))
    assert PENDING in text
    assert "Todavía no hay una evaluación programada" in text


def test_dashboard_shows_the_plan_and_its_acknowledgement(client, candidate):
    attempt = take(candidate)
    standard = attempt.element_results.first().element.standard
    evaluator = make_lead_evaluator(standard)
    plan = plan_for(candidate, attempt, evaluator)
    client.force_login(candidate)
    response = client.get("/mi-avance/")
    text = text_of(response)
    assert PENDING in text
    assert "Mi evaluación de desempeño" in text
    assert "Eva Luadora" in text
    assert "Pendiente de que aceptes el plan" in text
    assert f'data-plan="{plan.uuid}"' in response.content.decode()
    services.plan_acknowledge(plan=plan, by=candidate)
    assert "Aceptaste el plan" in text_of(client.get("/mi-avance/"))


def test_dashboard_shows_the_judgement_and_feedback(client, candidate):
    attempt = take(candidate)
    judgement = evaluate(attempt=attempt)
    client.force_login(candidate)
    response = client.get("/mi-avance/")
    text = text_of(response)
    assert PENDING not in text  # a competent judgement came after the final
    assert "Juicios de competencia y retroalimentación" in text
    assert "Competente" in text and "Eva Luadora" in text
    assert "Buen trabajo." in text
    assert "Pendiente tu acuse de recibo" in text
    assert (
        f"/evaluacion/juicios/{judgement.pk}/portafolio.pdf"
        in response.content.decode()
    )
    services.feedback_acknowledge(judgement=judgement, by=candidate)
    assert "Acusaste recibo" in text_of(client.get("/mi-avance/"))


def test_not_yet_competent_judgement_keeps_the_pending_message(client, candidate):
    attempt = take(candidate)
    evaluate(attempt=attempt, outcome="not_met")
    client.force_login(candidate)
    text = text_of(client.get("/mi-avance/"))
    assert "Todavía no competente" in text
    assert PENDING in text


def _queries(client, user) -> int:
    client.force_login(user)
    assert client.get("/mi-avance/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/mi-avance/").status_code == 200
    return len(captured.captured_queries)


def test_dashboard_queries_do_not_grow_with_plans_and_judgements(client, initial_data):
    counts = []
    for plans in (1, 3):
        learner = LearnerFactory()
        attempt = take(learner)
        standard = attempt.element_results.first().element.standard
        evaluator = make_lead_evaluator(standard)
        for _ in range(plans):
            evaluate(attempt=attempt, outcome="not_met", evaluator=evaluator)
            plan_for(learner, attempt, evaluator)
        counts.append(_queries(client, learner))
    assert counts[0] == counts[1]
