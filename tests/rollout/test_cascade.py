"""The cascade tree: the pure builder (waves, counts, cycles), a three-level
cascade through the real services, its CSV, a flat query count and who may
see it."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from rollout import cascade_selectors, cohort_services
from rollout.cascade import CohortFacts, build
from tests.factories import UserFactory

from .qualification_support import Qualification

# ---------------------------------------------------------------- the builder


def _cohort(pk, trainers, members):
    return CohortFacts(pk, f"G{pk}", tuple(trainers), tuple(members))


BUILD_CASES = [
    # (cohorts, leads, certified, expected outline)
    pytest.param([], {1}, set(), [], id="no cohorts: no tree"),
    pytest.param(
        [_cohort(10, [1], [2, 3])],
        {1},
        {2},
        [(1, 0, 2, 1, [(2, 1, 0, 0, [])])],
        id="one wave",
    ),
    pytest.param(
        [_cohort(10, [1], [2, 3]), _cohort(11, [2], [4]), _cohort(12, [4], [5])],
        {1},
        {2, 4, 5},
        [(1, 0, 2, 1, [(2, 1, 1, 1, [(4, 2, 1, 1, [(5, 3, 0, 0, [])])])])],
        id="three waves",
    ),
    pytest.param(
        [_cohort(10, [1], [2]), _cohort(11, [2], [1])],
        {1},
        {1, 2},
        [(1, 0, 1, 1, [(2, 1, 1, 1, [(1, 2, 0, 0, "cycle")])])],
        id="a cycle stops",
    ),
    pytest.param(
        [_cohort(10, [9], [2])],
        {1},
        {2},
        [],
        id="only lead trainers are roots",
    ),
]


def _outline(node):
    children = "cycle" if node.cycle else [_outline(c) for c in node.children]
    return (node.person_id, node.wave, node.members, node.certified, children)


@pytest.mark.parametrize("cohorts, leads, certified, expected", BUILD_CASES)
def test_build(cohorts, leads, certified, expected):
    tree = build(
        cohorts=cohorts,
        lead_ids=leads,
        certified_ids=certified,
        multiplicador_ids=set(),
    )
    assert [_outline(root) for root in tree.roots] == expected


def test_edges_are_listed_once_per_trainer():
    cohorts = [_cohort(10, [1], [2, 3]), _cohort(11, [7], [2]), _cohort(12, [2], [4])]
    tree = build(
        cohorts=cohorts,
        lead_ids={1, 7},
        certified_ids={2, 4},
        multiplicador_ids={2},
    )
    edges = [
        (e.trainer_id, e.cohort.pk, e.member_id, e.certified, e.wave)
        for e in tree.edges
    ]
    assert edges == [
        (1, 10, 2, True, 1),
        (1, 10, 3, False, 1),
        (2, 12, 4, True, 2),
        (7, 11, 2, True, 1),
    ]


# ---------------------------------------------------------------- the page


class Cascade(Qualification):
    """Lead → A (wave 1, multiplicador) → B (wave 2, multiplicador) → C
    (wave 3); X and Y took part without being certified."""

    def __init__(self, settings):
        super().__init__(settings)
        self.a = self.candidate
        self.qualify(self.a)
        self.x = self.staff(self.north, first_name="Xavier", last_name="Sin Cert")
        self.cohort1 = self.cohort([self.lead], [self.a, self.x], "Ola uno")
        self.b = self.staff(self.north, first_name="Beto", last_name="Bravo")
        self.y = self.staff(self.north, first_name="Yola", last_name="Sin Cert")
        self.cohort2 = self.cohort([self.a], [self.b, self.y], "Ola dos")
        self.certify(self.b)
        self.qualify(self.b)
        self.c = self.staff(self.north, first_name="Ceci", last_name="Cruz")
        self.cohort3 = self.cohort([self.b], [self.c], "Ola tres")
        self.certify(self.c)

    def cohort(self, trainers, members, name):
        cohort = cohort_services.cohort_create(
            course=self.course,
            unit=self.north,
            name=name,
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31),
            capacity=50,
            trainers=trainers,
            by=self.hr,
        )
        for person in members:
            cohort_services.cohort_enrol(cohort=cohort, person=person, by=self.hr)
        return cohort


@pytest.fixture
def world(settings, db):
    return Cascade(settings)


def test_three_level_cascade(world):
    tree, people = cascade_selectors.cascade_for(user=world.hr)
    assert [_outline(root) for root in tree.roots] == [
        (
            world.lead.pk,
            0,
            2,
            1,
            [
                (
                    world.a.pk,
                    1,
                    2,
                    1,
                    [(world.b.pk, 2, 1, 1, [(world.c.pk, 3, 0, 0, [])])],
                )
            ],
        )
    ]
    a = tree.roots[0].children[0]
    assert a.multiplicador and a.subtree_certified == 2


def test_the_page_shows_the_tree_as_nested_lists(client, world):
    client.force_login(world.hr)
    response = client.get(reverse("rollout:cascade"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Lía Líder", "Carla Cand", "Beto Bravo", "Ceci Cruz"):
        assert name in page
    assert "Xavier" not in page  # not certified: counted, not named
    assert (
        page.index("Lía Líder")
        < page.index("Carla Cand")
        < page.index("Beto Bravo")
        < page.index("Ceci Cruz")
    )
    assert "ola 3" in page
    assert page.count("<ul") >= 4  # nested lists, no script tree


def test_the_csv_lists_every_edge(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("rollout:cascade_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "Instructor,Grupo,Persona,Certificada,Ola"
    assert "Lía Líder,Ola uno,Xavier Sin Cert,no,1" in lines
    assert "Carla Cand,Ola dos,Beto Bravo,sí,2" in lines
    assert "Beto Bravo,Ola tres,Ceci Cruz,sí,3" in lines
    assert len(lines) == 1 + 5


def test_the_query_count_is_flat(client, world):
    client.force_login(world.hr)
    url = reverse("rollout:cascade")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    more = [world.staff(world.north) for _ in range(12)]
    world.cohort([world.lead], more[:6], "Ola uno bis")
    world.cohort([world.a, world.b], more[6:], "Ola dos bis")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large)


def test_out_of_scope_hr_sees_an_empty_cascade(client, world):
    client.force_login(world.hr_south)
    page = client.get(reverse("rollout:cascade")).content.decode()
    assert "Carla Cand" not in page and "Lía Líder" not in page


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("learner", 403),
        ("multiplicador", 200),
        ("evaluator", 403),
        ("trainer", 200),
        ("hr_in_scope", 200),
        ("hr_out_of_scope", 200),
        ("superuser", 200),
    ],
)
def test_permission_matrix(client, world, who, status):
    user = {
        "anonymous": None,
        "learner": world.x,
        "multiplicador": world.a,
        "evaluator": UserFactory(groups=[roles.EVALUATORS]),
        "trainer": world.lead,
        "hr_in_scope": world.hr,
        "hr_out_of_scope": world.hr_south,
        "superuser": UserFactory(is_superuser=True),
    }[who]
    if user is not None:
        client.force_login(user)
    for name in ("rollout:cascade", "rollout:cascade_csv"):
        assert client.get(reverse(name)).status_code == status
