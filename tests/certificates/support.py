"""Helpers for the certificate tests: take the real EC0305 final assessment through
the real services, and read what a PDF says."""

from __future__ import annotations

import io
import random
from datetime import datetime

import pymupdf
import pypdf
import zxingcpp
from django.core.cache import cache, caches
from django.test import TestCase
from PIL import Image

from assessments import payloads
from assessments.attempt_services import (
    attempt_save_answer,
    attempt_start,
    attempt_submit,
)
from assessments.models import AssessmentPage, Attempt
from certificates.models import Certificate
from portal.demo import FINAL_ASSESSMENT_SLUG, right_answer
from tests.factories import certificate_issue_for_attempt, meet_completion_rule


def final_assessment() -> AssessmentPage:
    return AssessmentPage.objects.get(slug=FINAL_ASSESSMENT_SLUG)


def diagnostic_assessment() -> AssessmentPage:
    return AssessmentPage.objects.get(mode=AssessmentPage.Mode.DIAGNOSTIC)


def take(
    learner,
    *,
    assessment: AssessmentPage | None = None,
    right: bool = True,
    now: datetime | None = None,
    seed: int = 1,
) -> Attempt:
    """Start, answer every question (right, or leave all blank) and submit; the
    on-commit work (a certificate's PDF) runs as at a real commit."""
    assessment = assessment or final_assessment()
    meet_completion_rule(learner, assessment)
    attempt = attempt_start(
        learner=learner,
        assessment=assessment,
        now=now,
        rng=random.Random(seed),
    )
    if right:
        for response in attempt.responses.select_related("version"):
            key = payloads.answer_key(response.version.payload)
            attempt_save_answer(
                attempt=attempt,
                position=response.position,
                raw_answer=right_answer(key),
                now=now,
            )
    with TestCase.captureOnCommitCallbacks(execute=True):
        return attempt_submit(attempt=attempt, now=now)


def pass_final(learner, *, now: datetime | None = None, seed: int = 1) -> Certificate:
    """A competent final attempt, then the evaluator's observation, checklist and
    judgement (all met): the certificate the judgement issued."""
    attempt = take(learner, now=now, seed=seed)
    assert attempt.competent is True
    assert not Certificate.objects.filter(
        holder=learner, issued_at__gte=attempt.submitted_at
    ).exists()
    return certificate_issue_for_attempt(attempt=attempt, now=now)


def stored_bytes(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    return "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages
    )


def qr_texts(data: bytes, dpi: int = 150) -> list[str]:
    with pymupdf.open(stream=data, filetype="pdf") as document:
        pixmap = document[0].get_pixmap(dpi=dpi)
        image = Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
    return [result.text for result in zxingcpp.read_barcodes(image)]


def clear_rate_limit() -> None:
    cache.clear()
    caches["ratelimit"].clear()
