from django import template

from courses import outline_render

register = template.Library()


@register.simple_tag(takes_context=True)
def module_card(context, module, enrolment):
    """``{% module_card module outline.enrolment %}``: the module's card on the
    course page (``courses.outline_render``)."""
    user = context.get("user")
    return outline_render.module_card(
        module,
        enrolled=bool(enrolment),
        signed_in=bool(user is not None and user.is_authenticated),
        request=context.get("request"),
    )
