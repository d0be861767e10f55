"""The Jinja2 environment of the attempt page's questions.

A 30-question attempt page spent nine tenths of its time in the Django template
language rendering the question widgets (issue 13); Jinja2 compiles them to
Python and renders them several times faster. Only the widgets use it
(``assessments/jinja2/``, rendered by ``question_render``); every page stays a
Django template. Strings go through Django's gettext, so one catalogue serves
both: write ``{{ _("Texto") }}``, with ``|format(name=value)`` for
placeholders (``makemessages`` extracts both forms).

A page of 36 questions asks for the same few strings hundreds of times, and
Django's gettext walks its chain of catalogues each time: the widgets keep each
string's translation per language (catalogues do not change while a process
runs).
"""

from functools import lru_cache

import jinja2
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, ngettext

from .templatetags.question_text import question_text


def clock(value) -> str:
    """A moment as the page's local time of day (what ``|time:"H:i:s"`` does)."""
    return formats.time_format(timezone.template_localtime(value), "H:i:s")


@lru_cache(maxsize=2048)
def _translated(language: str | None, message: str) -> str:
    # ``language`` is the active one: it keys the entry, gettext reads it.
    return gettext(message)


def cached_gettext(message: str) -> str:
    return _translated(get_language(), message)


def environment(**options) -> jinja2.Environment:
    # A missing attribute renders empty, as in Django templates, also in DEBUG
    # (Django's backend would otherwise print the expression on the page).
    options["undefined"] = jinja2.Undefined
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(cached_gettext, ngettext, newstyle=False)
    env.filters.update(question_text=question_text, clock=clock)
    return env
