"""The page model both STPS formats (DC-3, DC-4) are laid out in, the fitting of
text into boxes, and the drawing with reportlab: pure, no Django.

Layout and drawing are two steps, as in ``certificates/pdf.py``: the format
modules compute *where* everything goes (``DocumentLayout``: pages of text runs,
rules, boxes and a QR box) with pure functions that tests read, and ``render``
draws that data. Text runs, rules and QR boxes are the certificate renderer's
own classes, and the QR is drawn from its ``qr_rectangles``.

* Fonts: Bitstream Vera, shipped with reportlab and embedded, registered here
  under their own names (the certificate module keeps its font objects private).
* Nothing overflows: ``fit_text`` shrinks a text to fit its box, then wraps it,
  then condenses it horizontally; it never cuts it.
* Reproducible bytes: the canvas is ``invariant`` and the PDF dates are the
  document's date, so the same data renders to the same bytes (with the same
  reportlab and segno, and no ``SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import functools
import io
import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from certificates.pdf import QRBox, RuleLine, TextRun, qr_rectangles
from standards.pdf_fonts import VeraFonts
from standards.pdf_fonts import wrap as wrap_by_width

__all__ = [
    "FONT_BOLD",
    "FONT_REGULAR",
    "Box",
    "DocumentLayout",
    "Page",
    "QRBox",
    "RuleLine",
    "TextFit",
    "TextRun",
    "fit_text",
    "printable",
    "render",
    "text_width",
    "wrap",
]

FONT_REGULAR = "AtiendeDC-Vera"
FONT_BOLD = "AtiendeDC-Vera-Bold"
_VERA = VeraFonts(FONT_REGULAR, FONT_BOLD)

INK = "#1E1E1E"
GREY = "#5A5A5A"
LIGHT = "#B4B4B4"
HEADER_FILL = "#E6E6E6"


@dataclass(frozen=True)
class Box:
    """A rectangle: a field's frame, a character box, a shaded header bar."""

    x: float
    y: float
    width: float
    height: float
    line_width: float = 0.6
    stroke: str | None = INK
    fill: str | None = None
    role: str = ""


@dataclass(frozen=True)
class Page:
    texts: tuple[TextRun, ...]
    rules: tuple[RuleLine, ...] = ()
    boxes: tuple[Box, ...] = ()
    qr: QRBox | None = None

    def runs(self, role: str) -> tuple[TextRun, ...]:
        return tuple(run for run in self.texts if run.role == role)

    def boxes_of(self, role: str) -> tuple[Box, ...]:
        return tuple(box for box in self.boxes if box.role == role)


@dataclass(frozen=True)
class DocumentLayout:
    width: float
    height: float
    pages: tuple[Page, ...]
    title: str
    author: str
    subject: str
    dated: date  # the PDF's creation and modification dates
    language: str = "es-MX"


@dataclass(frozen=True)
class TextFit:
    lines: tuple[str, ...]
    size: float
    horizontal_scale: float = 100.0  # percent; < 100 only when nothing else fits


# ------------------------------------------------------------------- fonts


def _fonts() -> dict[str, TTFont]:
    return _VERA.load()


@functools.lru_cache(maxsize=8192)
def _unit_width(text: str, font: str) -> float:
    _fonts()
    return pdfmetrics.stringWidth(text, font, 1.0)


def text_width(text: str, font: str, size: float) -> float:
    return _unit_width(text, font) * size


@functools.cache
def _charset(font: str) -> frozenset[str]:
    return frozenset(map(chr, _fonts()[font].face.charToGlyph))


_WHITESPACE = re.compile(r"\s+")


def printable(text: str, font: str = FONT_REGULAR) -> str:
    """NFC, whitespace runs as one space, and a letter the font lacks replaced by
    its unaccented base letter rather than an empty box."""
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", str(text))).strip()
    charset = _charset(font)
    if charset.issuperset(text):
        return text
    out = []
    for ch in text:
        if ch in charset:
            out.append(ch)
            continue
        base = "".join(
            c
            for c in unicodedata.normalize("NFKD", ch)
            if not unicodedata.combining(c) and c in charset
        )
        out.append(base or ch)
    return "".join(out)


# ------------------------------------------------------------------- fitting

_STEP = 0.5


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap; a single word wider than max_width keeps its own line."""
    return wrap_by_width(text, lambda line: text_width(line, font, size), max_width)


def _sizes(high: float, low: float) -> list[float]:
    count = max(0, math.floor((high - low) / _STEP + 1e-9))
    return [high - i * _STEP for i in range(count + 1)]


def fit_text(
    text: str,
    *,
    max_width: float,
    max_size: float,
    min_size: float,
    max_lines: int = 2,
    floor: float = 5.0,
    font: str = FONT_REGULAR,
) -> TextFit:
    """How a text is set in a box ``max_width`` wide with room for ``max_lines``
    lines at ``min_size``:

    1. one line, the largest size (half points) from max_size down to min_size;
    2. else wrapped over up to max_lines lines, the largest size from min_size
       down to floor;
    3. else max_lines lines at floor (the surplus joined onto the last line),
       condensed horizontally to the box.

    Every word is kept: joining the lines with spaces gives the text back."""
    text = printable(text, font)
    if not text:
        return TextFit((), max_size)
    for size in _sizes(max_size, min_size):
        if text_width(text, font, size) <= max_width:
            return TextFit((text,), size)
    for size in _sizes(min_size, floor):
        lines = wrap(text, font, size, max_width)
        if len(lines) <= max_lines and all(
            text_width(line, font, size) <= max_width for line in lines
        ):
            return TextFit(tuple(lines), size)
    lines = wrap(text, font, floor, max_width)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    widest = max(text_width(line, font, floor) for line in lines)
    scale = min(100.0, math.floor(1000.0 * max_width / widest) / 10)
    return TextFit(tuple(lines), floor, scale)


# ------------------------------------------------------------------- drawing

# reportlab keeps per-document state on the shared font objects: one document at
# a time per process.
_RENDER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=64)
def _color(value: str) -> Color:
    return HexColor(value)


def render(layout: DocumentLayout) -> bytes:
    """Draw every page of a layout; the same layout gives the same bytes."""
    _fonts()
    buffer = io.BytesIO()
    stamp = f"D:{layout.dated:%Y%m%d}000000+00'00'"
    with _RENDER_LOCK:
        canvas = Canvas(
            buffer,
            pagesize=(layout.width, layout.height),
            invariant=1,
            pageCompression=1,
            lang=layout.language,
            initialFontName=FONT_REGULAR,
            initialFontSize=10,
        )
        canvas.setDateFormatter(lambda *_: stamp)
        canvas.setTitle(layout.title)
        canvas.setAuthor(layout.author)
        canvas.setSubject(layout.subject)
        canvas.setCreator("Atiende")
        for page in layout.pages:
            _draw_page(canvas, page)
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def _draw_page(canvas: Canvas, page: Page) -> None:
    for box in page.boxes:
        if box.fill:
            canvas.setFillColor(_color(box.fill))
        if box.stroke:
            canvas.setStrokeColor(_color(box.stroke))
            canvas.setLineWidth(box.line_width)
        canvas.rect(
            box.x,
            box.y,
            box.width,
            box.height,
            stroke=1 if box.stroke else 0,
            fill=1 if box.fill else 0,
        )
    for rule in page.rules:
        canvas.setStrokeColor(_color(rule.color))
        canvas.setLineWidth(rule.width)
        canvas.line(rule.x1, rule.y1, rule.x2, rule.y2)
    for run in page.texts:
        _draw_text(canvas, run)
    if page.qr is not None:
        _draw_qr(canvas, page.qr)


def _draw_text(canvas: Canvas, run: TextRun) -> None:
    width = text_width(run.text, run.font, run.size) * run.horizontal_scale / 100
    x = run.x
    if run.align == "center":
        x -= width / 2
    elif run.align == "right":
        x -= width
    canvas.setFillColor(_color(run.color))
    text = canvas.beginText(x, run.y)
    text.setFont(run.font, run.size)
    # Always set: reportlab carries the scale over to the next text object.
    text.setHorizScale(run.horizontal_scale)
    text.textOut(run.text)
    canvas.drawText(text)


def _draw_qr(canvas: Canvas, box: QRBox) -> None:
    side, rects = qr_rectangles(box.data)
    module = box.size / side
    canvas.saveState()
    canvas.setFillColor(_color("#000000"))
    canvas.transform(module, 0, 0, -module, box.x, box.y + box.size)
    path = canvas.beginPath()
    for col, row, width, height in rects:
        path.rect(col, row, width, height)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class Builder:
    """Collects one page's runs, rules and boxes; texts are made printable on
    the way in."""

    def __init__(self) -> None:
        self.texts: list[TextRun] = []
        self.rules: list[RuleLine] = []
        self.boxes: list[Box] = []

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float,
        font: str = FONT_REGULAR,
        align: str = "left",
        color: str = INK,
        role: str = "",
        horizontal_scale: float = 100.0,
    ) -> None:
        self.texts.append(
            TextRun(
                x=round(x, 2),
                y=round(y, 2),
                font=font,
                size=size,
                text=printable(text, font),
                align=align,  # type: ignore[arg-type]
                color=color,
                horizontal_scale=horizontal_scale,
                role=role,
            )
        )

    def fitted(
        self,
        x: float,
        top: float,
        text: str,
        *,
        max_width: float,
        max_size: float,
        min_size: float,
        max_lines: int = 2,
        floor: float = 5.0,
        font: str = FONT_REGULAR,
        align: str = "left",
        color: str = INK,
        role: str = "",
    ) -> TextFit:
        """A fitted text whose first line's cap height starts at ``top``."""
        fit = fit_text(
            text,
            max_width=max_width,
            max_size=max_size,
            min_size=min_size,
            max_lines=max_lines,
            floor=floor,
            font=font,
        )
        baseline = top - fit.size * 0.8
        for line in fit.lines:
            self.text(
                x,
                baseline,
                line,
                size=fit.size,
                font=font,
                align=align,
                color=color,
                role=role,
                horizontal_scale=fit.horizontal_scale,
            )
            baseline -= fit.size * 1.15
        return fit

    def field(
        self,
        x: float,
        top: float,
        width: float,
        height: float,
        caption: str,
        value: str,
        *,
        role: str,
        caption_size: float = 6.5,
        max_size: float = 10.0,
        min_size: float = 7.0,
        pad: float = 4.0,
    ) -> TextFit:
        """A framed form field: a small grey caption at the top, the value in
        bold under it, fitted to the field's width (two lines at most)."""
        self.box(x, top - height, width, height, role="field")
        self.text(
            x + pad,
            top - pad - caption_size * 0.8,
            caption,
            size=caption_size,
            color=GREY,
            role=f"{role}_label",
        )
        return self.fitted(
            x + pad,
            top - pad - caption_size - 3,
            value,
            max_width=width - 2 * pad,
            max_size=max_size,
            min_size=min_size,
            font=FONT_BOLD,
            role=role,
        )

    def rule(self, x1, y1, x2, y2, width: float = 0.6, color: str = INK) -> None:
        self.rules.append(RuleLine(x1, y1, x2, y2, width, color))

    def box(self, x, y, width, height, **kwargs) -> None:
        self.boxes.append(Box(x, y, width, height, **kwargs))

    def page(self, qr: QRBox | None = None) -> Page:
        return Page(tuple(self.texts), tuple(self.rules), tuple(self.boxes), qr)


def char_cells(
    count: int, *, x: float, width: float, max_cell: float = 15.0
) -> Sequence[tuple[float, float]]:
    """``count`` equal character boxes from ``x``, as (left, width), no wider
    than ``max_cell`` and together no wider than ``width``."""
    cell = min(max_cell, width / max(count, 1))
    return [(x + i * cell, cell) for i in range(count)]
