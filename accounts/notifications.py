"""The kinds of e-mail notification, and who wants which.

Every app that sends e-mail notifications registers its kinds here when Django
starts (``AppConfig.ready()``): accounts is the lowest layer, so any app can, and
the preferences page (``/cuenta/avisos/``) lists them all without knowing the
apps. A kind says who it is for (``audience``, asked of the signed-in user to
decide whether the page shows it) and whether it is mandatory (always on: the
page shows it checked and disabled, and nothing turns it off).

Preferences are opt-outs (``NotificationOptOut``): everything is on until the
person turns it off. The unsubscribe link of each optional e-mail carries a
signed token (``unsubscribe_token``) naming the person and the kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core import signing

from .models import NotificationOptOut

UNSUBSCRIBE_SALT = "atiende.notifications.unsubscribe"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # lazy translation
    description: str  # lazy translation
    audience: Callable[[object], bool]
    mandatory: bool = False


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Register a kind (again with the same code replaces it: ready() may run
    twice in tests)."""
    _kinds[kind.code] = kind
    return kind


def get(code: str) -> Kind | None:
    return _kinds.get(code)


def all_kinds() -> list[Kind]:
    return list(_kinds.values())


def kinds_for(user) -> list[Kind]:
    """The kinds that concern ``user``, in registration order."""
    if not user.is_authenticated:
        return []
    return [kind for kind in _kinds.values() if kind.audience(user)]


def opted_out(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(
        NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True)
    )


def wanted_by(kind: Kind, user_ids: Iterable[int]) -> set[int]:
    """Of ``user_ids``, those who get ``kind`` now (1 query; none for a
    mandatory kind)."""
    user_ids = set(user_ids)
    if kind.mandatory or not user_ids:
        return user_ids
    off = set(
        NotificationOptOut.objects.filter(
            kind=kind.code, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    return user_ids - off


# ------------------------------------------------------------ unsubscribe


def unsubscribe_token(user, kind: Kind) -> str:
    """A token for the one-click unsubscribe link. It does not expire: the link
    in an old e-mail still works."""
    return signing.dumps([user.pk, kind.code], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind code) from a token, or None when it was tampered with."""
    try:
        user_id, code = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(code, str):
        return None
    return user_id, code
