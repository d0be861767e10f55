"""Background tasks of the rollout (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from . import invitations


@task()
def send_invitations(user_ids: list[int]) -> int:
    """The invitations of one roster import (or one re-send): one task, however
    many people; returns how many e-mails were sent."""
    return invitations.invitations_send(user_ids=user_ids)
