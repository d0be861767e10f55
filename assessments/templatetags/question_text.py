"""``{{ text|question_text:format }}``: a question's stem or feedback as a page
shows it. HTML is sanitised again here (rich_text, the one rule), whatever was
stored; plain text is escaped, its line breaks kept."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe

from .. import rich_text
from ..question_render import navigator_html, questions_html

register = template.Library()


@register.filter
def question_text(text, text_format=rich_text.PLAIN):
    if text_format == rich_text.HTML:
        return mark_safe(rich_text.sanitize(str(text)))  # noqa: S308 - sanitised
    return linebreaksbr(text, autoescape=True)


@register.simple_tag
def question_fields(questions):
    """``{% question_fields questions %}``: the widgets of the page's questions,
    (question, saved_at, flagged) triples (``assessments.question_render``)."""
    return questions_html(questions)


@register.simple_tag
def question_navigator(navigator, shown=None, one_per_page=False):
    """``{% question_navigator navigator shown one_per_page %}``: a link per
    question of the attempt (``assessments.question_render``)."""
    return navigator_html(navigator, shown=shown, one_per_page=one_per_page)
