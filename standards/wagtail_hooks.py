"""The competence standard in the admin: one snippet group for standards,
elements and criteria."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Criterion, Element, Standard


class StandardViewSet(SnippetViewSet):
    model = Standard
    icon = "clipboard-list"
    list_display = ["code", "title", "level", "version"]
    search_fields = ["code", "title"]


class ElementViewSet(SnippetViewSet):
    model = Element
    icon = "list-ol"
    list_display = ["code", "title", "standard", "official_code"]
    list_filter = ["standard"]
    search_fields = ["code", "title"]

    def get_queryset(self, request):
        return Element.objects.select_related("standard")


class CriterionViewSet(SnippetViewSet):
    model = Criterion
    icon = "tick-inverse"
    list_display = ["code", "text", "kind", "knowledge_level", "element"]
    list_filter = ["standard", "element", "kind", "knowledge_level"]
    search_fields = ["code", "text"]
    list_per_page = 50

    def get_queryset(self, request):
        return Criterion.objects.select_related("element", "standard")


class CompetenceStandardGroup(SnippetViewSetGroup):
    menu_label = _("Estándar de competencia")
    menu_icon = "clipboard-list"
    menu_order = 250
    items = (StandardViewSet, ElementViewSet, CriterionViewSet)


register_snippet(CompetenceStandardGroup)
