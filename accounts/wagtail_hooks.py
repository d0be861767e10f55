"""Admin screens of accounts: the audit trail ("Historial de cambios", shown to
whoever may read some of it) and the sign-in lock-outs (superusers only); and
the admin's side menu, whose long Spanish labels wrap instead of being cut."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, audit, audit_views

ADMIN_MENU_CSS = "accounts/admin_menu.css"


@hooks.register("insert_global_admin_css")
def admin_menu_css():
    return format_html('<link rel="stylesheet" href="{}">', static(ADMIN_MENU_CSS))


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
