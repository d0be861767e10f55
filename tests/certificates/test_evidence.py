"""What a certificate says about its evidence: per element the knowledge score,
the performance and product items met (n/N), the evaluator and the date of the
judgement, in the frozen snapshot, the PDF and the verification page; and
certificates issued from the questionnaire alone (before evaluators judged),
which keep verifying and say their evidence was knowledge only."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from fractions import Fraction

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from freezegun import freeze_time

from certificates import pdf
from certificates.models import Certificate
from certificates.pdf import (
    CertificateDocument,
    ElementLine,
    format_items,
    layout,
    render_certificate,
)
from certificates.rendering import certificate_render_pdf
from certificates.snapshot import document_from_snapshot, evidence_of
from evaluation.models import Judgement
from tests.factories import LearnerFactory

from .support import pass_final, pdf_text, stored_bytes
from .test_pdf import make_document

# ------------------------------------------------------------ pure layout


def evaluated_document(**changes) -> CertificateDocument:
    doc = make_document(
        elements=(
            ElementLine(
                "E1",
                "Atender los requerimientos del cliente",
                4,
                5,
                True,
                performance_met=4,
                performance_total=4,
            ),
            ElementLine(
                "E2",
                "Gestionar el servicio requerido por el cliente",
                Fraction(17, 20),
                1,
                True,
                5,
                5,
                9,
                9,
            ),
            ElementLine(
                "E3",
                "Obtener la satisfacción del servicio al cliente",
                10,
                12,
                False,
                1,
                2,
            ),
        ),
        evidence="evaluator",
        evaluator_name="Evangelina Luna Saldaña",
        judged_on=date(2026, 11, 20),
    )
    return dataclasses.replace(doc, **changes)


@pytest.mark.parametrize(
    ("met", "total", "expected"),
    [(4, 4, "4/4"), (0, 3, "0/3"), (None, None, "—"), (0, 0, "—"), (11, 12, "11/12")],
)
def test_items_met_format(met, total, expected):
    assert format_items(met, total) == expected


@pytest.mark.parametrize(
    ("code", "knowledge", "performance", "product", "verdict"),
    [
        ("E1", "80 %", "4/4", "—", "Competente"),
        ("E2", "85 %", "5/5", "9/9", "Competente"),
        ("E3", "83 %", "1/2", "—", "Todavía no competente"),
    ],
)
def test_each_row_shows_the_three_kinds_of_evidence(
    code, knowledge, performance, product, verdict
):
    """An evaluator's certificate: per element knowledge %, performance items
    met n/N and product items met n/N on the element's own row."""
    page = layout(evaluated_document())
    (row,) = [run for run in page.runs("element_code") if run.text == code]
    on_row = {run.role: run.text for run in page.texts if run.y == row.y}
    assert on_row["element_percent"] == knowledge
    assert on_row["element_performance"] == performance
    assert on_row["element_product"] == product
    assert on_row["element_verdict"] == verdict


def test_evaluator_line_under_the_table():
    page = layout(evaluated_document())
    (line,) = page.runs("evaluator")
    assert line.text == (
        "Evaluador(a): Evangelina Luna Saldaña · Fecha del juicio: "
        "20 de noviembre de 2026"
    )
    headers = {run.text for run in page.runs("column_header")}
    assert {"Conocimientos", "Desempeño", "Producto", "Dictamen"} <= headers
    lowest_row = min(run.y for run in page.runs("element_code"))
    assert line.y < lowest_row
    # Clear of the signature image and the dates on the left.
    assert line.y > pdf.SIGNATURE_BOX[1] + pdf.SIGNATURE_BOX[3]


def test_knowledge_only_line_for_a_questionnaire_certificate():
    page = layout(make_document(evidence="questionnaire"))
    (line,) = page.runs("knowledge_only")
    assert line.text == "Evidencia: solo cuestionario de conocimientos"
    assert not page.runs("element_performance") and not page.runs("evaluator")


def test_the_first_layout_is_unchanged_without_evidence():
    """A document without evidence (a version-1 snapshot) lays out exactly as
    before: no new column, no line, and so the same bytes on a re-render."""
    page = layout(make_document())
    roles = {run.role for run in page.texts}
    assert not roles & {"element_performance", "evaluator", "knowledge_only"}
    assert "Resultado" in {run.text for run in page.runs("column_header")}


def test_many_elements_with_evidence_stay_clear_of_the_footer():
    doc = evaluated_document(
        elements=tuple(
            ElementLine(
                f"E{i}",
                "Un elemento con un título largo " * 3,
                1,
                1,
                True,
                12,
                12,
                9,
                9,
            )
            for i in range(1, 8)
        )
    )
    page = layout(doc)
    (line,) = page.runs("evaluator")
    assert line.y > pdf.SIGNATURE_BOX[1] + pdf.SIGNATURE_BOX[3]
    for run in page.texts:
        assert 22 < run.y < page.height - 22


@pytest.mark.parametrize(
    "changes",
    [
        {"evidence": "evaluator", "evaluator_name": "", "judged_on": date(2026, 1, 1)},
        {"evidence": "evaluator", "evaluator_name": "Eva", "judged_on": None},
        {"evidence": "otra"},
    ],
)
def test_inconsistent_evidence_is_refused(changes):
    with pytest.raises(ValueError):
        make_document(**changes)


def test_items_met_cannot_exceed_the_total():
    with pytest.raises(ValueError):
        ElementLine("E1", "x", 1, 1, True, performance_met=5, performance_total=4)
    with pytest.raises(ValueError):
        ElementLine("E1", "x", 1, 1, True, product_met=1)


def test_pdf_text_shows_the_evidence_and_the_evaluator():
    data = render_certificate(evaluated_document())
    text = pdf_text(data)
    for bit in (
        "Conocimientos",
        "Desempeño",
        "Producto",
        "5/5",
        "9/9",
        "1/2",
        "Evangelina Luna Saldaña",
        "20 de noviembre de 2026",
    ):
        assert bit in text
    assert render_certificate(evaluated_document()) == data  # reproducible


# ------------------------------------------------- issued from a judgement


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def learner():
    return LearnerFactory(first_name="Ñeli", last_name="Zúñiga")


@pytest.fixture
def certificate(learner, fresh_media, initial_data):
    with freeze_time("2026-03-02 17:00:00"):
        return pass_final(learner)


@pytest.mark.django_db
def test_snapshot_freezes_the_evidence(certificate):
    snapshot = certificate.snapshot
    assert snapshot["version"] == 2
    assert snapshot["evidence"] == "evaluator" == evidence_of(snapshot)
    assert snapshot["evaluator_name"] == "Eva Luadora"
    assert snapshot["judged_on"] == "2026-03-02"
    verdicts = {v.element.code: v for v in certificate.judgement.verdicts.all()}
    assert len(snapshot["elements"]) == len(verdicts) == 3
    for item in snapshot["elements"]:
        assert item["performance_total"] is not None
        assert item["performance_met"] == item["performance_total"]
    assert any(item["product_total"] for item in snapshot["elements"])


@pytest.mark.django_db
def test_issued_pdf_shows_the_three_kinds_of_evidence(certificate):
    text = pdf_text(stored_bytes(certificate))
    for bit in (
        "Conocimientos",
        "Desempeño",
        "Producto",
        "Eva Luadora",
        "2 de marzo de 2026",
    ):
        assert bit in text
    product = next(i for i in certificate.snapshot["elements"] if i["product_total"])
    assert f"{product['product_met']}/{product['product_total']}" in text


@pytest.mark.django_db
@pytest.mark.usefixtures("rate_limit_cleared")
def test_verification_page_shows_the_evidence(client, certificate):
    text = text_of(client.get(f"/verificar/{certificate.code}/"))
    assert "Conocimientos" in text and "Desempeño" in text and "Producto" in text
    assert "Eva Luadora" in text and "2 de marzo de 2026" in text
    assert "solo cuestionario" not in text
    item = certificate.snapshot["elements"][0]
    assert f"{item['performance_met']}/{item['performance_total']}" in text


def _make_old(certificate: Certificate) -> Certificate:
    """Turn the certificate into one issued before this change: a judgement by
    questionnaire, a version-1 snapshot (no evidence fields) and the PDF the
    first layout rendered from it."""
    old = certificate.judgement
    judgement = Judgement.objects.create(
        candidate=old.candidate,
        standard=old.standard,
        competent=True,
        decided_at=old.decided_at,
        method=Judgement.Method.QUESTIONNAIRE,
        attempt=old.attempt,
    )
    snapshot = dict(certificate.snapshot, version=1)
    for key in ("evidence", "evaluator_name", "judged_on"):
        snapshot.pop(key)
    snapshot["elements"] = [
        {k: item[k] for k in ("code", "title", "earned", "possible", "passed")}
        for item in snapshot["elements"]
    ]
    certificate.pdf.storage.delete(certificate.pdf.name)
    Certificate.objects.filter(pk=certificate.pk).update(
        judgement=judgement, snapshot=snapshot, pdf="", pdf_sha256=""
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        return certificate_render_pdf(certificate_id=certificate.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("rate_limit_cleared")
def test_old_certificate_says_knowledge_only_and_still_verifies(client, certificate):
    old = _make_old(certificate)
    data = stored_bytes(old)
    assert "Desempeño" not in pdf_text(data)  # the first layout
    assert document_from_snapshot(old.snapshot).evidence == ""
    response = client.get(f"/verificar/{old.code}/")
    text = text_of(response)
    assert response.status_code == 200 and "Estado: vigente" in text
    assert "Evidencia: solo cuestionario de conocimientos" in text
    assert "Desempeño" not in text
    assert old.pdf_sha256 in text
    response = client.post(
        f"/verificar/{old.code}/",
        {"archivo": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")},
    )
    assert "El archivo coincide con la constancia emitida" in text_of(response)
    # The stored PDF is the record: looking at it again re-renders nothing.
    old.refresh_from_db()
    assert stored_bytes(old) == data
