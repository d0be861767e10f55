"""The one percent rule (standards.formatting.whole_percent) and the ways pages
show it (standards.display.percent_label, the ``percent`` template filters)."""

from fractions import Fraction as F

import pytest
from django.template import Context, Template

from standards.display import percent_label
from standards.formatting import whole_percent

PERCENT_CASES = [
    # (earned, possible, whole percent)
    (121, 150, 81),  # 80.67: truncating would say 80
    (159, 200, 80),  # exactly 79.5: halves go up
    (1, 8, 13),  # 12.5
    (199, 200, 99),  # 99.5 is not full marks: never 100
    (1, 300, 1),  # 0.33 is above nothing: never 0
    (1, 3, 33),
    (2, 3, 67),
    (0, 5, 0),
    (5, 5, 100),
    (F(29, 2), 15, 97),  # partial credit: 14.5 of 15
    (F(4, 5), 1, 80),  # a share in [0, 1]
    (0, 0, None),  # nothing possible
]


@pytest.mark.parametrize(("earned", "possible", "expected"), PERCENT_CASES)
def test_whole_percent(earned, possible, expected):
    """Nearest whole percent, halves up, never 100 short of full marks nor 0
    above nothing; None when nothing was possible."""
    assert whole_percent(earned, possible) == expected


@pytest.mark.parametrize(("earned", "possible", "expected"), PERCENT_CASES)
def test_percent_label(earned, possible, expected):
    """The label is the same number with " %", or "—" when nothing was possible."""
    label = percent_label(earned, possible)
    assert label == ("—" if expected is None else f"{expected} %")


@pytest.mark.parametrize(
    ("template", "context", "expected"),
    [
        ("{{ e|percent:p }}", {"e": 121, "p": 150}, "81 %"),
        ("{{ s|percent }}", {"s": F(199, 200)}, "99 %"),
        ("{{ s|percent }}", {"s": None}, "—"),
        ("{{ e|percent:p }}", {"e": 0, "p": 0}, "—"),
        ("{{ e|percent_value:p }}", {"e": 1, "p": 300}, "1"),
        ("{{ e|percent_value:p }}", {"e": 0, "p": 0}, "0"),
    ],
)
def test_template_filters(template, context, expected):
    """``{% load standards_display %}`` gives templates the same rule."""
    rendered = Template("{% load standards_display %}" + template).render(
        Context(context)
    )
    assert rendered == expected
