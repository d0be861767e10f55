"""Outside input that a database or a parser would choke on, refused before it
gets there with a 400 or a form error. One home for each rule:

- **Ids** (query strings, form fields, URL parts, JSON): a positive whole number
  that fits a 64-bit signed integer, the widest key any backend holds. SQLite
  raises ``OverflowError`` on a 30-digit number instead of finding nothing.
- **Text**: no NUL character, which PostgreSQL refuses in text (the request guard
  in ``accounts.middleware`` applies it to paths, query strings, cookies and form
  fields; ``read_json_body`` to JSON strings).
- **JSON request bodies**: an object at the top, bounded in size and depth (a
  deeply nested body would end in ``RecursionError``), finite numbers, integers
  within 64 bits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

BIGINT_MAX = 2**63 - 1
BIGINT_MIN = -(2**63)
# The JSON the site's scripts post is an object a few levels deep and a few
# hundred bytes long (an answer, an observation mark, an attendance mark); these
# leave room for long notes and are far below what would hurt.
JSON_MAX_BYTES = 64 * 1024
JSON_MAX_DEPTH = 8

NUL = "\x00"


class InputRefused(BadRequest):
    """A request whose input breaks one of the rules above. Its message is for
    the person (Spanish first, through gettext): the 400 page and the JSON
    endpoints show it."""


def parse_id(raw: object) -> int | None:
    """The id that ``raw`` (a string of ASCII digits or an int) names, or None when
    it is not one any table could hold: empty, not digits, zero, or wider than 64
    bits. Unicode digits ("²", "١") are refused too: ``int()`` takes some and
    chokes on others."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(BIGINT_MAX)):
            return None
        number = int(text)
    else:
        return None
    return number if 0 < number <= BIGINT_MAX else None


def require_id(raw: object) -> int:
    """``parse_id`` for a value that must be an id: anything else is a 400."""
    number = parse_id(raw)
    if number is None:
        raise InputRefused(_("El identificador no es válido."))
    return number


def has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _invalid_choice(field: forms.ChoiceField, value) -> forms.ValidationError:
    return forms.ValidationError(
        field.error_messages["invalid_choice"],
        code="invalid_choice",
        params={"value": value},
    )


class IdChoiceField(forms.ModelChoiceField):
    """A choice by id that refuses what no table could hold (a 30-digit number,
    letters) with the usual "not a valid choice" instead of an overflow."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise _invalid_choice(self, value)
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several choices by id; each one is held to ``parse_id`` first."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else [value]:
            if parse_id(pk) is None:
                raise _invalid_choice(self, pk)
        return super()._check_values(value)


# ------------------------------------------------------------------ JSON bodies


def _refused() -> InputRefused:
    return InputRefused(_("No se pudo leer lo que envió la página."))


def _parse_int(text: str) -> int:
    number = int(text)
    if not BIGINT_MIN <= number <= BIGINT_MAX:
        raise ValueError(text)
    return number


def _parse_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return number


def _parse_constant(text: str):
    raise ValueError(text)  # NaN, Infinity: not JSON, though Python takes them


def _check_tree(value, *, max_depth: int) -> None:
    """Depth and NUL, walked with a stack (a recursive walk is what we guard
    against)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                raise _refused()
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > max_depth:
            raise InputRefused(_("Lo que envió la página está demasiado anidado."))
        if isinstance(item, dict):
            if has_nul(item):
                raise _refused()
            item = item.values()
        stack.extend((child, depth + 1) for child in item)


def read_json_body(
    request, *, max_bytes: int = JSON_MAX_BYTES, max_depth: int = JSON_MAX_DEPTH
) -> dict:
    """The JSON object posted in ``request``'s body, or ``InputRefused`` (a 400
    with a message) for a body too large, not JSON, not an object, nested deeper
    than ``max_depth``, or holding NUL, a non-finite number or an integer wider
    than 64 bits."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if (declared.isascii() and declared.isdigit() and int(declared) > max_bytes) or (
        len(request.body) > max_bytes
    ):
        raise InputRefused(_("Lo que envió la página es demasiado grande."))
    try:
        body = json.loads(
            request.body,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise _refused() from error
    if not isinstance(body, dict):
        raise _refused()
    _check_tree(body, max_depth=max_depth)
    return body
