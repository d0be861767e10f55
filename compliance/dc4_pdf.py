"""The DC-4 of the STPS, "Lista de constancias de competencias o de habilidades
laborales": pure, no Django.

Letter landscape. Every page repeats the title, the employer's block (razón
social, RFC, patrón o representante legal, representante de los trabajadores,
periodo del plan) and the table's header row, then holds up to ``ROWS_PER_PAGE``
constancias, one per row, with the columns of ``dc4_columns`` in order; the foot
of each page says "Página N de M". Rows have one fixed height (each cell's text
is fitted to it: shrunk, wrapped over two lines, condensed, never cut), so the
pagination is a pure function of the number of rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import LETTER, landscape

from .dc4_columns import COLUMNS
from .dc_data import Constancia, DC4Document, format_hours
from .dc_render import (
    FONT_BOLD,
    GREY,
    HEADER_FILL,
    Builder,
    DocumentLayout,
    Page,
    render,
)

__all__ = [
    "ROWS_PER_PAGE",
    "TITLE",
    "cell_text",
    "column_edges",
    "layout",
    "page_slices",
    "render_dc4",
]

PAGE_WIDTH, PAGE_HEIGHT = landscape(LETTER)  # 792 x 612 pt
MARGIN = 30.0
LEFT = MARGIN
RIGHT = PAGE_WIDTH - MARGIN
WIDTH = RIGHT - LEFT

FORMAT = "FORMATO DC-4"
TITLE = "LISTA DE CONSTANCIAS DE COMPETENCIAS O DE HABILIDADES LABORALES"
NOTE = (
    "Lista de las constancias expedidas en el periodo del plan y programa de "
    "capacitación, conforme al artículo 153-V de la Ley Federal del Trabajo y a "
    "los criterios de la STPS."
)
EMPTY = "No se expidieron constancias en el periodo."

FIELD_HEIGHT = 30.0
HEADER_ROW_HEIGHT = 24.0
ROW_HEIGHT = 26.0  # three lines at 6 pt
PAD = 3.0
TABLE_TOP = PAGE_HEIGHT - MARGIN - 36 - 2 * FIELD_HEIGHT - 8
TABLE_BOTTOM = MARGIN + 20
ROWS_PER_PAGE = int((TABLE_TOP - HEADER_ROW_HEIGHT - TABLE_BOTTOM) // ROW_HEIGHT)


def column_edges(width: float = WIDTH, left: float = LEFT) -> list[float]:
    """The x of each column's left edge, and the table's right edge last."""
    total = sum(column.width for column in COLUMNS)
    edges = [left]
    for column in COLUMNS:
        edges.append(edges[-1] + width * column.width / total)
    return edges


def page_slices(count: int, per_page: int = ROWS_PER_PAGE) -> list[range]:
    """The row indexes on each page; one (empty) page when there are no rows."""
    pages = max(1, math.ceil(count / per_page))
    return [range(i * per_page, min(count, (i + 1) * per_page)) for i in range(pages)]


def cell_text(value: str | int | Decimal | date) -> str:
    """A value as the printed table shows it: dates as año/mes/día."""
    if isinstance(value, date):
        return f"{value:%Y/%m/%d}"
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return format_hours(value)
    return str(value)


def _header(b: Builder, doc: DC4Document, number: int, total: int) -> None:
    employer = doc.employer
    top = PAGE_HEIGHT - MARGIN
    centre = LEFT + WIDTH / 2
    b.text(
        centre, top - 10, FORMAT, size=11, font=FONT_BOLD, align="center", role="format"
    )
    b.text(
        centre, top - 25, TITLE, size=10, font=FONT_BOLD, align="center", role="title"
    )
    y = top - 36
    wide = WIDTH * 0.62
    b.field(
        LEFT,
        y,
        wide,
        FIELD_HEIGHT,
        "Nombre o razón social",
        employer.razon_social,
        role="employer_name",
        max_size=9.5,
    )
    b.field(
        LEFT + wide,
        y,
        WIDTH - wide,
        FIELD_HEIGHT,
        "Registro Federal de Contribuyentes con homoclave (SHCP)",
        employer.rfc.strip().upper(),
        role="rfc",
        max_size=9.5,
    )
    y -= FIELD_HEIGHT
    third = WIDTH * 0.36
    b.field(
        LEFT,
        y,
        third,
        FIELD_HEIGHT,
        "Patrón o representante legal",
        employer.representante_legal,
        role="legal_representative",
        max_size=9.5,
    )
    b.field(
        LEFT + third,
        y,
        third,
        FIELD_HEIGHT,
        "Representante de los trabajadores",
        employer.representante_trabajadores or "—",
        role="workers_representative",
        max_size=9.5,
    )
    b.field(
        LEFT + 2 * third,
        y,
        WIDTH - 2 * third,
        FIELD_HEIGHT,
        "Periodo del plan y programa (año/mes/día)",
        f"De {doc.period_start:%Y/%m/%d} a {doc.period_end:%Y/%m/%d}",
        role="plan_period",
        max_size=9.5,
    )

    edges = column_edges()
    row_top = TABLE_TOP
    for column, x0, x1 in zip(COLUMNS, edges, edges[1:], strict=False):
        b.box(
            x0,
            row_top - HEADER_ROW_HEIGHT,
            x1 - x0,
            HEADER_ROW_HEIGHT,
            fill=HEADER_FILL,
            role="column_header_cell",
        )
        b.fitted(
            x0 + PAD,
            row_top - PAD - 1,
            column.header,
            max_width=x1 - x0 - 2 * PAD,
            max_size=7,
            min_size=6,
            floor=4.5,
            font=FONT_BOLD,
            role="column_header",
        )

    b.text(LEFT, MARGIN, NOTE, size=6, color=GREY, role="note")
    b.text(
        RIGHT,
        MARGIN,
        f"Página {number} de {total}",
        size=7.5,
        align="right",
        role="page_number",
    )


def _rows(b: Builder, rows: Sequence[Constancia]) -> None:
    edges = column_edges()
    top = TABLE_TOP - HEADER_ROW_HEIGHT
    if not rows:
        b.text(LEFT + PAD, top - 14, EMPTY, size=8, color=GREY, role="empty")
    for constancia in rows:
        for column, x0, x1 in zip(COLUMNS, edges, edges[1:], strict=False):
            b.box(
                x0, top - ROW_HEIGHT, x1 - x0, ROW_HEIGHT, line_width=0.4, role="cell"
            )
            b.fitted(
                x0 + PAD,
                top - PAD - 1,
                cell_text(column.value(constancia)),
                max_width=x1 - x0 - 2 * PAD,
                max_size=7,
                min_size=6,
                max_lines=3,
                floor=4.5,
                role="cell",
            )
        top -= ROW_HEIGHT


def layout(doc: DC4Document) -> DocumentLayout:
    """Every page of the list, as data."""
    slices = page_slices(len(doc.rows))
    pages: list[Page] = []
    for number, indexes in enumerate(slices, start=1):
        b = Builder()
        _header(b, doc, number, len(slices))
        _rows(b, doc.rows[indexes.start : indexes.stop])
        pages.append(b.page())
    return DocumentLayout(
        width=PAGE_WIDTH,
        height=PAGE_HEIGHT,
        pages=tuple(pages),
        title=f"DC-4 {doc.employer.razon_social} "
        f"{doc.period_start:%Y-%m-%d} a {doc.period_end:%Y-%m-%d}",
        author=doc.employer.razon_social,
        subject=f"{FORMAT} {TITLE}",
        dated=doc.period_end,
    )


def render_dc4(doc: DC4Document) -> bytes:
    """The DC-4 as PDF bytes."""
    return render(layout(doc))
