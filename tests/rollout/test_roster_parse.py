"""The roster parser: headers, encodings, separators, dates, CURP and e-mail
checks, duplicates, and files that cannot be read (never an exception)."""

import io
from datetime import date

import openpyxl
import pytest
from stdnum.mx import curp

from rollout.roster import MAX_ROWS, curp_error, parse_roster


def valid_curp(prefix: str) -> str:
    return prefix + curp.calc_check_digit(prefix)


ANA = valid_curp("GOMA850101MDFRRN0")
JUAN = valid_curp("PELJ900215HJCRPN0")
HEADER = (
    "CURP,nombre,primer apellido,segundo apellido,correo,puesto,unidad,fecha de ingreso"
)


def csv_bytes(*lines, sep=",", bom=False) -> bytes:
    text = "\n".join(line.replace(",", sep) for line in lines) + "\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def test_curp_checks_name_the_failing_check():
    assert curp_error(ANA) is None
    assert "18 caracteres" in curp_error("GOMA8501")
    assert "formato" in curp_error("1OMA850101MDFRRN01")
    assert "fecha de nacimiento" in curp_error(valid_curp("GOMA851301MDFRRN0"))
    assert "dígito verificador" in curp_error(
        ANA[:-1] + ("1" if ANA[-1] != "1" else "2")
    )


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("sep", [",", ";"])
def test_csv_with_or_without_bom_and_either_separator(bom, sep):
    data = csv_bytes(
        HEADER,
        f"{ANA},Ana,Gómez,Martínez,Ana@Example.com,Cajera,SUC-A,2019-03-01",
        sep=sep,
        bom=bom,
    )
    parsed = parse_roster("personal.csv", data)
    assert parsed.ok, parsed
    (row,) = parsed.rows
    assert (row.curp, row.first_name, row.last_name, row.second_last_name) == (
        ANA,
        "Ana",
        "Gómez",
        "Martínez",
    )
    assert row.email == "ana@example.com"
    assert (row.position, row.unit_code, row.hired_on) == (
        "Cajera",
        "SUC-A",
        date(2019, 3, 1),
    )


def test_any_column_order_and_unaccented_upper_case_headers():
    data = csv_bytes(
        "FECHA DE INGRESO,Unidad,CORREO,Nombre,Primer_Apellido,curp,Puesto",
        f"15/08/2021,SUC-B,juan@example.com,Juan,Pérez,{JUAN},Ejecutivo",
    )
    parsed = parse_roster("p.csv", data)
    assert parsed.ok
    row = parsed.rows[0]
    assert (row.curp, row.unit_code, row.hired_on) == (JUAN, "SUC-B", date(2021, 8, 15))
    assert row.second_last_name == ""


def test_accented_headers():
    data = csv_bytes(
        "CURP,Nómbre,Primer apellido,Correo electrónico,Unidad,Fecha de íngreso",
        f"{JUAN},Juan,Pérez,juan@example.com,SUC-B,2021-08-15",
    )
    assert parse_roster("p.csv", data).ok


def test_missing_required_column_is_one_error():
    parsed = parse_roster("p.csv", csv_bytes("CURP,nombre,correo", f"{ANA},Ana,a@b.mx"))
    assert parsed.rows == ()
    assert len(parsed.file_errors) == 1
    assert "primer apellido" in parsed.file_errors[0]
    assert "unidad" in parsed.file_errors[0]


def test_row_errors_and_duplicates():
    data = csv_bytes(
        HEADER,
        f"{ANA},Ana,Gómez,,ana@example.com,,SUC-A,2019-02-30",
        f"{ANA},Otra,Gómez,,no-es-correo,,SUC-A,",
        f"{JUAN},Juan,Pérez,,ana@example.com,,,01/02/2020",
        "GOMA8501,X,Y,,x@example.com,,SUC-A,",
    )
    rows = parse_roster("p.csv", data).rows
    assert [row.line for row in rows] == [2, 3, 4, 5]
    assert any("fecha de ingreso" in e for e in rows[0].errors)
    assert any("CURP se repite" in e and "fila 2" in e for e in rows[1].errors)
    assert any("no-es-correo" in e for e in rows[1].errors)
    assert any("correo se repite" in e for e in rows[2].errors)
    assert any("unidad" in e for e in rows[2].errors)
    assert any("18 caracteres" in e for e in rows[3].errors)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_with_a_real_date_cell():
    data = xlsx_bytes(
        [
            [
                "Unidad",
                "CURP",
                "Nombre",
                "Primer apellido",
                "Correo",
                "Fecha de ingreso",
            ],
            ["SUC-A", ANA, "Ana", "Gómez", "ana@example.com", date(2020, 1, 31)],
        ]
    )
    parsed = parse_roster("p.xlsx", data)
    assert parsed.ok
    assert parsed.rows[0].hired_on == date(2020, 1, 31)


@pytest.mark.parametrize(
    "name,data",
    [
        ("vacio.csv", b""),
        ("blancos.csv", b"\n\n  \n"),
        ("basura.csv", bytes(range(256)) * 10),
        ("nul.csv", b"CURP,nombre\x00\n"),
        ("latin1.csv", "CURP,año\n".encode("latin-1")),
        ("personal.pdf", b"%PDF-1.4"),
        ("roto.xlsx", b"PK\x03\x04 not really a zip"),
        ("texto.xlsx", b"CURP,nombre\n"),
        ("solo-encabezado.csv", HEADER.encode()),
        ("grande.csv", b"x" * (2 * 1024 * 1024 + 1)),
    ],
)
def test_unreadable_files_give_a_message_not_an_exception(name, data):
    parsed = parse_roster(name, data)
    assert parsed.file_errors and not parsed.rows


def test_row_limit():
    lines = [HEADER] + [f"{ANA},A,B,,a{i}@e.mx,,U,"[:60] for i in range(MAX_ROWS + 1)]
    parsed = parse_roster("p.csv", csv_bytes(*lines))
    assert parsed.file_errors and f"{MAX_ROWS:,}" in parsed.file_errors[0]


@pytest.mark.parametrize(
    "header",
    ["ocupación", "Ocupacion", "OCUPACIÓN ESPECÍFICA", "clave de ocupación"],
)
def test_the_optional_occupation_column(header):
    data = csv_bytes(
        f"{HEADER},{header}",
        f"{ANA},Ana,Gómez,,ana@example.com,,SUC-A,, 07 ",
        f"{JUAN},Juan,Pérez,,juan@example.com,,SUC-B,,",
    )
    parsed = parse_roster("p.csv", data)
    assert parsed.ok
    assert [row.occupation_code for row in parsed.rows] == ["07", ""]
    assert "occupation_code" in parsed.columns


def test_without_the_occupation_column_rows_have_no_code():
    parsed = parse_roster("p.csv", csv_bytes(HEADER, f"{ANA},Ana,Gómez,,,,SUC-A,"))
    assert parsed.ok and parsed.rows[0].occupation_code == ""


def test_xlsx_occupation_column():
    data = xlsx_bytes(
        [
            ["CURP", "Nombre", "Primer apellido", "Correo", "Unidad", "Ocupación"],
            [ANA, "Ana", "Gómez", "ana@example.com", "SUC-A", "07"],
        ]
    )
    parsed = parse_roster("p.xlsx", data)
    assert parsed.ok and parsed.rows[0].occupation_code == "07"
