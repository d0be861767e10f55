"""How scores and dates read, everywhere: one copy of each rule.

Pure (no Django import): the certificate renderer uses it as well as the pages.
"""

import math
from datetime import date
from fractions import Fraction
from numbers import Rational

SPANISH_MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def spanish_date(day: date) -> str:
    """ "2 de marzo de 2026": the month in lower case."""
    return f"{day.day} de {SPANISH_MONTHS[day.month - 1]} de {day.year}"


def whole_percent(earned: Rational, possible: Rational) -> int | None:
    """A score as a whole percent: nearest, halves up, computed exactly on
    Fractions (159/200 is exactly 79.5 -> 80); never 100 short of full marks
    (199/200 -> 99) nor 0 above nothing (1/300 -> 1). None when nothing was
    possible."""
    if possible == 0:
        return None
    score = Fraction(earned) / Fraction(possible)
    value = math.floor(score * 100 + Fraction(1, 2))
    if 0 < score < 1:
        value = min(max(value, 1), 99)
    return value


# Exports that a spreadsheet opens: a BOM so Excel reads UTF-8, and text cells
# that would start a formula made inert (CSV/formula injection).
CSV_BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would read as a formula, made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
