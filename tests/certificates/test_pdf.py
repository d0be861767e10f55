"""The pure certificate renderer: layout rules, the PDF it writes, the QR code in it
and the reproducibility of its bytes. No Django, no database."""

from __future__ import annotations

import ast
import dataclasses
import io
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from fractions import Fraction
from pathlib import Path

import pymupdf
import pypdf
import pytest
import segno
import zxingcpp
from PIL import Image

from certificates import pdf
from certificates.pdf import (
    CertificateDocument,
    ElementLine,
    Labels,
    fit_holder_name,
    format_date,
    format_percent,
    layout,
    render_certificate,
    sha256_hex,
)

ROOT = Path(__file__).resolve().parents[2]
HOLDER = "José Ñúñez Peña"
CODE = "K7Q2-M9XF-2HDR-Y4WB-TC6N-JP8A-V5ZE"
URL = "https://atiende.example.mx/verificar/K7Q2M9XF2HDRY4WBTC6NJP8AV5ZE/"


def tiny_png(color=(31, 58, 95, 255), size=(60, 24)) -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    image.paste(color, (4, 4, size[0] - 4, size[1] - 4))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_document(**changes) -> CertificateDocument:
    doc = CertificateDocument(
        organisation_name="Grupo Hotelero Sierra Madre",
        holder_name=HOLDER,
        standard_code="EC0305",
        standard_title="Prestación de servicios de atención a clientes",
        course_title="Atención a clientes de excelencia",
        elements=(
            ElementLine(
                "E1", "Atender los requerimientos del cliente", Fraction(4, 5), 1, True
            ),
            ElementLine(
                "E2",
                "Gestionar el servicio requerido por el cliente",
                Fraction(17, 20),
                Fraction(1),
                True,
            ),
            ElementLine(
                "E3",
                "Obtener la satisfacción del servicio al cliente",
                Fraction(10),
                Fraction(12),
                True,
            ),
        ),
        issued_on=date(2026, 11, 28),
        expires_on=date(2029, 11, 28),
        serial="ATN-2026-000123",
        verification_code=CODE,
        verification_url=URL,
        issuer="Dirección de Recursos Humanos",
        signatory_name="Mtra. Ana Lucía Gómez Ibáñez",
        signatory_title="Directora de Capital Humano",
        logo=tiny_png(),
        signature=tiny_png((20, 30, 90, 255), (90, 30)),
    )
    return dataclasses.replace(doc, **changes)


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return render_certificate(make_document())


@pytest.fixture(scope="module")
def reader(pdf_bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf_bytes))


@pytest.fixture(scope="module")
def page_text(reader) -> str:
    return reader.pages[0].extract_text()


def page_image(data: bytes, dpi: int = 150) -> Image.Image:
    with pymupdf.open(stream=data, filetype="pdf") as document:
        pixmap = document[0].get_pixmap(dpi=dpi)
        return Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)


def decoded_qr_texts(data: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(page_image(data))]


# ----------------------------------------------------------------- the PDF file


def test_output_is_a_pdf(pdf_bytes):
    """The renderer returns a complete PDF file."""
    assert pdf_bytes.startswith(b"%PDF-")
    assert pdf_bytes.rstrip().endswith(b"%%EOF")


def test_text_has_holder_with_accents_and_the_verification_code(page_text):
    """Spanish characters survive into the PDF's text layer, as do the code and URL
    someone types to verify the certificate."""
    assert HOLDER in page_text
    assert CODE in page_text
    assert URL in page_text
    assert "Constancia de competencia" in page_text
    assert "28 de noviembre de 2026" in page_text
    assert "28 de noviembre de 2029" in page_text


def test_text_has_every_element_with_its_percent_and_verdict(page_text):
    """Each element is listed with its own percentage and verdict."""
    for expected in (
        "Atender los requerimientos del cliente",
        "80 %",
        "85 %",
        "83 %",  # 10/12
        "Competente",
    ):
        assert expected in page_text


def test_disclaimer_says_it_is_not_a_sep_conocer_certificate(page_text):
    """The PDF says it is the organisation's internal certificate aligned to EC0305
    and not one issued by SEP-CONOCER."""
    flat = " ".join(page_text.split())
    assert "reconocimiento interno de Grupo Hotelero Sierra Madre" in flat
    assert "EC0305" in flat
    assert "No es un certificado de competencia emitido por SEP-CONOCER" in flat


def test_default_disclaimer_label_mentions_sep_conocer():
    """The default (Spanish) disclaimer template names SEP-CONOCER and EC0305 slot."""
    assert "SEP-CONOCER" in Labels().disclaimer
    assert "{standard_code}" in Labels().disclaimer


def test_metadata(reader):
    """Title, author and subject are set in the document information."""
    meta = reader.metadata
    assert meta.title == f"Constancia de competencia: {HOLDER}"
    assert meta.author == "Dirección de Recursos Humanos"
    assert meta.subject == "EC0305 Prestación de servicios de atención a clientes"


def test_creation_date_is_the_issue_date(reader):
    """The PDF's dates are the issue date, never the time of rendering."""
    assert reader.metadata["/CreationDate"].startswith("D:20261128")
    assert reader.metadata["/ModDate"].startswith("D:20261128")


def test_every_font_is_embedded_truetype(reader):
    """All fonts on the page are embedded TrueType (FontFile2): no unembedded base
    fonts such as Helvetica."""
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert len(fonts) == 2
    for font in fonts.values():
        font = font.get_object()
        assert font["/Subtype"] == "/TrueType"
        assert "BitstreamVeraSans" in font["/BaseFont"]
        descriptor = font["/FontDescriptor"]
        assert "/FontFile2" in descriptor
        assert len(descriptor["/FontFile2"].get_data()) > 10_000


def test_page_is_a4_landscape(reader):
    """One page, A4 landscape (842 x 595 pt)."""
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(841.89, abs=0.5)
    assert float(box.height) == pytest.approx(595.28, abs=0.5)


def test_document_language_is_declared(reader):
    """The catalog declares the language, for screen readers."""
    assert reader.trailer["/Root"]["/Lang"] == "es-MX"


# --------------------------------------------------------------------- the QR


def test_qr_decodes_to_the_verification_url(pdf_bytes):
    """The QR code on the rendered page scans to the full verification URL."""
    assert decoded_qr_texts(pdf_bytes) == [URL]


def test_qr_decodes_for_a_long_url():
    """A long URL (a larger QR version, with version information) still scans."""
    url = "https://certificados.una-organizacion-con-nombre-largo.example.mx/v/" + (
        "ABCDEFGHJKMNPQRSTVWXYZ0123456789" * 3
    )
    assert segno.make(url, error="m", micro=False).version >= 7
    data = render_certificate(make_document(verification_url=url))
    assert decoded_qr_texts(data) == [url]


def test_qr_rectangles_cover_exactly_the_dark_modules():
    """The merged rectangles paint every dark module once and no light one."""
    side, rects = pdf.qr_rectangles(URL)
    painted = [[0] * side for _ in range(side)]
    for col, row, width, height in rects:
        for r in range(row, row + height):
            for c in range(col, col + width):
                painted[r][c] += 1
    assert painted == [list(row) for row in pdf.qr_matrix(URL)]
    assert len(rects) < sum(map(sum, painted)) / 2  # runs really are merged


def test_qr_sits_bottom_right_with_a_quiet_zone():
    """The QR is in the bottom-right corner, and no text or rule comes within
    four modules of it (the quiet zone a scanner needs)."""
    page = layout(make_document())
    qr = page.qr
    assert qr.x > page.width * 0.75 and qr.y < page.height * 0.25
    quiet = 4 * qr.size / len(pdf.qr_matrix(URL))
    zone = (qr.x - quiet, qr.y - quiet, qr.x + qr.size + quiet, qr.y + qr.size + quiet)
    for run in page.texts:
        x0, x1 = run_extent(run)
        box = (x0, run.y - 0.25 * run.size, x1, run.y + 0.95 * run.size)
        assert not overlap(box, zone), run
    for rule in page.rules:
        box = (min(rule.x1, rule.x2), min(rule.y1, rule.y2))
        box += (max(rule.x1, rule.x2), max(rule.y1, rule.y2))
        assert not overlap(box, zone), rule


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# ------------------------------------------------------------- reproducibility


def test_same_document_renders_to_the_same_bytes():
    """Rendering is deterministic: the stored SHA-256 can be recomputed."""
    doc = make_document()
    first = render_certificate(doc)
    render_certificate(make_document(holder_name="Łukasz Ăngel Øre"))  # other state
    assert render_certificate(doc) == first
    assert sha256_hex(render_certificate(doc)) == sha256_hex(first)


def test_same_bytes_in_another_process_and_environment(pdf_bytes):
    """A fresh process with another hash seed and SOURCE_DATE_EPOCH set (which
    reportlab would otherwise use) renders the very same bytes."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.certificates.test_pdf import make_document;"
        "from certificates.pdf import render_certificate, sha256_hex;"
        "print(sha256_hex(render_certificate(make_document())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", script, str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert result.stdout.strip() == sha256_hex(pdf_bytes)


def test_concurrent_renders_give_the_same_bytes(pdf_bytes):
    """Rendering from several threads at once (a threaded worker) gives the same
    bytes as rendering alone."""
    docs = [make_document(), make_document(holder_name="Ana Pérez")] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render_certificate, docs))
    assert results[0::2] == [pdf_bytes] * 4
    assert results[1::2] == [render_certificate(docs[1])] * 4


@pytest.mark.parametrize(
    "changes",
    [
        {"holder_name": "José Ñúñez Peñas"},
        {"serial": "ATN-2026-000124"},
        {"verification_code": "K7Q2-M9XF-2HDR-Y4WB-TC6N-JP8A-V5ZF"},
        {"verification_url": URL.replace("ZE/", "ZF/")},
        {"issued_on": date(2026, 11, 29)},
        {"expires_on": date(2029, 11, 29)},
        {"signatory_name": "Mtra. Ana Lucía Gómez"},
        {"logo": None},
        {"signature": tiny_png((0, 0, 0, 255), (90, 30))},
        {
            "elements": (
                ElementLine("E1", "Atender", Fraction(9, 10), Fraction(1), True),
            )
        },
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_a_changed_field_changes_the_bytes(pdf_bytes, changes):
    """Any change to what the certificate says changes its bytes (and hash)."""
    assert render_certificate(make_document(**changes)) != pdf_bytes


def test_sha256_hex():
    """sha256_hex is the lowercase hex SHA-256 digest."""
    assert sha256_hex(b"") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


# ------------------------------------------------------------ public APIs only

LIBRARIES = ("reportlab", "segno", "PIL")


def pdf_module_tree() -> ast.Module:
    return ast.parse((ROOT / "certificates" / "pdf.py").read_text(encoding="utf-8"))


def test_pdf_module_imports_no_django_and_nothing_private():
    """pdf.py stays pure (no Django) and imports only public names of public
    modules of its libraries (no reportlab.rl_config: settings are not changed)."""
    for node in ast.walk(pdf_module_tree()):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
            names = []
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
            names = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            if module == "__future__":
                continue
            assert module.split(".")[0] != "django", module
            assert not any(part.startswith("_") for part in module.split(".")), module
            if module.split(".")[0] in LIBRARIES:
                assert all(not name.startswith("_") for name in names), names
                assert "rl_config" not in module and "rl_config" not in names


def test_pdf_module_uses_no_private_attribute_and_patches_nothing():
    """No attribute starting with "_" is read or written anywhere in pdf.py (so no
    reportlab or segno internals such as canvas._doc), no library class is
    subclassed to override its methods, no attribute of anything but our own
    objects is assigned (no monkeypatching), and setattr is not used."""
    tree = pdf_module_tree()
    imported = {
        (alias.asname or alias.name).split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert not node.attr.startswith("_"), ast.unparse(node)
        if isinstance(node, ast.ClassDef):
            bases = {
                n.id for b in node.bases for n in ast.walk(b) if isinstance(n, ast.Name)
            }
            assert not bases & imported, node.name
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    root = target
                    while isinstance(root, ast.Attribute):
                        root = root.value
                    # Only our own objects' attributes are ever set.
                    assert isinstance(root, ast.Name) and root.id == "self", (
                        ast.unparse(target)
                    )
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("setattr", "delattr"), ast.unparse(node)


# ------------------------------------------------------------------- layout


def run_extent(run: pdf.TextRun) -> tuple[float, float]:
    width = pdf._width(run.text, run.font, run.size) * run.horizontal_scale / 100
    start = {"left": run.x, "center": run.x - width / 2, "right": run.x - width}
    return start[run.align], start[run.align] + width


@pytest.mark.parametrize(
    ("name", "size", "lines"),
    [
        ("Ana Pérez", 30.0, 1),
        (HOLDER, 30.0, 1),
        ("María Fernanda Gutiérrez Ramírez", 30.0, 1),
        ("María Fernanda Gutiérrez de la Cruz Ramírez", 25.0, 1),
        ("María Guadalupe del Socorro Fernández de la Cruz", 22.0, 1),
        ("María Guadalupe del Socorro Fernández de la Concepción Ruiz", 18.0, 1),
        ("María Guadalupe del Socorro Fernández de la Concepción Ruiz Peña", 18.0, 2),
        (
            "María Guadalupe del Socorro Fernández de la Concepción "
            "Hernández-Villaseñor y Ortiz de Montellano",
            18.0,
            2,
        ),
    ],
)
def test_holder_name_size_by_length(name, size, lines):
    """Short names are set at 30 pt; longer ones shrink to fit; names that would
    need less than 18 pt are wrapped over two lines at 18 pt."""
    fit = fit_holder_name(name)
    assert fit.size == size
    assert len(fit.lines) == lines
    assert " ".join(fit.lines) == name
    assert fit.horizontal_scale == 100.0
    runs = layout(make_document(holder_name=name)).runs("holder_name")
    assert [run.text for run in runs] == list(fit.lines)
    assert all(run.size == size for run in runs)
    assert all(
        pdf._width(line, pdf.FONT_BOLD, size) <= pdf.NAME_MAX_WIDTH
        for line in fit.lines
    )


def test_holder_name_never_gets_bigger_as_it_gets_longer():
    """The size never grows with length and never drops below the minimum."""
    words = "María Guadalupe del Socorro Fernández de la Concepción Ruiz Ortiz Peña"
    words = (words + " " + words).split()
    sizes = [fit_holder_name(" ".join(words[:n])).size for n in range(1, len(words))]
    assert sizes == sorted(sizes, reverse=True)
    assert min(sizes) == pdf.NAME_MIN_SIZE


@pytest.mark.parametrize(
    "name",
    [
        "X" * 70,  # one "word": cannot wrap
        "Nombre " * 30,  # would need three lines
    ],
)
def test_holder_name_too_long_even_wrapped_is_condensed_not_cut(name):
    """A name too long even on two lines keeps every letter and the minimum size;
    it is condensed horizontally to fit the line."""
    fit = fit_holder_name(name)
    assert fit.size == pdf.NAME_MIN_SIZE
    assert fit.horizontal_scale < 100
    assert " ".join(fit.lines) == name.strip()
    widest = max(pdf._width(line, pdf.FONT_BOLD, fit.size) for line in fit.lines)
    assert widest * fit.horizontal_scale / 100 <= pdf.NAME_MAX_WIDTH


def test_holder_name_is_nfc_normalised_and_missing_glyphs_fall_back():
    """A name typed with combining accents becomes the precomposed letters the
    font has; a letter the font lacks falls back to its base letter."""
    assert fit_holder_name("Jose\u0301 N\u0303u\u0301n\u0303ez").lines == (
        "José Ñúñez",
    )
    assert fit_holder_name("Ăna  Pérez\n").lines == ("Ana Pérez",)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (1, "1 de enero de 2026"),
        (2, "1 de febrero de 2026"),
        (3, "1 de marzo de 2026"),
        (4, "1 de abril de 2026"),
        (5, "1 de mayo de 2026"),
        (6, "1 de junio de 2026"),
        (7, "1 de julio de 2026"),
        (8, "1 de agosto de 2026"),
        (9, "1 de septiembre de 2026"),
        (10, "1 de octubre de 2026"),
        (11, "1 de noviembre de 2026"),
        (12, "1 de diciembre de 2026"),
    ],
)
def test_date_in_spanish_for_every_month(month, expected):
    """Dates are written out in Spanish, day without a leading zero."""
    assert format_date(date(2026, month, 1)) == expected


def test_date_example_from_the_design():
    """28 Nov 2026 reads "28 de noviembre de 2026"."""
    assert format_date(date(2026, 11, 28)) == "28 de noviembre de 2026"


@pytest.mark.parametrize(
    ("earned", "possible", "expected"),
    [
        (Fraction(4, 5), Fraction(1), "80 %"),
        (Fraction(2, 3), Fraction(1), "67 %"),
        (Fraction(1, 3), Fraction(1), "33 %"),
        (Fraction(8), Fraction(12), "67 %"),
        (Fraction(1, 8), Fraction(1), "13 %"),  # 12.5: halves round up
        (Fraction(159, 200), Fraction(1), "80 %"),  # 79.5 exactly, no float error
        (Fraction(317, 400), Fraction(1), "79 %"),  # 79.25
        (Fraction(1), Fraction(1), "100 %"),
        (Fraction(0), Fraction(5), "0 %"),
        (Fraction(199, 200), Fraction(1), "99 %"),  # short of full never "100 %"
        (Fraction(1, 300), Fraction(1), "1 %"),  # above nothing never "0 %"
        (Fraction(0), Fraction(0), "—"),  # nothing possible
    ],
)
def test_percent_formatting(earned, possible, expected):
    """Nearest whole percent, halves up, exact on Fractions; an imperfect score
    never shows 100 % and a non-zero one never 0 %."""
    assert format_percent(earned, possible) == expected


def test_each_element_shows_its_percent_and_verdict():
    """Each row shows the element's own percentage; the verdict is its passed
    flag, including "Todavía no competente"."""
    elements = (
        ElementLine("E1", "Uno", Fraction(4, 5), Fraction(1), True),
        ElementLine("E2", "Dos", Fraction(2, 3), Fraction(1), False),
    )
    page = layout(make_document(elements=elements))
    assert [run.text for run in page.runs("element_code")] == ["E1", "E2"]
    assert [run.text for run in page.runs("element_percent")] == ["80 %", "67 %"]
    assert [run.text for run in page.runs("element_verdict")] == [
        "Competente",
        "Todavía no competente",
    ]


def test_scores_must_be_fractions_not_floats():
    """Scores are exact: a float is refused, as is earned above possible."""
    with pytest.raises(TypeError):
        ElementLine("E1", "Uno", 0.8, Fraction(1), True)
    with pytest.raises(ValueError):
        ElementLine("E1", "Uno", Fraction(3), Fraction(2), True)


@pytest.mark.parametrize(
    ("logo", "signature", "roles"),
    [
        (None, None, []),
        (tiny_png(), None, ["logo"]),
        (None, tiny_png(), ["signature"]),
        (tiny_png(), tiny_png((9, 9, 9, 255)), ["logo", "signature"]),
        (tiny_jpeg(), None, ["logo"]),
    ],
    ids=["none", "logo", "signature", "both", "jpeg-logo"],
)
def test_logo_and_signature_are_optional(logo, signature, roles):
    """With or without logo and signature (PNG or JPEG), the layout has the matching
    image boxes and the PDF embeds exactly those images."""
    doc = make_document(logo=logo, signature=signature)
    page = layout(doc)
    assert [image.role for image in page.images] == roles
    data = render_certificate(doc)
    resources = pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]
    xobjects = resources.get("/XObject", {})
    assert len(xobjects) == len(roles)  # soft masks hang off their images
    assert decoded_qr_texts(data) == [URL]


def test_oversized_logo_is_scaled_down():
    """A huge logo is embedded at no more than 300 dpi at its printed size."""
    image = Image.new("RGB", (4000, 1200), (31, 58, 95))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = render_certificate(make_document(logo=buffer.getvalue()))
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    widths = [
        int(x.get_object()["/Width"]) for x in page["/Resources"]["/XObject"].values()
    ]
    assert max(widths) <= 150 / 72 * 300 + 1


def test_everything_stays_inside_the_frame():
    """With long inputs everywhere, every text run stays inside the page frame."""
    doc = make_document(
        organisation_name="Organización de Servicios Turísticos y Hoteleros del "
        "Pacífico Mexicano, S.A.P.I. de C.V.",
        holder_name="María Guadalupe del Socorro Fernández de la Concepción "
        "Hernández-Villaseñor y Ortiz de Montellano",
        course_title="Programa integral de formación de formadores en atención "
        "a clientes para todas las sucursales de la región centro-occidente",
        elements=tuple(
            ElementLine(f"E{i}", "Un elemento con un título largo " * 3, 1, 1, True)
            for i in range(1, 7)
        ),
        issuer="Dirección Corporativa de Recursos Humanos y Desarrollo Organizacional",
        signatory_title="Directora Corporativa de Capital Humano y Cultura "
        "Organizacional",
    )
    page = layout(doc)
    for run in page.texts:
        x0, x1 = run_extent(run)
        assert 22 < x0 and x1 < page.width - 22, run
        assert 22 < run.y < page.height - 22, run


def test_title_is_centred_and_larger_than_everything_but_the_name():
    """The title is centred on the page at 30 pt."""
    page = layout(make_document())
    (title,) = page.runs("title")
    assert title.align == "center" and title.x == pytest.approx(page.width / 2, 0.01)
    assert title.size == 30


def test_translated_labels_replace_every_fixed_text():
    """A Django layer can pass translated labels: no Spanish fixed text is left."""
    english = Labels(
        title="Certificate of competence",
        awarded_to="Awarded to",
        statement="for demonstrating competence under the Competence Standard",
        course_format="Course: {course}",
        elements_heading="Elements assessed",
        column_code="Code",
        column_element="Element",
        column_result="Result",
        column_verdict="Judgement",
        competent="Competent",
        not_yet_competent="Not yet competent",
        issued_on="Issued on",
        expires_on="Valid until",
        serial="Serial",
        verification_code="Verification code",
        verify_at="Verify at",
        issued_by="Issued by",
        disclaimer="An internal certificate of {organisation} aligned to "
        "{standard_code}; it is NOT a certificate issued by SEP-CONOCER.",
        months=(
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        date_format="{month} {day}, {year}",
        percent_format="{value}%",
        language="en",
    )
    text = " ".join(run.text for run in layout(make_document(), english).texts)
    assert "November 28, 2026" in text and "80%" in text
    for spanish in ("Constancia", "Se otorga", "Fecha de emisión", "Vigente", "Folio"):
        assert spanish not in text
    reader = pypdf.PdfReader(io.BytesIO(render_certificate(make_document(), english)))
    assert reader.metadata.title == f"Certificate of competence: {HOLDER}"
