"""The shipped EC0305 instruments and scenarios (evaluation/content/*.yaml): what
they cover, that loading them again changes nothing and keeps trainers' edits,
and that invalid data is refused whole."""

import copy

import pytest

from evaluation import content_loader
from evaluation.content_loader import EvaluationDataError
from evaluation.models import Instrument, InstrumentItem, Scenario
from standards.models import Criterion

pytestmark = pytest.mark.django_db

PERFORMANCE = [
    *(f"E1-D{n}" for n in range(1, 5)),
    *(f"E2-D{n}" for n in range(1, 6)),
    *(f"E3-D{n}" for n in range(1, 3)),
]
ATTITUDES = [f"A{n}" for n in range(1, 8)]
CUSTOMER_TYPES = {
    "dominante",
    "hablador",
    "indeciso",
    "sabelotodo",
    "impaciente",
    "reservado",
    "lento",
    "grosero",
}


@pytest.fixture
def instruments(initial_data):
    return content_loader.read("instruments.yaml")


@pytest.fixture
def scenarios(initial_data):
    return content_loader.read("scenarios.yaml")


def observed(code):
    return set(
        InstrumentItem.objects.filter(instrument__code=code).values_list(
            "criterion__code", flat=True
        )
    )


def snapshot():
    """Everything the loader writes, with primary keys (a rewrite would show)."""
    return (
        sorted(
            Instrument.objects.values_list(
                "pk", "code", "title", "instructions", "loaded_fingerprint"
            )
        ),
        sorted(
            InstrumentItem.objects.values_list(
                "pk", "instrument_id", "criterion_id", "text", "critical", "sort_order"
            )
        ),
        sorted(Scenario.objects.values_list("pk", "code", "script", "situation")),
        sorted(Scenario.criteria.through.objects.values_list("pk", flat=True)),
    )


# ------------------------------------------------------------------ coverage


def test_the_guia_observes_every_performance_criterion_and_attitude(initial_data):
    """EC0305-GO, a guía de observación, has items for E1-D1…E3-D2 and A1–A7:
    every performance criterion and attitude of the standard."""
    guia = Instrument.objects.get(code="EC0305-GO")
    assert guia.kind == Instrument.Kind.OBSERVATION
    assert guia.active
    standard_codes = set(
        Criterion.objects.filter(
            standard__code="EC0305", kind__in=("performance", "attitude")
        ).values_list("code", flat=True)
    )
    assert standard_codes == set(PERFORMANCE) | set(ATTITUDES)
    assert set(PERFORMANCE) | set(ATTITUDES) <= observed("EC0305-GO")
    assert guia.items.filter(critical=True).exists()


def test_the_lista_de_cotejo_checks_the_service_record(initial_data):
    """EC0305-LC, a lista de cotejo, checks the product E2-P1 (the service
    record), and every product criterion of the standard is checked."""
    lista = Instrument.objects.get(code="EC0305-LC")
    assert lista.kind == Instrument.Kind.CHECKLIST
    assert observed("EC0305-LC") == {"E2-P1"}
    products = set(
        Criterion.objects.filter(standard__code="EC0305", kind="product").values_list(
            "code", flat=True
        )
    )
    assert products <= observed("EC0305-LC")


def test_items_have_observable_wording(initial_data):
    """No item is empty or a copy of its criterion's text."""
    for item in InstrumentItem.objects.filter(
        instrument__code__in=("EC0305-GO", "EC0305-LC")
    ).select_related("criterion"):
        assert len(item.text) > 20, item.text
        assert item.text != item.criterion.text


def test_nine_scenarios_one_per_customer_type_plus_crisis(initial_data):
    """The scenarios are nine: one for each of the eight customer types of the
    course and one for the customer in crisis, each with its situation, its
    script and the criteria it exercises."""
    shipped = Scenario.objects.filter(standard__code="EC0305").prefetch_related(
        "criteria"
    )
    assert shipped.count() == 9
    types = [s.customer_type for s in shipped]
    assert sorted(types) == sorted(CUSTOMER_TYPES | {"crisis"})
    for scenario in shipped:
        assert scenario.situation and scenario.script, scenario.code
        assert scenario.criteria.all(), scenario.code
        assert {c.standard.code for c in scenario.criteria.all()} == {"EC0305"}


# ------------------------------------------------------------------ reloading


def test_loading_twice_changes_nothing(instruments, scenarios):
    """A second load of the shipped data (load_initial_data already loaded it)
    creates, updates and keeps nothing, and rewrites no row."""
    before = snapshot()

    first = content_loader.instruments_load(entries=instruments)
    second = content_loader.scenarios_load(entries=scenarios)

    assert (first.created, first.updated, first.kept) == (0, 0, [])
    assert first.unchanged == len(instruments)
    assert (second.created, second.updated, second.kept) == (0, 0, [])
    assert second.unchanged == len(scenarios) == 9
    assert snapshot() == before


def test_a_trainers_edit_is_kept_and_reported(instruments):
    """A trainer rewrote an item of the guía: a later load leaves it as the
    trainer left it and reports the instrument as kept."""
    item = InstrumentItem.objects.filter(instrument__code="EC0305-GO").first()
    item.text = "Saluda mirando a la persona y se presenta por su nombre."
    item.save()

    report = content_loader.instruments_load(entries=instruments)

    assert report.kept == ["EC0305-GO"]
    item.refresh_from_db()
    assert item.text == "Saluda mirando a la persona y se presenta por su nombre."


def test_a_trainers_edit_survives_new_shipped_data(instruments):
    """When the shipped guía changes too, the trainer's edited instrument is
    still kept (not overwritten) and reported."""
    Instrument.objects.filter(code="EC0305-GO").update(title="Guía de la sucursal")
    changed = copy.deepcopy(instruments)
    changed[0]["title"] = "Guía de observación, edición 2"

    report = content_loader.instruments_load(entries=changed)

    assert report.kept == ["EC0305-GO"]
    assert Instrument.objects.get(code="EC0305-GO").title == "Guía de la sucursal"


def test_new_shipped_data_updates_an_unedited_instrument(instruments):
    """An instrument nobody edited follows the shipped data."""
    changed = copy.deepcopy(instruments)
    lista = next(e for e in changed if e["code"] == "EC0305-LC")
    lista["items"][0]["text"] = "Registra la fecha y la hora del servicio."

    report = content_loader.instruments_load(entries=changed)

    assert report.updated == 1 and report.kept == []
    assert "Registra la fecha y la hora del servicio." in set(
        InstrumentItem.objects.filter(instrument__code="EC0305-LC").values_list(
            "text", flat=True
        )
    )


def test_a_trainers_scenario_edit_is_kept(scenarios):
    """A trainer's edit of a scenario's script is kept by a later load."""
    scenario = Scenario.objects.get(code="ESC-09-CRISIS")
    scenario.script = "Guion adaptado a la sucursal."
    scenario.save()

    report = content_loader.scenarios_load(entries=scenarios)

    assert report.kept == ["ESC-09-CRISIS"]
    scenario.refresh_from_db()
    assert scenario.script == "Guion adaptado a la sucursal."


# ------------------------------------------------------------------ bad data


def _new_instrument(**changes):
    entry = {
        "code": "NUEVO-GO",
        "kind": "observation",
        "standard": "EC0305",
        "title": "Guía nueva",
        "items": [{"criterion": "E1-D1", "text": "Tiene el área lista."}],
    }
    entry.update(changes)
    return entry


def _item(criterion):
    return [{"criterion": criterion, "text": "Reactivo"}]


BAD_INSTRUMENTS = [
    pytest.param(_new_instrument(items=_item("E9-D9")), "E9-D9", id="criterion"),
    pytest.param(_new_instrument(standard="EC9999"), "EC9999", id="standard"),
    pytest.param(_new_instrument(kind="encuesta"), "encuesta", id="kind"),
    pytest.param(
        {k: v for k, v in _new_instrument().items() if k != "title"},
        "title",
        id="missing-title",
    ),
    pytest.param(
        _new_instrument(items=[{"criterion": "E1-D1"}]), "text", id="missing-text"
    ),
    pytest.param(
        _new_instrument(kind="questionnaire", items=[], assessment="no-existe"),
        "no-existe",
        id="unknown-assessment",
    ),
    pytest.param(
        _new_instrument(kind="questionnaire", items=[]),
        "cuestionario",
        id="questionnaire-without-assessment",
    ),
]


def test_the_cuestionario_points_to_the_final_assessment(initial_data):
    cuestionario = Instrument.objects.get(code="EC0305-CU")
    assert cuestionario.kind == Instrument.Kind.QUESTIONNAIRE
    assert cuestionario.assessment.slug == "evaluacion-final-ec0305"
    assert not cuestionario.items.exists()


@pytest.mark.parametrize("bad, named", BAD_INSTRUMENTS)
def test_invalid_instrument_data_saves_nothing(instruments, bad, named):
    """An unknown criterion or standard, a bad kind or a missing field raises
    EvaluationDataError naming the problem, and nothing of the load is saved,
    not even the valid entries before it."""
    before = snapshot()
    valid = _new_instrument(code="VALIDO-GO")
    changed = copy.deepcopy(instruments)
    changed[0]["title"] = "Cambio que no debe guardarse"

    with pytest.raises(EvaluationDataError, match=named):
        content_loader.instruments_load(entries=[*changed, valid, bad])

    assert snapshot() == before
    assert not Instrument.objects.filter(code__in=["VALIDO-GO", "NUEVO-GO"]).exists()


BAD_SCENARIOS = [
    pytest.param({"criteria": ["Z1"]}, "Z1", id="criterion"),
    pytest.param({"standard": "EC9999"}, "EC9999", id="standard"),
    pytest.param({"script": None}, "script", id="missing-script"),
]


@pytest.mark.parametrize("changes, named", BAD_SCENARIOS)
def test_invalid_scenario_data_saves_nothing(changes, named, initial_data):
    """An invalid scenario rejects the whole load."""
    before = snapshot()
    entry = {
        "code": "ESC-NUEVO",
        "standard": "EC0305",
        "title": "Nuevo",
        "situation": "Mostrador.",
        "script": "«Hola.»",
        "criteria": ["E1-D2"],
        **changes,
    }
    entry = {k: v for k, v in entry.items() if v is not None}
    valid = {**entry, "code": "ESC-VALIDO", "standard": "EC0305", "criteria": []}
    valid["script"] = "«Buenas.»"

    with pytest.raises(EvaluationDataError, match=named):
        content_loader.scenarios_load(entries=[valid, entry])

    assert snapshot() == before
    assert not Scenario.objects.filter(code__in=["ESC-NUEVO", "ESC-VALIDO"]).exists()


# ------------------------------------------------------- lista de impartición


def test_the_lista_de_imparticion_has_three_parts(initial_data):
    """The shipped checklist for signing off a multiplicador's delivery:
    items in preparar, conducir, evaluar (in that order), none tied to a
    criterion, most of them required."""
    lista = Instrument.objects.get(code="EC0305-IMP")
    assert lista.kind == Instrument.Kind.DELIVERY
    items = list(lista.items.order_by("sort_order"))
    parts = [item.part for item in items]
    assert list(dict.fromkeys(parts)) == ["preparar", "conducir", "evaluar"]
    assert all(item.criterion_id is None for item in items)
    assert sum(item.critical for item in items) > len(items) / 2


@pytest.mark.parametrize(
    "item, named",
    [
        pytest.param({"text": "Sin parte"}, "part", id="no-part"),
        pytest.param({"part": "cantar", "text": "x"}, "part", id="unknown-part"),
        pytest.param(
            {"part": "preparar", "criterion": "E1-D1", "text": "x"},
            "no criterion",
            id="with-criterion",
        ),
    ],
)
def test_invalid_imparticion_items_save_nothing(instruments, item, named):
    bad = {
        "code": "IMP-MALA",
        "kind": "delivery",
        "standard": "EC0305",
        "title": "Mala",
        "items": [item],
    }
    with pytest.raises(EvaluationDataError, match=named):
        content_loader.instruments_load(entries=[*instruments, bad])
    assert not Instrument.objects.filter(code="IMP-MALA").exists()


def test_only_imparticion_items_have_a_part(instruments):
    bad = _new_instrument(code="GO-CON-PARTE")
    bad["items"][0]["part"] = "preparar"
    with pytest.raises(EvaluationDataError, match="only impartición"):
        content_loader.instruments_load(entries=[*instruments, bad])
