"""Certificates in the audit trail: issue, revocation and re-issue. HR read
them (as on the HR screens, every certificate). A certificate is never
deleted (``Undeletable``): it is revoked, or replaced by its re-issue."""

from accounts import audit

from . import access
from .models import Certificate


def register() -> None:
    audit.track(
        Certificate,
        section=audit.Section.CERTIFICATES,
        describe=lambda record: (
            f"{record.serial} · {record.snapshot.get('holder_name', '')}"
        ),
    )
    audit.allow(Certificate, audit.readable_by(access.hr_can))
