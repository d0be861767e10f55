"""Credits in whole percentages: what the types whose answers carry their own
credit (situational judgement, short answer, numerical) share.

The bank's data files write a credit as a fraction ("1", "1/2"); the blocks
store whole percentages 0..100; GIFT carries weights as ``%N%``, and a weight
that is not a whole percentage (Moodle's 33.33333) is refused on import with the
answer it belongs to.
"""

from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext


def percent_from_data(raw) -> int:
    """A credit of the bank's data ("1/2", 1, "0") as a whole percentage."""
    credit = Fraction(str(raw))
    percent = credit * 100
    if percent.denominator != 1 or not 0 <= percent <= 100:
        raise ValueError(f"credit {raw} is not a whole percentage in [0, 100]")
    return int(percent)


def _percent_text(credit: Fraction) -> str:
    percent = credit * 100
    value = Decimal(percent.numerator) / Decimal(percent.denominator)
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def whole_percent_problem(credit: Fraction, text: str) -> str | None:
    """Why a GIFT credit cannot be stored for the answer ``text``, or None."""
    percent = credit * 100
    if percent.denominator == 1 and 0 <= percent <= 100:
        return None
    return gettext(
        "el crédito %(credit)s %% de la opción «%(option)s» no es un porcentaje "
        "entero: en este tipo de pregunta cada respuesta vale un porcentaje entero "
        "de 0 a 100"
    ) % {"credit": _percent_text(credit), "option": text}
