"""The course page's module cards as HTML, kept per process (issue 13).

A card (``courses/includes/module_card.html``) shows a module's title, link,
lessons and the person's progress in it. Everything it shows is named by its
key: the content token (every publish replaces it), the site (the links), the
language, the module, whether the person is signed in and enrolled, and which
of the module's lessons they completed. Rendering the cards was most of the
course page's time in the Django template language; learners at the same point
of a module share its card, and a learner who completes a lesson changes the
key of that lesson's module only.

Rendered without the request or context processors, so nothing else about the
person can reach a kept card.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .content_cache import Memo, content_token, key, site_id

TEMPLATE = "courses/includes/module_card.html"

# A few kilobytes each: a course's modules in each language, times the points
# of progress its learners are at.
cards = Memo(size=2000)


def module_card(module, *, enrolled: bool, signed_in: bool, request) -> SafeString:
    """``module``: a ``selectors.ModuleItem`` of the person's outline."""

    def render() -> SafeString:
        return render_to_string(
            TEMPLATE, {"module": module, "enrolled": enrolled, "signed_in": signed_in}
        )

    token = content_token(request)
    if token is None:
        return render()
    done = "".join("1" if lesson.done else "0" for lesson in module.lessons)
    entry = key(
        "module-card",
        token,
        site_id(request),
        get_language(),
        module.page.pk,
        int(signed_in),
        int(enrolled),
        done,
    )
    return cards.get_or_build(entry, render)
