"""Certificates in the audit trail: issue, revocation and re-issue. HR read
them (as on the HR screens, every certificate). A certificate is never
deleted (``Undeletable``): it is revoked, or replaced by its re-issue."""

from django.db.models import Q

from accounts import audit

from . import access
from .models import Certificate


def hr(user) -> Q | None:
    return Q() if access.hr_can(user) else None


def register() -> None:
    audit.track(
        Certificate,
        section=audit.Section.CERTIFICATES,
        describe=lambda record: (
            f"{record.serial} · {record.snapshot.get('holder_name', '')}"
        ),
    )
    audit.allow(Certificate, hr)
