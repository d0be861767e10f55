"""The DC-3 of the STPS, "Constancia de competencias o de habilidades
laborales": pure, no Django.

``layout(doc)`` computes the letter-size portrait page as data (a
``DocumentLayout`` of one page: text runs with roles, character boxes, rules, the
QR box) and ``render_dc3(doc)`` draws it. The sections come in the official
order, under the official headings (``SECTIONS``), then the three signature
blocks side by side. The texts are fixed Spanish: this is a legal format, not
translated.

Names, courses and agents of any length fit their field: ``fit_text`` shrinks
them, then wraps them over two lines, then condenses them, never cuts them. CURP
and RFC are set one character per box (18, and 12 or 13).
"""

from __future__ import annotations

from reportlab.lib.pagesizes import LETTER

from .dc_data import DC3Document, format_hours
from .dc_render import (
    FONT_BOLD,
    FONT_REGULAR,
    GREY,
    HEADER_FILL,
    INK,
    Builder,
    DocumentLayout,
    QRBox,
    char_cells,
    render,
)

__all__ = [
    "FOOTNOTES",
    "SECTIONS",
    "SIGNATURE_TITLES",
    "TITLE",
    "layout",
    "render_dc3",
]

PAGE_WIDTH, PAGE_HEIGHT = LETTER  # 612 x 792 pt
MARGIN = 36.0
LEFT = MARGIN
RIGHT = PAGE_WIDTH - MARGIN
WIDTH = RIGHT - LEFT

FORMAT = "FORMATO DC-3"
TITLE = "CONSTANCIA DE COMPETENCIAS O DE HABILIDADES LABORALES"
SECTIONS = (
    "DATOS DEL TRABAJADOR",
    "DATOS DE LA EMPRESA",
    "DATOS DEL PROGRAMA DE CAPACITACIÓN, ADIESTRAMIENTO Y PRODUCTIVIDAD",
)
SIGNATURE_TITLES = (
    "Instructor o tutor",
    "Patrón o representante legal",
    "Representante de los trabajadores",
)
FOOTNOTES = (
    "Los datos de esta constancia se asientan conforme al artículo 153-V de la Ley "
    "Federal del Trabajo y a los criterios generales y formatos de la Secretaría "
    "del Trabajo y Previsión Social (STPS) para la capacitación, adiestramiento y "
    "productividad.",
    "Las claves de ocupación específica corresponden al Catálogo Nacional de "
    "Ocupaciones; las de área temática, al catálogo de áreas temáticas de los "
    "cursos.",
    "El patrón entrega esta constancia al trabajador y conserva una copia. La "
    "autenticidad de esta constancia puede verificarse con el código QR.",
)

CAPTION_SIZE = 6.5
VALUE_MAX = 10.0
VALUE_MIN = 7.0
PAD = 4.0
FIELD_HEIGHT = 34.0  # caption and two value lines at VALUE_MIN (or less)
BAR_HEIGHT = 15.0
QR_SIZE = 64.0


def _field(
    b: Builder,
    x: float,
    top: float,
    width: float,
    caption: str,
    value: str,
    role: str,
    height: float = FIELD_HEIGHT,
) -> None:
    b.field(
        x,
        top,
        width,
        height,
        caption,
        value,
        role=role,
        caption_size=CAPTION_SIZE,
        max_size=VALUE_MAX,
        min_size=VALUE_MIN,
        pad=PAD,
    )


def _boxed_field(
    b: Builder,
    x: float,
    top: float,
    width: float,
    caption: str,
    value: str,
    role: str,
) -> None:
    """A field whose value is set one character per box (CURP, RFC)."""
    b.box(x, top - FIELD_HEIGHT, width, FIELD_HEIGHT, role="field")
    b.text(
        x + PAD,
        top - PAD - CAPTION_SIZE * 0.8,
        caption,
        size=CAPTION_SIZE,
        color=GREY,
        role=f"{role}_label",
    )
    chars = value.strip().upper()
    cell_height = 16.0
    bottom = top - FIELD_HEIGHT + PAD
    for char, (left, cell) in zip(
        chars, char_cells(len(chars), x=x + PAD, width=width - 2 * PAD), strict=True
    ):
        b.box(left, bottom, cell, cell_height, line_width=0.5, role=f"{role}_box")
        b.text(
            left + cell / 2,
            bottom + 4.5,
            char,
            size=9.5,
            font=FONT_BOLD,
            align="center",
            role=f"{role}_char",
        )


def _date_field(
    b: Builder, x: float, top: float, width: float, doc: DC3Document
) -> None:
    """Periodo de ejecución: De año/mes/día a año/mes/día."""
    course = doc.constancia.course
    b.box(x, top - FIELD_HEIGHT, width, FIELD_HEIGHT, role="field")
    b.text(
        x + PAD,
        top - PAD - CAPTION_SIZE * 0.8,
        "Periodo de ejecución (año / mes / día)",
        size=CAPTION_SIZE,
        color=GREY,
        role="period_label",
    )
    baseline = top - FIELD_HEIGHT + 9
    half = (width - 2 * PAD) / 2
    for i, (word, day, role) in enumerate(
        (("De", course.inicio, "period_start"), ("a", course.fin, "period_end"))
    ):
        left = x + PAD + i * half
        b.text(left, baseline, word, size=8, color=GREY, role=f"{role}_label")
        b.text(
            left + 16,
            baseline,
            f"{day:%Y / %m / %d}",
            size=VALUE_MAX,
            font=FONT_BOLD,
            role=role,
        )


def _section_bar(b: Builder, top: float, heading: str) -> float:
    b.box(
        LEFT,
        top - BAR_HEIGHT,
        WIDTH,
        BAR_HEIGHT,
        stroke=INK,
        fill=HEADER_FILL,
        role="section_bar",
    )
    b.fitted(
        LEFT + WIDTH / 2,
        top - 4,
        heading,
        max_width=WIDTH - 2 * PAD,
        max_size=8.5,
        min_size=6,
        max_lines=1,
        font=FONT_BOLD,
        align="center",
        role="section",
    )
    return top - BAR_HEIGHT


def layout(doc: DC3Document) -> DocumentLayout:
    """Where everything goes on the letter portrait page (points, origin bottom
    left)."""
    b = Builder()
    worker = doc.constancia.worker
    course = doc.constancia.course
    employer = doc.employer
    top = PAGE_HEIGHT - MARGIN

    # Title block; the folio top right.
    b.text(
        RIGHT,
        top - 8,
        f"Folio: {doc.constancia.folio}",
        size=9,
        font=FONT_BOLD,
        align="right",
        role="folio",
    )
    b.text(
        LEFT + WIDTH / 2,
        top - 26,
        FORMAT,
        size=12,
        font=FONT_BOLD,
        align="center",
        role="format",
    )
    b.text(
        LEFT + WIDTH / 2,
        top - 42,
        TITLE,
        size=11,
        font=FONT_BOLD,
        align="center",
        role="title",
    )
    y = top - 56

    half = WIDTH / 2
    y = _section_bar(b, y, SECTIONS[0])
    _field(
        b,
        LEFT,
        y,
        WIDTH,
        "Nombre (anotar apellido paterno, apellido materno y nombre(s))",
        worker.full_name,
        "worker_name",
    )
    y -= FIELD_HEIGHT
    _boxed_field(
        b,
        LEFT,
        y,
        half,
        "Clave Única de Registro de Población (CURP)",
        worker.curp,
        "curp",
    )
    _field(
        b,
        LEFT + half,
        y,
        half,
        "Ocupación específica (Catálogo Nacional de Ocupaciones)",
        f"{worker.ocupacion_clave} {worker.ocupacion_nombre}",
        "occupation",
    )
    y -= FIELD_HEIGHT
    _field(b, LEFT, y, WIDTH, "Puesto", worker.puesto, "position")
    y -= FIELD_HEIGHT + 8

    y = _section_bar(b, y, SECTIONS[1])
    _field(
        b,
        LEFT,
        y,
        WIDTH,
        "Nombre o razón social (en caso de persona física, "
        "anotar apellido paterno, apellido materno y nombre(s))",
        employer.razon_social,
        "employer_name",
    )
    y -= FIELD_HEIGHT
    _boxed_field(
        b,
        LEFT,
        y,
        half,
        "Registro Federal de Contribuyentes con homoclave (SHCP)",
        employer.rfc,
        "rfc",
    )
    y -= FIELD_HEIGHT + 8

    y = _section_bar(b, y, SECTIONS[2])
    _field(b, LEFT, y, WIDTH, "Nombre del curso", course.nombre, "course")
    y -= FIELD_HEIGHT
    hours_width = 120.0
    _field(
        b,
        LEFT,
        y,
        hours_width,
        "Duración en horas",
        format_hours(course.duracion_horas),
        "hours",
    )
    _date_field(b, LEFT + hours_width, y, WIDTH - hours_width, doc)
    y -= FIELD_HEIGHT
    _field(
        b,
        LEFT,
        y,
        WIDTH,
        "Área temática del curso",
        f"{course.area_tematica_clave} {course.area_tematica_nombre}",
        "subject_area",
    )
    y -= FIELD_HEIGHT
    _field(
        b,
        LEFT,
        y,
        WIDTH,
        "Nombre del agente capacitador o número de registro ante la STPS",
        course.agent_text,
        "agent",
    )
    y -= FIELD_HEIGHT + 8

    y = _layout_signatures(b, y, doc)
    _layout_footer(b, y, doc)

    # Beside the footnotes, clear of the signatures (four modules of quiet zone).
    qr = QRBox(RIGHT - QR_SIZE, y - QR_SIZE, QR_SIZE, doc.verification_url)
    return DocumentLayout(
        width=PAGE_WIDTH,
        height=PAGE_HEIGHT,
        pages=(b.page(qr),),
        title=f"DC-3 {doc.constancia.folio}: {worker.full_name}",
        author=employer.razon_social,
        subject=f"{FORMAT} {TITLE}",
        dated=doc.constancia.issued_on,
    )


SIGNATURE_HEIGHT = 96.0


def _layout_signatures(b: Builder, top: float, doc: DC3Document) -> float:
    """Three blocks side by side: title, a line to sign on, the name under it."""
    names = (
        doc.constancia.course.instructor,
        doc.employer.representante_legal,
        doc.employer.representante_trabajadores,
    )
    width = WIDTH / 3
    line_y = top - 62
    for i, (title, name) in enumerate(zip(SIGNATURE_TITLES, names, strict=True)):
        left = LEFT + i * width
        centre = left + width / 2
        b.box(left, top - SIGNATURE_HEIGHT, width, SIGNATURE_HEIGHT, role="signature")
        b.text(
            centre,
            top - 12,
            title,
            size=8,
            font=FONT_BOLD,
            align="center",
            role="signature_title",
        )
        b.rule(left + 14, line_y, left + width - 14, line_y, 0.8)
        b.fitted(
            centre,
            line_y - 4,
            name,
            max_width=width - 2 * PAD - 8,
            max_size=8.5,
            min_size=6.5,
            align="center",
            role="signature_name",
        )
        b.text(
            centre,
            top - SIGNATURE_HEIGHT + 5,
            "Nombre y firma",
            size=6,
            color=GREY,
            align="center",
            role="signature_caption",
        )
    return top - SIGNATURE_HEIGHT - 10


def _layout_footer(b: Builder, top: float, doc: DC3Document) -> None:
    """Footnotes in small type to the left of the QR code, and the URL under
    them."""
    size = 6.5
    max_width = WIDTH - QR_SIZE - 14
    baseline = top - size
    for number, note in enumerate(FOOTNOTES, start=1):
        fit = b.fitted(
            LEFT,
            baseline + size * 0.8,
            f"{number}. {note}",
            max_width=max_width,
            max_size=size,
            min_size=size,
            max_lines=3,
            color=GREY,
            role="footnote",
        )
        baseline -= len(fit.lines) * fit.size * 1.15 + 2
    b.fitted(
        LEFT,
        baseline + size * 0.8 - 2,
        f"Verificación: {doc.verification_url}",
        max_width=max_width,
        max_size=7,
        min_size=5,
        max_lines=2,
        font=FONT_REGULAR,
        color=GREY,
        role="verification_url",
    )


def render_dc3(doc: DC3Document) -> bytes:
    """The DC-3 as PDF bytes; the same document always gives the same bytes."""
    return render(layout(doc))
