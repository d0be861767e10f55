"""The attempt page's question widgets, as HTML (``{% question_fields %}``).

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


def questions_html(questions: Iterable[tuple]) -> SafeString:
    """``questions``: (question, saved_at, flagged) triples, in page order."""
    template = engines[ENGINE].get_template(TEMPLATE)
    html = template.render({"questions": questions})
    return mark_safe(html)  # noqa: S308 - Jinja2 autoescapes every value
