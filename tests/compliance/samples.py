"""Sample DC-3/DC-4 data for the compliance tests and the benchmark: plain
dataclasses, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from compliance.dc_data import Constancia, Course, DC3Document, Employer, Worker

CURP = "HEZM900101MDFRXR09"
RFC_COMPANY = "GHS010101AB1"
RFC_PERSON = "GOIA800101AB1"


def worker(**changes) -> Worker:
    base = Worker(
        apellido_paterno="Hernández",
        apellido_materno="Zúñiga",
        nombres="María Guadalupe",
        curp=CURP,
        ocupacion_clave="52",
        ocupacion_nombre="Trabajadores en servicios de atención a clientes",
        puesto="Recepcionista",
    )
    return replace(base, **changes)


def employer(**changes) -> Employer:
    base = Employer(
        razon_social="Grupo Hotelero Sierra Madre, S.A. de C.V.",
        rfc=RFC_COMPANY,
        representante_legal="Ana Lucía Gómez Ibáñez",
        representante_trabajadores="Pedro Ramírez Soto",
    )
    return replace(base, **changes)


def course(**changes) -> Course:
    base = Course(
        nombre="Atención a clientes de excelencia",
        duracion_horas=Decimal("12.5"),
        inicio=date(2026, 10, 5),
        fin=date(2026, 11, 20),
        area_tematica_clave="6000",
        area_tematica_nombre="Desarrollo personal y familiar",
        agente_capacitador="Capacitación Integral del Norte, S.C.",
        instructor="Evangelina Luna Saldaña",
        agente_registro_stps="CIN-120101-XY3-0013",
    )
    return replace(base, **changes)


def constancia(i: int = 1, **changes) -> Constancia:
    changes.setdefault("worker", worker())
    changes.setdefault("course", course())
    return Constancia(
        folio=changes.pop("folio", f"DC3-2026-{i:06d}"),
        issued_on=changes.pop("issued_on", date(2026, 11, 25)),
        **changes,
    )


def document(i: int = 1, *, employer_data: Employer | None = None, **changes):
    return DC3Document(
        constancia=constancia(i, **changes),
        employer=employer_data or employer(),
        verification_url=f"https://atiende.example.mx/verificar/DC3{i:029d}/",
    )
