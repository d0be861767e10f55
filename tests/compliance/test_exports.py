"""CSV and XLSX of the list of constancias, and the DC-3 ZIP with its manifest."""

import csv
import hashlib
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pypdf
import pytest

from compliance.dc4_columns import COLUMNS, headers
from compliance.exports import (
    MANIFEST_HEADERS,
    MANIFEST_NAME,
    Missing,
    dc3_entry,
    dc3_zip,
    dc4_csv,
    dc4_xlsx,
    entry_name,
)
from tests.compliance.samples import constancia, document, worker


def rows():
    return [
        constancia(1),
        constancia(
            2, worker=worker(nombres='=HYPERLINK("x")', curp="GOIA800101HDFRXR01")
        ),
    ]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_columns_are_the_dc4_columns_in_order():
    table = read_csv(dc4_csv(rows()))
    assert table[0] == headers() == [column.header for column in COLUMNS]
    assert len(table) == 3
    first = dict(zip(table[0], table[1], strict=True))
    assert first["CURP"] == "HEZM900101MDFRXR09"
    assert first["Nombre del trabajador"] == "Hernández Zúñiga María Guadalupe"
    assert first["Duración (horas)"] == "12.5"
    assert first["Periodo de"] == "2026-10-05"
    assert first["Folio"] == "DC3-2026-000001"


def test_csv_formulas_are_made_inert():
    second = dict(zip(headers(), read_csv(dc4_csv(rows()))[2], strict=True))
    assert second["Nombre del trabajador"].startswith("Hernández Zúñiga")
    only_name = read_csv(
        dc4_csv([constancia(3, worker=worker(apellido_paterno="=1+1"))])
    )
    assert only_name[1][1].startswith("'=1+1")


def test_xlsx_columns_and_types():
    book = openpyxl.load_workbook(io.BytesIO(dc4_xlsx(rows())))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headers()
    first = dict(zip(values[0], values[1], strict=True))
    assert first["Periodo de"] == datetime(2026, 10, 5)
    assert first["Duración (horas)"] == pytest.approx(12.5)
    assert first["Folio"] == "DC3-2026-000001"
    bad = list(sheet.iter_rows(min_row=1, max_row=1))
    assert all(cell.data_type == "s" for cell in bad[0])


def test_xlsx_never_writes_a_formula():
    data = dc4_xlsx([constancia(1, worker=worker(apellido_paterno="=1+1"))])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value.startswith("'=1+1")


@pytest.mark.parametrize(
    ("folio", "name", "expected"),
    [
        ("DC3-2026-000001", "Núñez Peña José", "DC3-2026-000001_nunez-pena-jose.pdf"),
        ("A/B 7", "", "A-B-7.pdf"),
        ("../x", "Ñ", "x_n.pdf"),
    ],
)
def test_entry_name(folio, name, expected):
    assert entry_name(folio, name) == expected


def test_zip_holds_n_pdfs_and_a_manifest_with_their_sha256():
    items = (dc3_entry(document(i)) for i in range(1, 6))
    missing = [Missing("Pérez López Juan", "Atención a clientes", ("CURP", "puesto"))]
    buffer = io.BytesIO()
    count = dc3_zip(buffer, items, missing, timestamp=(2026, 11, 28, 9, 0, 0))
    assert count == 5
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        pdfs = [name for name in names if name.endswith(".pdf")]
        assert len(pdfs) == 5 and names[-1] == MANIFEST_NAME
        manifest = list(
            csv.reader(io.StringIO(archive.read(MANIFEST_NAME).decode("utf-8-sig")))
        )
        assert manifest[0] == list(MANIFEST_HEADERS)
        by_file = {row[4]: row for row in manifest[1:] if row[4]}
        assert sorted(by_file) == sorted(pdfs)
        for name in pdfs:
            data = archive.read(name)
            assert by_file[name][5] == hashlib.sha256(data).hexdigest()
            folio = by_file[name][0]
            text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
            assert folio in text
        assert manifest[-1][1] == "Pérez López Juan"
        assert manifest[-1][7] == "Datos faltantes: CURP, puesto"
        assert archive.getinfo(pdfs[0]).date_time == (2026, 11, 28, 9, 0, 0)
        assert archive.getinfo(pdfs[0]).compress_type == zipfile.ZIP_STORED


def test_zip_packs_stored_pdfs_as_given_and_keeps_names_unique():
    stored = b"%PDF-1.4 stored bytes"
    entries = [dc3_entry(document(1), pdf=stored), dc3_entry(document(1), pdf=stored)]
    buffer = io.BytesIO()
    assert dc3_zip(buffer, entries) == 2
    with zipfile.ZipFile(buffer) as archive:
        pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert len(set(pdfs)) == 2
        assert archive.read(pdfs[0]) == stored


def test_zip_items_are_consumed_lazily():
    """Each PDF is asked for only when it is written: a generator keeps memory
    to one PDF."""
    seen = []

    def items():
        for i in range(1, 4):
            seen.append(i)
            yield dc3_entry(document(i), pdf=b"%PDF " + bytes([i]) * 10)

    class Recording(io.BytesIO):
        def write(self, data):
            seen.append(("write", len(seen)))
            return super().write(data)

    dc3_zip(Recording(), items())
    first_write = next(i for i, s in enumerate(seen) if isinstance(s, tuple))
    assert seen[:first_write] == [1]


def test_hours_in_exports_are_exact():
    item = constancia(1)
    assert item.course.duracion_horas == Decimal("12.5")
    assert read_csv(dc4_csv([item]))[1][6] == "12.5"
    assert date(2026, 10, 5) == item.course.inicio
