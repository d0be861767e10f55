"""Who may do what with DC-3s: one place for every check.

* HR (and superusers) use the screens under ``/tablero/dc3/``; anyone else gets
  403, anonymous visitors are sent to sign in.
* HR act only on the workers of their units (rollout.access): a DC-3 of a worker
  outside them answers 404, as if it did not exist.
* A worker downloads their own DC-3; someone else's answers 404.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import roles
from accounts.inputs import parse_id
from rollout import access as rollout_access

from . import selectors


def can_use_dc3_screens(user) -> bool:
    return roles.is_hr(user)


def hr_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_use_dc3_screens(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def dc3_for_hr_or_404(user, pk: int):
    dc3 = selectors.dc3_for_user(user=user, pk=pk)
    if dc3 is None:
        raise Http404
    return dc3


def require_cohort_in_scope(user, value) -> None:
    """404 for a cohort (an id from a filter) that does not exist or is outside
    the user's units; a value that is not an id is left to the filter's form."""
    pk = parse_id(value)
    if (
        pk is not None
        and not rollout_access.cohorts_visible_to(user).filter(pk=pk).exists()
    ):
        raise Http404


def own_dc3_or_404(user, pk: int):
    dc3 = selectors.dc3_by_pk(pk)
    if dc3 is None or dc3.worker_id != user.pk:
        raise Http404
    return dc3
