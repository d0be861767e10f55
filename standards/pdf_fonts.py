"""The fonts and the word wrap every PDF of the platform uses (certificates,
portfolios, DC-3 and DC-4): reportlab's own Vera fonts, and a greedy wrap.

Each document kind registers the fonts under names of its own: reportlab keeps
per-document state on font objects, so kinds rendered at the same time in
different threads must not share them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_FILES = ("Vera.ttf", "VeraBd.ttf")


class VeraFonts:
    """Vera regular and bold under ``regular`` and ``bold``, registered once per
    process on first use (parsing a TTF costs milliseconds). The files come from
    the reportlab package itself, not from reportlab's search path, which looks
    in system font folders first."""

    def __init__(self, regular: str, bold: str):
        self.regular, self.bold = regular, bold
        self._fonts: dict[str, TTFont] = {}
        self._lock = threading.Lock()

    def load(self) -> dict[str, TTFont]:
        if not self._fonts:
            with self._lock:
                if not self._fonts:
                    fonts = {}
                    folder = resources.files("reportlab") / "fonts"
                    for name, filename in zip(
                        (self.regular, self.bold), _FILES, strict=True
                    ):
                        with resources.as_file(folder / filename) as path:
                            # asciiReadable given: subsets must not depend on
                            # settings.
                            fonts[name] = TTFont(name, str(path), asciiReadable=1)
                        pdfmetrics.registerFont(fonts[name])
                    self._fonts.update(fonts)  # one step: never seen half-filled
        return self._fonts


def wrap(text: str, width: Callable[[str], float], max_width: float) -> list[str]:
    """Greedy word wrap by ``width`` (the text's width in the font and size at
    hand); a single word wider than ``max_width`` keeps a line of its own."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and width(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
