"""The rollout dashboards: numbers per stage, scoping across two branches,
the permission matrix, filters that are not valid, CSV exports, targets and
flat query counts."""

import base64
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from courses.models import Enrolment, LessonCompletion
from rollout import cohort_services
from rollout import dashboard_selectors as selectors
from rollout.models import OrgUnit, StaffProfile, Target, UnitScope
from standards.formatting import CSV_BOM
from tests.factories import (
    CertificationSetup,
    CriterionFactory,
    HRFactory,
    LearnerFactory,
    LessonPageFactory,
    ModulePageFactory,
    TrainerFactory,
    UserFactory,
    certificate_issue_for_attempt,
    evaluate,
    graded_final,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "rollout:dashboard",
    "rollout:dashboard_heat_maps",
    "rollout:dashboard_trainers",
]


class Rollout:
    """Branch A: five people at every stage in one cohort of trainer ``trainer``;
    branch B: one certified person. HR of A, HR of B, HR without units."""

    def __init__(self):
        self.org = OrgUnit.add_root(
            code="ORG", name="Organización", kind="organisation"
        )
        self.org.refresh_from_db()
        self.a = self.org.add_child(code="A", name="Sucursal A", kind="branch")
        self.org.refresh_from_db()
        self.b = self.org.add_child(code="B", name="Sucursal B", kind="branch")
        self.setup = CertificationSetup()
        self.course = self.setup.course
        first, second = self.setup.elements
        CriterionFactory(element=first, kind="performance", knowledge_level="")
        module = ModulePageFactory(parent=self.course)
        self.lesson = LessonPageFactory(parent=module)
        self.hr_a = self.hr(self.a)
        self.hr_b = self.hr(self.b)
        self.hr_none = HRFactory()
        self.trainer = TrainerFactory(first_name="Tere", last_name="Instructora")
        UnitScope.objects.create(user=self.trainer, unit=self.a)
        self.cohort = cohort_services.cohort_create(
            course=self.course,
            unit=self.a,
            name="Grupo A",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=30),
            capacity=100,
            trainers=[self.trainer],
            by=self.hr_a,
        )
        final = self.setup.assessment
        # enrolled only, failed the second element in the final
        self.enrolled = self.person(self.a)
        graded_final(
            learner=self.enrolled, assessment=final, right_elements={first.code}
        )
        # lessons done
        self.completed = self.person(self.a)
        LessonCompletion.objects.create(user=self.completed, lesson=self.lesson)
        # final passed
        self.knowing = self.person(self.a)
        graded_final(learner=self.knowing, assessment=final)
        # evaluated, not competent: every item not met
        self.evaluated = self.person(self.a)
        evaluate(
            attempt=graded_final(learner=self.evaluated, assessment=final),
            outcome="not_met",
        )
        # certified
        self.certified = self.person(self.a)
        certificate_issue_for_attempt(
            attempt=graded_final(learner=self.certified, assessment=final)
        )
        self.other = self.person(self.b, cohort=False)
        certificate_issue_for_attempt(
            attempt=graded_final(learner=self.other, assessment=final)
        )

    def hr(self, unit):
        person = HRFactory()
        UnitScope.objects.create(user=person, unit=unit)
        return person

    def person(self, unit, *, cohort=True):
        person = LearnerFactory()
        StaffProfile.objects.create(user=person, unit=unit)
        Enrolment.objects.get_or_create(user=person, course=self.course)
        if cohort:
            cohort_services.cohort_enrol(
                cohort=self.cohort, person=person, by=self.hr_a
            )
        return person

    def scope(self, user, **filters):
        return selectors.Scope(
            user=user, course=self.course, today=timezone.localdate(), **filters
        )


@pytest.fixture
def world():
    return Rollout()


# ---------------------------------------------------------------- numbers


def test_funnel_counts_each_stage_within_the_viewer_s_units(world):
    assert selectors.funnel(world.scope(world.hr_a)).counts == (5, 4, 3, 2, 1)
    assert selectors.funnel(world.scope(world.hr_b)).counts == (1, 1, 1, 1, 1)
    assert selectors.funnel(world.scope(world.hr_none)).counts == (0, 0, 0, 0, 0)
    superuser = UserFactory(is_superuser=True)
    whole = selectors.funnel(world.scope(superuser))
    assert whole.counts == (6, 5, 4, 3, 2)
    assert [(row.unit.code, row.counts) for row in whole.by_unit] == [
        ("A", (5, 4, 3, 2, 1)),
        ("B", (1, 1, 1, 1, 1)),
    ]


def test_funnel_filters_by_unit_cohort_and_trainer(world):
    superuser = UserFactory(is_superuser=True)
    assert selectors.funnel(world.scope(superuser, unit=world.b)).counts[0] == 1
    assert selectors.funnel(world.scope(superuser, cohort=world.cohort)).counts[0] == 5
    other_trainer = TrainerFactory()
    assert (
        selectors.funnel(world.scope(superuser, trainer=world.trainer)).counts[0] == 5
    )
    assert (
        selectors.funnel(world.scope(superuser, trainer=other_trainer)).counts[0] == 0
    )


def test_heat_maps_share_of_candidates_failing_each_criterion(world):
    maps = {
        (m.source, m.dimension): m for m in selectors.heat_maps(world.scope(world.hr_a))
    }
    second = world.setup.elements[1]
    by_unit = maps[("questionnaire", "unit")]
    assert [label for _pk, label in by_unit.columns] == ["Sucursal A"]
    cells = {row.criterion.element_id: row.cells[0] for row in by_unit.rows}
    # 4 candidates took the final; the first one missed the second element
    assert (cells[second.pk].failing, cells[second.pk].candidates) == (1, 4)
    assert (cells[world.setup.elements[0].pk].failing,) == (0,)
    by_trainer = maps[("questionnaire", "trainer")]
    assert [label for _pk, label in by_trainer.columns] == ["Tere Instructora"]
    observed = maps[("observation", "unit")]
    performance = [row for row in observed.rows if row.criterion.kind == "performance"]
    assert [(c.failing, c.candidates) for c in performance[0].cells] == [(1, 2)]
    # HR of B sees nothing of A
    maps_b = {
        (m.source, m.dimension): m for m in selectors.heat_maps(world.scope(world.hr_b))
    }
    assert [label for _pk, label in maps_b[("questionnaire", "unit")].columns] == [
        "Sucursal B"
    ]


def test_trainer_results(world):
    [row] = selectors.trainer_results(world.scope(world.hr_a))
    assert row.trainer == world.trainer
    assert (row.cohorts, row.members, row.evaluated, row.certified) == (1, 5, 2, 1)
    assert row.pass_rate == 0.5 and row.median_days == 0
    assert selectors.trainer_results(world.scope(world.hr_b)) == []


def test_certified_over_time_and_units_behind_target(world):
    today = timezone.localdate()
    Target.objects.create(
        unit=world.a,
        due_on=today - timedelta(days=1),
        certified=2,
        created_by=world.hr_a,
    )
    Target.objects.create(
        unit=world.b,
        due_on=today - timedelta(days=1),
        certified=1,
        created_by=world.hr_b,
    )
    Target.objects.create(
        unit=world.org,
        due_on=today + timedelta(days=9),
        certified=50,
        created_by=world.hr_a,
    )
    timeline = selectors.certified_over_time(world.scope(world.hr_a))
    assert timeline.unit == world.a
    assert timeline.certified == [(today, 1)]
    assert [t.certified for t in timeline.targets] == [2]
    behind = selectors.units_behind_target(today)
    assert [(row.unit.code, row.certified, row.target.certified) for row in behind] == [
        ("A", 1, 2)
    ]


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("name", PAGES)
def test_permission_matrix(world, client, name):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous: sign in
    evaluator = UserFactory(groups=[roles.EVALUATORS])
    for user in (LearnerFactory(), evaluator):
        client.force_login(user)
        assert client.get(url).status_code == 403
    for user in (
        world.trainer,
        world.hr_a,
        world.hr_none,
        UserFactory(is_superuser=True),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_overview_shows_numbers_in_scope_and_the_empty_state(world, client):
    client.force_login(world.hr_a)
    course = {"course": world.course.pk}  # other tests' data may hold other courses
    page = client.get(reverse("rollout:dashboard"), course).content.decode()
    charts = BeautifulSoup(page, "html.parser").find_all("img", class_="chart")
    assert len(charts) == 2
    for chart in charts:
        assert chart["alt"].strip(". ")  # named and described
        scheme, data = chart["src"].split(",", 1)
        assert scheme == "data:image/svg+xml;base64"
        svg = BeautifulSoup(base64.b64decode(data), "html.parser").svg
        assert "pygal-chart" in svg["class"] and not svg.find("script")
    assert "Sucursal A" in page and "Sucursal B" not in page
    client.force_login(world.hr_none)
    page = client.get(reverse("rollout:dashboard")).content.decode()
    assert "Aún no hay personas inscritas en tus unidades" in page
    assert "Tablero" in page  # the navbar entry


@pytest.mark.parametrize(
    "query",
    [
        "unit=999999999999999999999999999999",
        "cohort=abc",
        "trainer=-1",
        "course=999999999999999999999999999999",
    ],
)
def test_bad_filters_are_400_not_500(world, client, query):
    client.force_login(world.hr_a)
    for name in PAGES:
        response = client.get(reverse(name) + "?" + query)
        assert response.status_code == 400


def test_a_unit_out_of_scope_is_not_a_valid_filter(world, client):
    client.force_login(world.hr_a)
    response = client.get(reverse("rollout:dashboard"), {"unit": world.b.pk})
    assert response.status_code == 400


def test_csv_exports(world, client):
    client.force_login(world.hr_a)
    course = {"course": world.course.pk}  # other tests' data may hold other courses

    def get(name):
        return client.get(reverse(name), course).content.decode()

    funnel = get("rollout:dashboard_funnel_csv")
    assert funnel.startswith(CSV_BOM)
    assert "Total,5,4,3,2,1" in funnel and "Sucursal A,5,4,3,2,1" in funnel
    heat = get("rollout:dashboard_heat_maps_csv")
    assert heat.startswith(CSV_BOM) and "Cuestionario,Unidad,Sucursal A" in heat
    assert ",1,4,25 %" in heat
    trainers = get("rollout:dashboard_trainers_csv")
    assert "Tere Instructora,1,5,2,1,50 %,0" in trainers
    timeline = get("rollout:dashboard_timeline_csv")
    assert f"{timezone.localdate().isoformat()},1," in timeline


# ---------------------------------------------------------------- targets


def test_targets_page_sets_and_refuses(world, client):
    url = reverse("rollout:targets")
    client.force_login(world.trainer)
    assert client.get(url).status_code == 403
    client.force_login(world.hr_a)
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    ok = client.post(url, {"unit": world.a.pk, "due_on": day, "certified": 3})
    assert ok.status_code == 302
    assert Target.objects.filter(unit=world.a, certified=3).count() == 1
    again = client.post(url, {"unit": world.a.pk, "due_on": day, "certified": 4})
    assert again.status_code == 400 and "Ya hay una meta" in again.content.decode()
    zero = client.post(url, {"unit": world.a.pk, "due_on": day, "certified": 0})
    assert zero.status_code == 400 and "positivo" in zero.content.decode()
    foreign = client.post(url, {"unit": world.b.pk, "due_on": day, "certified": 4})
    assert foreign.status_code == 400
    huge = client.post(url, {"unit": "9" * 30, "due_on": "nope", "certified": "x"})
    assert huge.status_code == 400
    assert Target.objects.count() == 1
    target = Target.objects.get()
    client.force_login(world.hr_b)
    assert (
        client.post(reverse("rollout:target_delete", args=[target.pk])).status_code
        == 404
    )
    client.force_login(world.hr_a)
    client.post(reverse("rollout:target_delete", args=[target.pk]))
    assert not Target.objects.exists()


# ---------------------------------------------------------------- queries


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_are_flat(world, client):
    Target.objects.create(
        unit=world.a, due_on=timezone.localdate(), certified=2, created_by=world.hr_a
    )
    urls = [reverse(name) for name in PAGES] + [
        reverse("rollout:dashboard_funnel_csv"),
        reverse("rollout:dashboard_heat_maps_csv"),
        reverse("rollout:dashboard_trainers_csv"),
        reverse("rollout:dashboard_timeline_csv"),
        reverse("rollout:targets"),
    ]
    client.force_login(world.hr_a)
    for url in urls:  # warm the caches a first request fills (content types…)
        client.get(url)
    before = [count_queries(client, url) for url in urls]
    final = world.setup.assessment
    for n in range(25):
        person = world.person(world.a)
        if n % 2:
            LessonCompletion.objects.create(user=person, lesson=world.lesson)
        if n % 3 == 0:
            graded_final(learner=person, assessment=final)
    for _n in range(2):
        certificate_issue_for_attempt(
            attempt=graded_final(learner=world.person(world.a), assessment=final)
        )
    after = [count_queries(client, url) for url in urls]
    assert after == before
