"""Who else must sign in with a second factor, beyond the staff roles.

``accounts`` is the lowest layer, so it cannot ask a higher app about roles that
app computes (a multiplicador is one, in rollout). An app registers a predicate
in its ``AppConfig.ready()``: a callable taking the user and answering whether
that user must use a second factor. ``accounts.two_factor.required`` asks them
after the staff roles. This module imports nothing, so ``apps.py`` may import it
before the models are ready (as ``accounts.navigation``)."""

from __future__ import annotations

from collections.abc import Callable

Predicate = Callable[[object], bool]

_predicates: list[Predicate] = []


def register(predicate: Predicate) -> Predicate:
    if predicate not in _predicates:
        _predicates.append(predicate)
    return predicate


def any_applies(user) -> bool:
    return any(predicate(user) for predicate in _predicates)
