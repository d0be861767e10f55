"""``{% fixed %}…{% endfixed %}``: a part of a template that is the same on every
page, rendered once per process and language and then served from memory.

The site's frame (the head's style sheets, the menus, the footer, the scripts)
is the same for everyone, yet every page rendered it anew: on the attempt page
about 30 ``{% translate %}``, ``{% url %}`` and ``{% static %}`` tags, some
1.2 ms of CPU of a page's 11 (issue 13). Such a part can hold only what cannot
differ between requests: text, and those three tags with literal arguments and
no ``as``. Anything else (a variable, a filter, ``{% csrf_token %}``, a tag
with a variable argument) is a template syntax error, so a part that depends
on the person or the request cannot be kept by mistake.

A kept part is looked up by the block, the active language, the script prefix
and URL configuration its URLs are reversed under, and whether autoescaping is
on; a change of settings (tests) forgets every part.
"""

from __future__ import annotations

import itertools
import threading

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, TextNode, Variable
from django.template.defaulttags import URLNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_kept: dict[tuple, str] = {}
_lock = threading.Lock()
_numbers = itertools.count()


def _forget(**kwargs) -> None:
    with _lock:
        _kept.clear()


setting_changed.connect(_forget, dispatch_uid="accounts.templatetags.fixed")


def _constant(expression: FilterExpression | None) -> bool:
    """A literal without filters: the same value in any context."""
    if expression is None:
        return True
    if expression.filters:
        return False
    var = expression.var
    return not isinstance(var, Variable) or var.literal is not None


def _fixed(node) -> bool:
    if isinstance(node, TextNode):
        return True
    if isinstance(node, TranslateNode):
        return node.asvar is None and _constant(node.filter_expression)
    if isinstance(node, URLNode):
        return (
            node.asvar is None
            and _constant(node.view_name)
            and all(_constant(arg) for arg in node.args)
            and all(_constant(arg) for arg in node.kwargs.values())
        )
    if isinstance(node, StaticNode):
        return node.varname is None and _constant(node.path)
    return False


class FixedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.number = next(_numbers)

    def render(self, context):
        key = (
            self.number,
            get_language(),
            get_script_prefix(),
            get_urlconf(),
            context.autoescape,
        )
        html = _kept.get(key)
        if html is None:
            html = self.nodelist.render(context)
            with _lock:
                _kept[key] = html
        return mark_safe(html)  # noqa: S308 - the nodes escaped it as they rendered


@register.tag
def fixed(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fixed %} takes no arguments.")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    for node in nodelist:
        if not _fixed(node):
            raise template.TemplateSyntaxError(
                "{% fixed %} holds only text and {% translate %}, {% url %} and "
                f"{{% static %}} with literal arguments, not: {node!r}"
            )
    return FixedNode(nodelist)
