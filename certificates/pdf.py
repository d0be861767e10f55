"""Certificate PDF rendering: pure, deterministic, no Django.

The certificate is rendered from a frozen snapshot (``CertificateDocument``), so a
later edit of a course never changes an issued certificate, and the same snapshot
always renders to the same bytes (the SHA-256 of issued PDFs is stored and must be
reproducible).

Two steps, so that the page can be tested without parsing a PDF:

* ``layout(doc, labels)`` computes *where* everything goes (``PageLayout``: text
  runs, rules, image boxes and the QR box) on an A4 landscape page;
* ``render_certificate(doc, labels)`` draws that layout with reportlab's canvas.

Fixed texts come from ``Labels`` (Spanish by default) so that a Django layer can pass
gettext-translated labels without this module importing Django.

Rules worth knowing:

* Percentages are rounded to the nearest whole percent, halves rounded up, computed
  exactly on ``Fraction`` (4/5 -> "80 %", 2/3 -> "67 %", 159/200 -> "80 %"), but
  an imperfect score never shows "100 %" nor a non-zero one "0 %" (see
  ``format_percent``). The verdict shown next to it is the element's own
  ``passed`` flag, never recomputed from the rounded figure.
* The holder's name is set in bold at 30 pt and shrinks (in 0.5 pt steps) to fit the
  name line; below 18 pt it is wrapped over two balanced lines at 18 pt; a name
  that still does not fit is condensed horizontally, never truncated and never set
  below 18 pt.
* Fonts are Bitstream Vera (shipped with reportlab) and embedded. Texts are
  NFC-normalised, so names typed with combining accents render correctly.
* Public APIs only: reportlab's canvas, ``pdfmetrics`` and ``TTFont``, segno's
  ``make`` and ``matrix``, Pillow's ``Image``. Nothing underscore-prefixed of
  theirs is read or written, nothing of theirs is overridden or patched, and no
  process-wide reportlab setting is changed (a test checks the source).
* Reproducible bytes: no clock, no randomness. The canvas is ``invariant``, the
  PDF dates are the issue date (``setDateFormatter``) and the trailer's /ID is
  derived from serial and verification code (set in the finished file, see
  ``_set_document_id``), so not even ``SOURCE_DATE_EPOCH`` changes the bytes.
  The bytes do depend on the versions of reportlab and segno (and of Pillow when
  an oversized image is scaled down) and on reportlab's configuration being its
  default (no ``RL_*`` environment variables or local settings file): after an
  upgrade a re-render may differ from the stored PDF, which remains the record
  its stored SHA-256 refers to.
* Speed (tests/bench/bench_pdf.py, target >= 30 per second on one core): a PDF is
  rendered once, at issue, and then served as stored, so plain reportlab and segno
  are fast enough; only the font files and scaled-down images are kept per process.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from numbers import Rational
from typing import Literal

import segno
from PIL import Image as PILImage
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from standards.formatting import SPANISH_MONTHS, whole_percent
from standards.pdf_fonts import VeraFonts, wrap

__all__ = [
    "CertificateDocument",
    "ElementLine",
    "FrameBox",
    "ImageBox",
    "Labels",
    "NameFit",
    "PageLayout",
    "QRBox",
    "RuleLine",
    "TextRun",
    "fit_holder_name",
    "format_date",
    "format_items",
    "format_percent",
    "layout",
    "qr_matrix",
    "qr_rectangles",
    "render_certificate",
    "render_layout",
    "sha256_hex",
]

# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class ElementLine:
    """One element of the standard and the holder's result in it."""

    code: str
    title: str
    earned: Fraction
    possible: Fraction
    passed: bool
    # Items met of those that applied (None: not observed; old certificates).
    performance_met: int | None = None
    performance_total: int | None = None
    product_met: int | None = None
    product_total: int | None = None

    def __post_init__(self) -> None:
        for met, total in (
            (self.performance_met, self.performance_total),
            (self.product_met, self.product_total),
        ):
            if (met is None) != (total is None) or (
                met is not None and not 0 <= met <= total
            ):
                raise ValueError(
                    f"ElementLine {self.code}: need 0 <= met <= total, got "
                    f"{met}/{total}"
                )
        # Scores are exact; a float here means a bug upstream (see DESIGN.md).
        for name in ("earned", "possible"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Rational):
                raise TypeError(f"ElementLine.{name} must be a Fraction, got {value!r}")
        if self.possible < 0 or not 0 <= self.earned <= max(self.possible, 0):
            raise ValueError(
                f"ElementLine {self.code}: need 0 <= earned <= possible, got "
                f"{self.earned}/{self.possible}"
            )

    @property
    def score(self) -> Fraction | None:
        """Earned over possible, or None when nothing was possible."""
        if self.possible == 0:
            return None
        return Fraction(self.earned) / Fraction(self.possible)


@dataclass(frozen=True)
class CertificateDocument:
    """The frozen snapshot a certificate is rendered from."""

    organisation_name: str
    holder_name: str
    standard_code: str
    standard_title: str
    course_title: str
    elements: tuple[ElementLine, ...]
    issued_on: date
    expires_on: date
    serial: str
    verification_code: str
    verification_url: str
    issuer: str
    signatory_name: str
    signatory_title: str
    logo: bytes | None = None  # PNG or JPEG
    signature: bytes | None = None  # PNG or JPEG
    # What the verdict rests on: "" (the layout of the first certificates, kept
    # so that they re-render to the same bytes), "questionnaire" (knowledge only:
    # a line says so) or "evaluator" (knowledge, performance and product columns
    # and the evaluator's line).
    evidence: Literal["", "questionnaire", "evaluator"] = ""
    evaluator_name: str = ""
    judged_on: date | None = None

    def __post_init__(self) -> None:
        if self.evidence not in ("", "questionnaire", "evaluator"):
            raise ValueError(f"CertificateDocument.evidence: {self.evidence!r}")
        if self.evidence == "evaluator" and (
            not self.evaluator_name.strip() or self.judged_on is None
        ):
            raise ValueError("an evaluator's certificate names the evaluator and date")
        if not isinstance(self.elements, tuple):
            raise TypeError("CertificateDocument.elements must be a tuple")
        if not self.holder_name.strip():
            raise ValueError("CertificateDocument.holder_name is empty")
        if not self.verification_url:
            raise ValueError("CertificateDocument.verification_url is empty")


@dataclass(frozen=True)
class Labels:
    """Every fixed text on the page, Spanish by default.

    Templates use ``str.format`` placeholders: ``items_format`` gets ``{met}``
    and ``{total}``; ``evaluator_format`` gets ``{evaluator}`` and ``{date}``;
    ``disclaimer`` gets
    ``{organisation}`` and ``{standard_code}``; ``date_format`` gets ``{day}``,
    ``{month}`` and ``{year}``; ``percent_format`` gets ``{value}``;
    ``course_format`` gets ``{course}``; ``document_title_format`` gets
    ``{title}`` and ``{holder}``.
    """

    title: str = "Constancia de competencia"
    awarded_to: str = "Se otorga a"
    statement: str = (
        "por haber demostrado su competencia conforme al Estándar de Competencia"
    )
    course_format: str = "Curso: {course}"
    elements_heading: str = "Elementos evaluados"
    column_code: str = "Clave"
    column_element: str = "Elemento"
    column_result: str = "Resultado"
    column_verdict: str = "Dictamen"
    competent: str = "Competente"
    not_yet_competent: str = "Todavía no competente"
    issued_on: str = "Fecha de emisión"
    expires_on: str = "Vigente hasta"
    serial: str = "Folio"
    verification_code: str = "Código de verificación"
    verify_at: str = "Verifica en"
    issued_by: str = "Emitido por"
    disclaimer: str = (
        "Esta constancia es un reconocimiento interno de {organisation}, alineado al "
        "Estándar de Competencia {standard_code}. No es un certificado de competencia "
        "emitido por SEP-CONOCER, que solo puede expedir una entidad de certificación "
        "y evaluación acreditada."
    )
    months: tuple[str, ...] = SPANISH_MONTHS
    date_format: str = "{day} de {month} de {year}"
    percent_format: str = "{value} %"
    no_score: str = "—"
    column_knowledge: str = "Conocimientos"
    column_performance: str = "Desempeño"
    column_product: str = "Producto"
    items_format: str = "{met}/{total}"
    evaluator_format: str = "Evaluador(a): {evaluator} · Fecha del juicio: {date}"
    knowledge_only: str = "Evidencia: solo cuestionario de conocimientos"
    document_title_format: str = "{title}: {holder}"
    language: str = "es-MX"  # the PDF catalog's /Lang, for screen readers

    def __post_init__(self) -> None:
        if len(self.months) != 12:
            raise ValueError("Labels.months needs twelve month names")


DEFAULT_LABELS = Labels()

# -------------------------------------------------------------------------- output

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class TextRun:
    """One line of text in one font. ``x`` is the left edge, the centre or the
    right edge according to ``align``; ``y`` is the baseline."""

    x: float
    y: float
    font: str
    size: float
    text: str
    align: Align = "left"
    color: str = "#1E1E1E"
    horizontal_scale: float = 100.0  # percent; < 100 only for very long names
    role: str = ""  # what the run is, for tests and debugging ("holder_name", ...)


@dataclass(frozen=True)
class RuleLine:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: str


@dataclass(frozen=True)
class FrameBox:
    x: float
    y: float
    width: float
    height: float
    line_width: float
    color: str


@dataclass(frozen=True)
class ImageBox:
    """The box an image is fitted into, keeping its aspect ratio. ``anchor`` is
    reportlab's: "c" centres it, "s" sits it on the bottom edge (a signature on
    its line), "w" puts it against the left edge."""

    x: float
    y: float
    width: float
    height: float
    data: bytes = field(repr=False)
    anchor: str
    role: str


@dataclass(frozen=True)
class QRBox:
    """The QR symbol's square, without quiet zone: the layout keeps at least four
    modules of white around it."""

    x: float
    y: float
    size: float
    data: str


@dataclass(frozen=True)
class PageLayout:
    width: float
    height: float
    texts: tuple[TextRun, ...]
    rules: tuple[RuleLine, ...]
    frames: tuple[FrameBox, ...]
    images: tuple[ImageBox, ...]
    qr: QRBox
    title: str
    author: str
    subject: str
    language: str
    issued_on: date
    document_id: str  # seeds the PDF /ID: one certificate, one identifier

    def runs(self, role: str) -> tuple[TextRun, ...]:
        return tuple(run for run in self.texts if run.role == role)


@dataclass(frozen=True)
class NameFit:
    lines: tuple[str, ...]
    size: float
    horizontal_scale: float = 100.0


# ------------------------------------------------------------------------- fonts

FONT_REGULAR = "AtiendeVera"
FONT_BOLD = "AtiendeVera-Bold"
_VERA = VeraFonts(FONT_REGULAR, FONT_BOLD)


def _fonts() -> dict[str, TTFont]:
    return _VERA.load()


def _width(text: str, font: str, size: float) -> float:
    return _unit_width(text, font) * size


@functools.lru_cache(maxsize=4096)
def _unit_width(text: str, font: str) -> float:
    """Width at 1 pt; cached because layout measures the same labels for every
    certificate."""
    _fonts()
    return pdfmetrics.stringWidth(text, font, 1.0)


_WHITESPACE = re.compile(r"\s+")


@functools.cache
def _charset(font: str) -> frozenset[str]:
    return frozenset(map(chr, _fonts()[font].face.charToGlyph))


def _char_in_font(char: str, font: str) -> bool:
    return char in _charset(font)


def _printable(text: str, font: str) -> str:
    """NFC-normalise (a name typed as "e" + combining accent becomes "é", which
    Vera has), turn tabs and newlines into single spaces, and replace a letter the
    font lacks by its unaccented base letter rather than an empty box."""
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text))
    if _charset(font).issuperset(text):
        return text
    out = []
    for ch in text:
        if _char_in_font(ch, font):
            out.append(ch)
            continue
        base = "".join(
            c
            for c in unicodedata.normalize("NFKD", ch)
            if not unicodedata.combining(c) and _char_in_font(c, font)
        )
        out.append(base or ch)
    return "".join(out)


# ----------------------------------------------------------------- formatting


def format_date(value: date, labels: Labels = DEFAULT_LABELS) -> str:
    """ "28 de noviembre de 2026" with the default labels."""
    return labels.date_format.format(
        day=value.day, month=labels.months[value.month - 1], year=value.year
    )


def format_percent(
    earned: Fraction, possible: Fraction, labels: Labels = DEFAULT_LABELS
) -> str:
    """The score as a whole percent: 4/5 -> "80 %", 2/3 -> "67 %".

    Rule: nearest whole percent with halves rounded up, computed exactly on
    Fractions (no float error: 159/200 is exactly 79.5 -> "80 %"); except that a
    score short of full marks never shows "100 %" (199/200 -> "99 %") and a score
    above nothing never shows "0 %" (1/300 -> "1 %"). Nothing possible ->
    ``labels.no_score``.
    """
    value = whole_percent(earned, possible)
    if value is None:
        return labels.no_score
    return labels.percent_format.format(value=value)


def format_items(
    met: int | None, total: int | None, labels: Labels = DEFAULT_LABELS
) -> str:
    """Items met of those that applied: "12/12"; not observed -> ``no_score``."""
    if met is None or total is None or total == 0:
        return labels.no_score
    return labels.items_format.format(met=met, total=total)


# ------------------------------------------------------------------- fitting

NAME_MAX_SIZE = 30.0
NAME_MIN_SIZE = 18.0
NAME_MAX_WIDTH = 640.0
_STEP = 0.5


def _fit_size(
    text: str, font: str, max_width: float, max_size: float, min_size: float
) -> float:
    """The largest size (in half points) from max_size down to min_size at which
    text fits max_width; min_size when nothing fits."""
    unit = _width(text, font, 1.0)
    if unit <= 0:
        return max_size
    size = math.floor(max_width / unit / _STEP) * _STEP
    return max(min_size, min(max_size, size))


def _balanced_split(words: Sequence[str], font: str) -> tuple[str, str]:
    """Split words into two lines whose longer line is as short as possible."""
    best: tuple[float, int] | None = None
    for i in range(1, len(words)):
        longest = max(
            _width(" ".join(words[:i]), font, 1.0),
            _width(" ".join(words[i:]), font, 1.0),
        )
        if best is None or longest < best[0]:
            best = (longest, i)
    assert best is not None
    i = best[1]
    return " ".join(words[:i]), " ".join(words[i:])


def _condense(lines: Iterable[str], font: str, size: float, max_width: float) -> float:
    widest = max(_width(line, font, size) for line in lines)
    if widest <= max_width:
        return 100.0
    return math.floor(100.0 * max_width / widest * 10) / 10


def fit_holder_name(
    name: str,
    *,
    font: str = FONT_BOLD,
    max_width: float = NAME_MAX_WIDTH,
    max_size: float = NAME_MAX_SIZE,
    min_size: float = NAME_MIN_SIZE,
) -> NameFit:
    """How the holder's name is set: one line shrunk from max_size down to min_size;
    if it needs less than min_size, two balanced lines at min_size; if even that is
    too wide (or the name has no space), condensed horizontally at min_size."""
    name = _printable(name, font).strip()
    one_line = name if _width(name, font, min_size) <= max_width else None
    if one_line is not None:
        return NameFit((name,), _fit_size(name, font, max_width, max_size, min_size))
    words = name.split(" ")
    lines = (name,) if len(words) < 2 else _balanced_split(words, font)
    return NameFit(tuple(lines), min_size, _condense(lines, font, min_size, max_width))


def _fit_line(
    text: str, font: str, max_width: float, max_size: float, min_size: float
) -> tuple[str, float]:
    """Shrink to fit, and below min_size cut with an ellipsis (for secondary texts
    such as a course title; never used for the holder's name)."""
    size = _fit_size(text, font, max_width, max_size, min_size)
    if _width(text, font, size) <= max_width:
        return text, size
    while text and _width(text + "…", font, size) > max_width:
        text = text[:-1]
    return text.rstrip() + "…", size


def _wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    return wrap(text, lambda line: _width(line, font, size), max_width)


# ------------------------------------------------------------------- layout

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)  # 841.89 x 595.28 pt
CENTER_X = PAGE_WIDTH / 2
MARGIN_X = 60.0

NAVY = "#1F3A5F"
GOLD = "#B08D57"
INK = "#1E1E1E"
GREY = "#5A5A5A"
LIGHT = "#C8C8C8"
GREEN = "#1F6F43"
RED = "#9B2C2C"

LOGO_BOX = (MARGIN_X, 502.0, 150.0, 44.0)  # x, y, width, height
QR_SIZE = 84.0
QR_BOX = (PAGE_WIDTH - MARGIN_X - QR_SIZE, 74.0)
SIGNATURE_LINE_Y = 106.0
SIGNATURE_HALF_WIDTH = 110.0
SIGNATURE_BOX = (CENTER_X - 95.0, SIGNATURE_LINE_Y + 3.0, 190.0, 50.0)
TABLE_LEFT = CENTER_X - 290.0
TABLE_RIGHT = CENTER_X + 290.0
TABLE_TOP_ROW_Y = 258.0
TABLE_LOWEST_ROW_Y = 176.0


class _Builder:
    """Collects runs; each text is made printable in its font on the way in."""

    def __init__(self) -> None:
        self.texts: list[TextRun] = []
        self.rules: list[RuleLine] = []

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        font: str = FONT_REGULAR,
        size: float,
        align: Align = "left",
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
                text=_printable(text, font),
                align=align,
                color=color,
                horizontal_scale=horizontal_scale,
                role=role,
            )
        )

    def fitted(
        self,
        x: float,
        y: float,
        text: str,
        *,
        max_width: float,
        font: str = FONT_REGULAR,
        size: float,
        min_size: float,
        align: Align = "left",
        color: str = INK,
        role: str = "",
    ) -> None:
        text, size = _fit_line(_printable(text, font), font, max_width, size, min_size)
        self.text(x, y, text, font=font, size=size, align=align, color=color, role=role)

    def centred_pieces(
        self,
        y: float,
        pieces: Sequence[tuple[str, str, str, str]],
        size: float,
        max_width: float,
    ) -> None:
        """One centred line made of (text, font, colour, role) pieces, shrunk
        together to fit max_width."""
        pieces = [(_printable(t, f), f, c, r) for t, f, c, r in pieces]
        total = sum(_width(t, f, size) for t, f, _, _ in pieces)
        if total > max_width:
            size = max(5.0, math.floor(size * max_width / total / 0.25) * 0.25)
            total = sum(_width(t, f, size) for t, f, _, _ in pieces)
        x = CENTER_X - total / 2
        for text, font, color, role in pieces:
            self.text(x, y, text, font=font, size=size, color=color, role=role)
            x += _width(text, font, size)

    def rule(
        self, x1: float, y1: float, x2: float, y2: float, width: float, color: str
    ) -> None:
        self.rules.append(RuleLine(x1, y1, x2, y2, width, color))


def layout(doc: CertificateDocument, labels: Labels = DEFAULT_LABELS) -> PageLayout:
    """Where everything goes on the A4 landscape page (points, origin bottom left)."""
    _fonts()
    b = _Builder()
    top = PAGE_HEIGHT

    # Header: organisation beside the logo, then the title and a short gold rule.
    logo_reserve = LOGO_BOX[2] + 15.0 if doc.logo else 0.0
    b.fitted(
        CENTER_X,
        top - 72,
        doc.organisation_name.upper(),
        font=FONT_BOLD,
        size=12.5,
        min_size=8,
        max_width=PAGE_WIDTH - 2 * (MARGIN_X + logo_reserve),
        align="center",
        color=NAVY,
        role="organisation",
    )
    b.fitted(
        CENTER_X,
        top - 123,
        labels.title,
        font=FONT_BOLD,
        size=30,
        min_size=18,
        max_width=PAGE_WIDTH - 2 * MARGIN_X,
        align="center",
        color=NAVY,
        role="title",
    )
    b.rule(CENTER_X - 60, top - 139, CENTER_X + 60, top - 139, 1.5, GOLD)

    # Holder.
    b.text(
        CENTER_X,
        top - 159,
        labels.awarded_to,
        size=12,
        align="center",
        color=GREY,
        role="awarded_to",
    )
    fit = fit_holder_name(doc.holder_name)
    last_baseline = top - 204
    for i, line in enumerate(fit.lines):
        baseline = last_baseline + (len(fit.lines) - 1 - i) * fit.size * 1.15
        b.text(
            CENTER_X,
            baseline,
            line,
            font=FONT_BOLD,
            size=fit.size,
            align="center",
            color=INK,
            role="holder_name",
            horizontal_scale=fit.horizontal_scale,
        )
    b.rule(CENTER_X - 240, top - 218, CENTER_X + 240, top - 218, 0.75, LIGHT)

    # What for.
    content_width = PAGE_WIDTH - 2 * MARGIN_X
    b.fitted(
        CENTER_X,
        top - 237,
        labels.statement,
        size=11,
        min_size=8,
        max_width=content_width,
        align="center",
        color=GREY,
        role="statement",
    )
    b.fitted(
        CENTER_X,
        top - 257,
        f"{doc.standard_code} · {doc.standard_title}",
        font=FONT_BOLD,
        size=14,
        min_size=9,
        max_width=content_width,
        align="center",
        color=NAVY,
        role="standard",
    )
    b.fitted(
        CENTER_X,
        top - 275,
        labels.course_format.format(course=doc.course_title),
        size=10,
        min_size=7.5,
        max_width=content_width,
        align="center",
        color=GREY,
        role="course",
    )

    _layout_elements(b, doc, labels)
    _layout_footer(b, doc, labels)

    frames = (
        FrameBox(16, 16, PAGE_WIDTH - 32, PAGE_HEIGHT - 32, 2.0, NAVY),
        FrameBox(22, 22, PAGE_WIDTH - 44, PAGE_HEIGHT - 44, 0.75, GOLD),
    )
    images = []
    if doc.logo:
        images.append(ImageBox(*LOGO_BOX, data=doc.logo, anchor="w", role="logo"))
    if doc.signature:
        images.append(
            ImageBox(*SIGNATURE_BOX, data=doc.signature, anchor="s", role="signature")
        )
    holder = " ".join(fit.lines)
    return PageLayout(
        width=PAGE_WIDTH,
        height=PAGE_HEIGHT,
        texts=tuple(b.texts),
        rules=tuple(b.rules),
        frames=frames,
        images=tuple(images),
        qr=QRBox(QR_BOX[0], QR_BOX[1], QR_SIZE, doc.verification_url),
        title=labels.document_title_format.format(title=labels.title, holder=holder),
        author=doc.issuer,
        subject=f"{doc.standard_code} {doc.standard_title}",
        language=labels.language,
        issued_on=doc.issued_on,
        document_id=f"{doc.serial}\n{doc.verification_code}",
    )


def _layout_elements(b: _Builder, doc: CertificateDocument, labels: Labels) -> None:
    """The results table: code, element, percent, verdict, one row per element;
    an evaluator's certificate adds performance and product items met (n/N) and,
    under the table, the evaluator and the date of the judgement; a certificate
    from the questionnaire alone says so under the table."""
    top = PAGE_HEIGHT
    b.text(
        CENTER_X,
        top - 303,
        labels.elements_heading,
        font=FONT_BOLD,
        size=10.5,
        align="center",
        color=NAVY,
        role="elements_heading",
    )
    evaluated = doc.evidence == "evaluator"
    col_code = TABLE_LEFT
    col_title = TABLE_LEFT + 58
    if evaluated:
        col_percent_right = TABLE_LEFT + 318
        col_performance_right = TABLE_LEFT + 386
        col_product_right = TABLE_LEFT + 446
        title_right = col_percent_right - 68
    else:
        col_percent_right = TABLE_LEFT + 440
        title_right = col_percent_right - 70
    col_verdict = TABLE_LEFT + 462
    header_y = top - 320
    headers = [
        (col_code, labels.column_code, "left"),
        (col_title, labels.column_element, "left"),
        (
            col_percent_right,
            labels.column_knowledge if evaluated else labels.column_result,
            "right",
        ),
        (col_verdict, labels.column_verdict, "left"),
    ]
    if evaluated:
        headers += [
            (col_performance_right, labels.column_performance, "right"),
            (col_product_right, labels.column_product, "right"),
        ]
    for x, text, align in headers:
        b.text(
            x,
            header_y,
            text,
            font=FONT_BOLD,
            size=8,
            align=align,
            color=GREY,
            role="column_header",
        )
    b.rule(TABLE_LEFT, header_y - 5, TABLE_RIGHT, header_y - 5, 0.6, LIGHT)

    rows = len(doc.elements)
    # A line under the table (evaluator, or knowledge only) takes the last row.
    lowest = TABLE_LOWEST_ROW_Y + (14.0 if doc.evidence else 0.0)
    bottom = header_y - 5
    if rows:
        # Rows close up (and their type shrinks) only when there are many elements.
        step = 16.0 if rows < 2 else min(16.0, (TABLE_TOP_ROW_Y - lowest) / (rows - 1))
        size = min(9.5, step * 0.65)
        y = TABLE_TOP_ROW_Y
        for element in doc.elements:
            b.fitted(
                col_code,
                y,
                element.code,
                font=FONT_BOLD,
                size=size,
                min_size=5,
                max_width=col_title - col_code - 6,
                role="element_code",
            )
            b.fitted(
                col_title,
                y,
                element.title,
                size=size,
                min_size=min(size, 7),
                max_width=title_right - col_title,
                role="element_title",
            )
            percent = format_percent(element.earned, element.possible, labels)
            b.text(
                col_percent_right,
                y,
                percent,
                font=FONT_BOLD,
                size=size,
                align="right",
                role="element_percent",
            )
            if evaluated:
                for x, met, total, role in (
                    (
                        col_performance_right,
                        element.performance_met,
                        element.performance_total,
                        "element_performance",
                    ),
                    (
                        col_product_right,
                        element.product_met,
                        element.product_total,
                        "element_product",
                    ),
                ):
                    b.text(
                        x,
                        y,
                        format_items(met, total, labels),
                        font=FONT_BOLD,
                        size=size,
                        align="right",
                        role=role,
                    )
            verdict = labels.competent if element.passed else labels.not_yet_competent
            b.fitted(
                col_verdict,
                y,
                verdict,
                size=size,
                min_size=5,
                max_width=TABLE_RIGHT - col_verdict,
                color=GREEN if element.passed else RED,
                role="element_verdict",
            )
            y -= step
        bottom = y + step - 6
        b.rule(TABLE_LEFT, bottom, TABLE_RIGHT, bottom, 0.6, LIGHT)
    if evaluated:
        assert doc.judged_on is not None
        line = labels.evaluator_format.format(
            evaluator=doc.evaluator_name, date=format_date(doc.judged_on, labels)
        )
        role = "evaluator"
    elif doc.evidence == "questionnaire":
        line, role = labels.knowledge_only, "knowledge_only"
    else:
        return
    b.fitted(
        CENTER_X,
        bottom - 12,
        line,
        size=8.5,
        min_size=6,
        max_width=TABLE_RIGHT - TABLE_LEFT,
        align="center",
        color=GREY,
        role=role,
    )


def _layout_footer(b: _Builder, doc: CertificateDocument, labels: Labels) -> None:
    """Dates and serial (left), signature (centre), QR (right), then the
    verification line and the disclaimer across the bottom."""
    # Left: label column sized to the (possibly translated) labels.
    rows = (
        (labels.issued_on, format_date(doc.issued_on, labels), "issued_on"),
        (labels.expires_on, format_date(doc.expires_on, labels), "expires_on"),
        (labels.serial, doc.serial, "serial"),
    )
    label_size, value_size = 8.0, 9.5
    label_width = (
        max(
            _width(_printable(text, FONT_REGULAR), FONT_REGULAR, label_size)
            for text, _, _ in rows
        )
        + 8
    )
    value_x = MARGIN_X + label_width
    value_width = CENTER_X - SIGNATURE_HALF_WIDTH - 15 - value_x
    y = SIGNATURE_LINE_Y + 32
    for label, value, role in rows:
        b.text(MARGIN_X, y, label, size=label_size, color=GREY, role=f"{role}_label")
        b.fitted(
            value_x,
            y,
            value,
            font=FONT_BOLD,
            size=value_size,
            min_size=6,
            max_width=value_width,
            role=role,
        )
        y -= 16

    # Centre: signature image (if any) sits on the line; name, title, issuer below.
    line_y = SIGNATURE_LINE_Y
    b.rule(
        CENTER_X - SIGNATURE_HALF_WIDTH,
        line_y,
        CENTER_X + SIGNATURE_HALF_WIDTH,
        line_y,
        0.8,
        INK,
    )
    width = 2 * SIGNATURE_HALF_WIDTH + 20
    b.fitted(
        CENTER_X,
        line_y - 13,
        doc.signatory_name,
        font=FONT_BOLD,
        size=10,
        min_size=7,
        max_width=width,
        align="center",
        role="signatory_name",
    )
    b.fitted(
        CENTER_X,
        line_y - 25,
        doc.signatory_title,
        size=8.5,
        min_size=6.5,
        max_width=width,
        align="center",
        color=GREY,
        role="signatory_title",
    )
    b.fitted(
        CENTER_X,
        line_y - 36,
        f"{labels.issued_by}: {doc.issuer}",
        size=8,
        min_size=6,
        max_width=width,
        align="center",
        color=GREY,
        role="issuer",
    )

    # Bottom: how to verify, then the disclaimer.
    b.centred_pieces(
        54,
        (
            (f"{labels.verification_code}: ", FONT_REGULAR, GREY, "verification_label"),
            (doc.verification_code, FONT_BOLD, INK, "verification_code"),
            (f" · {labels.verify_at}: ", FONT_REGULAR, GREY, "verify_at"),
            (doc.verification_url, FONT_REGULAR, NAVY, "verification_url"),
        ),
        size=8.0,
        max_width=PAGE_WIDTH - 2 * MARGIN_X,
    )
    disclaimer = _printable(
        labels.disclaimer.format(
            organisation=doc.organisation_name, standard_code=doc.standard_code
        ),
        FONT_REGULAR,
    )
    size = 7.0
    lines = _wrap(disclaimer, FONT_REGULAR, size, PAGE_WIDTH - 2 * MARGIN_X)
    if len(lines) > 2:
        # Translations run longer; shrink rather than collide with the frame.
        size = 6.0
        lines = _wrap(disclaimer, FONT_REGULAR, size, PAGE_WIDTH - 2 * MARGIN_X)
    baseline = 36.0 + (len(lines) - 1) * size * 1.3 / 2
    for line in lines:
        b.text(
            CENTER_X,
            baseline,
            line,
            size=size,
            align="center",
            color=GREY,
            role="disclaimer",
        )
        baseline -= size * 1.3


# ------------------------------------------------------------------- render

# reportlab keeps per-document state on the shared font objects; one document at
# a time per process keeps that safe (rendering is CPU-bound under the GIL anyway).
_RENDER_LOCK = threading.Lock()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_certificate(
    doc: CertificateDocument, labels: Labels = DEFAULT_LABELS
) -> bytes:
    """The certificate as PDF bytes; the same document always gives the same bytes."""
    return render_layout(layout(doc, labels))


def render_layout(page: PageLayout) -> bytes:
    """Draw a layout; see ``render_certificate``."""
    _fonts()
    buffer = io.BytesIO()
    stamp = f"D:{page.issued_on:%Y%m%d}000000+00'00'"
    with _RENDER_LOCK:
        canvas = Canvas(
            buffer,
            pagesize=(page.width, page.height),
            invariant=1,  # no wall-clock time or random ID in the file
            pageCompression=1,
            lang=page.language,
            # Otherwise reportlab lists Helvetica, unembedded, in every page.
            initialFontName=FONT_REGULAR,
            initialFontSize=10,
        )
        canvas.setDateFormatter(lambda *_: stamp)  # creation and modification
        canvas.setTitle(page.title)
        canvas.setAuthor(page.author)
        canvas.setSubject(page.subject)
        canvas.setCreator("Atiende")

        for frame in page.frames:
            canvas.setStrokeColor(_color(frame.color))
            canvas.setLineWidth(frame.line_width)
            canvas.rect(frame.x, frame.y, frame.width, frame.height, stroke=1, fill=0)
        for rule in page.rules:
            canvas.setStrokeColor(_color(rule.color))
            canvas.setLineWidth(rule.width)
            canvas.line(rule.x1, rule.y1, rule.x2, rule.y2)
        for image in page.images:
            _draw_image(canvas, image)
        for run in page.texts:
            _draw_text(canvas, run)
        _draw_qr(canvas, page.qr)

        canvas.showPage()
        canvas.save()
    return _set_document_id(buffer.getvalue(), page.document_id)


# The trailer's file identifier as reportlab writes it: two 16-byte strings in hex.
_TRAILER_ID = re.compile(rb"/ID\s*\[<([0-9A-Fa-f]{32})><([0-9A-Fa-f]{32})>\]")


def _set_document_id(data: bytes, document_id: str) -> bytes:
    """Replace the /ID in the trailer by one derived from the certificate.

    In invariant mode reportlab derives the /ID from its fixed time stamp, which
    ``SOURCE_DATE_EPOCH`` changes, and from the title, author and subject; it has
    no public way to set it. The new /ID has the same length, so every offset in
    the cross-reference table stays right."""
    matches = list(_TRAILER_ID.finditer(data))
    if len(matches) != 1:
        raise RuntimeError("expected one /ID in the PDF trailer")
    match = matches[0]
    digest = hashlib.md5(
        b"atiende certificate\n" + document_id.encode("utf-8"), usedforsecurity=False
    )
    new_id = digest.hexdigest().upper().encode("ascii")
    start, end = match.span(1)[0], match.span(2)[1]
    replacement = new_id + b"><" + new_id
    assert len(replacement) == end - start
    return data[:start] + replacement + data[end:]


@functools.lru_cache(maxsize=64)
def _color(value: str) -> Color:
    return HexColor(value)


IMAGE_DPI = 300  # images larger than this at their box size are scaled down


@functools.lru_cache(maxsize=16)
def _image_file(data: bytes, max_width_px: int, max_height_px: int) -> bytes:
    """The logo or signature as it is embedded: as given, unless it is larger
    than IMAGE_DPI at its box size (a 4000 px logo would bloat every PDF), then
    scaled down once per process and kept as PNG."""
    with PILImage.open(io.BytesIO(data)) as im:
        if im.width <= max_width_px and im.height <= max_height_px:
            return data
        im.load()
        small = im.copy()
    small.thumbnail((max_width_px, max_height_px), PILImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, "PNG")
    return buffer.getvalue()


def _draw_image(canvas: Canvas, box: ImageBox) -> None:
    data = _image_file(
        box.data,
        math.ceil(box.width / 72 * IMAGE_DPI),
        math.ceil(box.height / 72 * IMAGE_DPI),
    )
    canvas.drawImage(
        ImageReader(io.BytesIO(data)),
        box.x,
        box.y,
        box.width,
        box.height,
        mask="auto",
        preserveAspectRatio=True,
        anchor=box.anchor,
    )


def _draw_text(canvas: Canvas, run: TextRun) -> None:
    width = _width(run.text, run.font, run.size) * run.horizontal_scale / 100
    x = run.x
    if run.align == "center":
        x -= width / 2
    elif run.align == "right":
        x -= width
    canvas.setFillColor(_color(run.color))
    if run.horizontal_scale == 100:
        canvas.setFont(run.font, run.size)
        canvas.drawString(x, run.y, run.text)
        return
    text = canvas.beginText(x, run.y)
    text.setFont(run.font, run.size)
    text.setHorizScale(run.horizontal_scale)
    text.textOut(run.text)
    canvas.drawText(text)


# ---------------------------------------------------------------------- QR code

QR_ERROR = "m"  # 15 % recovery: survives a crease or a smudge on paper
_DARK_RUN = re.compile(rb"\x01+")


def qr_matrix(data: str) -> tuple[bytes, ...]:
    """The QR symbol for data, as segno makes it: rows of 0/1 bytes, no quiet
    zone."""
    symbol = segno.make(data, error=QR_ERROR, micro=False)
    return tuple(bytes(row) for row in symbol.matrix)


def qr_rectangles(data: str) -> tuple[int, tuple[tuple[int, int, int, int], ...]]:
    """The QR symbol for data as (modules per side, rectangles (column, row,
    width, height) in modules, row 0 at the top). Dark runs in a row are merged,
    and identical runs in consecutive rows are merged into one taller rectangle."""
    matrix = qr_matrix(data)
    side = len(matrix)
    open_runs: dict[tuple[int, int], tuple[int, int]] = {}  # (col, width) -> (row, h)
    done: list[tuple[int, int, int, int]] = []
    for r, line in enumerate(matrix):
        runs = {(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(line)}
        for key in [key for key in open_runs if key not in runs]:
            row0, height = open_runs.pop(key)
            done.append((key[0], row0, key[1], height))
        for key in runs:
            row0, height = open_runs.get(key, (r, 0))
            open_runs[key] = (row0, height + 1)
    for key, (row0, height) in open_runs.items():
        done.append((key[0], row0, key[1], height))
    return side, tuple(sorted(done, key=lambda rect: (rect[1], rect[0])))


def _draw_qr(canvas: Canvas, box: QRBox) -> None:
    """The QR as one filled vector path of whole-module rectangles under a
    scaling transform: sharp at any zoom and no seams between modules."""
    side, rects = qr_rectangles(box.data)
    module = box.size / side
    canvas.saveState()
    canvas.setFillColor(_color("#000000"))
    # Module (0, 0) at the top left of the box, rows growing downwards.
    canvas.transform(module, 0, 0, -module, box.x, box.y + box.size)
    path = canvas.beginPath()
    for col, row, width, height in rects:
        path.rect(col, row, width, height)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
