from django import template

from ..navigation import section_links

register = template.Library()


@register.inclusion_tag("rollout/_sections.html", takes_context=True)
def rollout_sections(context, current: str = ""):
    """The rollout's section links the signed-in user may open."""
    return {"links": section_links(context["request"].user), "current": current}
