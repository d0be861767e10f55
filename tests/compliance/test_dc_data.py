"""The DC data refuse incomplete or malformed input, and say what is missing."""

from datetime import date
from decimal import Decimal

import pytest

from compliance.dc_data import format_hours, missing_fields
from tests.compliance.samples import course, employer, worker


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (8, "8"),
        (Decimal("7.50"), "7.5"),
        (Decimal("10"), "10"),
        (Decimal("40.00"), "40"),
        (Decimal("0.25"), "0.25"),
    ],
)
def test_format_hours(hours, text):
    assert format_hours(hours) == text


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({"curp": "HEZM900101MDFRXR09", "puesto": "Cajera"}, []),
        ({"curp": "", "puesto": "  "}, ["CURP", "puesto"]),
        ({"apellido_materno": "", "nombres": None}, ["nombre(s)"]),
        ({"representante_trabajadores": "", "rfc": ""}, ["RFC"]),
        ({"agente_registro_stps": "", "instructor": ""}, ["instructor o tutor"]),
        ({"unknown": ""}, []),
    ],
)
def test_missing_fields(values, missing):
    assert missing_fields(**values) == missing


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: worker(curp=""), "CURP"),
        (lambda: worker(curp="HEZM900101"), "18"),
        (lambda: worker(puesto=" ", nombres=""), r"nombre\(s\), puesto"),
        (lambda: employer(rfc="ABC"), "12 o 13"),
        (lambda: employer(representante_legal=""), "patrón o representante legal"),
        (lambda: course(nombre=""), "nombre del curso"),
        (lambda: course(area_tematica_clave=""), "clave del área temática"),
        (lambda: course(duracion_horas=0), "positive"),
        (lambda: course(inicio=date(2026, 12, 1)), "before"),
    ],
)
def test_incomplete_data_is_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_hours_are_exact():
    with pytest.raises(TypeError):
        course(duracion_horas=7.5)


def test_optional_fields_may_be_blank():
    assert worker(apellido_materno="").full_name == "Hernández María Guadalupe"
    assert employer(representante_trabajadores="").representante_trabajadores == ""
    assert course(agente_registro_stps="").agent_text == (
        "Capacitación Integral del Norte, S.C."
    )
    assert course().agent_text.endswith("Registro STPS: CIN-120101-XY3-0013")
