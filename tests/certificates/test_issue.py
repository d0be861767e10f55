"""Issuing certificates (certificates.services): what a competent final attempt
earns, the stored PDF and its hash, the frozen snapshot, one certificate per
standard and validity period, renewal inside the window before expiry,
sequential serials, random codes, revocation and re-issue. Attempts go through
the real assessment services on the real EC0305 course loaded by
load_initial_data."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Site

from assessments.attempt_services import AttemptNotAllowed
from certificates import services
from certificates.models import Certificate, CertificateSettings
from certificates.renewal import renewal_opens_on
from certificates.services import (
    CertificateAlreadyRevoked,
    CertificateError,
    CertificateNotIssuable,
    add_months,
    certificate_issue_for_judgement,
    certificate_reissue,
    certificate_revoke,
)
from certificates.snapshot import display_code
from courses.models import CoursePage
from evaluation.services import EvaluationRefused
from standards.models import Element, Standard
from tests.factories import (
    CertificationSetup,
    HRFactory,
    ImageFactory,
    LearnerFactory,
    certificate_issue_for_attempt,
    competent_attempt,
    issue_certificate,
    png_bytes,
)

from .support import (
    diagnostic_assessment,
    pass_final,
    pdf_text,
    qr_texts,
    stored_bytes,
    take,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limit_cleared")]

HOLDER_FIRST = "José Ángel"
HOLDER_LAST = "Ñúñez Peña"
HOLDER = f"{HOLDER_FIRST} {HOLDER_LAST}"
SERIAL_RE = re.compile(r"^(?P<prefix>[A-Z]+)-(?P<year>\d{4})-(?P<n>\d{6})$")


def _local(year, month, day):
    """Noon of that day in Mexico City."""
    return datetime(year, month, day, 12, tzinfo=ZoneInfo("America/Mexico_City"))


@pytest.fixture
def learner():
    return LearnerFactory(first_name=HOLDER_FIRST, last_name=HOLDER_LAST)


# ------------------------------------------------------------------ the record


def test_competent_final_attempt_issues_a_stored_pdf(certificate, learner):
    """Submitting a competent final attempt issues one certificate: the stored file
    is a PDF whose text holds the holder's name (accents intact) and the printed
    verification code, and the stored SHA-256 is the hash of the stored bytes."""
    data = stored_bytes(certificate)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert HOLDER in text
    assert display_code(certificate.code) in text
    assert certificate.serial in text
    assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert certificate.holder == learner
    assert certificate.standard.code == "EC0305"
    assert certificate.course.title.startswith("Prestación de servicios")
    assert certificate.revoked_at is None


def test_validity_is_the_configured_months_from_the_issue_date(certificate):
    """expires_on = the local issue date + ATIENDE_CERTIFICATE_VALIDITY_MONTHS."""
    issued_on = timezone.localdate(certificate.issued_at)
    months = settings.ATIENDE_CERTIFICATE_VALIDITY_MONTHS
    assert months == 24
    assert certificate.expires_on == add_months(issued_on, months)
    assert certificate.snapshot["issued_on"] == issued_on.isoformat()
    assert certificate.snapshot["expires_on"] == certificate.expires_on.isoformat()


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 2, 29), 24, date(2026, 2, 28)),  # no 29 Feb in 2026
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # leap year again
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2026, 3, 31), 24, date(2028, 3, 31)),
    ],
)
def test_add_months_clamps_to_the_end_of_shorter_months(start, months, expected):
    """Months are calendar months; a day the target month lacks becomes its last
    day (29 Feb + 24 months -> 28 Feb)."""
    assert add_months(start, months) == expected


def test_qr_in_the_pdf_decodes_to_the_absolute_verification_url(certificate):
    """The QR code rendered on the page decodes to ATIENDE_PUBLIC_BASE_URL +
    /verificar/<code>/, the URL also kept in the snapshot."""
    url = settings.ATIENDE_PUBLIC_BASE_URL.rstrip("/") + (
        f"/verificar/{certificate.code}/"
    )
    assert certificate.snapshot["verification_url"] == url
    assert qr_texts(stored_bytes(certificate)) == [url]


def test_snapshot_holds_what_the_certificate_states(certificate):
    """The snapshot is plain JSON: holder, standard, course, element results as
    exact fractions, issuer and signatory, serial, code, URL and dates; no image
    bytes."""
    snap = certificate.snapshot
    assert snap["holder_name"] == HOLDER
    assert snap["standard_code"] == "EC0305"
    assert snap["standard_title"] == "Prestación de servicios de atención a clientes"
    assert snap["course_title"] == certificate.course.title
    assert [e["code"] for e in snap["elements"]] == ["E1", "E2", "E3"]
    for element in snap["elements"]:
        assert element["earned"] == element["possible"]  # all answers right
        assert re.fullmatch(r"\d+(/\d+)?", element["earned"])
        assert element["passed"] is True
    issuer = CertificateSettings.for_site(Site.objects.get(is_default_site=True))
    assert snap["organisation_name"] == issuer.organisation_name
    assert snap["signatory_name"] == issuer.signatory_name
    assert snap["signatory_title"] == issuer.signatory_title
    assert snap["serial"] == certificate.serial
    assert snap["code"] == certificate.code
    assert snap["verification_code"] == display_code(certificate.code)
    assert not {"logo", "signature"} & set(snap)


def test_logo_and_signature_are_drawn_into_the_pdf_not_the_snapshot():
    """HR's logo and signature images are rendered into the PDF at issue time;
    the snapshot stores no image data."""
    issuer = CertificateSettings.for_site(Site.objects.get(is_default_site=True))
    issuer.logo = ImageFactory(
        file=ImageFile(io.BytesIO(png_bytes(colour=(20, 60, 120))), name="logo.png")
    )
    issuer.signature = ImageFactory(
        file=ImageFile(io.BytesIO(png_bytes(colour=(0, 0, 0))), name="firma.png")
    )
    issuer.save()
    certificate = pass_final(LearnerFactory())
    page = pypdf.PdfReader(io.BytesIO(stored_bytes(certificate))).pages[0]
    assert len(page.images) >= 2
    assert len(json.dumps(certificate.snapshot)) < 4000
    assert "logo" not in certificate.snapshot


def test_snapshot_is_frozen_against_later_edits(certificate, learner, client):
    """Renaming the holder, the standard, an element and the course after issue
    changes neither the snapshot, nor the stored PDF, nor what the verification
    page shows."""
    snapshot_before = json.dumps(certificate.snapshot, sort_keys=True)
    bytes_before = stored_bytes(certificate)
    learner.first_name, learner.last_name = "Otra", "Persona Distinta"
    learner.save()
    Standard.objects.filter(code="EC0305").update(title="Título editado después")
    Element.objects.filter(standard__code="EC0305", code="E1").update(
        title="Elemento renombrado"
    )
    CoursePage.objects.filter(pk=certificate.course_id).update(title="Curso renombrado")

    certificate.refresh_from_db()
    assert json.dumps(certificate.snapshot, sort_keys=True) == snapshot_before
    assert stored_bytes(certificate) == bytes_before
    page = client.get(f"/verificar/{certificate.code}/").content.decode()
    assert HOLDER in page
    assert "Prestación de servicios de atención a clientes" in page
    assert "Atender los requerimientos del cliente" in page
    for edited in ("Otra Persona Distinta", "Título editado", "Elemento renombrado"):
        assert edited not in page


# ------------------------------------------------------------------ who earns one


def test_not_competent_and_diagnostic_attempts_earn_nothing(learner):
    """A failed final attempt and a diagnostic (even all right) issue no
    certificate, and asking the service directly is refused."""
    failed = take(learner, right=False)
    assert failed.competent is False
    diagnostic = take(learner, assessment=diagnostic_assessment())
    assert diagnostic.competent is None
    assert not Certificate.objects.filter(holder=learner).exists()
    with pytest.raises(CertificateNotIssuable):
        certificate_issue_for_attempt(attempt=failed)
    with pytest.raises(EvaluationRefused):
        certificate_issue_for_attempt(attempt=diagnostic)
    assert not Certificate.objects.filter(holder=learner).exists()


def test_issuing_again_for_the_same_judgement_returns_the_same_certificate(
    certificate,
):
    """The service is idempotent per judgement; a second evaluation of the same
    questionnaire inside the validity period gets the current certificate."""
    again = certificate_issue_for_judgement(judgement=certificate.judgement)
    assert again.pk == certificate.pk
    evaluated_again = certificate_issue_for_attempt(
        attempt=certificate.judgement.attempt
    )
    assert evaluated_again.pk == certificate.pk
    assert Certificate.objects.filter(holder=certificate.holder).count() == 1


def test_one_certificate_per_standard_and_validity_period(learner):
    """Outside the renewal window a certified learner may not start the final
    again; a competent attempt of the same standard made all the same (an
    earlier attempt, or one made before this rule) is covered by the current
    certificate: the service returns it and issues nothing."""
    first = pass_final(learner, seed=1)
    with pytest.raises(AttemptNotAllowed, match="Ya tienes una constancia vigente"):
        take(learner, seed=2)
    setup = CertificationSetup()
    mine = issue_certificate(setup, learner=learner, now=_local(2026, 1, 10))
    for day in (_local(2026, 3, 1), _local(2027, 11, 10)):  # the window's eve
        later = competent_attempt(learner=learner, setup=setup, submitted_at=day)
        assert later.started_at > mine.judgement.decided_at
        assert certificate_issue_for_attempt(attempt=later, now=day).pk == mine.pk
    assert Certificate.objects.filter(holder=learner).count() == 2
    assert {first.pk, mine.pk} == set(
        Certificate.objects.filter(holder=learner).values_list("pk", flat=True)
    )


# ------------------------------------------------------------------ renewal
#
# Issued on 2026-01-10 (local), a certificate runs to 2028-01-10; with the 60-day
# notice window its holder may renew it from 2027-11-11.


def test_passing_inside_the_renewal_window_issues_a_second_certificate(learner):
    """A competent attempt inside the window renews: a new certificate (new
    serial, code and PDF, issued that day, valid 24 months from it, replacing
    nothing), while the first is not revoked and stays valid until its own
    expiry. Issuing again for either attempt returns its own certificate."""
    with freeze_time("2026-01-10 18:00:00"):
        first = pass_final(learner, seed=1)
    assert first.expires_on == date(2028, 1, 10)
    assert renewal_opens_on(first) == date(2027, 11, 11)
    with freeze_time("2027-11-11 18:00:00"):
        second = pass_final(learner, seed=2)
    first.refresh_from_db()
    assert second.pk != first.pk
    assert timezone.localdate(second.issued_at) == date(2027, 11, 11)
    assert second.expires_on == date(2029, 11, 11)
    assert second.serial != first.serial and second.code != first.code
    assert second.pdf_sha256 != first.pdf_sha256
    assert stored_bytes(second).startswith(b"%PDF")
    assert second.replaces is None and second.revoked_at is None
    assert first.revoked_at is None and not hasattr(first, "replaced_by")
    assert first.status_on(date(2028, 1, 10)) == Certificate.Status.VALID
    assert first.status_on(date(2028, 1, 11)) == Certificate.Status.EXPIRED
    assert second.status_on(date(2028, 1, 11)) == Certificate.Status.VALID
    for certificate in (first, second):
        again = certificate_issue_for_judgement(judgement=certificate.judgement)
        assert again.pk == certificate.pk
    assert Certificate.objects.filter(holder=learner).count() == 2


def test_the_last_valid_day_is_inside_the_renewal_window(learner):
    """On the day the certificate expires, a pass renews it."""
    with freeze_time("2026-01-10 18:00:00"):
        first = pass_final(learner, seed=1)
    with freeze_time("2028-01-10 18:00:00"):
        second = pass_final(learner, seed=2)
    assert second.pk != first.pk
    assert second.expires_on == date(2030, 1, 10)


def test_after_expiry_a_new_pass_issues_a_new_certificate(learner):
    """The day after it expires, a new pass issues a new certificate with a new
    period; the expired one is left as it was (expired, not revoked)."""
    with freeze_time("2026-01-10 18:00:00"):
        first = pass_final(learner, seed=1)
    with freeze_time("2028-01-11 18:00:00"):
        second = pass_final(learner, seed=3)
    first.refresh_from_db()
    assert second.pk != first.pk
    assert second.expires_on == date(2030, 1, 11)
    assert second.serial != first.serial and second.code != first.code
    assert second.replaces is None
    assert first.revoked_at is None
    assert first.status_on(date(2028, 1, 11)) == Certificate.Status.EXPIRED
    assert Certificate.objects.filter(holder=learner).count() == 2


def test_an_attempt_from_before_the_renewal_cycle_does_not_renew(learner):
    """Only an attempt started after the certified result renews: a competent
    attempt begun before it (the factory starts attempts 20 minutes before they
    are handed in), asked for inside the window, gets the current certificate;
    one of the renewal gets a new one."""
    setup = CertificationSetup()
    first = issue_certificate(setup, learner=learner, now=_local(2026, 1, 10))
    stale = competent_attempt(
        learner=learner,
        setup=setup,
        submitted_at=_local(2026, 1, 10) + timedelta(minutes=10),
    )
    assert stale.started_at < first.judgement.decided_at
    inside = _local(2027, 11, 20)
    assert certificate_issue_for_attempt(attempt=stale, now=inside).pk == first.pk
    fresh = competent_attempt(learner=learner, setup=setup, submitted_at=inside)
    renewal = certificate_issue_for_attempt(attempt=fresh, now=inside)
    assert renewal.pk != first.pk
    assert renewal.expires_on == date(2029, 11, 20)


def test_a_renewal_then_covers_the_new_period(learner):
    """After a renewal, the renewed certificate is the current one: a further
    competent attempt (outside its window) returns it."""
    setup = CertificationSetup()
    issue_certificate(setup, learner=learner, now=_local(2026, 1, 10))
    renewal = issue_certificate(setup, learner=learner, now=_local(2027, 12, 1))
    more = competent_attempt(
        learner=learner, setup=setup, submitted_at=_local(2027, 12, 2)
    )
    again = certificate_issue_for_attempt(attempt=more, now=_local(2027, 12, 2))
    assert again.pk == renewal.pk


def test_after_revocation_a_new_pass_issues_a_new_certificate(learner):
    """A revoked certificate does not cover the period, nor block the final, nor
    start a renewal cycle: the learner takes the next of their attempts at once
    (the attempt before the revocation still counts) and passing issues a new
    certificate."""
    first = pass_final(learner, seed=1)
    certificate_revoke(certificate=first, by=HRFactory(), reason="Error de captura")
    second = pass_final(learner, seed=2)
    assert second.pk != first.pk and second.revoked_at is None
    assert second.judgement.attempt.number == 2


@pytest.mark.parametrize(
    "kind", ["one-listed", "one-in-a-set", "two-standards", "by-id", "queryset"]
)
def test_the_cycle_is_the_longest_lasting_certificates_read_as_two_dates(learner, kind):
    """``certification_cycle`` (asked by every start and result page) reads two
    dates, not the rows, and agrees with ``cycle_of`` the current certificate:
    none without one, the renewal's once renewed, the first's again once the
    renewal is revoked. Whether the standards are one (a query composed once),
    several or a queryset, and the learner a user or an id."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certificates.renewal import certification_cycle, current_certificate, cycle_of
    from standards.models import Standard
    from tests.factories import StandardFactory

    setup = CertificationSetup()
    standards = {
        "one-listed": [setup.standard.pk],
        "by-id": [setup.standard.pk],
        "one-in-a-set": {setup.standard.pk},
        "two-standards": [setup.standard.pk, StandardFactory().pk],
        "queryset": Standard.objects.filter(pk=setup.standard.pk).values("pk"),
    }[kind]
    who = learner.pk if kind == "by-id" else learner
    today = date(2027, 12, 2)

    def both():
        with CaptureQueriesContext(connection) as queries:
            cycle = certification_cycle(learner=who, standards=standards, today=today)
        assert len(queries) == 1
        current = current_certificate(holder=learner, standards=standards)
        assert cycle == (cycle_of(current) if current else None)
        return cycle

    assert both() is None
    first = issue_certificate(setup, learner=learner, now=_local(2026, 1, 10))
    assert both().since == first.judgement.decided_at
    assert both().renewal_opens_on == date(2027, 11, 11)
    renewed = issue_certificate(setup, learner=learner, now=_local(2027, 12, 1))
    assert both().expires_on == renewed.expires_on == date(2029, 12, 1)
    assert both().since == renewed.judgement.decided_at
    certificate_revoke(certificate=renewed, by=HRFactory(), reason="Error de captura")
    assert both().expires_on == first.expires_on


# ------------------------------------------------------------------ serial and code


def test_serials_are_sequential_per_organisation_and_year():
    """Each certificate takes the next number of the organisation's counter for the
    year: PREFIX-YEAR-000123, then 000124, ..."""
    serials = [pass_final(LearnerFactory()).serial for _ in range(3)]
    parts = [SERIAL_RE.match(serial) for serial in serials]
    assert all(parts), serials
    year = str(timezone.localdate().year)
    assert {p["prefix"] for p in parts} == {"ATI"}
    assert {p["year"] for p in parts} == {year}
    numbers = [int(p["n"]) for p in parts]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_serial_prefix_and_issuer_come_from_the_certificate_settings():
    """HR's settings give the serial prefix (with its own counter) and the issuer
    name printed and frozen in the snapshot."""
    issuer = CertificateSettings.for_site(Site.objects.get(is_default_site=True))
    issuer.serial_prefix = "HSM"
    issuer.organisation_name = "Grupo Hotelero Sierra Madre"
    issuer.signatory_name = "Lucía Ortega Ibáñez"
    issuer.save()
    certificate = pass_final(LearnerFactory())
    assert certificate.serial == f"HSM-{timezone.localdate().year}-000001"
    assert certificate.snapshot["organisation_name"] == "Grupo Hotelero Sierra Madre"
    text = pdf_text(stored_bytes(certificate))
    assert "Lucía Ortega Ibáñez" in text


def test_verification_code_carries_at_least_128_random_bits(monkeypatch):
    """Codes are base32 (5 bits a character) of at least 16 bytes from the
    secrets module: ≥128 bits, and no two alike."""
    asked = []
    real = services.secrets.token_bytes

    def spy(n):
        asked.append(n)
        return real(n)

    monkeypatch.setattr(services.secrets, "token_bytes", spy)
    codes = {services.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert asked and min(asked) >= 16
    for code in codes:
        assert re.fullmatch(r"[a-z2-7]+", code)
        assert len(code) * 5 >= 128
        padded = code.upper() + "=" * (-len(code) % 8)
        assert len(base64.b32decode(padded)) * 8 >= 128


# ------------------------------------------------------------------ revoke, re-issue


def test_revoke_needs_a_reason_and_refuses_a_second_time(certificate):
    """Revocation records who, when and why; an empty reason is refused; revoking
    again is refused and changes nothing."""
    hr = HRFactory()
    with pytest.raises(CertificateError):
        certificate_revoke(certificate=certificate, by=hr, reason="   ")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    revoked = certificate_revoke(
        certificate=certificate, by=hr, reason="Suplantación de identidad"
    )
    assert revoked.revoked_at is not None
    assert revoked.revoked_by == hr
    assert revoked.revoked_reason == "Suplantación de identidad"
    with pytest.raises(CertificateAlreadyRevoked):
        certificate_revoke(certificate=certificate, by=hr, reason="Otra vez")
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Suplantación de identidad"
    assert certificate.revoked_at == revoked.revoked_at


def test_reissue_replaces_and_revokes_the_old_certificate(certificate, learner):
    """A re-issue is a new certificate (new serial, code, PDF) for the same attempt
    and period, taken from current data (a corrected name), replacing the old
    one, which is revoked as "Reemitida como <new serial>". Re-issuing the same
    certificate twice is refused."""
    hr = HRFactory()
    learner.last_name = "Núñez Peña"
    learner.save()
    new = certificate_reissue(certificate=certificate, by=hr)
    certificate.refresh_from_db()
    assert new.pk != certificate.pk
    assert new.replaces == certificate
    assert new.judgement_id == certificate.judgement_id
    assert new.expires_on == certificate.expires_on
    assert new.serial != certificate.serial and new.code != certificate.code
    assert new.pdf_sha256 != certificate.pdf_sha256
    assert new.snapshot["holder_name"] == f"{HOLDER_FIRST} Núñez Peña"
    assert certificate.snapshot["holder_name"] == HOLDER
    assert certificate.revoked_reason == f"Reemitida como {new.serial}"
    assert certificate.revoked_by == hr
    assert new.status == Certificate.Status.VALID
    with pytest.raises(CertificateError):
        certificate_reissue(certificate=certificate, by=hr)


def test_reissue_keeps_an_earlier_revocation_reason(certificate):
    """Re-issuing an already revoked certificate keeps its revocation as it was."""
    hr = HRFactory()
    certificate_revoke(certificate=certificate, by=hr, reason="Datos equivocados")
    new = certificate_reissue(certificate=certificate, by=hr)
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Datos equivocados"
    assert new.replaces_id == certificate.pk
