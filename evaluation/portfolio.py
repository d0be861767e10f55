"""The portafolio de evidencias as a PDF: pure, deterministic, no Django.

Per candidate and judgement it holds the evaluation plan, every filled
instrument item by item (outcome, reason, note), the evidence files with their
SHA-256, the questionnaire's result per element, the judgement with its verdict
per element, the feedback and the signatures (typed names, times, addresses).

Built like ``certificates/pdf.py`` (which this layer may not import): frozen
dataclasses in, bytes out; reportlab's public APIs only (platypus, ``TTFont``);
the Bitstream Vera fonts that ship with reportlab, embedded; texts
NFC-normalised; an ``invariant`` canvas and a document /ID derived from the
judgement, so the same data always gives the same bytes. Fixed texts come from
``Labels`` (Spanish by default); the labels of choices (outcomes, kinds,
settings) arrive already translated in the data.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from standards.formatting import SPANISH_MONTHS, whole_percent
from standards.pdf_fonts import VeraFonts

__all__ = [
    "EvidenceLine",
    "ItemLine",
    "KnowledgeLine",
    "Labels",
    "PlanSection",
    "PortfolioDocument",
    "RecordSection",
    "SignatureLine",
    "VerdictLine",
    "render_portfolio",
]

# --------------------------------------------------------------------- input


@dataclass(frozen=True)
class PlanSection:
    evaluator_name: str
    scheduled_at: datetime  # local time
    place: str
    online: bool
    setting: str  # translated label: "simulación", "lugar de trabajo real"
    scenario_title: str = ""
    scenario_situation: str = ""
    instruments: tuple[str, ...] = ()
    elements: tuple[str, ...] = ()  # empty: every element of the standard
    acknowledged_at: datetime | None = None


@dataclass(frozen=True)
class ItemLine:
    number: int
    criterion: str
    text: str
    critical: bool
    outcome: str  # translated: "cumple", "no cumple", "no aplica", or "" (none)
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class EvidenceLine:
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


@dataclass(frozen=True)
class SignatureLine:
    role: str  # translated: "Evaluador(a)", "Candidato(a)"
    name: str
    at: datetime | None
    ip: str


@dataclass(frozen=True)
class RecordSection:
    code: str
    title: str
    kind: str  # translated: "guía de observación", "lista de cotejo"
    version: int
    status: str  # translated
    started_at: datetime
    ended_at: datetime | None
    items: tuple[ItemLine, ...]
    evidence: tuple[EvidenceLine, ...]
    signatures: tuple[SignatureLine, ...]
    replaces: str = ""  # the record this one corrects


@dataclass(frozen=True)
class KnowledgeLine:
    code: str
    title: str
    earned: Fraction | None
    possible: Fraction | None


@dataclass(frozen=True)
class VerdictLine:
    code: str
    title: str
    competent: bool
    earned: Fraction | None
    possible: Fraction | None
    performance_met: int | None
    performance_total: int | None
    product_met: int | None
    product_total: int | None
    failures: tuple[str, ...] = ()
    carried: bool = False


@dataclass(frozen=True)
class PortfolioDocument:
    judgement_id: int
    organisation_name: str
    candidate_name: str
    standard_code: str
    standard_title: str
    plan: PlanSection | None
    records: tuple[RecordSection, ...]
    knowledge: tuple[KnowledgeLine, ...]
    questionnaire_title: str
    questionnaire_submitted_at: datetime | None
    competent: bool
    decided_at: datetime
    evaluator_name: str
    verdicts: tuple[VerdictLine, ...]
    feedback: str
    feedback_acknowledged_at: datetime | None

    def __post_init__(self) -> None:
        for name in ("records", "knowledge", "verdicts"):
            if not isinstance(getattr(self, name), tuple):
                raise TypeError(f"PortfolioDocument.{name} must be a tuple")


@dataclass(frozen=True)
class Labels:
    title: str = "Portafolio de evidencias"
    candidate: str = "Candidato(a)"
    standard: str = "Estándar"
    plan: str = "Plan de evaluación"
    no_plan: str = "Sin plan de evaluación."
    evaluator: str = "Evaluador(a)"
    scheduled_at: str = "Fecha y hora"
    place: str = "Lugar"
    online: str = "En línea"
    setting: str = "Contexto"
    scenario: str = "Escenario"
    situation: str = "Situación"
    instruments: str = "Instrumentos"
    elements: str = "Elementos a evaluar"
    all_elements: str = "Todos los del estándar"
    plan_acknowledged: str = "Plan aceptado por el candidato"
    record: str = "Registro"
    version: str = "versión {number}"
    started: str = "Inicio"
    ended: str = "Fin"
    status: str = "Estado"
    replaces: str = "Corrige el registro"
    column_number: str = "#"
    column_criterion: str = "Criterio"
    column_item: str = "Reactivo"
    column_outcome: str = "Resultado"
    column_reason: str = "Motivo / nota"
    critical: str = "crítico"
    reason: str = "Motivo"
    note: str = "Nota"
    unanswered: str = "sin respuesta"
    evidence: str = "Evidencias"
    no_evidence: str = "Sin archivos de evidencia."
    column_file: str = "Archivo"
    column_type: str = "Tipo"
    column_size: str = "Tamaño"
    column_sha256: str = "SHA-256"
    column_uploaded: str = "Subido"
    signatures: str = "Firmas"
    column_role: str = "Quién"
    column_name: str = "Nombre escrito"
    column_signed_at: str = "Fecha y hora"
    column_ip: str = "Dirección IP"
    not_signed: str = "sin firmar"
    knowledge: str = "Cuestionario de conocimientos"
    knowledge_none: str = "El juicio no se apoyó en un cuestionario."
    submitted: str = "Enviado"
    column_code: str = "Clave"
    column_element: str = "Elemento"
    column_knowledge: str = "Conocimientos"
    column_performance: str = "Desempeño"
    column_product: str = "Producto"
    column_verdict: str = "Dictamen"
    judgement: str = "Juicio de competencia"
    verdict: str = "Dictamen global"
    decided_at: str = "Fecha del juicio"
    competent: str = "Competente"
    not_yet_competent: str = "Todavía no competente"
    carried: str = "conservado de un juicio anterior"
    failures: str = "Lo que faltó"
    feedback: str = "Retroalimentación"
    no_feedback: str = "Sin retroalimentación escrita."
    feedback_acknowledged: str = "Acuse de recibo del candidato"
    feedback_pending: str = "pendiente"
    page: str = "Página {number}"
    months: tuple[str, ...] = SPANISH_MONTHS
    date_format: str = "{day} de {month} de {year}"
    datetime_format: str = "{date}, {time} h"
    percent_format: str = "{value} %"
    items_format: str = "{met}/{total}"
    no_value: str = "—"
    language: str = "es-MX"


DEFAULT_LABELS = Labels()

# --------------------------------------------------------------------- fonts

FONT_REGULAR = "PortfolioVera"
FONT_BOLD = "PortfolioVera-Bold"
_VERA = VeraFonts(FONT_REGULAR, FONT_BOLD)
_LOCK = threading.Lock()  # reportlab keeps per-document state on font objects


def _fonts() -> dict[str, TTFont]:
    return _VERA.load()


# ---------------------------------------------------------------- formatting

_SPACES = re.compile(r"[ \t]+")


def _text(value: str) -> str:
    """NFC-normalised, escaped for a Paragraph, line breaks kept."""
    value = unicodedata.normalize("NFC", value or "")
    lines = [_SPACES.sub(" ", line).strip() for line in value.splitlines()]
    return "<br/>".join(escape(line) for line in lines)


def format_date(value: date, labels: Labels = DEFAULT_LABELS) -> str:
    return labels.date_format.format(
        day=value.day, month=labels.months[value.month - 1], year=value.year
    )


def format_datetime(value: datetime | None, labels: Labels = DEFAULT_LABELS) -> str:
    if value is None:
        return labels.no_value
    return labels.datetime_format.format(
        date=format_date(value.date(), labels), time=f"{value:%H:%M}"
    )


def format_percent(earned, possible, labels: Labels = DEFAULT_LABELS) -> str:
    if earned is None or possible is None:
        return labels.no_value
    value = whole_percent(Fraction(earned), Fraction(possible))
    return (
        labels.no_value if value is None else labels.percent_format.format(value=value)
    )


def format_items(met, total, labels: Labels = DEFAULT_LABELS) -> str:
    if met is None or not total:
        return labels.no_value
    return labels.items_format.format(met=met, total=total)


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


# -------------------------------------------------------------------- styles

NAVY = colors.HexColor("#1F3A5F")
GREY = colors.HexColor("#5A5A5A")
LIGHT = colors.HexColor("#C8C8C8")
SHADE = colors.HexColor("#EEF2F7")
GREEN = colors.HexColor("#1F6F43")
RED = colors.HexColor("#9B2C2C")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT_REGULAR, fontSize=9, leading=11.5)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "mono": ParagraphStyle("mono", parent=base, fontSize=7, leading=9),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=FONT_BOLD, fontSize=7.5, leading=9.5
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=18,
            leading=22,
            textColor=NAVY,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=12.5,
            leading=16,
            textColor=NAVY,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=6,
            spaceAfter=3,
        ),
    }


def _table(rows, widths, header=True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),  # not Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, LIGHT),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(commands))
    return table


# -------------------------------------------------------------------- story


def _header_row(s, *texts) -> list:
    """A table's header cells, in bold."""
    return [Paragraph(_text(text), s["cell_bold"]) for text in texts]


def _facts(rows, s, labels) -> Table:
    data = [
        [Paragraph(_text(label), s["cell_bold"]), Paragraph(value, s["small"])]
        for label, value in rows
    ]
    return _table(data, [45 * mm, 125 * mm], header=False)


def _plan(doc: PortfolioDocument, s, labels: Labels) -> list:
    story = [Paragraph(_text(labels.plan), s["h2"])]
    plan = doc.plan
    if plan is None:
        return story + [Paragraph(_text(labels.no_plan), s["body"])]
    rows = [
        (labels.evaluator, _text(plan.evaluator_name)),
        (labels.scheduled_at, _text(format_datetime(plan.scheduled_at, labels))),
        (labels.place, _text(labels.online if plan.online else plan.place or "—")),
        (labels.setting, _text(plan.setting)),
    ]
    if plan.scenario_title:
        rows.append((labels.scenario, _text(plan.scenario_title)))
        if plan.scenario_situation:
            rows.append((labels.situation, _text(plan.scenario_situation)))
    rows.append((labels.instruments, _text("; ".join(plan.instruments) or "—")))
    rows.append(
        (labels.elements, _text(", ".join(plan.elements) or labels.all_elements))
    )
    rows.append(
        (
            labels.plan_acknowledged,
            _text(format_datetime(plan.acknowledged_at, labels)),
        )
    )
    return story + [_facts(rows, s, labels)]


def _record(record: RecordSection, s, labels: Labels) -> list:
    heading = (
        f"{labels.record}: {record.code} · {record.title} ({record.kind}, "
        f"{labels.version.format(number=record.version)})"
    )
    story: list = [Paragraph(_text(heading), s["h3"])]
    facts = [
        (labels.started, _text(format_datetime(record.started_at, labels))),
        (labels.ended, _text(format_datetime(record.ended_at, labels))),
        (labels.status, _text(record.status)),
    ]
    if record.replaces:
        facts.append((labels.replaces, _text(record.replaces)))
    story.append(_facts(facts, s, labels))
    story.append(Spacer(1, 4))
    rows = [
        _header_row(
            s,
            labels.column_number,
            labels.column_criterion,
            labels.column_item,
            labels.column_outcome,
            labels.column_reason,
        )
    ]
    for item in record.items:
        item_text = _text(item.text)
        if item.critical:
            item_text += f" <b>({_text(labels.critical)})</b>"
        remarks = []
        if item.reason:
            remarks.append(f"<b>{_text(labels.reason)}:</b> {_text(item.reason)}")
        if item.note:
            remarks.append(f"<b>{_text(labels.note)}:</b> {_text(item.note)}")
        rows.append(
            [
                Paragraph(str(item.number), s["small"]),
                Paragraph(_text(item.criterion), s["small"]),
                Paragraph(item_text, s["small"]),
                Paragraph(_text(item.outcome or labels.unanswered), s["cell_bold"]),
                Paragraph("<br/>".join(remarks), s["small"]),
            ]
        )
    story.append(_table(rows, [8 * mm, 18 * mm, 76 * mm, 20 * mm, 48 * mm]))

    story.append(Paragraph(_text(labels.evidence), s["h3"]))
    if record.evidence:
        rows = [
            _header_row(
                s,
                labels.column_file,
                labels.column_type,
                labels.column_size,
                labels.column_uploaded,
            )
        ]
        spans = []
        for evidence in record.evidence:
            rows.append(
                [
                    Paragraph(_text(evidence.name), s["small"]),
                    Paragraph(_text(evidence.content_type), s["small"]),
                    Paragraph(format_size(evidence.size), s["small"]),
                    Paragraph(
                        _text(format_datetime(evidence.uploaded_at, labels)),
                        s["small"],
                    ),
                ]
            )
            # The hash on a row of its own, never broken over two lines.
            rows.append(
                [
                    Paragraph(
                        f"<b>{_text(labels.column_sha256)}:</b> "
                        f"{_text(evidence.sha256)}",
                        s["mono"],
                    ),
                    "",
                    "",
                    "",
                ]
            )
            spans.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
        table = _table(rows, [70 * mm, 30 * mm, 25 * mm, 45 * mm])
        table.setStyle(TableStyle(spans))
        story.append(table)
    else:
        story.append(Paragraph(_text(labels.no_evidence), s["body"]))

    story.append(Paragraph(_text(labels.signatures), s["h3"]))
    rows = [
        _header_row(
            s,
            labels.column_role,
            labels.column_name,
            labels.column_signed_at,
            labels.column_ip,
        )
    ]
    for signature in record.signatures:
        signed = signature.at is not None
        rows.append(
            [
                Paragraph(_text(signature.role), s["small"]),
                Paragraph(
                    _text(signature.name if signed else labels.not_signed), s["small"]
                ),
                Paragraph(_text(format_datetime(signature.at, labels)), s["small"]),
                Paragraph(_text(signature.ip or labels.no_value), s["small"]),
            ]
        )
    story.append(KeepTogether(_table(rows, [35 * mm, 55 * mm, 45 * mm, 35 * mm])))
    return story


def _knowledge(doc: PortfolioDocument, s, labels: Labels) -> list:
    story = [Paragraph(_text(labels.knowledge), s["h2"])]
    if not doc.knowledge:
        return story + [Paragraph(_text(labels.knowledge_none), s["body"])]
    story.append(
        Paragraph(
            _text(
                f"{doc.questionnaire_title} · {labels.submitted}: "
                f"{format_datetime(doc.questionnaire_submitted_at, labels)}"
            ),
            s["body"],
        )
    )
    rows = [
        _header_row(
            s, labels.column_code, labels.column_element, labels.column_knowledge
        )
    ]
    for line in doc.knowledge:
        rows.append(
            [
                Paragraph(_text(line.code), s["small"]),
                Paragraph(_text(line.title), s["small"]),
                Paragraph(
                    _text(format_percent(line.earned, line.possible, labels)),
                    s["cell_bold"],
                ),
            ]
        )
    return story + [_table(rows, [20 * mm, 120 * mm, 30 * mm])]


def _judgement(doc: PortfolioDocument, s, labels: Labels) -> list:
    verdict = labels.competent if doc.competent else labels.not_yet_competent
    story = [
        Paragraph(_text(labels.judgement), s["h2"]),
        _facts(
            [
                (
                    labels.verdict,
                    f'<font color="{"#1F6F43" if doc.competent else "#9B2C2C"}">'
                    f"<b>{_text(verdict)}</b></font>",
                ),
                (labels.evaluator, _text(doc.evaluator_name)),
                (labels.decided_at, _text(format_datetime(doc.decided_at, labels))),
            ],
            s,
            labels,
        ),
        Spacer(1, 4),
    ]
    rows = [
        _header_row(
            s,
            labels.column_code,
            labels.column_element,
            labels.column_knowledge,
            labels.column_performance,
            labels.column_product,
            labels.column_verdict,
        )
    ]
    for line in doc.verdicts:
        title = _text(line.title)
        if line.carried:
            title += f" <i>({_text(labels.carried)})</i>"
        if line.failures:
            title += f"<br/><b>{_text(labels.failures)}:</b> " + "; ".join(
                _text(failure) for failure in line.failures
            )
        verdict = labels.competent if line.competent else labels.not_yet_competent
        rows.append(
            [
                Paragraph(_text(line.code), s["small"]),
                Paragraph(title, s["small"]),
                Paragraph(
                    _text(format_percent(line.earned, line.possible, labels)),
                    s["small"],
                ),
                Paragraph(
                    _text(
                        format_items(
                            line.performance_met, line.performance_total, labels
                        )
                    ),
                    s["small"],
                ),
                Paragraph(
                    _text(format_items(line.product_met, line.product_total, labels)),
                    s["small"],
                ),
                Paragraph(_text(verdict), s["cell_bold"]),
            ]
        )
    story.append(_table(rows, [14 * mm, 74 * mm, 22 * mm, 20 * mm, 18 * mm, 22 * mm]))
    story.append(Paragraph(_text(labels.feedback), s["h2"]))
    story.append(Paragraph(_text(doc.feedback or labels.no_feedback), s["body"]))
    acknowledged = (
        format_datetime(doc.feedback_acknowledged_at, labels)
        if doc.feedback_acknowledged_at
        else labels.feedback_pending
    )
    story.append(
        Paragraph(_text(f"{labels.feedback_acknowledged}: {acknowledged}"), s["small"])
    )
    return story


def _story(doc: PortfolioDocument, labels: Labels) -> list:
    s = _styles()
    story: list = [
        Paragraph(_text(doc.organisation_name.upper()), s["small"]),
        Paragraph(_text(labels.title), s["title"]),
        _facts(
            [
                (labels.candidate, _text(doc.candidate_name)),
                (
                    labels.standard,
                    _text(f"{doc.standard_code} · {doc.standard_title}"),
                ),
            ],
            s,
            labels,
        ),
    ]
    story += _plan(doc, s, labels)
    if doc.records:
        story.append(Paragraph(_text(labels.instruments), s["h2"]))
        for record in doc.records:
            story += _record(record, s, labels)
    story += _knowledge(doc, s, labels)
    story += _judgement(doc, s, labels)
    return story


# -------------------------------------------------------------------- render

_TRAILER_ID = re.compile(rb"/ID\s*\[<([0-9A-Fa-f]{32})><([0-9A-Fa-f]{32})>\]")


def _set_document_id(data: bytes, document_id: str) -> bytes:
    """The trailer's /ID derived from the judgement (same length, so the
    cross-reference offsets stay right)."""
    match = _TRAILER_ID.search(data)
    if match is None:
        return data
    digest = hashlib.md5(
        b"atiende portfolio\n" + document_id.encode("utf-8"), usedforsecurity=False
    )
    new_id = digest.hexdigest().upper().encode("ascii")
    start, end = match.span(1)[0], match.span(2)[1]
    return data[:start] + new_id + b"><" + new_id + data[end:]


def render_portfolio(doc: PortfolioDocument, labels: Labels = DEFAULT_LABELS) -> bytes:
    """The portfolio as PDF bytes; the same document always gives the same
    bytes."""
    _fonts()
    buffer = io.BytesIO()
    stamp = f"D:{doc.decided_at:%Y%m%d}000000+00'00'"
    title = f"{labels.title}: {unicodedata.normalize('NFC', doc.candidate_name)}"

    def page_number(canvas, template) -> None:
        canvas.saveState()
        canvas.setFont(FONT_REGULAR, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawRightString(
            A4[0] - 18 * mm,
            10 * mm,
            f"{doc.standard_code} · {unicodedata.normalize('NFC', doc.candidate_name)}"
            f" · {labels.page.format(number=canvas.getPageNumber())}",
        )
        canvas.restoreState()

    def set_dates(canvas, template) -> None:
        canvas.setDateFormatter(lambda *_: stamp)
        page_number(canvas, template)

    with _LOCK:
        template = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=title,
            author=doc.evaluator_name,
            subject=f"{doc.standard_code} {doc.standard_title}",
            creator="Atiende",
            lang=labels.language,
            invariant=1,
            pageCompression=1,
            initialFontName=FONT_REGULAR,
        )
        template.build(
            _story(doc, labels), onFirstPage=set_dates, onLaterPages=page_number
        )
    return _set_document_id(buffer.getvalue(), f"judgement:{doc.judgement_id}")
