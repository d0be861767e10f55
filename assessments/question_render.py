"""The attempt page's question widgets and navigator, as HTML
(``{% question_fields %}``, ``{% question_navigator %}``).

The widgets are Jinja2 templates (``assessments/jinja2/``; why in
``jinja2_env``): ``includes/questions.html`` renders questions in page order,
each through ``includes/question.html``, which wraps the type's own template
(``QuestionType.template``) in the section, legend, flag and save state that
``attempt.js`` reads.

A started attempt's page is mostly untouched questions (never saved nor
flagged). Their widget depends only on the frozen version's content, the
position, the language and the display order, and the display order only moves
the parts' texts (options, prompts, matches, items: a part's token is its place
on the page, not which one it is). So such a widget is rendered once per process
with numbered markers where the position and the texts go, split at the markers
and kept (``widgets``, by the version's content hash, which names one content
for ever, and the language: an entry is never stale). Each page joins the
pieces with its position and its own order of the texts, escaped as the
template escapes them. Learners starting one final share the versions: after
the first learner, every untouched widget comes from there, whatever its order
(with the order in the key, a third did).

The first render of an entry is checked against a render of the real widget;
an entry whose join differs (a type whose template does more with a text than
print it) is marked, and that widget is always rendered afresh.

The navigator depends only on each question's position and state (answered,
flagged), the question shown and the language: every learner who has just
started a final sees the same one, so it is kept (``navigators``) by exactly
those.
"""

import dataclasses
import re
from collections.abc import Iterable
from functools import partial

from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from markupsafe import escape

from courses.content_cache import Memo

ENGINE = "jinja2"
TEMPLATE = "assessments/includes/questions.html"
NAVIGATOR = "assessments/includes/navigator.html"
# A position no attempt has, written where the widget shows its position, and
# with "x<n>x" after it where it shows the n-th text of its parts; a version
# whose content contains the number is not kept.
PLACEHOLDER = 987_654_321
_PLACEHOLDER_TEXT = str(PLACEHOLDER)
_MARKER = re.compile(rf"{PLACEHOLDER}(?:x(\d+)x)?")
# The QuestionForm fields whose parts' texts follow the display order.
_ORDERED_PARTS = ("options", "prompts", "matches", "items")
# An entry whose join is not the widget: render it afresh every time.
_NOT_KEPT = False

widgets = Memo(size=5000)
# Entries are a few kilobytes; mostly the fresh navigator of each final, and
# the pages of one-question-per-page attempts in progress.
navigators = Memo(size=500)


def render_widgets(items: list[tuple]) -> str:
    """The widgets of (form, saved_at, flagged) triples, in page order, rendered
    afresh."""
    return engines[ENGINE].get_template(TEMPLATE).render({"questions": items})


def _with_markers(form):
    """``form`` with the position and each part's text replaced by markers."""
    count = 0
    changes = {}
    for name in _ORDERED_PARTS:
        parts = []
        for part in getattr(form, name):
            parts.append(dataclasses.replace(part, text=f"{PLACEHOLDER}x{count}x"))
            count += 1
        changes[name] = tuple(parts)
    return dataclasses.replace(form, position=PLACEHOLDER, **changes)


def _texts(form) -> list[str]:
    """The parts' texts in marker order (the order of the page)."""
    return [part.text for name in _ORDERED_PARTS for part in getattr(form, name)]


def _join(pieces: list, position: int, texts: list[str]) -> str:
    """The kept pieces (text, then marker: None for the position or a text's
    number, and so on) joined with this widget's position and texts."""
    place = str(position)
    return "".join(
        piece if index % 2 == 0 else place if piece is None else escape(texts[piece])
        for index, piece in enumerate(pieces)
    )


def _kept_pieces(question, form):
    """The pieces of an untouched widget, or _NOT_KEPT."""
    if _PLACEHOLDER_TEXT in repr(question.payload):
        return _NOT_KEPT
    pieces = _MARKER.split(render_widgets([(_with_markers(form), None, False)]))
    for index in range(1, len(pieces), 2):
        if pieces[index] is not None:
            pieces[index] = int(pieces[index])
    if _join(pieces, form.position, _texts(form)) != render_widgets(
        [(form, None, False)]
    ):
        return _NOT_KEPT
    return pieces


def _untouched_widget(question, language: str) -> str | None:
    # One entry per version and language, for every display order: a type's
    # form differs between orders only in its parts' texts (tested for every
    # type in tests/assessments/test_widget_cache.py).
    form = question.form()
    key = f"{question.content_hash}:{language}"
    pieces = widgets.get_or_build(key, partial(_kept_pieces, question, form))
    if pieces is _NOT_KEPT:
        return None
    return _join(pieces, question.position, _texts(form))


def questions_html(questions: Iterable) -> SafeString:
    """``questions``: the page's ``learner_selectors.PageQuestion`` items, in
    page order."""
    language = get_language()
    parts = []
    for question in questions:
        html = _untouched_widget(question, language) if question.untouched else None
        if html is None:
            html = render_widgets(
                [(question.form(), question.saved_at, question.flagged)]
            )
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - Jinja2 autoescapes every value


def _navigator_key(navigator, shown, one_per_page: bool) -> str:
    """Everything the navigator's HTML depends on, as text."""
    states = ",".join(
        f"{item.position}{'a' if item.answered else ''}{'f' if item.flagged else ''}"
        for item in navigator
    )
    return f"{get_language()}:{shown}:{int(bool(one_per_page))}:{states}"


def _render_navigator(navigator, shown, one_per_page: bool) -> str:
    template = engines[ENGINE].get_template(NAVIGATOR)
    return template.render(
        {"navigator": navigator, "shown": shown, "one_per_page": one_per_page}
    )


def navigator_html(navigator, *, shown=None, one_per_page=False) -> SafeString:
    """The navigator's links (``learner_selectors.NavItem``), ``shown`` marked as
    the current page."""
    html = navigators.get_or_build(
        _navigator_key(navigator, shown, one_per_page),
        partial(_render_navigator, navigator, shown, one_per_page),
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 autoescapes every value
