"""The certificate's PDF is rendered after the issuing transaction commits: the
row (serial, code, snapshot) exists with the verdict, the PDF follows; until then
learner, HR and the public page say "en preparación"; a failed render is
recorded, leaves no file, is retried and can be asked for again by HR; a rolled
back issue leaves nothing behind."""

from pathlib import Path

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from accounts.private_files import private_storage
from assessments import payloads
from assessments.attempt_services import (
    attempt_save_answer,
    attempt_start,
    attempt_submit,
)
from assessments.models import Attempt
from certificates import pdf, rendering, tasks
from certificates.models import Certificate
from evaluation.models import Judgement
from portal.demo import right_answer
from tests.factories import HRFactory, evaluate, learner_ready_for

from .support import clear_rate_limit, final_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data(initial_data):
    clear_rate_limit()


def stored_files() -> set[Path]:
    root = Path(private_storage().location) / "certificates"
    return {path for path in root.rglob("*.pdf")} if root.exists() else set()


def submit_without_commit(learner) -> Attempt:
    """Take the final right, submit and be judged competent by an evaluator
    inside the test's transaction, leaving the on-commit work (the PDF) undone,
    as it is until the real commit."""
    attempt = attempt_start(learner=learner, assessment=final_assessment())
    for response in attempt.responses.select_related("version"):
        key = payloads.answer_key(response.version.payload)
        attempt_save_answer(
            attempt=attempt, position=response.position, raw_answer=right_answer(key)
        )
    attempt = attempt_submit(attempt=attempt)
    evaluate(attempt=attempt)
    return attempt


def test_the_row_comes_with_the_verdict_and_the_pdf_after_commit():
    """In the judgement's transaction: a certificate with serial, code and
    snapshot, but no PDF yet; after commit its PDF is stored and hashed."""
    learner = learner_ready_for(final_assessment())
    # Started before: the start's own on-commit work (caching the drawn bank) is
    # not what this test counts; submit_without_commit resumes this attempt.
    attempt_start(learner=learner, assessment=final_assessment())
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        attempt = submit_without_commit(learner)
        certificate = Certificate.objects.get(judgement__attempt=attempt)
        assert Judgement.objects.get(attempt=attempt).competent is True
        assert certificate.serial and certificate.code and certificate.snapshot
        assert not certificate.pdf_ready and not certificate.pdf
    # Two hooks: the submit's attempt_finalised signal, then the PDF render.
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    certificate.refresh_from_db()
    assert certificate.pdf_ready
    with certificate.pdf.open("rb") as handle:
        assert pdf.sha256_hex(handle.read()) == certificate.pdf_sha256


def test_a_rolled_back_issue_leaves_no_row_and_no_file():
    learner = learner_ready_for(final_assessment())
    before = stored_files()
    with TestCase.captureOnCommitCallbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            submit_without_commit(learner)
            assert Certificate.objects.filter(holder=learner).exists()
            raise RuntimeError("the request failed after the submit")
    assert not Certificate.objects.filter(holder=learner).exists()
    assert stored_files() == before


@pytest.fixture
def pending(client):
    """A certificate whose PDF is not rendered yet, with its holder signed in."""
    learner = learner_ready_for(final_assessment())
    with TestCase.captureOnCommitCallbacks(execute=False):
        attempt = submit_without_commit(learner)
    client.force_login(learner)
    return Certificate.objects.get(judgement__attempt=attempt)


def test_until_rendered_everyone_sees_en_preparacion(client, pending):
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "PDF en preparación" in dashboard
    assert reverse("certificates:download", args=[pending.code]) not in dashboard
    download = client.get(reverse("certificates:download", args=[pending.code]))
    assert download.status_code == 409
    assert download["Retry-After"] and download["Cache-Control"] == "private, no-store"
    assert "se está generando" in download.content.decode()
    page = client.get(reverse("certificates:verify", args=[pending.code]))
    assert page.status_code == 200
    assert "PDF en preparación" in page.content.decode()
    client.force_login(HRFactory())
    detail = client.get(reverse("certificates:hr_detail", args=[pending.pk]))
    assert 'id="pdf-state"' in detail.content.decode()
    assert (
        client.get(reverse("certificates:hr_pdf", args=[pending.pk])).status_code == 409
    )


def test_a_failed_render_is_recorded_leaves_no_file_and_can_be_asked_again(
    client, pending, monkeypatch
):
    before = stored_files()

    def broken(document):
        raise OSError("disco lleno")

    monkeypatch.setattr(pdf, "render_certificate", broken)
    with pytest.raises(rendering.RenderFailed):
        tasks.render_certificate_pdf.call(pending.pk)
    pending.refresh_from_db()
    assert pending.render_failures == 1
    assert "disco lleno" in pending.render_error
    assert not pending.pdf_ready and stored_files() == before

    client.force_login(HRFactory())
    detail = client.get(reverse("certificates:hr_detail", args=[pending.pk]))
    assert "No se pudo generar el PDF" in detail.content.decode()
    assert "disco lleno" in detail.content.decode()

    monkeypatch.undo()
    response = client.post(reverse("certificates:hr_render", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.pdf_ready and pending.render_error == ""
    assert (
        client.get(reverse("certificates:hr_pdf", args=[pending.pk])).status_code == 200
    )


def test_a_failed_render_is_retried_later_when_the_backend_can_defer(
    pending, monkeypatch
):
    """Each failure re-enqueues the task to run later (1, 2, 4, 8 minutes)."""
    monkeypatch.setattr(pdf, "render_certificate", lambda document: 1 / 0)
    enqueued = []
    backend = tasks.render_certificate_pdf.get_backend()
    monkeypatch.setattr(type(backend), "supports_defer", True)

    class Deferred:
        def __init__(self, run_after):
            self.run_after = run_after

        def enqueue(self, certificate_id):
            enqueued.append((self.run_after, certificate_id))

    monkeypatch.setattr(
        type(tasks.render_certificate_pdf),
        "using",
        lambda self, run_after=None, **kw: Deferred(run_after),
    )
    with pytest.raises(rendering.RenderFailed):
        tasks.render_certificate_pdf.call(pending.pk)
    assert [certificate_id for _, certificate_id in enqueued] == [pending.pk]


def test_the_sweep_renders_what_is_pending(pending):
    rendered, failed = rendering.certificates_render_pending()
    assert (rendered, failed) == (1, 0)
    pending.refresh_from_db()
    assert pending.pdf_ready
    assert rendering.certificates_render_pending() == (0, 0)
