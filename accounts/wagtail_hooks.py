"""The audit trail in the Wagtail admin: the menu item "Historial de cambios"
and its screens (``audit_views``), shown to whoever may read some of it."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import audit, audit_views


@hooks.register("register_admin_urls")
def register_audit_urls():
    return [
        path("historial/", audit_views.trail, name="accounts_audit_trail"),
        path(
            "historial/<str:key>/<int:history_id>/",
            audit_views.change,
            name="accounts_audit_change",
        ),
    ]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return audit.can_read_trail(request.user)


@hooks.register("register_admin_menu_item")
def register_audit_menu_item():
    return AuditMenuItem(
        _("Historial de cambios"),
        reverse("accounts_audit_trail"),
        icon_name="history",
        order=290,
    )
