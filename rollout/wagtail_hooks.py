"""The rollout in the Wagtail admin: menu "Despliegue" with the organisation units
(created under a chosen parent through ``services.org_unit_create``), the
positions and the unit scopes. Access follows the model permissions (superusers
hold them all)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from accounts.inputs import IdChoiceField

from . import services
from .models import Occupation, OrgUnit, Position, UnitScope


class OrgUnitForm(WagtailAdminModelForm):
    parent = IdChoiceField(
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        label=_("unidad superior"),
        help_text=_(
            "Vacío para la organización (la raíz del árbol). Se elige al crear la "
            "unidad; no se puede mover después."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].disabled = True
            self.fields["parent"].initial = self.instance.get_parent()


class OrgUnitCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.org_unit_create(
            parent=data.get("parent"),
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
        )


class OrgUnitViewSet(SnippetViewSet):
    model = OrgUnit
    icon = "site"
    menu_label = _("Unidades")
    list_display = ["code", "name", "kind", "depth"]
    search_fields = ["code", "name"]
    ordering = ["path"]
    add_view_class = OrgUnitCreateView

    edit_handler = ObjectList(
        [FieldPanel(name) for name in ("parent", "code", "name", "kind")],
        base_form_class=OrgUnitForm,
    )


class PositionViewSet(SnippetViewSet):
    model = Position
    icon = "tag"
    menu_label = _("Puestos")
    search_fields = ["name"]


class OccupationViewSet(SnippetViewSet):
    model = Occupation
    icon = "list-ul"
    menu_label = _("Ocupaciones")
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class UnitScopeViewSet(SnippetViewSet):
    model = UnitScope
    icon = "lock"
    menu_label = _("Unidades asignadas")
    list_display = ["user", "unit"]
    panels = [FieldPanel("user"), FieldPanel("unit")]


class RolloutGroup(SnippetViewSetGroup):
    menu_label = _("Despliegue")
    menu_icon = "group"
    menu_order = 260
    items = (OrgUnitViewSet, PositionViewSet, OccupationViewSet, UnitScopeViewSet)


register_snippet(RolloutGroup)
