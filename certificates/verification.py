"""Other documents the public verification page recognises.

The higher apps that issue verifiable documents (compliance's DC-3) register a
lookup here in their ``AppConfig.ready()``: given a canonical code, it answers
the address of that document's public page, or None. ``/verificar/`` sends a
code it does not know as a certificate to the first lookup that knows it.
"""

from __future__ import annotations

from collections.abc import Callable

_lookups: list[Callable[[str], str | None]] = []


def register(lookup: Callable[[str], str | None]) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def other_document_url(code: str) -> str | None:
    for lookup in _lookups:
        url = lookup(code)
        if url:
            return url
    return None
