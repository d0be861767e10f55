"""The question types in use, by name: the block type of a question's content and
the ``type`` of its frozen payload.

The built-in types register themselves when ``assessments.question_types`` is
imported (as everything that uses the registry does). Registration order is the
order of the blocks in the editor and in the StreamField's migration state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import QuestionType

_TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Register a question type class (usable as a decorator); its ``name`` must
    be new."""
    name = cls.name
    if not name or not name.isidentifier():
        raise ValueError(f"a question type needs an identifier name, got {name!r}")
    if name in _TYPES:
        raise ValueError(f"question type {name!r} is already registered")
    _TYPES[name] = cls()
    return cls


def unregister(name: str) -> None:
    """Forget a type (for tests that register one of their own)."""
    _TYPES.pop(name, None)


def get(type_name: str) -> QuestionType:
    """The type called ``type_name``; ``KeyError`` if there is none."""
    try:
        return _TYPES[type_name]
    except KeyError:
        raise KeyError(f"unknown question type {type_name!r}") from None


def all() -> list[QuestionType]:  # noqa: A001 - the registry's public name
    """Every registered type, in registration order."""
    return list(_TYPES.values())


def names() -> list[str]:
    return list(_TYPES)
