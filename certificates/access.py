"""Who may do what with certificates: one place for every check, one helper per
resource. Views call these; they never test roles themselves.

Sections: learner (own certificates) below; HR screens add theirs in the HR
section at the end.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles

from .models import Certificate

# ---------------------------------------------------------------- certificate PDF


def can_download_certificate(user, certificate: Certificate) -> bool:
    """The holder, HR (and superusers), or anyone granted the export permission.
    Trainers who are not HR see only their own."""
    if not user.is_authenticated:
        return False
    if certificate.holder_id == user.pk:
        return True
    return roles.is_hr(user) or user.has_perm("certificates.export_certificate")


def require_certificate_download(user, certificate: Certificate) -> None:
    """404, not 403, for someone else's certificate: the page does not tell
    whether a certificate exists."""
    if not can_download_certificate(user, certificate):
        raise Http404


# ---------------------------------------------------------------- HR screens
# (added by the HR screens: list, revoke, re-issue, bulk download)

# The HR screens under /certificados/ need the HR role (or a superuser) *and* the
# model permission of the action, which the HR group holds
# (accounts.role_permissions.HR_MODEL_PERMISSIONS). Anonymous visitors are sent to
# sign in; trainers and learners get 403.
HR_PERMISSIONS = {
    "view": "certificates.view_certificate",
    "revoke": "certificates.revoke_certificate",
    "export": "certificates.export_certificate",
}


def hr_can(user, action: str = "view") -> bool:
    """Whether ``user`` may use the HR certificate screens for ``action`` ("view",
    "revoke" or "export")."""
    return roles.is_hr(user) and user.has_perm(HR_PERMISSIONS[action])


def hr_required(action: str = "view"):
    """View decorator over ``hr_can``: anonymous -> login page, others -> 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not hr_can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def bulk_download_visible_to(user, job) -> bool:
    """A bulk ZIP job (its progress and its file) belongs to whoever asked for it;
    superusers may see every job. Others get 404."""
    return user.is_authenticated and (
        user.is_superuser or job.requested_by_id == user.pk
    )
