"""Reading and checking a staff roster file (CSV or XLSX), without the database.

``parse_roster(filename, data)`` turns the bytes of an upload into ``RosterRow``
objects, each with the errors found in the row itself: the CURP (python-stdnum's
``mx.curp``: length, format, birth date or state, check digit), the e-mail, the
date, and duplicates of a CURP or an e-mail within the file. Whatever the file
holds, it never raises: a file that cannot be read gives ``file_errors``.

Checks that need the database (unknown unit or occupation code, a unit outside
the importer's scope) are made by ``services.roster_check``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.mexican_ids import curp_error

# 20,000 rows of CSV are about 2.5 MB; an XLSX of as many rows about 1.5 MB.
MAX_BYTES = 8 * 1024 * 1024
MAX_ROWS = 20000
EXTENSIONS = (".csv", ".xlsx")

# Normalised header (no accents, lower case, single spaces) -> field.
HEADERS = {
    "curp": "curp",
    "nombre": "first_name",
    "nombres": "first_name",
    "primer apellido": "last_name",
    "apellido paterno": "last_name",
    "segundo apellido": "second_last_name",
    "apellido materno": "second_last_name",
    "correo": "email",
    "correo electronico": "email",
    "email": "email",
    "e-mail": "email",
    "puesto": "position",
    "unidad": "unit_code",
    "clave de unidad": "unit_code",
    "fecha de ingreso": "hired_on",
    "ocupacion": "occupation_code",
    "ocupacion especifica": "occupation_code",
    "clave de ocupacion": "occupation_code",
}
REQUIRED = ("curp", "first_name", "last_name", "email", "unit_code")
# The e-mail column must be there, but a cell may be empty: some front-line staff
# have no address (they are not invited; HR gives them their access otherwise).
REQUIRED_VALUES = ("curp", "first_name", "last_name", "unit_code")
COLUMN_NAMES = {
    "curp": "CURP",
    "first_name": "nombre",
    "last_name": "primer apellido",
    "second_last_name": "segundo apellido",
    "email": "correo",
    "position": "puesto",
    "unit_code": "unidad",
    "hired_on": "fecha de ingreso",
    "occupation_code": "ocupación",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


@dataclass(frozen=True)
class RosterRow:
    """One person of the roster, as read; ``line`` is the line of the file
    (the header is line 1)."""

    line: int
    curp: str
    first_name: str
    last_name: str
    second_last_name: str = ""
    email: str = ""
    position: str = ""
    unit_code: str = ""
    hired_on: date | None = None
    occupation_code: str = ""  # a code of rollout.Occupation; empty: unchanged
    errors: tuple[str, ...] = ()

    def with_errors(self, *more: str) -> RosterRow:
        return replace(self, errors=self.errors + tuple(more)) if more else self

    def to_data(self) -> dict:
        """JSON-safe, for keeping the preview in the server-side session."""
        data = asdict(self)
        data["hired_on"] = self.hired_on.isoformat() if self.hired_on else None
        data["errors"] = list(self.errors)
        return data

    @classmethod
    def from_data(cls, data: dict) -> RosterRow:
        hired_on = data.get("hired_on")
        return cls(
            **{
                **data,
                "hired_on": date.fromisoformat(hired_on) if hired_on else None,
                "errors": tuple(data.get("errors", ())),
            }
        )


@dataclass(frozen=True)
class ParsedRoster:
    rows: tuple[RosterRow, ...] = ()
    file_errors: tuple[str, ...] = ()
    columns: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)


def normalise_header(value) -> str:
    text = unicodedata.normalize("NFKD", str(value or "")).replace("\ufeff", "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("_", " ").lower().split())


# ------------------------------------------------------------------ cells


def parse_date(value) -> date | None:
    """A date from a cell: a spreadsheet date, ISO (2024-03-01) or dd/mm/yyyy.
    Raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if " " in text:  # "2024-03-01 00:00:00" from a spreadsheet typed as text
        text = text.split(" ", 1)[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# ------------------------------------------------------------------ files


class RosterFileError(Exception):
    """The file cannot be read as a roster (message for the user)."""


def _csv_records(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            _("El archivo CSV debe estar en UTF-8 (guárdalo como «CSV UTF-8»).")
        ) from exc
    if "\x00" in text:
        raise RosterFileError(_("El archivo no es un CSV de texto."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = []
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                break
        return records
    except csv.Error as exc:
        raise RosterFileError(_("El archivo CSV está mal formado.")) from exc


def _xlsx_records(data: bytes) -> list[list]:
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise RosterFileError(
            _("No se pudo leer el archivo de Excel (.xlsx); revisa que no esté dañado.")
        ) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        records = []
        for record in sheet.iter_rows(values_only=True):
            records.append(list(record))
            if len(records) > MAX_ROWS + 1:
                break
        return records
    except Exception as exc:  # a broken sheet inside a valid zip
        raise RosterFileError(
            _("No se pudo leer el archivo de Excel (.xlsx); revisa que no esté dañado.")
        ) from exc
    finally:
        workbook.close()


def parse_roster(filename: str, data: bytes) -> ParsedRoster:
    """The rows of a roster file with their own errors (see the module)."""
    name = (filename or "").lower()
    if not name.endswith(EXTENSIONS):
        return ParsedRoster(
            file_errors=(_("El archivo debe ser .csv o .xlsx."),),
        )
    if len(data) > MAX_BYTES:
        return ParsedRoster(
            file_errors=(
                _("El archivo pesa más de %(mb)s MB.") % {"mb": MAX_BYTES // 2**20},
            )
        )
    if not data.strip():
        return ParsedRoster(file_errors=(_("El archivo está vacío."),))
    try:
        records = _xlsx_records(data) if name.endswith(".xlsx") else _csv_records(data)
    except RosterFileError as exc:
        return ParsedRoster(file_errors=(str(exc),))
    records = [r for r in records if any(_text(cell) for cell in r)]
    if not records:
        return ParsedRoster(file_errors=(_("El archivo está vacío."),))
    return _rows_from_records(records)


def _rows_from_records(records: list[list]) -> ParsedRoster:
    header, body = records[0], records[1:]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADERS.get(normalise_header(cell))
        if key and key not in columns:
            columns[key] = index
    missing = [COLUMN_NAMES[key] for key in REQUIRED if key not in columns]
    if missing:
        return ParsedRoster(
            file_errors=(
                _("Faltan columnas obligatorias: %(columns)s.")
                % {"columns": ", ".join(missing)},
            )
        )
    if not body:
        return ParsedRoster(file_errors=(_("El archivo no tiene filas de personas."),))
    if len(body) > MAX_ROWS:
        return ParsedRoster(
            file_errors=(
                _("El archivo tiene más de %(rows)s filas; divídelo en partes.")
                % {"rows": f"{MAX_ROWS:,}"},
            )
        )

    rows = [_row(line, record, columns) for line, record in enumerate(body, start=2)]
    return ParsedRoster(
        rows=tuple(_mark_duplicates(rows)), columns=tuple(sorted(columns))
    )


def _row(line: int, record: list, columns: dict[str, int]) -> RosterRow:
    def cell(key):
        index = columns.get(key)
        return record[index] if index is not None and index < len(record) else None

    errors = []
    values = {key: _text(cell(key)) for key in COLUMN_NAMES if key != "hired_on"}
    values["curp"] = values["curp"].upper().replace(" ", "")
    values["email"] = values["email"].lower()
    for key in REQUIRED_VALUES:
        if not values[key]:
            errors.append(
                _("Falta el dato «%(column)s».") % {"column": COLUMN_NAMES[key]}
            )
    if values["curp"]:
        problem = curp_error(values["curp"])
        if problem:
            errors.append(problem)
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(
                _("El correo «%(email)s» no es válido.") % {"email": values["email"]}
            )
    hired_on = None
    try:
        hired_on = parse_date(cell("hired_on"))
    except ValueError:
        errors.append(
            _(
                "La fecha de ingreso «%(value)s» no es válida "
                "(usa AAAA-MM-DD o DD/MM/AAAA)."
            )
            % {"value": _text(cell("hired_on"))}
        )
    return RosterRow(line=line, hired_on=hired_on, errors=tuple(errors), **values)


def _mark_duplicates(rows: list[RosterRow]) -> list[RosterRow]:
    first_curp: dict[str, int] = {}
    first_email: dict[str, int] = {}
    marked = []
    for row in rows:
        more = []
        if row.curp:
            if row.curp in first_curp:
                more.append(
                    _("La CURP se repite: ya está en la fila %(line)s.")
                    % {"line": first_curp[row.curp]}
                )
            else:
                first_curp[row.curp] = row.line
        if row.email:
            if row.email in first_email:
                more.append(
                    _("El correo se repite: ya está en la fila %(line)s.")
                    % {"line": first_email[row.email]}
                )
            else:
                first_email[row.email] = row.line
        marked.append(row.with_errors(*more))
    return marked
