from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return [
        path("bloqueos/", admin_views.lockouts, name="accounts_lockouts"),
        path(
            "bloqueos/desbloquear/",
            admin_views.lockout_unlock,
            name="accounts_lockout_unlock",
        ),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return SuperuserMenuItem(
        _("Bloqueos de acceso"),
        reverse("accounts_lockouts"),
        icon_name="lock",
        order=900,
    )
