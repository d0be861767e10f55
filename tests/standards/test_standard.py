"""The EC0305 standard: what load_initial_data puts in, that reloading never undoes
an edit, the public standard page, the database constraint on criteria and who may
edit criteria in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
)

from standards.models import Criterion, Element, Standard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

STANDARD_URL = "/estandar/EC0305/"
KNOWLEDGE, COMPREHENSION, APPLICATION = "knowledge", "comprehension", "application"

ELEMENTS = [
    ("E1", "Atender los requerimientos del cliente"),
    ("E2", "Gestionar el servicio requerido por el cliente"),
    ("E3", "Obtener la satisfacción del servicio al cliente"),
]
# Each element's criteria in the order the map lists them: (code, kind, level).
CRITERIA = {
    "E1": [
        ("E1-D1", "performance", ""),
        ("E1-D2", "performance", ""),
        ("E1-D3", "performance", ""),
        ("E1-D4", "performance", ""),
        ("K01", "knowledge", APPLICATION),
        ("K02", "knowledge", APPLICATION),
        ("K03", "knowledge", COMPREHENSION),
        ("K07", "knowledge", APPLICATION),
        ("K08", "knowledge", APPLICATION),
        ("K16", "knowledge", COMPREHENSION),
    ],
    "E2": [
        ("E2-D1", "performance", ""),
        ("E2-D2", "performance", ""),
        ("E2-P1", "product", ""),
        ("E2-D3", "performance", ""),
        ("E2-D4", "performance", ""),
        ("E2-D5", "performance", ""),
        ("K04", "knowledge", KNOWLEDGE),
        ("K05", "knowledge", COMPREHENSION),
        ("K06", "knowledge", COMPREHENSION),
        ("K09", "knowledge", COMPREHENSION),
        ("K11", "knowledge", COMPREHENSION),
        ("K13", "knowledge", COMPREHENSION),
        ("K14", "knowledge", COMPREHENSION),
        ("K15", "knowledge", COMPREHENSION),
    ],
    "E3": [
        ("E3-D1", "performance", ""),
        ("E3-D2", "performance", ""),
        ("K10", "knowledge", COMPREHENSION),
        ("K12", "knowledge", COMPREHENSION),
        ("K17", "knowledge", APPLICATION),
    ],
}
ATTITUDES = [f"A{n}" for n in range(1, 8)]
ALL_CODES = [code for rows in CRITERIA.values() for code, _, _ in rows] + ATTITUDES


@pytest.fixture
def standard() -> Standard:
    return Standard.objects.get(code="EC0305")


def user(username: str) -> User:
    return User.objects.get(username=username)


# --- what load_initial_data loads ---------------------------------------------


def counts() -> dict[str, int]:
    models = [
        Standard,
        Element,
        Criterion,
        Page,
        Revision,
        User,
        Group,
        GroupPagePermission,
        GroupCollectionPermission,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_load_initial_data_is_idempotent():
    """A second run of load_initial_data --demo creates nothing new: standard,
    elements, criteria, pages, revisions, users, groups and grants all stay put."""
    before = counts()
    criteria_before = set(Criterion.objects.values_list("code", "text", "order"))
    call_command("load_initial_data", demo=True, verbosity=0)
    assert counts() == before
    assert set(Criterion.objects.values_list("code", "text", "order")) == (
        criteria_before
    )


def test_the_standard_itself(standard):
    """EC0305 is loaded with its title and level."""
    assert standard.title == "Prestación de servicios de atención a clientes"
    assert standard.level == 2
    assert Standard.objects.filter(code="EC0305").count() == 1


def test_ec0305_has_three_elements_in_order(standard):
    """The elements are E1, E2, E3, in that order, with their titles."""
    elements = list(standard.elements.order_by("order", "code"))
    assert [(e.code, e.title) for e in elements] == ELEMENTS
    assert [e.order for e in elements] == sorted({e.order for e in elements})


@pytest.mark.parametrize("element_code", list(CRITERIA))
def test_each_element_has_its_criteria_in_order(standard, element_code):
    """Each element holds exactly its criteria, in map order, with the right kind
    and knowledge level."""
    element = standard.elements.get(code=element_code)
    rows = list(
        element.criteria.order_by("order", "code").values_list(
            "code", "kind", "knowledge_level"
        )
    )
    assert rows == CRITERIA[element_code]


def test_attitudes_belong_to_no_element(standard):
    """A1..A7 are attitudes observed across every element: no element, no level."""
    rows = list(
        Criterion.objects.filter(standard=standard, kind="attitude")
        .order_by("order", "code")
        .values_list("code", "element", "knowledge_level")
    )
    assert rows == [(code, None, "") for code in ATTITUDES]


def test_ec0305_has_36_criteria_with_the_right_kinds(standard):
    """36 criteria: 11 performance, 1 product, 17 knowledge (K01..K17), 7 attitudes;
    only knowledge criteria carry a level."""
    criteria = Criterion.objects.filter(standard=standard)
    assert criteria.count() == 36
    assert sorted(criteria.values_list("code", flat=True)) == sorted(ALL_CODES)
    by_kind = {
        kind: criteria.filter(kind=kind).count()
        for kind in ("performance", "product", "knowledge", "attitude")
    }
    assert by_kind == {"performance": 11, "product": 1, "knowledge": 17, "attitude": 7}
    assert sorted(criteria.filter(kind="knowledge").values_list("code", flat=True)) == [
        f"K{n:02d}" for n in range(1, 18)
    ]
    assert not criteria.filter(kind="knowledge", knowledge_level="").exists()
    assert not criteria.exclude(kind="knowledge").exclude(knowledge_level="").exists()


def test_reload_keeps_an_edit_made_in_the_admin(client, standard):
    """A trainer edits a criterion's text in the admin; running load_initial_data
    again keeps the edit, and the public page shows it."""
    criterion = Criterion.objects.get(standard=standard, code="E1-D2")
    edited = "Inicia el contacto con un saludo cordial (texto revisado)."
    client.force_login(user("instructor"))
    response = client.post(edit_url(criterion), form_data(criterion, text=edited))
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.text == edited

    call_command("load_initial_data", demo=True, verbosity=0)

    criterion.refresh_from_db()
    assert criterion.text == edited
    client.logout()
    assert edited in client.get(STANDARD_URL).content.decode()


# --- the public page -----------------------------------------------------------


def test_public_standard_page_lists_elements_and_criteria(client):
    """Anonymous visitors get the standard page with the three element titles in
    order and every criterion code."""
    response = client.get(STANDARD_URL)
    html = response.content.decode()
    assert response.status_code == 200
    positions = [html.index(title) for _, title in ELEMENTS]
    assert positions == sorted(positions)
    for code in ALL_CODES:
        assert f">{code}</span>" in html, code
    assert "Prestación de servicios de atención a clientes" in html


def test_public_standard_page_says_certificates_are_not_conocer(client):
    """The page states Atiende's certificates are internal, not SEP-CONOCER ones."""
    assert (
        "no son certificados SEP-CONOCER" in client.get(STANDARD_URL).content.decode()
    )


@pytest.mark.parametrize("written", ["ECO305", "eco305", "ec0305"])
def test_other_spellings_redirect_permanently_to_the_canonical_code(client, written):
    """The letter-O spelling used in training material (and lower case) redirects
    permanently to /estandar/EC0305/."""
    response = client.get(f"/estandar/{written}/")
    assert response.status_code == 301
    assert response["Location"] == STANDARD_URL


def test_unknown_standard_is_404(client):
    """A code that names no standard answers the site's 404 page."""
    response = client.get("/estandar/EC9999/")
    assert response.status_code == 404
    assert "No encontramos esta página" in response.content.decode()


def standard_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(STANDARD_URL)
    assert response.status_code == 200
    return len(queries)


def test_standard_page_query_count_does_not_grow_with_the_map(client, standard):
    """The standard page runs the same number of queries (and only a handful) when
    the map gains an element, criteria and attitudes."""
    before = standard_page_queries(client)
    element = Element.objects.create(
        standard=standard, code="E9", title="Elemento de prueba", order=9
    )
    for n in range(1, 6):
        Criterion.objects.create(
            standard=standard,
            element=element,
            code=f"E9-D{n}",
            kind="performance",
            text=f"Criterio de prueba {n}",
            order=100 + n,
        )
    Criterion.objects.create(
        standard=standard,
        element=element,
        code="K99",
        kind="knowledge",
        knowledge_level=COMPREHENSION,
        text="Conocimiento de prueba",
        order=110,
    )
    for n in (8, 9):
        Criterion.objects.create(
            standard=standard,
            code=f"A{n}",
            kind="attitude",
            text=f"Actitud de prueba {n}",
            order=120 + n,
        )
    after = standard_page_queries(client)
    assert after == before
    html = client.get(STANDARD_URL).content.decode()
    assert "Elemento de prueba" in html and ">A9</span>" in html


def test_standard_page_runs_four_queries(client, django_assert_num_queries):
    """Anonymous visitors cost four queries: the standard, its elements, their
    criteria and the attitudes."""
    with django_assert_num_queries(4):
        assert client.get(STANDARD_URL).status_code == 200


# --- the database constraint ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        ("knowledge", ""),
        ("performance", COMPREHENSION),
        ("product", APPLICATION),
        ("attitude", KNOWLEDGE),
    ],
    ids=["knowledge-without-level", "performance-with", "product-with", "attitude"],
)
def test_knowledge_level_iff_knowledge_is_enforced(standard, kind, level):
    """The database refuses a knowledge criterion without a level and any other
    kind with one; model validation reports the same."""
    criterion = Criterion(
        standard=standard,
        code="X-1",
        kind=kind,
        knowledge_level=level,
        text="Criterio inválido",
    )
    with pytest.raises(ValidationError):
        criterion.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        criterion.save()
    assert not Criterion.objects.filter(code="X-1").exists()


@pytest.mark.parametrize(
    ("kind", "level"),
    [("knowledge", COMPREHENSION), ("performance", ""), ("attitude", "")],
)
def test_valid_kind_and_level_pairs_are_accepted(standard, kind, level):
    """A knowledge criterion with a level, or another kind without one, saves."""
    criterion = Criterion(
        standard=standard, code="X-2", kind=kind, knowledge_level=level, text="Válido"
    )
    criterion.full_clean()
    criterion.save()
    assert Criterion.objects.filter(code="X-2").exists()


def test_criterion_codes_are_unique_within_a_standard(standard):
    """Two criteria of one standard cannot share a code."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(
            standard=standard, code="E1-D1", kind="performance", text="Duplicado"
        )


# --- the Wagtail admin ---------------------------------------------------------


def list_url() -> str:
    return reverse("wagtailsnippets_standards_criterion:list")


def edit_url(criterion: Criterion) -> str:
    return reverse("wagtailsnippets_standards_criterion:edit", args=[criterion.pk])


def form_data(criterion: Criterion, **changes) -> dict:
    data = {
        "standard": criterion.standard_id,
        "element": criterion.element_id or "",
        "code": criterion.code,
        "kind": criterion.kind,
        "text": criterion.text,
        "knowledge_level": criterion.knowledge_level,
        "order": criterion.order,
    }
    return {**data, **changes}


@pytest.fixture
def criterion(standard) -> Criterion:
    return Criterion.objects.get(standard=standard, code="E2-D1")


def test_trainer_opens_the_criterion_listing(client):
    """A trainer sees the criteria snippet listing with the codes."""
    client.force_login(user("instructor"))
    response = client.get(list_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "E1-D1" in html and "K01" in html


def test_trainer_opens_and_saves_the_criterion_edit_form(client, criterion):
    """A trainer opens a criterion's edit form and saves a change to its text."""
    client.force_login(user("instructor"))
    response = client.get(edit_url(criterion))
    assert response.status_code == 200
    assert criterion.text in response.content.decode()
    response = client.post(
        edit_url(criterion), form_data(criterion, text="Texto corregido.")
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.text == "Texto corregido."


def test_admin_form_refuses_a_level_on_a_non_knowledge_criterion(client, criterion):
    """The admin form reports the kind/level rule instead of saving (or crashing)."""
    client.force_login(user("instructor"))
    original = criterion.text
    response = client.post(
        edit_url(criterion),
        form_data(criterion, text="No debe guardarse", knowledge_level=APPLICATION),
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    criterion.refresh_from_db()
    assert criterion.text == original
    assert criterion.knowledge_level == ""


@pytest.mark.parametrize("username", ["aprendiz", None], ids=["learner", "anonymous"])
def test_learners_cannot_open_or_edit_criteria(client, criterion, username):
    """Learners (and anonymous visitors) are sent to the admin login: they neither
    see the listing nor change a criterion."""
    if username:
        client.force_login(user(username))
    original = criterion.text
    for response in (
        client.get(list_url()),
        client.get(edit_url(criterion)),
        client.post(edit_url(criterion), form_data(criterion, text="Alterado")),
    ):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("wagtailadmin_login"))
    criterion.refresh_from_db()
    assert criterion.text == original


def test_hr_cannot_edit_criteria(client, criterion):
    """HR may enter the admin but not the criteria: refused, and nothing changes."""
    client.force_login(user("rh"))
    original = criterion.text
    for response in (
        client.get(edit_url(criterion)),
        client.post(edit_url(criterion), form_data(criterion, text="Alterado")),
    ):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"] in (
                reverse("wagtailadmin_home"),
                f"{reverse('wagtailadmin_login')}?next={edit_url(criterion)}",
            )
    criterion.refresh_from_db()
    assert criterion.text == original
