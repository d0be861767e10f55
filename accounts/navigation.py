"""Entries that higher apps add to the main navigation.

``accounts`` is the lowest layer, so it cannot ask a higher app who may use its
pages. An app registers a provider in its ``AppConfig.ready()``: a callable
taking the user and returning the entries (``{"label", "url"}``) that user may
use; the navigation context processor places them after the learner's own."""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[object], list[dict]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def entries_for(user) -> list[dict]:
    items = []
    for provider in _providers:
        items.extend(provider(user))
    return items
