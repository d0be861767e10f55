"""The audit trail of certificates: issue, revocation and re-issue record who,
when and what changed; a certificate is never deleted (issue 12, item 8)."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from accounts.audit import HardDeleteRefused
from certificates.models import Certificate
from certificates.services import certificate_reissue, certificate_revoke
from evaluation.models import Judgement
from tests.factories import CertificationSetup, UserFactory, issue_certificate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_media")]


@pytest.fixture
def certificate():
    return issue_certificate(CertificationSetup(), first_name="Ana", last_name="Ruiz")


def history(certificate):
    return list(certificate.history.order_by("history_date", "history_id"))


def test_issue_is_recorded_with_the_evaluator_as_author(certificate):
    """The certificate issued from an evaluator's judgement is recorded as
    created by that evaluator, with the reason "Emisión"."""
    (issued,) = history(certificate)
    assert issued.history_type == "+"
    assert issued.history_change_reason == "Emisión"
    assert issued.history_user == certificate.judgement.decided_by
    assert issued.serial == certificate.serial


def test_revocation_records_who_and_what_changed_by_a_command(certificate, hr):
    """Revoked outside any request (a command or task), the change is still
    recorded as HR's, with the state before and after."""
    certificate_revoke(certificate=certificate, by=hr, reason="Datos erróneos")
    issued, revoked = history(certificate)
    assert revoked.history_type == "~"
    assert revoked.history_user == hr
    assert revoked.history_change_reason == "Revocación"
    assert (issued.revoked_at, issued.revoked_reason) == (None, "")
    assert revoked.revoked_reason == "Datos erróneos"
    assert revoked.revoked_by_id == hr.pk
    changed = {c.field for c in revoked.diff_against(issued).changes}
    assert changed == {"revoked_at", "revoked_reason", "revoked_by"}


def test_reissue_records_the_new_certificate_and_the_revocation(certificate, hr):
    new = certificate_reissue(certificate=certificate, by=hr)
    (created,) = history(new)
    assert created.history_change_reason == f"Reemisión de {certificate.serial}"
    assert created.history_user == hr
    assert created.replaces_id == certificate.pk
    revoked = history(certificate)[-1]
    assert revoked.history_user == hr
    assert revoked.revoked_reason == f"Reemitida como {new.serial}"


def test_the_rendered_pdf_is_no_change_in_the_trail(certificate, hr):
    """The rendering task's bookkeeping (file, hash) is not audited, so the
    revocation's diff shows only the revocation."""
    assert certificate.pdf_sha256  # rendered on commit by the helper
    certificate_revoke(certificate=certificate, by=hr, reason="Baja")
    issued, revoked = history(certificate)
    assert not hasattr(revoked, "pdf_sha256")
    assert "pdf" not in {c.field for c in revoked.diff_against(issued).changes}


def test_hr_reads_the_revocation_field_by_field(client, certificate, hr):
    certificate_revoke(certificate=certificate, by=hr, reason="Datos erróneos")
    revoked = history(certificate)[-1]
    client.force_login(hr)
    response = client.get(
        reverse(
            "accounts_audit_change",
            args=["certificates.certificate", revoked.history_id],
        )
    )
    assert response.status_code == 200
    rows = {c.label: (c.before, c.after) for c in response.context["changes"]}
    assert rows["Motivo de revocación"] == ("—", "Datos erróneos")
    assert rows["Revocado por"][1] == str(hr)
    assert "Folio" not in rows  # unchanged fields are left out


# ------------------------------------------------------------- never deleted


def test_a_certificate_cannot_be_deleted_one_or_in_bulk(certificate):
    with pytest.raises(HardDeleteRefused):
        certificate.delete()
    with pytest.raises(HardDeleteRefused):
        Certificate.objects.filter(pk=certificate.pk).delete()
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert not certificate.history.filter(history_type="-").exists()


def test_what_a_certificate_rests_on_cannot_be_deleted(certificate):
    """The judgement, the attempt that produced it and the holder are kept."""
    judgement = certificate.judgement
    with pytest.raises(ProtectedError):
        judgement.delete()
    with pytest.raises(ProtectedError):
        judgement.attempt.delete()
    with pytest.raises(ProtectedError):
        certificate.holder.delete()
    assert Judgement.objects.filter(pk=judgement.pk).exists()


def test_revocation_is_the_way_to_withdraw(certificate):
    admin = UserFactory(is_superuser=True)
    certificate_revoke(certificate=certificate, by=admin, reason="Retirada")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
