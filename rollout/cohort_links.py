"""Links that higher apps add to a cohort's page.

``rollout`` is below them in the layers, so it cannot ask them what they offer
for a cohort. An app registers a provider in its ``AppConfig.ready()``: a
callable taking the user and the cohort and returning the links
(``{"label", "url"}``) that user may use; the cohort's page lists them under its
dates."""

from __future__ import annotations

from collections.abc import Callable

Provider = Callable[[object, object], list[dict]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def links_for(user, cohort) -> list[dict]:
    items = []
    for provider in _providers:
        items.extend(provider(user, cohort))
    return items
