"""Template filters for scores and dates, one rule each (``standards.formatting``).

``{% load standards_display %}``, then:

- ``{{ earned|percent:possible }}`` or ``{{ fraction|percent }}``: "81 %", or "—"
  when nothing was possible (or the value is None);
- ``{{ earned|percent_value:possible }}``: the same whole number, for widths and
  aria values (0 when nothing was possible);
- ``{{ percent|width_class }}``, ``{{ percent|offset_class }}``: the class that
  makes a bar that wide or puts a marker that far along (site/static/css/
  percent.css), since the Content-Security-Policy refuses style attributes;
- ``{{ day|long_date }}``.
"""

from fractions import Fraction

from django import template

from standards import display
from standards.formatting import whole_percent

register = template.Library()

register.filter("long_date", display.long_date)


def _pair(value, possible):
    if value is None or value == "":
        return None
    if possible is None or possible == "":
        return Fraction(value), 1
    return value, possible


@register.filter
def percent(value, possible=None) -> str:
    pair = _pair(value, possible)
    return "—" if pair is None else display.percent_label(*pair)


@register.filter
def percent_value(value, possible=None) -> int:
    pair = _pair(value, possible)
    return 0 if pair is None else (whole_percent(*pair) or 0)


def _whole_percent(value) -> int:
    try:
        return max(0, min(100, round(float(value))))
    except (TypeError, ValueError):
        return 0


@register.filter
def width_class(value) -> str:
    return f"pct-w-{_whole_percent(value)}"


@register.filter
def offset_class(value) -> str:
    return f"pct-l-{_whole_percent(value)}"
