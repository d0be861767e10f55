"""The attempt page's question widgets and navigator, as HTML
(``{% question_fields %}``, ``{% question_navigator %}``).

The widgets are Jinja2 templates (``assessments/jinja2/``; why in
``jinja2_env``): ``includes/questions.html`` renders questions in page order,
each through ``includes/question.html``, which wraps the type's own template
(``QuestionType.template``) in the section, legend, flag and save state that
``attempt.js`` reads.

A started attempt's page is mostly untouched questions (never saved nor
flagged), whose widget depends only on the frozen version's content, the display
order, the position and the language. Learners starting one final share the
versions, and a share of them the order too (a true/false question has one;
about a third of the widgets of a storm's pages, measured). Such a widget is
rendered once per process at a placeholder position and kept (``widgets``, by
the version's content hash); the page fills its position in. A content hash
names one content for ever, so an entry is never stale.
"""

from collections.abc import Iterable
from functools import partial

from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from courses.content_cache import Memo

ENGINE = "jinja2"
TEMPLATE = "assessments/includes/questions.html"
NAVIGATOR = "assessments/includes/navigator.html"
# A position no attempt has, written where the widget shows its position and
# replaced by the real one; a version whose content holds it is not kept.
PLACEHOLDER = 987_654_321
_PLACEHOLDER_TEXT = str(PLACEHOLDER)

widgets = Memo(size=5000)


def render_widgets(items: list[tuple]) -> str:
    """The widgets of (form, saved_at, flagged) triples, in page order, rendered
    afresh."""
    return engines[ENGINE].get_template(TEMPLATE).render({"questions": items})


def _untouched_widget(question) -> str | None:
    if _PLACEHOLDER_TEXT in repr(question.payload):
        return None
    return render_widgets([(question.form(position=PLACEHOLDER), None, False)])


def questions_html(questions: Iterable) -> SafeString:
    """``questions``: the page's ``learner_selectors.PageQuestion`` items, in
    page order."""
    language = get_language()
    parts = []
    for question in questions:
        html = None
        if question.untouched:
            key = f"{question.content_hash}:{language}:{question.display!r}"
            html = widgets.get_or_build(key, partial(_untouched_widget, question))
        if html is None:
            html = render_widgets(
                [(question.form(), question.saved_at, question.flagged)]
            )
        else:
            html = html.replace(_PLACEHOLDER_TEXT, str(question.position))
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - Jinja2 autoescapes every value


def navigator_html(navigator, *, shown=None, one_per_page=False) -> SafeString:
    """The navigator's links (``learner_selectors.NavItem``), ``shown`` marked as
    the current page."""
    template = engines[ENGINE].get_template(NAVIGATOR)
    html = template.render(
        {"navigator": navigator, "shown": shown, "one_per_page": one_per_page}
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 autoescapes every value
