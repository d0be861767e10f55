"""Mis evaluaciones, the evaluations list with its CSV, the item analysis and
the navigation links to them."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from evaluation import plan_views, services
from tests.factories import LearnerFactory, UserFactory, evaluate

from .plans_support import fill_and_sign, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return make_world()


def _plan(world, candidate=None, days=2):
    return services.plan_create(
        candidate=candidate or LearnerFactory(),
        evaluator=world.evaluator,
        standard=world.standard,
        scheduled_at=timezone.now() + timedelta(days=days),
        instruments=world.instruments,
        place="Sucursal",
        by=world.evaluator,
    )


# ------------------------------------------------------------------ mis evaluaciones


def test_my_evaluations_empty_state(client):
    client.force_login(UserFactory(groups=[roles.EVALUATORS]))
    response = client.get(reverse("evaluation:my_evaluations"))
    assert response.status_code == 200
    assert 'id="empty"' in response.content.decode()


def test_my_evaluations_groups_the_plans(client, world):
    """Planned, in progress (a record being captured), to sign (a record with
    every item answered, unsigned) and done (judged)."""
    capturing = _plan(world)
    record = services.observation_start(
        plan=capturing,
        instrument=capturing.instruments.get(kind="observation"),
        by=world.evaluator,
    )
    services.observation_save(
        observation=record,
        item=record.version.items[0]["id"],
        outcome="met",
        by=world.evaluator,
    )
    signing = _plan(world)
    record = services.observation_start(
        plan=signing,
        instrument=signing.instruments.get(kind="checklist"),
        by=world.evaluator,
    )
    for item in record.version.items:
        services.observation_save(
            observation=record, item=item["id"], outcome="met", by=world.evaluator
        )
    judged = evaluate(attempt=world.attempt, evaluator=world.evaluator)
    client.force_login(world.evaluator)
    response = client.get(reverse("evaluation:my_evaluations"))
    groups = {key: plans for key, _label, plans in response.context["groups"]}
    assert groups["planned"] == [world.plan]
    assert groups["in_progress"] == [capturing]
    assert groups["to_sign"] == [signing]
    assert groups["done"] == [judged.plan]
    body = response.content.decode()
    assert reverse("evaluation:judgement_detail", args=[judged.pk]) in body


def test_my_evaluations_query_count_is_flat(client, world):
    client.force_login(world.evaluator)
    url = reverse("evaluation:my_evaluations")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        _plan(world)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# ------------------------------------------------------------------ list and CSV


def test_list_filters_by_status_evaluator_and_date(client, world):
    later = _plan(world, days=40)
    judged = evaluate(attempt=world.attempt, evaluator=world.evaluator)
    client.force_login(world.trainer)
    url = reverse("evaluation:evaluation_list")
    evaluator = world.evaluator.pk

    def plans(**query):
        response = client.get(url, {"evaluator": evaluator, **query})
        assert response.status_code == 200
        return set(response.context["page_obj"].object_list)

    assert plans() == {world.plan, later, judged.plan}
    assert plans(status="judged") == {judged.plan}
    assert plans(status="planned") == {world.plan, later}
    start = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert plans(date_from=start) == {later}
    assert plans(date_to=start) == {world.plan, judged.plan}


def test_list_query_count_is_flat(client, world):
    """The list page costs the same number of queries whatever the rows."""
    client.force_login(world.hr)
    url = reverse("evaluation:evaluation_list") + f"?evaluator={world.evaluator.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        _plan(world)
    evaluate(attempt=world.attempt, evaluator=world.evaluator)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 7
    assert len(many) == len(few)


def test_list_paginates(client, world, monkeypatch):
    monkeypatch.setattr(plan_views, "PAGE_SIZE", 2)
    for _ in range(3):
        _plan(world)
    client.force_login(world.trainer)
    url = reverse("evaluation:evaluation_list")
    query = {"evaluator": world.evaluator.pk}
    first = client.get(url, query).context["page_obj"]
    second = client.get(url, {**query, "page": 2}).context["page_obj"]
    assert first.paginator.num_pages == 2
    assert set(first) | set(second) == set(first.paginator.object_list)


def test_csv_exports_the_filtered_list_and_neutralises_formulas(client, world):
    """The CSV holds the filtered plans; a name that a spreadsheet would run as a
    formula is made inert."""
    sneaky = LearnerFactory(first_name="=HYPERLINK(1)", last_name="Pérez")
    _plan(world, candidate=sneaky)
    evaluate(attempt=world.attempt, evaluator=world.evaluator)
    client.force_login(world.hr)
    response = client.get(
        reverse("evaluation:evaluation_export_csv"),
        {"evaluator": world.evaluator.pk, "status": "planned"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, *body = rows
    assert header[1] == "Candidato"
    assert len(body) == 2
    candidates = {row[1] for row in body}
    assert "'=HYPERLINK(1) Pérez (" + sneaky.username + ")" in candidates
    assert all(row[7] == "planeada" for row in body)


# ------------------------------------------------------------------ item analysis


def test_item_analysis_most_failed_first(client, world):
    """Items not met in signed records come first, with their counts, and the
    criterion summary adds them up."""
    first = world.setup.elements[0]
    failing = f"{first.code}-D1"
    fill_and_sign(world.plan, outcomes={failing: "not_met"})
    fill_and_sign(_plan(world), outcomes={failing: "not_met"})
    client.force_login(world.trainer)
    response = client.get(reverse("evaluation:item_analysis"))
    items = response.context["items"]
    counts = [row.not_met for row in items]
    assert counts == sorted(counts, reverse=True)
    mine = [row for row in items if row.instrument.standard_id == world.standard.pk]
    assert mine[0].item["criterion"] == failing
    assert (mine[0].not_met, mine[0].applicable) == (2, 2)
    assert all(row.not_met == 0 for row in mine[1:])
    summary = {row.code: row for row in response.context["criteria"]}
    assert summary[failing].not_met == 2
    assert f'data-criterion="{failing}"' in response.content.decode()


def test_item_analysis_empty_state(client, world, monkeypatch):
    monkeypatch.setattr(
        plan_views.selectors, "item_analysis", lambda: {"items": [], "criteria": []}
    )
    client.force_login(world.hr)
    response = client.get(reverse("evaluation:item_analysis"))
    assert 'id="empty"' in response.content.decode()


def test_item_analysis_query_count(client, world, django_assert_max_num_queries):
    fill_and_sign(world.plan)
    client.force_login(world.hr)
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluation:item_analysis"))


# ------------------------------------------------------------------ navigation


@pytest.mark.parametrize(
    ("role", "mine", "all_of_them"),
    [
        ("candidate", False, False),
        ("other_evaluator", True, False),
        ("trainer", False, True),
        ("hr", False, True),
    ],
)
def test_navigation_links(client, world, role, mine, all_of_them):
    client.force_login(world.user(role))
    labels = {item["label"] for item in client.get("/").context["main_nav"]}
    assert ("Mis evaluaciones" in labels) is mine
    assert ("Evaluaciones" in labels) is all_of_them
