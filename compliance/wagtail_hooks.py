"""The DC-3 catalogues and course data in the Wagtail admin (menu "DC-3"):
áreas temáticas (HR), the DC-3 data of each course (trainers and HR). Access
follows the model permissions (accounts.role_permissions)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CourseDc3, ThematicArea


class ThematicAreaViewSet(SnippetViewSet):
    model = ThematicArea
    icon = "list-ul"
    menu_label = _("Áreas temáticas")
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class CourseDc3ViewSet(SnippetViewSet):
    model = CourseDc3
    icon = "doc-full"
    menu_label = _("Datos DC-3 de los cursos")
    list_display = ["course", "thematic_area", "hours", "agent_name"]


class Dc3Group(SnippetViewSetGroup):
    menu_label = _("DC-3")
    menu_icon = "doc-full"
    menu_order = 270
    items = (CourseDc3ViewSet, ThematicAreaViewSet)


register_snippet(Dc3Group)
