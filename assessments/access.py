"""Who may reach which attempt: one place for the check every attempt view makes.
And who may manage the question bank and read results in the admin."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts import roles

from .models import Attempt


def get_own_attempt_or_404(user, attempt_uuid) -> Attempt:
    """The user's own attempt, or 404.

    An attempt belongs to its learner only: another learner, a trainer or HR get
    the same 404 as for an attempt that does not exist, so a uuid reveals
    nothing. Trainers read attempts through the admin, not these pages.
    """
    if not user.is_authenticated:
        raise Http404
    try:
        return Attempt.objects.select_related("assessment").get(
            uuid=attempt_uuid, learner=user
        )
    except (Attempt.DoesNotExist, ValidationError) as error:
        raise Http404 from error


def can_manage_question_bank(user) -> bool:
    """Trainers (and superusers) author the bank, import and export it, re-grade
    and read the results and item statistics of assessments in the admin."""
    return roles.is_trainer(user)


def require_trainer(user) -> None:
    """Every trainer admin view starts here: PermissionDenied unless a trainer."""
    if not can_manage_question_bank(user):
        raise PermissionDenied
