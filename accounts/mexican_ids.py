"""Mexican identifiers, checked with python-stdnum (``mx.curp``, ``mx.rfc``): the
one home of these rules. The roster import checks CURPs, the issuer settings the
employer's RFC, the DC-3 both.

Each ``*_error`` answers None for a valid value, or a message that names the
check that fails and, for a malformed value, the first character out of place
(position counted from 1, as people read it).
"""

from __future__ import annotations

import string
from datetime import datetime

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

LETTERS = set(string.ascii_uppercase)
DIGITS = set(string.digits)
RFC_LETTERS = LETTERS | {"&", "Ñ"}


def normalise(value: str) -> str:
    """Upper case, without spaces or dashes (as people type them)."""
    return "".join((value or "").split()).replace("-", "").upper()


def _curp_positions() -> list[tuple[set[str], str]]:
    letter, digit = _("una letra"), _("un dígito")
    return (
        [(LETTERS, letter + " " + _("(iniciales del nombre)"))] * 4
        + [(DIGITS, digit + " " + _("(fecha de nacimiento AAMMDD)"))] * 6
        + [(LETTERS, letter + " " + _("(sexo: H, M o X)"))]
        + [(LETTERS, letter + " " + _("(clave del estado)"))] * 2
        + [(LETTERS, letter + " " + _("(consonantes internas del nombre)"))] * 3
        + [(LETTERS | DIGITS, _("una letra o un dígito (homoclave)"))]
        + [(DIGITS, digit + " " + _("(dígito verificador)"))]
    )


def _rfc_positions(length: int) -> list[tuple[set[str], str]]:
    letter, digit = _("una letra"), _("un dígito")
    initials = 4 if length == 13 else 3
    return (
        [(RFC_LETTERS, letter + " " + _("(iniciales del nombre o razón social)"))]
        * initials
        + [(DIGITS, digit + " " + _("(fecha AAMMDD)"))] * 6
        + [(LETTERS | DIGITS, _("una letra o un dígito (homoclave)"))] * 3
    )


def _misplaced(value: str, positions, what: str) -> str | None:
    for index, (char, (allowed, expected)) in enumerate(
        zip(value, positions, strict=False), start=1
    ):
        if char not in allowed:
            return _(
                "%(what)s no tiene el formato correcto: el carácter %(position)s "
                "(«%(char)s») debe ser %(expected)s."
            ) % {"what": what, "position": index, "char": char, "expected": expected}
    return None


def curp_error(value: str) -> str | None:
    """Which CURP check fails, in words, or None for a valid CURP."""
    value = normalise(value)
    try:
        stdnum_curp.validate(value)
    except stdnum_exceptions.InvalidLength:
        return _("La CURP debe tener 18 caracteres; tiene %(count)s.") % {
            "count": len(value)
        }
    except stdnum_exceptions.InvalidFormat:
        return _misplaced(value, _curp_positions(), _("La CURP")) or _(
            "La CURP no tiene el formato correcto."
        )
    except stdnum_exceptions.InvalidChecksum:
        return _(
            "El dígito verificador de la CURP (carácter 18, «%(got)s») no "
            "corresponde: debería ser %(expected)s."
        ) % {"got": value[-1], "expected": stdnum_curp.calc_check_digit(value)}
    except stdnum_exceptions.InvalidComponent:
        try:
            stdnum_curp.get_birth_date(value)
        except stdnum_exceptions.ValidationError:
            return _(
                "La fecha de nacimiento de la CURP (caracteres 5 a 10, «%(date)s») "
                "no es válida."
            ) % {"date": value[4:10]}
        if value[10] not in "HMX":
            return _(
                "El sexo de la CURP (carácter 11, «%(char)s») no es H, M ni X."
            ) % {"char": value[10]}
        return _(
            "La clave de estado (caracteres 12 y 13, «%(state)s») o las iniciales "
            "de la CURP no son válidas."
        ) % {"state": value[11:13]}
    except stdnum_exceptions.ValidationError:
        return _("La CURP no es válida.")
    return None


def rfc_error(value: str) -> str | None:
    """Which RFC check fails, in words, or None for a valid RFC with homoclave:
    12 characters for a company (persona moral), 13 for a person (persona
    física); the check digit is verified."""
    value = normalise(value)
    if len(value) not in (12, 13):
        return _(
            "El RFC debe tener 12 caracteres (persona moral) o 13 (persona física); "
            "tiene %(count)s."
        ) % {"count": len(value)}
    try:
        stdnum_rfc.validate(value, validate_check_digits=True)
    except stdnum_exceptions.InvalidFormat:
        return _misplaced(value, _rfc_positions(len(value)), _("El RFC")) or _(
            "El RFC no tiene el formato correcto."
        )
    except stdnum_exceptions.InvalidChecksum:
        return _(
            "El dígito verificador del RFC (carácter %(position)s, «%(got)s») no "
            "corresponde: debería ser %(expected)s."
        ) % {
            "position": len(value),
            "got": value[-1],
            "expected": stdnum_rfc.calc_check_digit(value[:-1]),
        }
    except stdnum_exceptions.InvalidComponent:
        start = 4 if len(value) == 13 else 3
        try:
            datetime.strptime(value[start : start + 6], "%y%m%d")
        except ValueError:
            return _(
                "La fecha del RFC (caracteres %(first)s a %(last)s, «%(date)s») "
                "no es válida."
            ) % {
                "first": start + 1,
                "last": start + 6,
                "date": value[start : start + 6],
            }
        try:
            stdnum_rfc.validate(value, validate_check_digits=False)
        except stdnum_exceptions.ValidationError:
            return _("Las iniciales del RFC («%(initials)s») no están permitidas.") % {
                "initials": value[:4]
            }
        return _(
            "La homoclave del RFC (últimos 3 caracteres, «%(key)s») no es válida."
        ) % {"key": value[-3:]}
    except stdnum_exceptions.ValidationError:
        return _("El RFC no es válido.")
    return None
