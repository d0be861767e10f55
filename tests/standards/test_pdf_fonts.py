"""The shared PDF helpers: the greedy wrap (by any width function) and the
fonts registered once under each document kind's own names."""

import pytest

from standards.pdf_fonts import VeraFonts, wrap


@pytest.mark.parametrize(
    "text, max_width, lines",
    [
        ("uno dos tres", 100, ["uno dos tres"]),
        ("uno dos tres", 7, ["uno dos", "tres"]),
        ("uno dos tres", 3, ["uno", "dos", "tres"]),
        ("larguísima corta", 4, ["larguísima", "corta"]),  # a long word keeps a line
        ("", 10, []),
    ],
)
def test_wrap_is_greedy_by_the_width_given(text, max_width, lines):
    assert wrap(text, len, max_width) == lines


def test_fonts_register_once_under_their_own_names():
    fonts = VeraFonts("TestVera", "TestVera-Bold")
    first = fonts.load()
    assert set(first) == {"TestVera", "TestVera-Bold"}
    assert fonts.load() is first
    assert first["TestVera"] is not first["TestVera-Bold"]
