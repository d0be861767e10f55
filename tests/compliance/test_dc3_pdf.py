"""The DC-3: layout data (sections, boxes, signatures, fitting) and the text of
the rendered PDF."""

import pymupdf
import pytest
import zxingcpp
from PIL import Image

from compliance import dc3_pdf
from compliance.dc3_pdf import (
    FOOTNOTES,
    SECTIONS,
    SIGNATURE_TITLES,
    TITLE,
    layout,
    render_dc3,
)
from compliance.dc_render import fit_text, text_width
from tests.compliance.samples import (
    CURP,
    RFC_COMPANY,
    RFC_PERSON,
    document,
    employer,
    worker,
)

LONG_NAME = (
    "María Guadalupe de los Ángeles Concepción Esperanza del Sagrado Corazón de "
    "Jesús Bernardette Maximiliana Anastasia"
)


def pdf_text(data: bytes) -> str:
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        return "\n".join(page.get_text() for page in pdf)


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return render_dc3(document())


@pytest.fixture(scope="module")
def text(pdf_bytes) -> str:
    return pdf_text(pdf_bytes)


# ------------------------------------------------------------------ fitting


@pytest.mark.parametrize(
    ("text", "width", "lines", "size", "scale"),
    [
        ("Ana Pérez", 300, 1, 10.0, 100.0),  # fits at the largest size
        ("Hernández Zúñiga María Guadalupe del Carmen", 190, 1, None, 100.0),
        (LONG_NAME, 400, 2, None, 100.0),  # wrapped over two lines
        (LONG_NAME + " " + LONG_NAME, 300, 2, 5.0, None),  # condensed at the floor
        ("Supercalifragilisticoespialidosamente", 60, 1, 5.0, None),  # one word
    ],
)
def test_fit_text(text, width, lines, size, scale):
    fit = fit_text(text, max_width=width, max_size=10, min_size=7, max_lines=2)
    assert len(fit.lines) == lines
    if size is not None:
        assert fit.size == size
    else:
        assert 5.0 <= fit.size < 10
    if scale is not None:
        assert fit.horizontal_scale == scale
    else:
        assert fit.horizontal_scale < 100
    # Never cut, never wider than the box.
    assert " ".join(fit.lines) == text
    for line in fit.lines:
        width_drawn = text_width(line, "AtiendeDC-Vera", fit.size)
        assert width_drawn * fit.horizontal_scale / 100 <= width + 0.01


def test_fit_text_shrinks_before_wrapping():
    one = fit_text("Hernández Zúñiga María", max_width=100, max_size=10, min_size=7)
    assert len(one.lines) == 1 and 7 <= one.size < 10


def test_fit_text_normalises_combining_accents():
    fit = fit_text(
        "Jose\u0301  Nu\u0301n\u0303ez", max_width=300, max_size=10, min_size=7
    )
    assert fit.lines == ("José Núñez",)


# ------------------------------------------------------------------ layout


def test_page_is_letter_portrait():
    page = layout(document())
    assert (page.width, page.height) == (612, 792)
    assert len(page.pages) == 1


def test_sections_in_official_order_then_signatures():
    page = layout(document()).pages[0]
    headings = sorted(page.runs("section"), key=lambda run: -run.y)
    assert [run.text for run in headings] == list(SECTIONS)
    lowest_section = headings[-1].y
    titles = page.runs("signature_title")
    assert all(run.y < lowest_section for run in titles)


def test_field_order_within_sections():
    page = layout(document()).pages[0]
    order = [
        "worker_name",
        "curp_label",
        "position",
        "employer_name",
        "rfc_label",
        "course",
        "hours",
        "subject_area",
        "agent",
        "signature_title",
        "footnote",
    ]
    tops = [max(run.y for run in page.runs(role)) for role in order]
    assert tops == sorted(tops, reverse=True)


def test_three_signature_blocks_side_by_side():
    page = layout(document()).pages[0]
    titles = page.runs("signature_title")
    assert [run.text for run in titles] == list(SIGNATURE_TITLES)
    assert len({run.y for run in titles}) == 1
    assert [run.x for run in titles] == sorted(run.x for run in titles)
    names = [run.text for run in page.runs("signature_name")]
    assert names == [
        "Evangelina Luna Saldaña",
        "Ana Lucía Gómez Ibáñez",
        "Pedro Ramírez Soto",
    ]
    assert len(page.rules) == 3  # a line to sign on in each block


def test_workers_representative_block_is_kept_without_a_name():
    page = layout(document(employer_data=employer(representante_trabajadores="")))
    titles = page.pages[0].runs("signature_title")
    assert [run.text for run in titles] == list(SIGNATURE_TITLES)


@pytest.mark.parametrize(
    ("rfc", "boxes"),
    [(RFC_COMPANY, 12), (RFC_PERSON, 13)],
)
def test_curp_and_rfc_boxes(rfc, boxes):
    page = layout(document(employer_data=employer(rfc=rfc))).pages[0]
    assert len(page.boxes_of("curp_box")) == 18
    assert "".join(run.text for run in page.runs("curp_char")) == CURP
    assert len(page.boxes_of("rfc_box")) == boxes
    assert "".join(run.text for run in page.runs("rfc_char")) == rfc
    # Equal boxes in one row, each character centred in its own box.
    for role in ("curp", "rfc"):
        cells = page.boxes_of(f"{role}_box")
        assert len({(box.y, round(box.width, 3)) for box in cells}) == 1
        for box, run in zip(cells, page.runs(f"{role}_char"), strict=True):
            assert run.x == pytest.approx(box.x + box.width / 2, abs=0.01)


@pytest.mark.parametrize(
    ("name", "lines"),
    [("Ana", 1), ("María Guadalupe", 1), (LONG_NAME, 2), (LONG_NAME * 3, 2)],
)
def test_long_names_wrap_or_shrink_within_the_field(name, lines):
    page = layout(document(worker=worker(nombres=name))).pages[0]
    runs = page.runs("worker_name")
    assert len(runs) == lines
    joined = " ".join(run.text for run in runs)
    assert joined == f"Hernández Zúñiga {name}".strip()
    field_right = dc3_pdf.RIGHT - dc3_pdf.PAD
    for run in runs:
        drawn = text_width(run.text, run.font, run.size) * run.horizontal_scale / 100
        assert run.x + drawn <= field_right + 0.01


def test_nothing_leaves_the_page():
    page = layout(document(worker=worker(nombres=LONG_NAME * 2)))
    for run in page.pages[0].texts:
        drawn = text_width(run.text, run.font, run.size) * run.horizontal_scale / 100
        left = {"left": run.x, "center": run.x - drawn / 2, "right": run.x - drawn}
        assert left[run.align] >= 36 - 0.01, run
        assert left[run.align] + drawn <= 612 - 36 + 0.01, run
        assert 36 <= run.y <= 792 - 36, run
    qr = page.pages[0].qr
    assert qr.y >= 36 and qr.x + qr.size <= 612 - 36


# ------------------------------------------------------------------ the PDF


def test_pdf_page_size_is_letter(pdf_bytes):
    with pymupdf.open(stream=pdf_bytes, filetype="pdf") as pdf:
        assert len(pdf) == 1
        assert (pdf[0].rect.width, pdf[0].rect.height) == (612, 792)


def test_pdf_text_holds_the_data(text):
    for expected in (
        "FORMATO DC-3",
        TITLE,
        *SECTIONS,
        "Hernández Zúñiga María Guadalupe",
        "Grupo Hotelero Sierra Madre, S.A. de C.V.",
        "Atención a clientes de excelencia",
        "12.5",
        "2026 / 10 / 05",
        "2026 / 11 / 20",
        "6000 Desarrollo personal y familiar",
        "52 Trabajadores en servicios de atención a clientes",
        "Recepcionista",
        "Capacitación Integral del Norte, S.C.",
        "Registro STPS: CIN-120101-XY3-0013",
        *SIGNATURE_TITLES,
        "Evangelina Luna Saldaña",
        "Ana Lucía Gómez Ibáñez",
        "Pedro Ramírez Soto",
        "Folio: DC3-2026-000001",
        "153-V",
    ):
        assert expected in text, expected
    # One character per box: the extracted characters are spaced out.
    assert CURP in squeezed(text)
    assert RFC_COMPANY in squeezed(text)
    assert squeezed(FOOTNOTES[0]) in squeezed(text)


def test_qr_code_carries_the_verification_url(pdf_bytes):
    with pymupdf.open(stream=pdf_bytes, filetype="pdf") as pdf:
        pixmap = pdf[0].get_pixmap(dpi=150)
        image = Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [
        document().verification_url
    ]


def test_fonts_are_embedded(pdf_bytes):
    with pymupdf.open(stream=pdf_bytes, filetype="pdf") as pdf:
        fonts = pdf[0].get_fonts()
    assert fonts and all(font[1] == "ttf" for font in fonts)
    assert all("Helvetica" not in font[3] for font in fonts)


def test_same_document_same_bytes(pdf_bytes):
    assert render_dc3(document()) == pdf_bytes
    assert render_dc3(document(2)) != pdf_bytes


def test_modules_are_pure():
    """Plain data in, bytes out: no Django in the document layer."""
    import ast
    from pathlib import Path

    root = Path(dc3_pdf.__file__).parent
    for name in (
        "dc_data.py",
        "dc_render.py",
        "dc3_pdf.py",
        "dc4_pdf.py",
        "dc4_columns.py",
        "exports.py",
    ):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0] == "django" for m in modules), name
