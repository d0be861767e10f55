"""The plan form and page, the judgement screen and the judgement page
(/evaluacion/planes/…, /evaluacion/juicios/…): who may use each route, and what
each shows and does."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import EvaluationPlan, Judgement, PlanChange, Scenario
from standards.models import Criterion
from tests.factories import build_course, evaluate

from .plans_support import fill_and_sign, make_world

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "candidate",
    "other_learner",
    "other_evaluator",
    "evaluator",
    "trainer",
    "hr",
)


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def judged(world):
    """A todavía-no-competente judgement of the candidate by the plan's evaluator
    (a second plan, every item not met)."""
    return evaluate(attempt=world.attempt, evaluator=world.evaluator, outcome="not_met")


# route name, method, object the url takes -> expected status per role
# (302 for anonymous: sent to sign in)
MATRIX = {
    ("evaluation:plan_create", "get", None): {
        "candidate": 403,
        "other_learner": 403,
        "other_evaluator": 200,
        "evaluator": 200,
        "trainer": 200,
        "hr": 403,
    },
    ("evaluation:plan_edit", "get", "plan"): {
        "candidate": 403,
        "other_learner": 404,
        "other_evaluator": 404,
        "evaluator": 200,
        "trainer": 200,
        "hr": 403,
    },
    ("evaluation:plan_detail", "get", "plan"): {
        "candidate": 200,
        "other_learner": 404,
        "other_evaluator": 404,
        "evaluator": 200,
        "trainer": 200,
        "hr": 200,
    },
    ("evaluation:plan_acknowledge", "post", "plan"): {
        "candidate": 302,
        "other_learner": 404,
        "other_evaluator": 404,
        "evaluator": 403,
        "trainer": 403,
        "hr": 403,
    },
    ("evaluation:plan_judge", "get", "plan"): {
        "candidate": 404,
        "other_learner": 404,
        "other_evaluator": 404,
        "evaluator": 200,
        "trainer": 404,
        "hr": 404,
    },
    ("evaluation:plan_judge", "post", "plan"): {
        "candidate": 404,
        "other_learner": 404,
        "other_evaluator": 404,
        "evaluator": 400,
        "trainer": 404,
        "hr": 404,
    },
    ("evaluation:judgement_detail", "get", "judgement"): {
        "candidate": 200,
        "other_learner": 404,
        "other_evaluator": 404,
        "evaluator": 200,
        "trainer": 200,
        "hr": 200,
    },
    ("evaluation:feedback_acknowledge", "post", "judgement"): {
        "candidate": 302,
        "other_learner": 404,
        "other_evaluator": 404,
        "evaluator": 403,
        "trainer": 403,
        "hr": 403,
    },
    ("evaluation:my_evaluations", "get", None): {
        "candidate": 403,
        "other_learner": 403,
        "other_evaluator": 200,
        "evaluator": 200,
        "trainer": 200,
        "hr": 403,
    },
    ("evaluation:evaluation_list", "get", None): {
        "candidate": 403,
        "other_learner": 403,
        "other_evaluator": 403,
        "evaluator": 403,
        "trainer": 200,
        "hr": 200,
    },
    ("evaluation:evaluation_export_csv", "get", None): {
        "candidate": 403,
        "other_learner": 403,
        "other_evaluator": 403,
        "evaluator": 403,
        "trainer": 200,
        "hr": 200,
    },
    ("evaluation:item_analysis", "get", None): {
        "candidate": 403,
        "other_learner": 403,
        "other_evaluator": 403,
        "evaluator": 403,
        "trainer": 200,
        "hr": 200,
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(MATRIX), ids=lambda r: f"{r[0]}-{r[1]}")
def test_permission_matrix(client, world, judged, route, role):
    """Every route answers each role as the matrix says; anonymous visitors are
    sent to sign in; a refused POST changes nothing."""
    name, method, target = route
    args = {
        None: [],
        "plan": [world.plan.uuid],
        "judgement": [judged.pk],
    }[target]
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(reverse(name, args=args))
    expected = 302 if role == "anonymous" else MATRIX[route][role]
    assert response.status_code == expected
    if role == "anonymous":
        assert reverse("accounts:login") in response["Location"]
    world.plan.refresh_from_db()
    judged.refresh_from_db()
    if role != "candidate":
        assert world.plan.acknowledged_at is None
        assert judged.feedback_acknowledged_at is None


# ------------------------------------------------------------------ plan form


def _form_data(world, **overrides):
    data = {
        "candidate": world.candidate.pk,
        "evaluator": world.evaluator.pk,
        "scheduled_at": "2030-05-02T10:30",
        "place": "Módulo 3",
        "setting": "workplace",
        "instruments": [i.pk for i in world.instruments],
    }
    data.update(overrides)
    return data


def _create_url(world, **query):
    url = reverse("evaluation:plan_create") + f"?estandar={world.standard.code}"
    return url + "".join(f"&{k}={v}" for k, v in query.items())


def test_new_plan_preselects_instruments_and_the_evaluator(client, world):
    """The form opens with the guía and the lista de cotejo checked and the
    evaluator set to the current user when they may evaluate."""
    client.force_login(world.evaluator)
    form = client.get(_create_url(world)).context["form"]
    assert set(form.fields["instruments"].initial) == {i.pk for i in world.instruments}
    assert form.fields["evaluator"].initial == world.evaluator.pk


def test_evaluator_creates_a_plan(client, world):
    """A valid form makes the plan through the service, with its first history
    row, and leads to the plan page."""
    client.force_login(world.evaluator)
    response = client.post(_create_url(world), _form_data(world))
    plan = (
        EvaluationPlan.objects.filter(standard=world.standard)
        .exclude(pk=world.plan.pk)
        .get()
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:plan_detail", args=[plan.uuid])
    assert plan.place == "Módulo 3" and plan.created_by == world.evaluator
    assert set(plan.instruments.all()) == set(world.instruments)
    assert PlanChange.objects.filter(plan=plan).count() == 1


def test_nobody_evaluates_themself(client, world):
    """The service's refusal is shown on the form with 400 and nothing is saved."""
    client.force_login(world.evaluator)
    response = client.post(
        _create_url(world), _form_data(world, candidate=world.evaluator.pk)
    )
    assert response.status_code == 400
    assert "Nadie puede evaluarse a sí mismo." in response.content.decode()
    assert EvaluationPlan.objects.filter(standard=world.standard).count() == 1


def test_evaluator_without_certificate_is_refused(client, world):
    """An Evaluadores member without a valid certificate is refused with why."""
    client.force_login(world.trainer)
    response = client.post(
        _create_url(world), _form_data(world, evaluator=world.other_evaluator.pk)
    )
    assert response.status_code == 400
    assert "no tiene una constancia vigente" in response.content.decode()
    assert EvaluationPlan.objects.filter(standard=world.standard).count() == 1


def test_simulation_needs_a_scenario(client, world):
    client.force_login(world.evaluator)
    response = client.post(_create_url(world), _form_data(world, setting="simulation"))
    assert response.status_code == 400
    assert "Una simulación necesita un escenario." in response.content.decode()
    assert EvaluationPlan.objects.filter(standard=world.standard).count() == 1


def test_candidate_search_narrows_the_choices(client, world):
    client.force_login(world.evaluator)
    form = client.get(_create_url(world, buscar="Candidata")).context["form"]
    assert list(form.fields["candidate"].queryset) == [world.candidate]


def test_edit_keeps_history_and_asks_to_accept_again(client, world):
    """A change is saved through plan_update: the plan page lists who changed
    what, and the candidate's acceptance is reset."""
    services.plan_acknowledge(plan=world.plan, by=world.candidate)
    client.force_login(world.evaluator)
    data = _form_data(world, place="Sucursal Norte")
    del data["candidate"]
    response = client.post(
        reverse("evaluation:plan_edit", args=[world.plan.uuid]), data
    )
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.place == "Sucursal Norte"
    assert world.plan.acknowledged_at is None
    page = client.get(reverse("evaluation:plan_detail", args=[world.plan.uuid]))
    history = page.content.decode().split('id="plan-history"')[1]
    assert "Sucursal Centro → Sucursal Norte" in history
    assert world.evaluator.get_full_name() in history


def test_closed_plan_cannot_be_edited(client, world, judged):
    """A judged plan's changes are refused on the form (400), nothing saved."""
    client.force_login(world.evaluator)
    data = _form_data(world, place="Otra")
    del data["candidate"]
    response = client.post(
        reverse("evaluation:plan_edit", args=[judged.plan.uuid]), data
    )
    assert response.status_code == 400
    assert "Este plan ya está cerrado." in response.content.decode()


def test_reevaluation_prefills_the_failed_elements(client, world, judged):
    """From a todavía-no-competente judgement, the new plan form comes with the
    candidate and the failed elements."""
    client.force_login(world.evaluator)
    page = client.get(reverse("evaluation:judgement_detail", args=[judged.pk]))
    link = reverse("evaluation:plan_create") + f"?reevaluar={judged.pk}"
    assert link in page.content.decode()
    form = client.get(link).context["form"]
    assert form.initial["candidate"] == world.candidate.pk
    assert set(form.initial["elements"]) == {e.pk for e in world.setup.elements}


# ------------------------------------------------------------------ plan page


def test_candidate_accepts_the_plan(client, world):
    client.force_login(world.candidate)
    url = reverse("evaluation:plan_detail", args=[world.plan.uuid])
    assert "Acepto el plan" in client.get(url).content.decode()
    client.post(reverse("evaluation:plan_acknowledge", args=[world.plan.uuid]))
    world.plan.refresh_from_db()
    assert world.plan.acknowledged_at is not None
    assert "Acepto el plan" not in client.get(url).content.decode()


def test_script_is_for_the_evaluator_only(client, world):
    """In a simulation the candidate reads the situation; only the evaluator
    reads the role-play script."""
    scenario = Scenario.objects.create(
        code="PRUEBA-ESC",
        standard=world.standard,
        title="Cliente con prisa",
        situation="Llega un cliente apurado.",
        script="GUION SECRETO: mira el reloj.",
    )
    services.plan_update(
        plan=world.plan, by=world.evaluator, setting="simulation", scenario=scenario
    )
    url = reverse("evaluation:plan_detail", args=[world.plan.uuid])
    client.force_login(world.evaluator)
    assert "GUION SECRETO" in client.get(url).content.decode()
    client.force_login(world.candidate)
    body = client.get(url).content.decode()
    assert "Llega un cliente apurado." in body and "GUION SECRETO" not in body


def test_plan_page_shows_records_and_questionnaire(client, world):
    """Each instrument with its record state, and the questionnaire per element."""
    client.force_login(world.evaluator)
    url = reverse("evaluation:plan_detail", args=[world.plan.uuid])
    response = client.get(url)
    assert [s.state for s in response.context["instruments"]] == [
        "not_started",
        "not_started",
    ]
    assert "90 %" in response.content.decode()
    fill_and_sign(world.plan)
    response = client.get(url)
    assert [s.state for s in response.context["instruments"]] == ["signed", "signed"]
    assert world.candidate.get_username() in response.content.decode()


# ------------------------------------------------------------------ judgement


def test_judgement_screen_says_what_is_missing(client, world):
    """Before the records are signed the preview lists the refusal; posting
    then is refused on the form and saves nothing."""
    client.force_login(world.evaluator)
    url = reverse("evaluation:plan_judge", args=[world.plan.uuid])
    assert "Faltan registros firmados" in client.get(url).content.decode()
    response = client.post(url, {"feedback": "Bien."})
    assert response.status_code == 400
    assert not Judgement.objects.filter(plan=world.plan).exists()


def test_feedback_is_required(client, world):
    fill_and_sign(world.plan)
    client.force_login(world.evaluator)
    url = reverse("evaluation:plan_judge", args=[world.plan.uuid])
    response = client.post(url, {"feedback": "   "})
    assert response.status_code == 400
    assert not Judgement.objects.filter(plan=world.plan).exists()


def test_issuing_the_judgement(client, world):
    """The preview shows the verdict per element; "Emitir juicio" records it
    and leads to the judgement page; the plan then points there."""
    first = world.setup.elements[0]
    fill_and_sign(world.plan, outcomes={f"{first.code}-D1": "not_met"})
    client.force_login(world.evaluator)
    url = reverse("evaluation:plan_judge", args=[world.plan.uuid])
    preview = client.get(url).context["preview"]
    verdicts = {element.code: result for element, result, _ in preview.elements}
    assert not verdicts[first.code].competent
    assert verdicts[world.setup.elements[1].code].competent
    assert preview.refusals == []
    response = client.post(url, {"feedback": "Practica el saludo."})
    judgement = Judgement.objects.get(plan=world.plan)
    assert response["Location"] == reverse(
        "evaluation:judgement_detail", args=[judgement.pk]
    )
    assert not judgement.competent and judgement.feedback == "Practica el saludo."
    assert client.get(url)["Location"] == response["Location"]


def test_judgement_page_lists_failures_lessons_and_scenarios(client, world):
    """Todavía no competente: the failed items by criterion with the live learner
    lessons (not trainer modules) and the scenarios that exercise them."""
    first = world.setup.elements[0]
    criterion = Criterion.objects.get(code=f"{first.code}-D1")
    _course, _modules, lessons = build_course(
        lessons_per_module=[1], trainer_lessons=1, criteria=[criterion]
    )
    learner_lesson, trainer_lesson = lessons
    scenario = Scenario.objects.create(
        code="PRUEBA-ESC2",
        standard=world.standard,
        title="Cliente molesto",
        situation="…",
        script="…",
    )
    scenario.criteria.add(criterion)
    scenario.save()  # a parental many-to-many is written on save
    fill_and_sign(world.plan, outcomes={criterion.code: "not_met"})
    judgement = services.judgement_issue(
        plan=world.plan, by=world.evaluator, feedback="Repasa el saludo."
    )
    client.force_login(world.candidate)
    url = reverse("evaluation:judgement_detail", args=[judgement.pk])
    body = client.get(url).content.decode()
    to_work = body.split('id="to-work"')[1]
    assert f'data-criterion="{criterion.code}"' in to_work
    assert learner_lesson.title in to_work
    assert trainer_lesson.title not in to_work
    assert "Cliente molesto" in to_work
    assert "Repasa el saludo." in body
    assert "Planear reevaluación" not in body  # the candidate does not plan
    client.post(reverse("evaluation:feedback_acknowledge", args=[judgement.pk]))
    judgement.refresh_from_db()
    assert judgement.feedback_acknowledged_at is not None
    assert "Acuso recibo" not in client.get(url).content.decode()


def test_judgement_page_query_count(
    client, world, judged, django_assert_max_num_queries
):
    client.force_login(world.trainer)
    with django_assert_max_num_queries(20):
        client.get(reverse("evaluation:judgement_detail", args=[judged.pk]))


def test_scheduled_in_the_past_is_shown(client, world):
    """Dates read in local time on the plan page."""
    world.plan.scheduled_at = timezone.now() - timedelta(days=3)
    world.plan.save()
    client.force_login(world.hr)
    response = client.get(reverse("evaluation:plan_detail", args=[world.plan.uuid]))
    assert response.status_code == 200
