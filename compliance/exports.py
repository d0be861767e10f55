"""The list of constancias for electronic capture (CSV, XLSX) and the bulk ZIP of
DC-3 PDFs with its manifest: plain data in, bytes out, no Django.

* CSV and XLSX have the columns of ``dc4_columns`` in order, one row per
  constancia. Text cells a spreadsheet would run as a formula are made inert
  (``standards.formatting.neutralise``); the CSV is UTF-8 with a BOM, so Excel
  reads the accents. Dates: ISO in the CSV, date cells in the XLSX; hours as
  numbers.
* ``dc3_zip`` writes the PDFs (``ZIP_STORED``: PDFs are already compressed) and
  ``manifiesto.csv`` (folio, worker, CURP, course, file, SHA-256, verification
  URL, and what is missing for workers left out) into a file. ``items`` may be a
  generator that renders each PDF only when it is asked for: ``zipfile`` writes
  each entry to the file and keeps only its central-directory record, so memory
  holds one PDF at a time (plus ~200 bytes per entry for the directory and the
  manifest), whatever the number of workers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from standards.formatting import CSV_BOM, neutralise

from .dc3_pdf import render_dc3
from .dc4_columns import COLUMNS, headers, row_values
from .dc_data import Constancia, DC3Document, format_hours

__all__ = [
    "MANIFEST_HEADERS",
    "MANIFEST_NAME",
    "Missing",
    "ZipEntry",
    "dc3_entry",
    "dc3_zip",
    "dc4_csv",
    "dc4_xlsx",
    "entry_name",
]

MANIFEST_NAME = "manifiesto.csv"
MANIFEST_HEADERS = (
    "Folio",
    "Trabajador",
    "CURP",
    "Curso",
    "Archivo",
    "SHA-256",
    "URL de verificación",
    "Observaciones",
)


# ------------------------------------------------------------------ CSV / XLSX


def _csv_text(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return format_hours(value)
    return str(neutralise(value))


def dc4_csv(rows: Iterable[Constancia]) -> bytes:
    """The list of constancias as CSV (UTF-8 with BOM), columns of
    ``dc4_columns``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for constancia in rows:
        writer.writerow([_csv_text(value) for value in row_values(constancia)])
    return (CSV_BOM + buffer.getvalue()).encode("utf-8")


def dc4_xlsx(rows: Iterable[Constancia]) -> bytes:
    """The list of constancias as XLSX (openpyxl's write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Constancias")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 14 * column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for constancia in rows:
        line = []
        for value in row_values(constancia):
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula
            line.append(cell)
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ ZIP


@dataclass(frozen=True)
class ZipEntry:
    """One DC-3 PDF in the ZIP and its manifest line."""

    folio: str
    trabajador: str
    curp: str
    curso: str
    verification_url: str
    pdf: bytes


@dataclass(frozen=True)
class Missing:
    """A worker left out of the ZIP for want of data: a manifest line that says
    exactly what is missing."""

    trabajador: str
    curso: str
    faltantes: Sequence[str]
    curp: str = ""


def dc3_entry(doc: DC3Document, pdf: bytes | None = None) -> ZipEntry:
    """The ZIP entry of a DC-3: its stored PDF, or rendered now when none is
    given."""
    constancia = doc.constancia
    return ZipEntry(
        folio=constancia.folio,
        trabajador=constancia.worker.full_name,
        curp=constancia.worker.curp.strip().upper(),
        curso=constancia.course.nombre,
        verification_url=doc.verification_url,
        pdf=render_dc3(doc) if pdf is None else pdf,
    )


def _ascii_slug(text: str, limit: int = 60) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def entry_name(folio: str, trabajador: str) -> str:
    """``<folio>_<worker-slug>.pdf``: ASCII only."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", folio).strip("-.") or "dc3"
    slug = _ascii_slug(trabajador)
    return f"{safe}_{slug}.pdf" if slug else f"{safe}.pdf"


def _zip_info(name: str, timestamp: Sequence[int], compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=tuple(timestamp))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def dc3_zip(
    fileobj: BinaryIO,
    items: Iterable[ZipEntry],
    missing: Iterable[Missing] = (),
    *,
    timestamp: Sequence[int] | None = None,
) -> int:
    """Write the ZIP of the DC-3 PDFs of ``items`` and ``manifiesto.csv`` (one
    line per PDF with its SHA-256, then one per ``missing`` worker) to
    ``fileobj``; returns the number of PDFs written. ``timestamp`` (year, month,
    day, hour, minute, second) dates the entries: now when not given."""
    timestamp = tuple(timestamp or time.localtime()[:6])
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_HEADERS)
    used: set[str] = set()
    count = 0
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        for item in items:
            name = entry_name(item.folio, item.trabajador)
            stem, n = name[:-4], 2
            while name in used:  # folios are unique; this only guards bad input
                name, n = f"{stem}-{n}.pdf", n + 1
            used.add(name)
            archive.writestr(_zip_info(name, timestamp, compress=False), item.pdf)
            writer.writerow(
                [
                    neutralise(item.folio),
                    neutralise(item.trabajador),
                    neutralise(item.curp),
                    neutralise(item.curso),
                    name,
                    hashlib.sha256(item.pdf).hexdigest(),
                    item.verification_url,
                    "",
                ]
            )
            count += 1
        for row in missing:
            writer.writerow(
                [
                    "",
                    neutralise(row.trabajador),
                    neutralise(row.curp),
                    neutralise(row.curso),
                    "",
                    "",
                    "",
                    "Datos faltantes: " + ", ".join(row.faltantes),
                ]
            )
        archive.writestr(
            _zip_info(MANIFEST_NAME, timestamp, compress=True),
            (CSV_BOM + manifest.getvalue()).encode("utf-8"),
        )
    return count
