"""Facts about a user that higher apps ask on every page, read in the same query
as the roles (``accounts.roles.has_fact``).

``accounts`` is the lowest layer, so it cannot know a higher app's tables. An
app registers a fact in its ``AppConfig.ready()``: a name (its label first:
lowercase letters, digits, dots, underscores) and a callable taking a user's pk
and returning the rows (a QuerySet) whose existence is the fact. This module
imports no model, so ``apps.py`` may import it before the models are ready (as
``accounts.navigation``)."""

from __future__ import annotations

import re
from collections.abc import Callable

FactRows = Callable[[int], object]

_facts: dict[str, FactRows] = {}
# Asked on every page (the roles' query is composed per set of names): kept,
# not sorted again each time.
_names: tuple[str, ...] = ()
_NAME = re.compile(r"^[a-z][a-z0-9_.]*$")


class BadFactName(ValueError):
    pass


def register(name: str, rows: FactRows) -> None:
    if not _NAME.match(name):
        raise BadFactName(f"Not a fact name: {name!r}")
    global _names
    _facts[name] = rows
    _names = tuple(sorted(_facts))


def names() -> tuple[str, ...]:
    return _names


def rows_of(name: str) -> FactRows:
    return _facts[name]
