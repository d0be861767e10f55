"""The DC-4: pagination, the header on every page, one row per constancia."""

import math
from datetime import date

import pymupdf
import pytest

from compliance.dc4_columns import headers
from compliance.dc4_pdf import (
    EMPTY,
    ROWS_PER_PAGE,
    TITLE,
    cell_text,
    column_edges,
    layout,
    page_slices,
    render_dc4,
)
from compliance.dc_data import DC4Document
from compliance.dc_render import text_width
from tests.compliance.samples import constancia, employer, worker


def dc4(count: int, **changes) -> DC4Document:
    return DC4Document(
        employer=changes.pop("employer_data", employer()),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        rows=tuple(constancia(i, **changes) for i in range(1, count + 1)),
    )


@pytest.mark.parametrize(
    ("count", "per_page", "sizes"),
    [
        (0, 15, [0]),
        (1, 15, [1]),
        (15, 15, [15]),
        (16, 15, [15, 1]),
        (60, 15, [15, 15, 15, 15]),
        (61, 15, [15, 15, 15, 15, 1]),
    ],
)
def test_page_slices(count, per_page, sizes):
    slices = page_slices(count, per_page)
    assert [len(s) for s in slices] == sizes
    assert [i for s in slices for i in s] == list(range(count))


@pytest.mark.parametrize(
    ("value", "text"),
    [(date(2026, 3, 9), "2026/03/09"), (8, "8"), ("Cajera", "Cajera")],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_columns_fill_the_table_width():
    edges = column_edges()
    assert edges == sorted(edges)
    assert edges[0] == 30 and edges[-1] == pytest.approx(792 - 30)


@pytest.fixture(scope="module")
def sixty() -> bytes:
    return render_dc4(dc4(60))


def test_sixty_rows_paginate_with_the_header_on_every_page(sixty):
    pages = math.ceil(60 / ROWS_PER_PAGE)
    assert pages > 1
    folios = []
    with pymupdf.open(stream=sixty, filetype="pdf") as pdf:
        assert len(pdf) == pages
        for number, page in enumerate(pdf, start=1):
            assert (page.rect.width, page.rect.height) == (792, 612)
            text = page.get_text()
            for expected in (
                "FORMATO DC-4",
                TITLE,
                "Grupo Hotelero Sierra Madre, S.A. de C.V.",
                "GHS010101AB1",
                "Ana Lucía Gómez Ibáñez",
                "Pedro Ramírez Soto",
                "De 2026/01/01 a 2026/12/31",
                f"Página {number} de {pages}",
            ):
                assert expected in text, (number, expected)
            flat = " ".join(text.split())
            for header in headers():
                assert header in flat, (number, header)
            folios += [w for w in text.split() if w.startswith("DC3-2026-")]
    assert folios == [f"DC3-2026-{i:06d}" for i in range(1, 61)]


def test_rows_hold_the_constancia(sixty):
    with pymupdf.open(stream=sixty, filetype="pdf") as pdf:
        text = " ".join(pdf[0].get_text().split())
    for expected in (
        "HEZM900101MDFRXR09",
        "Hernández Zúñiga María Guadalupe",
        "Recepcionista",
        "Atención a clientes de excelencia",
        "6000 Desarrollo personal y familiar",
        "12.5",
        "2026/10/05",
        "2026/11/20",
    ):
        assert expected in text, expected


def test_header_row_repeated_in_the_layout():
    document = layout(dc4(60))
    for page in document.pages:
        header_runs = page.runs("column_header")
        assert " ".join(run.text for run in header_runs) == " ".join(headers())
        assert len(page.runs("page_number")) == 1
    rows = sum(len(page.boxes_of("cell")) for page in document.pages)
    assert rows == 60 * len(headers())


def test_long_cells_stay_in_their_column():
    long_name = "María Guadalupe de los Ángeles Concepción Esperanza " * 3
    document = layout(dc4(3, worker=worker(nombres=long_name)))
    edges = column_edges()
    page = document.pages[0]
    for run in page.runs("cell"):
        drawn = text_width(run.text, run.font, run.size) * run.horizontal_scale / 100
        column = max(i for i, edge in enumerate(edges[:-1]) if edge <= run.x)
        assert run.x + drawn <= edges[column + 1] + 0.01, run


def test_empty_period_is_one_page_that_says_so():
    document = layout(dc4(0))
    assert len(document.pages) == 1
    assert [run.text for run in document.pages[0].runs("empty")] == [EMPTY]
    with pymupdf.open(stream=render_dc4(dc4(0)), filetype="pdf") as pdf:
        assert "Página 1 de 1" in pdf[0].get_text()
