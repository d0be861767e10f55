from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import navigation as registered
from . import roles


def navigation(request):
    """The main navigation, showing each role only what it may use."""
    user = request.user
    items = [
        {"label": _("Cursos"), "url": "/"},
        {
            "label": _("Estándar EC0305"),
            "url": reverse("standards:standard_detail", args=["EC0305"]),
        },
    ]
    if user.is_authenticated:
        items.append({"label": _("Mi avance"), "url": reverse("portal:dashboard")})
    if roles.is_evaluator(user):
        items.append(
            {
                "label": _("Mis evaluaciones"),
                "url": reverse("evaluation:my_evaluations"),
            }
        )
    if user.is_authenticated:
        items.extend(registered.entries_for(user))
    if roles.is_trainer(user) or roles.is_hr(user):
        items.append(
            {"label": _("Evaluaciones"), "url": reverse("evaluation:evaluation_list")}
        )
    if roles.is_hr(user):
        items.append(
            {"label": _("Constancias"), "url": reverse("certificates:hr_list")}
        )
    if roles.can_use_admin(user):
        items.append({"label": _("Administración"), "url": "/admin/"})
    path = request.path
    for item in items:
        item["active"] = item["url"] == path or (
            item["url"] != "/" and path.startswith(item["url"])
        )
    return {"main_nav": items}
