"""The frozen data the DC-3 and DC-4 documents are rendered from: plain values,
no Django.

The Django layer builds these from its models (a snapshot at issue, so a later
edit never changes an issued constancia) and hands them to ``dc3_pdf``,
``dc4_pdf`` and ``exports``. A document is never built with a required field
empty: ``missing_fields`` says exactly which ones are (for the "datos faltantes"
list), and the constructors refuse such data, so an incomplete DC-3 cannot exist.
Check digits of CURP and RFC are the services' job (python-stdnum); here only
what the boxes need is checked: 18 characters for a CURP, 12 or 13 for an RFC.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

__all__ = [
    "CURP_LENGTH",
    "RFC_LENGTHS",
    "Constancia",
    "Course",
    "DC3Document",
    "DC4Document",
    "Employer",
    "Worker",
    "format_hours",
    "missing_fields",
]

CURP_LENGTH = 18
RFC_LENGTHS = (12, 13)  # 12: a company (persona moral); 13: a person (física)

# What each required field is called where the "datos faltantes" list shows it.
FIELD_LABELS = {
    "apellido_paterno": "apellido paterno",
    "nombres": "nombre(s)",
    "curp": "CURP",
    "ocupacion_clave": "clave de la ocupación específica",
    "ocupacion_nombre": "ocupación específica",
    "puesto": "puesto",
    "razon_social": "nombre o razón social",
    "rfc": "RFC",
    "representante_legal": "patrón o representante legal",
    "nombre": "nombre del curso",
    "duracion_horas": "duración en horas",
    "inicio": "inicio del periodo de ejecución",
    "fin": "fin del periodo de ejecución",
    "area_tematica_clave": "clave del área temática",
    "area_tematica_nombre": "área temática",
    "agente_capacitador": "agente capacitador",
    "instructor": "instructor o tutor",
    "folio": "folio",
    "verification_url": "URL de verificación",
}

# Optional: a second surname is not universal, the workers' representative is
# required only above 50 workers (the services decide), an internal agent has no
# STPS registration number.
OPTIONAL = {"apellido_materno", "representante_trabajadores", "agente_registro_stps"}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing(obj: object) -> list[str]:
    return [
        FIELD_LABELS.get(f.name, f.name)
        for f in fields(obj)  # type: ignore[arg-type]
        if f.name not in OPTIONAL
        and f.name in FIELD_LABELS
        and _blank(getattr(obj, f.name))
    ]


def _refuse_missing(obj: object) -> None:
    missing = _missing(obj)
    if missing:
        raise ValueError(f"{type(obj).__name__}: faltan datos: {', '.join(missing)}")


@dataclass(frozen=True)
class Worker:
    """DATOS DEL TRABAJADOR."""

    apellido_paterno: str
    apellido_materno: str
    nombres: str
    curp: str
    ocupacion_clave: str  # Catálogo Nacional de Ocupaciones
    ocupacion_nombre: str
    puesto: str

    def __post_init__(self) -> None:
        _refuse_missing(self)
        if len(self.curp.strip()) != CURP_LENGTH:
            raise ValueError(f"Worker.curp: {CURP_LENGTH} caracteres: {self.curp!r}")

    @property
    def full_name(self) -> str:
        """Apellido paterno, apellido materno y nombre(s), as the DC-3 asks."""
        parts = (self.apellido_paterno, self.apellido_materno, self.nombres)
        return " ".join(part.strip() for part in parts if part.strip())


@dataclass(frozen=True)
class Employer:
    """DATOS DE LA EMPRESA, and who signs for employer and workers."""

    razon_social: str
    rfc: str
    representante_legal: str
    representante_trabajadores: str = ""

    def __post_init__(self) -> None:
        _refuse_missing(self)
        if len(self.rfc.strip()) not in RFC_LENGTHS:
            raise ValueError(f"Employer.rfc: 12 o 13 caracteres: {self.rfc!r}")


@dataclass(frozen=True)
class Course:
    """DATOS DEL PROGRAMA DE CAPACITACIÓN, ADIESTRAMIENTO Y PRODUCTIVIDAD."""

    nombre: str
    duracion_horas: Decimal | int
    inicio: date
    fin: date
    area_tematica_clave: str
    area_tematica_nombre: str
    agente_capacitador: str
    instructor: str  # the instructor, or the online tutor
    agente_registro_stps: str = ""  # an external agent's STPS registration

    def __post_init__(self) -> None:
        _refuse_missing(self)
        hours = self.duracion_horas
        if isinstance(hours, bool) or not isinstance(hours, int | Decimal):
            raise TypeError(f"Course.duracion_horas: int or Decimal, got {hours!r}")
        if hours <= 0:
            raise ValueError(f"Course.duracion_horas must be positive: {hours}")
        if self.fin < self.inicio:
            raise ValueError(f"Course: fin {self.fin} before inicio {self.inicio}")

    @property
    def agent_text(self) -> str:
        """The agent as printed: its name, and an external agent's STPS number."""
        registro = self.agente_registro_stps.strip()
        agent = self.agente_capacitador.strip()
        return f"{agent} · Registro STPS: {registro}" if registro else agent


@dataclass(frozen=True)
class Constancia:
    """One worker's constancia without the employer: one row of the DC-4."""

    folio: str
    worker: Worker
    course: Course
    issued_on: date

    def __post_init__(self) -> None:
        _refuse_missing(self)


@dataclass(frozen=True)
class DC3Document:
    """Everything one DC-3 prints."""

    constancia: Constancia
    employer: Employer
    verification_url: str  # the QR code carries it

    def __post_init__(self) -> None:
        _refuse_missing(self)


@dataclass(frozen=True)
class DC4Document:
    """The list of constancias of one plan period."""

    employer: Employer
    period_start: date
    period_end: date
    rows: tuple[Constancia, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.rows, tuple):
            raise TypeError("DC4Document.rows must be a tuple")
        if self.period_end < self.period_start:
            raise ValueError("DC4Document: period_end before period_start")


def missing_fields(**values: object) -> list[str]:
    """The labels of the required fields left blank among ``values`` (field
    name -> value), in the order given: what the "datos faltantes" list shows,
    computed before any dataclass is built. Unknown names are ignored."""
    return [
        FIELD_LABELS[name]
        for name, value in values.items()
        if name in FIELD_LABELS and name not in OPTIONAL and _blank(value)
    ]


def format_hours(hours: Decimal | int) -> str:
    """8 -> "8", Decimal("7.50") -> "7.5": no trailing zeros, point as decimal
    separator (as the STPS capture expects)."""
    value = Decimal(hours)
    text = f"{value.normalize():f}"
    return text
