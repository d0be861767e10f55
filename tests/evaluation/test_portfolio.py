"""The portafolio de evidencias: the pure renderer (deterministic, Spanish, no
Django), what the PDF says (plan, items, evidence SHA-256s, questionnaire,
verdicts, feedback, signatures), who may download it, and HR's ZIP."""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import zipfile
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from evaluation import portfolio, portfolio_data, services
from tests.certificates.support import take
from tests.factories import (
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    evaluation_instruments,
    lead_evaluator,
    png_bytes,
)

ROOT = Path(__file__).resolve().parents[2]


def pdf_text(data: bytes) -> str:
    return "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages
    )


# ------------------------------------------------------------------ pure


def document(**changes) -> portfolio.PortfolioDocument:
    at = datetime(2026, 3, 2, 10, 30)
    values = dict(
        judgement_id=7,
        organisation_name="Grupo Hotelero Sierra Madre",
        candidate_name="José Ñúñez Peña",
        standard_code="EC0305",
        standard_title="Prestación de servicios de atención a clientes",
        plan=portfolio.PlanSection(
            evaluator_name="Evangelina Luna",
            scheduled_at=at,
            place="Sucursal Centro, módulo 3",
            online=False,
            setting="simulación",
            scenario_title="Cliente en crisis",
            scenario_situation="Llega angustiado porque perdió su reservación.",
            instruments=("EC0305-GO · Guía de observación",),
        ),
        records=(
            portfolio.RecordSection(
                code="EC0305-GO",
                title="Guía de observación",
                kind="guía de observación",
                version=2,
                status="firmado",
                started_at=at,
                ended_at=datetime(2026, 3, 2, 11, 5),
                items=(
                    portfolio.ItemLine(
                        1,
                        "E1-D1",
                        "Saluda y se presenta",
                        True,
                        "cumple",
                        note="Con una sonrisa.",
                    ),
                    portfolio.ItemLine(
                        2,
                        "E1-D2",
                        "Pregunta el nombre",
                        False,
                        "no aplica",
                        reason="No se presentó el caso.",
                    ),
                ),
                evidence=(
                    portfolio.EvidenceLine(
                        "registro-servicio.jpg", "image/jpeg", 20480, "ab" * 32, at
                    ),
                ),
                signatures=(
                    portfolio.SignatureLine(
                        "Evaluador(a)", "Evangelina Luna", at, "10.0.0.5"
                    ),
                    portfolio.SignatureLine(
                        "Candidato(a)", "José Ñúñez", at, "10.0.0.6"
                    ),
                ),
            ),
        ),
        knowledge=(portfolio.KnowledgeLine("E1", "Atender", Fraction(4), Fraction(5)),),
        questionnaire_title="Evaluación final",
        questionnaire_submitted_at=at,
        competent=False,
        decided_at=datetime(2026, 3, 2, 12, 0),
        evaluator_name="Evangelina Luna",
        verdicts=(
            portfolio.VerdictLine(
                "E1",
                "Atender",
                False,
                Fraction(4),
                Fraction(5),
                3,
                4,
                None,
                None,
                ("E1-D3: Ofrece opciones",),
            ),
        ),
        feedback="Practica la escucha activa.",
        feedback_acknowledged_at=None,
    )
    values.update(changes)
    return portfolio.PortfolioDocument(**values)


def test_pure_portfolio_text():
    text = pdf_text(portfolio.render_portfolio(document()))
    for bit in (
        "Portafolio de evidencias",
        "José Ñúñez Peña",
        "Plan de evaluación",
        "Evangelina Luna",
        "2 de marzo de 2026, 10:30 h",
        "Sucursal Centro",
        "simulación",
        "Cliente en crisis",
        "Saluda y se presenta",
        "crítico",
        "cumple",
        "no aplica",
        "No se presentó el caso.",
        "Con una sonrisa.",
        "registro-servicio.jpg",
        "ab" * 32,
        "10.0.0.5",
        "10.0.0.6",
        "Cuestionario de conocimientos",
        "80 %",
        "3/4",
        "Todavía no competente",
        "E1-D3: Ofrece opciones",
        "Practica la escucha activa.",
    ):
        assert bit in text, bit


def test_same_data_same_bytes_and_changes_change_them():
    first = portfolio.render_portfolio(document())
    assert portfolio.render_portfolio(document()) == first
    assert portfolio.render_portfolio(document(feedback="Otra cosa.")) != first


def test_portfolio_module_imports_no_django_and_nothing_private():
    tree = ast.parse((ROOT / "evaluation" / "portfolio.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert not node.module.startswith("django"), node.module
            assert not any(alias.name.startswith("_") for alias in node.names)
        if isinstance(node, ast.Import):
            assert not any(a.name.startswith("django") for a in node.names)


def test_every_font_is_embedded():
    """Only the embedded Vera TrueType fonts: no unembedded Helvetica."""
    reader = pypdf.PdfReader(io.BytesIO(portfolio.render_portfolio(document())))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/Subtype"] == "/TrueType"
            assert "BitstreamVeraSans" in font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"]


# ------------------------------------------------------------------ from models


@pytest.fixture
def evaluated(initial_data, settings, tmp_path):
    """A candidate passed the final; their evaluator observed them, filled the
    checklist with a photo of the service record, both signed, and issued the
    judgement."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    candidate = LearnerFactory(first_name="Ñeli", last_name="Zúñiga")
    with freeze_time("2026-03-02 16:00:00"):
        attempt = take(candidate)
    standard = attempt.element_results.first().element.standard
    evaluator = lead_evaluator(standard)
    with (
        freeze_time("2026-03-03 16:00:00"),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        plan = services.plan_create(
            candidate=candidate,
            evaluator=evaluator,
            standard=standard,
            scheduled_at=attempt.submitted_at,
            instruments=evaluation_instruments(standard),
            by=evaluator,
        )
        evidence = []
        for instrument in plan.instruments.order_by("kind"):
            record = services.observation_start(
                plan=plan, instrument=instrument, by=evaluator
            )
            for n, item in enumerate(record.version.items):
                services.observation_save(
                    observation=record,
                    item=item["id"],
                    outcome="met",
                    note=f"Nota {instrument.kind} {n}",
                    by=evaluator,
                )
            if instrument.kind == "checklist":
                evidence.append(
                    services.evidence_add(
                        observation=record,
                        upload=SimpleUploadedFile(
                            "registro del servicio.png", png_bytes(), "image/png"
                        ),
                        by=evaluator,
                    )
                )
            for signer, person in (("evaluator", evaluator), ("candidate", candidate)):
                services.observation_sign(
                    observation=record,
                    signer=signer,
                    typed_name=person.get_username(),
                    ip="192.0.2.7" if signer == "candidate" else "192.0.2.1",
                    by=person,
                )
        judgement = services.judgement_issue(
            plan=plan,
            by=evaluator,
            feedback="Muy buen cierre del servicio.",
            attempt=attempt,
        )
    return {
        "candidate": candidate,
        "evaluator": evaluator,
        "judgement": judgement,
        "evidence": evidence,
        "standard": standard,
    }


def url(judgement) -> str:
    return f"/evaluacion/juicios/{judgement.pk}/portafolio.pdf"


@pytest.mark.django_db
def test_portfolio_of_a_real_evaluation_says_everything(client, evaluated):
    client.force_login(evaluated["candidate"])
    response = client.get(url(evaluated["judgement"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    (evidence,) = evaluated["evidence"]
    for bit in (
        "Ñeli Zúñiga",
        "Eva Luadora",
        "Guía de observación"[:5],
        "Cumple",
        "Nota checklist 0",
        "Nota observation 0",
        evidence.sha256,
        "registro del servicio.png",
        "192.0.2.7",
        "192.0.2.1",
        evaluated["candidate"].get_username(),
        "Cuestionario de conocimientos",
        "Competente",
        "Muy buen cierre del servicio.",
        "Firmas",
    ):
        assert bit.lower() in text.lower(), bit
    # Same judgement, same bytes.
    assert client.get(url(evaluated["judgement"])).content == response.content


@pytest.mark.django_db
def test_portfolio_data_in_a_fixed_number_of_queries(evaluated):
    with CaptureQueriesContext(connection) as captured:
        portfolio_data.portfolio_document(judgement_id=evaluated["judgement"].pk)
    assert len(captured.captured_queries) <= portfolio_data.QUERIES


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("candidate", 200),
        ("evaluator", 200),
        ("hr", 200),
        ("other_learner", 404),
        ("other_evaluator", 404),
        ("trainer", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_download_the_portfolio(client, evaluated, who, status):
    user = {
        "candidate": lambda: evaluated["candidate"],
        "evaluator": lambda: evaluated["evaluator"],
        "hr": HRFactory,
        "other_learner": LearnerFactory,
        "other_evaluator": lambda: lead_evaluator(evaluated["standard"]),
        "trainer": TrainerFactory,
        "anonymous": lambda: None,
    }[who]()
    if user is not None:
        client.force_login(user)
    response = client.get(url(evaluated["judgement"]))
    assert response.status_code == status
    if status == 302:
        assert "/login" in response["Location"] or "entrar" in response["Location"]


@pytest.mark.django_db
def test_hr_downloads_portfolios_as_a_zip(client, evaluated):
    client.force_login(HRFactory())
    response = client.get("/evaluacion/portafolios.zip", {"dictamen": "competente"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names[-1] == "manifiesto.csv"
        pk = evaluated["judgement"].pk
        (pdf_name,) = [n for n in names if n.startswith(f"{pk:06d}_")]
        pdf = archive.read(pdf_name)
        rows = list(
            csv.reader(io.StringIO(archive.read(names[-1]).decode("utf-8-sig")))
        )
    assert len(names) == len(rows)  # one row per PDF, plus the header
    assert "Muy buen cierre del servicio." in pdf_text(pdf)
    (row,) = [row for row in rows if row[0] == str(pk)]
    assert row[-2] == pdf_name
    assert row[-1] == hashlib.sha256(pdf).hexdigest()
    # Filters that match nothing give a ZIP with the manifest only.
    response = client.get(
        "/evaluacion/portafolios.zip", {"dictamen": "no", "estandar": "EC0305"}
    )
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert archive.namelist() == ["manifiesto.csv"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["candidate", "evaluator", "trainer", "anonymous"])
def test_only_hr_gets_the_zip(client, evaluated, who):
    user = {
        "candidate": evaluated["candidate"],
        "evaluator": evaluated["evaluator"],
        "trainer": TrainerFactory(),
        "anonymous": None,
    }[who]
    if user is not None:
        client.force_login(user)
    response = client.get("/evaluacion/portafolios.zip")
    assert response.status_code in (302, 403, 404)
    assert response.get("Content-Type") != "application/zip"
