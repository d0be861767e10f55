from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import models


class FractionField(models.CharField):
    """An exact fraction stored as "numerator/denominator" text: scores are
    Fractions, never floats (DESIGN.md, grading rules)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 40:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else Fraction(value)

    def to_python(self, value):
        if value is None or isinstance(value, Fraction):
            return value
        try:
            return Fraction(str(value))
        except (ValueError, ZeroDivisionError) as error:
            raise ValidationError(f"{value!r} is not a fraction") from error

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else f"{value.numerator}/{value.denominator}"
