"""The attempt page's question widgets and navigator, as HTML
(``{% question_fields %}``, ``{% question_navigator %}``).

The widgets are Jinja2 templates (``assessments/jinja2/``; why in
``jinja2_env``): ``includes/questions.html`` renders every question of the page
in one call, each through ``includes/question.html``, which wraps the type's own
template (``QuestionType.template``) in the section, legend, flag and save state
that ``attempt.js`` reads."""

from collections.abc import Iterable

from django.template import engines
from django.utils.safestring import SafeString, mark_safe

ENGINE = "jinja2"
TEMPLATE = "assessments/includes/questions.html"
NAVIGATOR = "assessments/includes/navigator.html"


def questions_html(questions: Iterable[tuple]) -> SafeString:
    """``questions``: (question, saved_at, flagged) triples, in page order."""
    template = engines[ENGINE].get_template(TEMPLATE)
    html = template.render({"questions": questions})
    return mark_safe(html)  # noqa: S308 - Jinja2 autoescapes every value


def navigator_html(navigator, *, shown=None, one_per_page=False) -> SafeString:
    """The navigator's links (``learner_selectors.NavItem``), ``shown`` marked as
    the current page."""
    template = engines[ENGINE].get_template(NAVIGATOR)
    html = template.render(
        {"navigator": navigator, "shown": shown, "one_per_page": one_per_page}
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 autoescapes every value
