"""The columns of the list of constancias: the ONE place they are mapped.

The DC-4 PDF table, the CSV and the XLSX for the STPS electronic capture all
read ``COLUMNS`` in order: a change of the official layout is an edit here. Each
column is a header, an accessor from a ``Constancia`` to its value (text, a
number of hours or a date: each output formats it), and the column's relative
width on the printed DC-4.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .dc_data import Constancia

__all__ = ["COLUMNS", "Column", "headers", "row_values"]

Value = str | int | Decimal | date


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Constancia], Value]
    width: float  # relative, on the printed DC-4


COLUMNS: tuple[Column, ...] = (
    Column("CURP", lambda c: c.worker.curp.strip().upper(), 1.35),
    Column("Nombre del trabajador", lambda c: c.worker.full_name, 1.7),
    Column(
        "Ocupación específica",
        lambda c: f"{c.worker.ocupacion_clave} {c.worker.ocupacion_nombre}",
        1.4,
    ),
    Column("Puesto", lambda c: c.worker.puesto, 1.0),
    Column("Nombre del curso", lambda c: c.course.nombre, 1.6),
    Column(
        "Área temática",
        lambda c: f"{c.course.area_tematica_clave} {c.course.area_tematica_nombre}",
        1.2,
    ),
    Column("Duración (horas)", lambda c: c.course.duracion_horas, 0.55),
    Column("Periodo de", lambda c: c.course.inicio, 0.7),
    Column("Periodo a", lambda c: c.course.fin, 0.7),
    Column("Agente capacitador", lambda c: c.course.agent_text, 1.3),
    Column("Folio", lambda c: c.folio, 1.0),
)


def headers() -> list[str]:
    return [column.header for column in COLUMNS]


def row_values(constancia: Constancia) -> list[Value]:
    return [column.value(constancia) for column in COLUMNS]
