from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .access import can_see_coverage


@hooks.register("register_admin_urls")
def register_coverage_url():
    return [path("cobertura/", admin_views.coverage, name="courses_coverage")]


class CoverageMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_coverage(request.user)


@hooks.register("register_admin_menu_item")
def register_coverage_menu_item():
    return CoverageMenuItem(
        _("Cobertura del estándar"),
        reverse("courses_coverage"),
        icon_name="tick-inverse",
        order=260,
    )
