"""Competence evaluation in the Wagtail admin: who may reach the instruments,
scenarios, lead evaluators and judgements; editing an instrument's items (and
that a used instrument's frozen versions never change); designating lead
evaluators (administrators only, recorded with who and when); and the coverage
report with the instrument items that observe each criterion."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from assessments.models import AssessmentPage
from evaluation import services
from evaluation.models import (
    Instrument,
    InstrumentItem,
    Judgement,
    LeadEvaluator,
    Scenario,
)
from standards.models import Criterion
from tests.factories import (
    CriterionFactory,
    ElementFactory,
    HRFactory,
    LearnerFactory,
    StandardFactory,
    TrainerFactory,
    UserFactory,
    delivery_instrument,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("wagtailadmin_login")
ADMIN_HOME = reverse("wagtailadmin_home")


def url(model, view, *args):
    return reverse(f"wagtailsnippets_evaluation_{model}:{view}", args=args)


def login(client, who):
    factories = {"learner": LearnerFactory, "hr": HRFactory, "trainer": TrainerFactory}
    if who == "anonymous":
        client.logout()
        return None
    user = (
        UserFactory(is_superuser=True, is_staff=True)
        if who == "superuser"
        else factories[who]()
    )
    client.force_login(user)
    return user


def assert_outcome(response, expected):
    """ "login": sent to the admin login (no admin access); "home": turned away
    to the admin home with a permission message (Wagtail's 403); else a status."""
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)
    elif expected == "home":
        assert response.status_code == 302
        assert response["Location"] == ADMIN_HOME
    else:
        assert response.status_code == expected


@pytest.fixture
def standard():
    return StandardFactory()


@pytest.fixture
def criteria(standard):
    element = ElementFactory(standard=standard, code="XE1")
    return {
        "performance": CriterionFactory(
            element=element, code="XE1-D1", kind="performance", knowledge_level=""
        ),
        "attitude": CriterionFactory(
            element=None,
            standard=standard,
            code="XA1",
            kind="attitude",
            knowledge_level="",
        ),
        "knowledge": CriterionFactory(element=element, code="XK1"),
    }


@pytest.fixture
def instrument(standard, criteria):
    instrument = Instrument.objects.create(
        code="X-GO", standard=standard, kind="observation", title="Guía X"
    )
    for order, key in enumerate(("performance", "attitude")):
        InstrumentItem.objects.create(
            instrument=instrument,
            criterion=criteria[key],
            text=f"Reactivo {key}",
            critical=order == 0,
            sort_order=order,
        )
    return instrument


@pytest.fixture
def scenario(standard, criteria):
    scenario = Scenario.objects.create(
        code="X-ESC",
        standard=standard,
        title="Cliente de prueba",
        situation="Ventanilla.",
        script="«Buenos días.»",
    )
    scenario.criteria.set([criteria["performance"]])
    return scenario


def instrument_form(instrument, items, **fields):
    """The admin form's POST data for ``instrument`` with ``items`` (dicts with
    criterion, text, critical and, for existing items, id)."""
    return nested_form_data(
        {
            "code": instrument.code,
            "standard": instrument.standard_id,
            "kind": instrument.kind,
            "active": "on",
            "title": instrument.title,
            "instructions": instrument.instructions,
            "assessment": "",
            "pass_percent": instrument.pass_percent,
            "keep_passed_months": instrument.keep_passed_months,
            "items": inline_formset(
                [
                    {
                        "id": item.get("id", ""),
                        "criterion": item["criterion"].pk
                        if item.get("criterion")
                        else "",
                        "part": item.get("part", ""),
                        "text": item["text"],
                        "critical": "on" if item.get("critical") else "",
                    }
                    for item in items
                ],
                initial=instrument.items.count(),
            ),
            **fields,
        }
    )


def current_items(instrument):
    return [
        {"id": i.pk, "criterion": i.criterion, "text": i.text, "critical": i.critical}
        for i in instrument.items.order_by("sort_order", "pk")
    ]


# ------------------------------------------------------------------ permissions

EXPECTED_FOR_AUTHORING = [
    ("anonymous", "login"),
    ("learner", "login"),
    ("hr", "home"),
    ("trainer", 200),
    ("superuser", 200),
]


@pytest.mark.parametrize("who, expected", EXPECTED_FOR_AUTHORING)
@pytest.mark.parametrize("screen", ["list", "add", "edit"])
@pytest.mark.parametrize("model", ["instrument", "scenario"])
def test_who_may_author_instruments_and_scenarios(
    client, instrument, scenario, model, screen, who, expected
):
    """Trainers (and administrators) list, add and edit instruments and
    scenarios; learners and anonymous visitors are sent to the admin login; HR
    is turned away to the admin home."""
    login(client, who)
    obj = {"instrument": instrument, "scenario": scenario}[model]
    args = (obj.pk,) if screen == "edit" else ()
    assert_outcome(client.get(url(model, screen, *args)), expected)


@pytest.mark.parametrize("who", ["learner", "hr"])
def test_learners_and_hr_change_no_instrument(client, instrument, criteria, who):
    """A POST to the edit form from a learner or HR changes nothing."""
    login(client, who)
    items = current_items(instrument)
    items[0]["text"] = "Cambiado sin permiso"
    client.post(
        url("instrument", "edit", instrument.pk), instrument_form(instrument, items)
    )
    assert not InstrumentItem.objects.filter(text="Cambiado sin permiso").exists()


@pytest.mark.parametrize(
    "who, screens",
    [
        ("trainer", {"list": 200, "inspect": 200, "add": "home", "edit": "home"}),
        ("hr", {"list": 200, "inspect": 200, "add": "home", "edit": "home"}),
        ("learner", {"list": "login", "inspect": "login", "add": "login"}),
        ("superuser", {"list": 200, "inspect": 200, "add": 200, "edit": 200}),
    ],
)
def test_only_administrators_designate_lead_evaluators(client, standard, who, screens):
    """Trainers and HR see the designations (read only); only superusers add,
    change or remove them; learners are sent to the admin login."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    designation = services.lead_evaluator_designate(
        user=UserFactory(), standard=standard, by=admin
    )
    login(client, who)
    for screen, expected in screens.items():
        args = (designation.pk,) if screen in ("edit", "inspect") else ()
        assert_outcome(client.get(url("leadevaluator", screen, *args)), expected)
    assert_outcome(
        client.get(url("leadevaluator", "delete", designation.pk)),
        200 if who == "superuser" else ("login" if who == "learner" else "home"),
    )


def test_a_trainer_cannot_designate_by_posting(client, standard):
    """A trainer's POST to the add form designates nobody."""
    login(client, "trainer")
    candidate = UserFactory()
    client.post(
        url("leadevaluator", "add"),
        {"user": candidate.pk, "standard": standard.pk, "note": ""},
    )
    assert not LeadEvaluator.objects.filter(standard=standard).exists()


def test_designation_records_the_administrator_and_shows_it(client, standard):
    """An administrator's designation through the admin records them as
    designated_by, and the listing shows who designated whom and when."""
    admin = login(client, "superuser")
    admin.first_name, admin.last_name = "Ada", "Ministradora"
    admin.save()
    person = UserFactory(first_name="Lía", last_name="Líder")

    response = client.post(
        url("leadevaluator", "add"),
        {"user": person.pk, "standard": standard.pk, "note": "Primera generación"},
    )

    assert response.status_code == 302
    designation = LeadEvaluator.objects.get(standard=standard)
    assert (designation.user, designation.standard) == (person, standard)
    assert designation.designated_by == admin
    assert designation.note == "Primera generación"
    html = client.get(url("leadevaluator", "list")).content.decode()
    assert "Lía Líder" in html and "Ada Ministradora" in html
    inspect = client.get(url("leadevaluator", "inspect", designation.pk))
    assert admin.get_username() in inspect.content.decode()


def test_designating_the_same_person_twice_is_refused(client, standard):
    """One designation per person and standard: the form says so."""
    admin = login(client, "superuser")
    person = UserFactory()
    services.lead_evaluator_designate(user=person, standard=standard, by=admin)
    response = client.post(
        url("leadevaluator", "add"), {"user": person.pk, "standard": standard.pk}
    )
    assert response.status_code == 200
    assert LeadEvaluator.objects.filter(standard=standard).count() == 1


def test_editing_a_designation_keeps_person_and_standard(client, standard):
    """Editing a designation changes its note only: person and standard stay."""
    admin = login(client, "superuser")
    person = UserFactory()
    designation = services.lead_evaluator_designate(
        user=person, standard=standard, by=admin
    )
    client.post(
        url("leadevaluator", "edit", designation.pk),
        {"user": UserFactory().pk, "standard": StandardFactory().pk, "note": "Nota"},
    )
    designation.refresh_from_db()
    assert (designation.user, designation.standard) == (person, standard)
    assert designation.note == "Nota"


@pytest.fixture
def judgement(standard):
    return Judgement.objects.create(
        candidate=LearnerFactory(first_name="Cande", last_name="Data"),
        standard=standard,
        competent=True,
        decided_at=timezone.now(),
        method=Judgement.Method.EVALUATOR,
        decided_by=UserFactory(first_name="Eva", last_name="Luadora"),
        feedback="Buen trabajo.",
    )


@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", "login"), ("learner", "login"), ("hr", 200), ("trainer", 200)],
)
def test_judgements_are_read_only(client, judgement, who, expected):
    """Trainers and HR list and inspect judgements; nobody adds, edits or
    deletes one by hand (not even an administrator)."""
    login(client, who)
    list_response = client.get(url("judgement", "list"))
    assert_outcome(list_response, expected)
    assert_outcome(client.get(url("judgement", "inspect", judgement.pk)), expected)
    if expected == 200:
        html = list_response.content.decode()
        assert "Cande Data" in html and "Eva Luadora" in html
        assert url("judgement", "add") not in html
    refused = "login" if expected == "login" else "home"
    for screen, args in (
        ("add", ()),
        ("edit", (judgement.pk,)),
        ("delete", (judgement.pk,)),
    ):
        assert_outcome(client.get(url("judgement", screen, *args)), refused)


def test_administrators_cannot_edit_judgements(client, judgement):
    """Judgements come from the judgement service only."""
    login(client, "superuser")
    assert client.get(url("judgement", "edit", judgement.pk)).status_code == 302
    client.post(url("judgement", "delete", judgement.pk))
    assert Judgement.objects.filter(pk=judgement.pk).exists()


def test_menu_group_for_trainers_not_learners(client, instrument):
    """Trainers find "Evaluación de la competencia" in the admin menu with its
    four screens; HR finds only the judgements and the lead evaluators."""
    login(client, "trainer")
    html = client.get(ADMIN_HOME).content.decode()
    assert "de la competencia" in html  # the menu's label (JSON-escaped)
    for model in ("instrument", "scenario", "leadevaluator", "judgement"):
        assert url(model, "list") in html, model
    login(client, "hr")
    html = client.get(ADMIN_HOME).content.decode()
    assert url("instrument", "list") not in html
    assert url("scenario", "list") not in html
    assert url("judgement", "list") in html


# ------------------------------------------------------------------ authoring


def test_instrument_listing_shows_and_filters(client, instrument, standard):
    """The listing shows code, title, kind and standard, and filters by kind."""
    Instrument.objects.create(
        code="X-LC", standard=standard, kind="checklist", title="Lista X"
    )
    login(client, "trainer")
    html = client.get(url("instrument", "list")).content.decode()
    assert "X-GO" in html and "X-LC" in html and standard.code in html
    assert "guía de observación" in html
    html = client.get(url("instrument", "list"), {"kind": "checklist"}).content.decode()
    assert "X-LC" in html and "X-GO" not in html


def test_trainer_edits_items_inline(client, instrument, criteria):
    """A trainer rewrites an item, marks it critical and adds another."""
    login(client, "trainer")
    items = current_items(instrument)
    items[1].update(text="Mantiene el tono amable", critical=True)
    items.append({"criterion": criteria["performance"], "text": "Nuevo reactivo"})

    response = client.post(
        url("instrument", "edit", instrument.pk), instrument_form(instrument, items)
    )

    assert response.status_code == 302, response.context["form"].errors
    saved = current_items(instrument)
    assert [i["text"] for i in saved] == [
        "Reactivo performance",
        "Mantiene el tono amable",
        "Nuevo reactivo",
    ]
    assert saved[1]["critical"] is True


def test_item_criteria_are_observable_ones_of_the_standard(
    client, instrument, criteria
):
    """The item's criterion is chosen among performance, product and attitude
    criteria (knowledge goes to the cuestionario); one of another standard is
    refused."""
    login(client, "trainer")
    form = client.get(url("instrument", "edit", instrument.pk)).context["form"]
    choices = form.formsets["items"].empty_form.fields["criterion"].queryset
    assert criteria["performance"] in choices and criteria["attitude"] in choices
    assert criteria["knowledge"] not in choices

    other = CriterionFactory(code="OTRO-D1", kind="performance", knowledge_level="")
    items = current_items(instrument)
    items[0]["criterion"] = other
    response = client.post(
        url("instrument", "edit", instrument.pk), instrument_form(instrument, items)
    )
    assert response.status_code == 200
    assert "es de otro estándar" in response.content.decode()
    assert not instrument.items.filter(criterion=other).exists()


def test_a_lista_de_imparticion_is_edited_by_parts(client, instrument, criteria):
    """The lista de impartición's items go in a part and need no criterion;
    other instruments' items need a criterion."""
    lista = delivery_instrument(instrument.standard)
    login(client, "trainer")
    items = [
        {"id": i.pk, "part": i.part, "text": i.text, "critical": i.critical}
        for i in lista.items.order_by("sort_order", "pk")
    ]
    response = client.post(
        url("instrument", "edit", lista.pk),
        instrument_form(lista, [*items, {"text": "Sin parte"}]),
    )
    assert response.status_code == 200
    assert "va en una parte" in response.content.decode()
    response = client.post(
        url("instrument", "edit", lista.pk),
        instrument_form(
            lista, [*items, {"part": "evaluar", "text": "Cierra a tiempo"}]
        ),
    )
    assert response.status_code == 302
    assert lista.items.filter(part="evaluar", text="Cierra a tiempo").exists()

    guia = current_items(instrument)
    guia[0]["criterion"] = None
    response = client.post(
        url("instrument", "edit", instrument.pk), instrument_form(instrument, guia)
    )
    assert response.status_code == 200
    assert "Elige el criterio" in response.content.decode()


def test_editing_a_used_instrument_never_changes_its_frozen_version(
    client, instrument, criteria
):
    """An instrument frozen into a version (an observation used it) is edited in
    the admin: the version keeps its payload, and the next use freezes a new
    version with the edit."""
    used = services.instrument_version_current(instrument=instrument)
    frozen = used.payload
    login(client, "trainer")
    items = current_items(instrument)
    items[0]["text"] = "Texto corregido por la instructora"

    response = client.post(
        url("instrument", "edit", instrument.pk), instrument_form(instrument, items)
    )

    assert response.status_code == 302
    used.refresh_from_db()
    assert used.payload == frozen
    assert used.items[0]["text"] == "Reactivo performance"
    current = services.instrument_version_current(instrument=instrument)
    assert current.number == used.number + 1
    assert current.items[0]["text"] == "Texto corregido por la instructora"


def test_a_used_instrument_cannot_be_deleted(client, instrument):
    """Deleting an instrument that has versions is refused with a message."""
    services.instrument_version_current(instrument=instrument)
    login(client, "trainer")
    response = client.post(url("instrument", "delete", instrument.pk), follow=True)
    assert Instrument.objects.filter(pk=instrument.pk).exists()
    assert "Desactívalo" in response.content.decode()


def test_trainer_writes_a_scenario_with_criteria_checkboxes(client, standard, criteria):
    """The scenario form offers the criteria as checkboxes and saves those
    ticked."""
    login(client, "trainer")
    html = client.get(url("scenario", "add")).content.decode()
    assert re.search(r'type="checkbox"[^>]*name="criteria"', html)

    response = client.post(
        url("scenario", "add"),
        {
            "code": "X-NUEVO",
            "standard": standard.pk,
            "title": "Cliente impaciente",
            "customer_type": "impaciente",
            "situation": "Caja con fila.",
            "script": "«¿Cuánto falta?»",
            "criteria": [criteria["performance"].pk, criteria["attitude"].pk],
        },
    )

    assert response.status_code == 302
    scenario = Scenario.objects.get(code="X-NUEVO")
    assert set(scenario.criteria.values_list("code", flat=True)) == {"XE1-D1", "XA1"}


# ------------------------------------------------------------------ coverage


@pytest.fixture
def as_role(client, initial_data):
    def sign_in(role):
        client.force_login(User.objects.get(username=role))
        return client

    return sign_in


def test_coverage_shows_the_items_that_observe_each_criterion(as_role):
    """Each performance criterion and attitude lists the shipped guía's items
    that observe it, the product its lista de cotejo items; knowledge says the
    cuestionario measures it; none is left unobserved."""
    response = as_role("instructor").get("/admin/cobertura/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reactivos de instrumentos" in html
    rows = {row.criterion.code: row for row in response.context["rows"]}
    assert {i.instrument.code for i in rows["E1-D1"].items} == {"EC0305-GO"}
    assert {i.instrument.code for i in rows["A7"].items} == {"EC0305-GO"}
    assert {i.instrument.code for i in rows["E2-P1"].items} == {"EC0305-LC"}
    assert 'data-unobserved-count="0"' in html
    assert "Se mide con el cuestionario" in html


def test_coverage_counts_criteria_no_instrument_observes(as_role):
    """With the lista de cotejo deactivated, the product E2-P1 is observed by no
    active instrument: the report counts and names it."""
    Instrument.objects.filter(code="EC0305-LC").update(active=False)
    html = as_role("instructor").get("/admin/cobertura/").content.decode()
    assert 'data-unobserved-count="1"' in html
    assert re.findall(r"<span data-unobserved>([^<]+)</span>", html) == ["E2-P1"]


def test_coverage_query_count_does_not_grow(as_role):
    """The report's query count stays the same with more instruments and items."""
    client = as_role("instructor")
    client.get("/admin/cobertura/")  # warm caches (site, menu)
    with CaptureQueriesContext(connection) as before:
        client.get("/admin/cobertura/")
    standard = Instrument.objects.get(code="EC0305-GO").standard
    for n in range(3):
        extra = Instrument.objects.create(
            code=f"EXTRA-{n}", standard=standard, kind="observation", title="Extra"
        )
        for order, criterion in enumerate(
            Criterion.objects.filter(standard=standard, kind="performance")
        ):
            InstrumentItem.objects.create(
                instrument=extra, criterion=criterion, text="Extra", sort_order=order
            )
    with CaptureQueriesContext(connection) as after:
        response = client.get("/admin/cobertura/")
    assert "EXTRA-2" in response.content.decode()
    assert len(after) == len(before)


def test_coverage_selector_query_count(initial_data, django_assert_num_queries):
    """The selector reads criteria, lesson links, lessons, practice lessons,
    items, and the finals' rows, covered criteria and bank: 8 queries."""
    from evaluation.selectors import criteria_coverage

    with django_assert_num_queries(8):
        rows = criteria_coverage()
        for row in rows:
            [item.instrument.code for item in row.items]
            [lesson.title for lesson in row.lessons]
            [lesson.title for lesson in row.practice]


def test_coverage_shows_every_criterion_taught_and_practised(as_role):
    """With the shipped course, every criterion of EC0305 is taught by a lesson
    and practised by a role-play or self-check; each row names its practice
    lessons."""
    response = as_role("instructor").get("/admin/cobertura/")
    html = response.content.decode()
    rows = response.context["rows"]
    ec0305 = [row for row in rows if row.criterion.standard.code == "EC0305"]
    assert len(ec0305) == 36
    assert [r.criterion.code for r in ec0305 if not r.lessons] == []
    assert [r.criterion.code for r in ec0305 if not r.practice] == []
    assert 'data-unpractised-count="0"' in html
    practice = {row.criterion.code: row.practice for row in rows}
    assert "Práctica del elemento 2: juegos de rol" in [
        lesson.title for lesson in practice["E2-P1"]
    ]


def test_coverage_names_criteria_no_activity_practises(as_role):
    """K17 (elements of closing) is practised only in the module of element 3:
    with that module's lessons gone, the report names K17, and only K17, as not
    practised, and its row says "Sin práctica"."""
    from courses.models import ModulePage

    ModulePage.objects.get(
        slug="e3-satisfaccion-del-cliente"
    ).get_descendants().delete()
    html = as_role("instructor").get("/admin/cobertura/").content.decode()
    assert re.findall(r"<span data-unpractised>([^<]+)</span>", html) == ["K17"]
    assert 'data-unpractised-count="1"' in html
    assert re.search(r'data-practice="K17"><span class="status-tag">Sin práctica', html)


def test_coverage_shows_every_asked_criterion_asked_in_every_final(as_role):
    """The seeded final covers its three elements: each performance, product and
    knowledge criterion of EC0305 is asked in every attempt, and the attitudes
    are marked as observed instead."""
    response = as_role("instructor").get("/admin/cobertura/")
    html = response.content.decode()
    rows = [
        r for r in response.context["rows"] if r.criterion.standard.code == "EC0305"
    ]
    asked = [r for r in rows if r.asked]
    assert len(asked) == 29
    assert all(
        [final.slug for final in r.finals] == ["evaluacion-final-ec0305"] for r in asked
    )
    assert [r.finals for r in rows if not r.asked] == [[]] * 7
    assert "Se pregunta en cada evaluación final" in html
    assert 'data-unasked-count="0"' in html
    assert re.search(r'data-asked="A1"><small>Se observa, no se pregunta', html)


def test_coverage_names_criteria_a_final_does_not_always_ask(as_role):
    """With E2's row no longer covering, and K03's questions withdrawn from the
    bank, the report names E2's fourteen criteria and K03 as not asked in every
    final, and K03's row says so."""
    from assessments.models import BlueprintRow, Question

    final = AssessmentPage.objects.get(slug="evaluacion-final-ec0305")
    BlueprintRow.objects.filter(page=final, element__code="E2").update(cover=False)
    Question.objects.filter(criterion__code="K03").update(active=False)
    html = as_role("instructor").get("/admin/cobertura/").content.decode()
    unasked = re.findall(r"<span data-unasked>([^<]+)</span>", html)
    e2 = Criterion.objects.filter(
        element__code="E2", element__standard__code="EC0305"
    ).values_list("code", flat=True)
    assert sorted(unasked) == sorted([*e2, "K03"])
    assert 'data-unasked-count="15"' in html
    assert re.search(
        r'data-asked="K03"><span class="status-tag">No en cada intento', html
    )
