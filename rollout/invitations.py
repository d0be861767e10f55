"""Sending the invitations of people the roster created: in batches over one
mail connection, recording ``StaffProfile.invited_at`` batch by batch, so that a
task run again (a retry, a second worker) sends only what was not sent yet.

Who is invited: an active person with a staff profile, an e-mail, no usable
password yet and no invitation recorded. Re-sending clears ``invited_at`` first
(``services.invitation_resend``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.mail import get_connection
from django.utils import timezone

from accounts.invitations import invitation_message

from .models import StaffProfile

BATCH_SIZE = 200


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def may_be_invited(user) -> bool:
    return bool(user.is_active and user.email and not user.has_usable_password())


def invitations_send(*, user_ids: Iterable[int]) -> int:
    """Send the pending invitations of ``user_ids``; returns how many were sent.
    A fixed number of queries per batch."""
    profiles = (
        StaffProfile.objects.filter(user_id__in=list(user_ids), invited_at=None)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    with get_connection() as connection:  # one SMTP session for every batch
        for batch in _batches(profiles.iterator(chunk_size=1000), BATCH_SIZE):
            batch = [p for p in batch if may_be_invited(p.user)]
            if not batch:
                continue
            messages = [
                invitation_message(p.user, connection=connection) for p in batch
            ]
            connection.send_messages(messages)
            StaffProfile.objects.filter(pk__in=[p.pk for p in batch]).update(
                invited_at=timezone.now()
            )
            sent += len(batch)
    return sent
