"""One question's widget on the attempt page, as HTML (``{% question_field %}``).

The widgets are Jinja2 templates (``assessments/jinja2/``; why in
``jinja2_env``): ``includes/question.html`` wraps the type's own template
(``QuestionType.template``) in the section, legend, flag and save state that
``attempt.js`` reads."""

from django.template import engines
from django.utils.safestring import SafeString, mark_safe

ENGINE = "jinja2"
WRAPPER = "assessments/includes/question.html"


def question_html(question, *, saved_at=None, flagged=False) -> SafeString:
    template = engines[ENGINE].get_template(WRAPPER)
    html = template.render(
        {"question": question, "saved_at": saved_at, "flagged": flagged}
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 autoescapes every value
