"""Competence evaluation in the Wagtail admin: one menu group "Evaluación de la
competencia" with the instruments and their items, the scenarios, the lead
evaluators (only administrators designate them) and the judgements (read only),
plus the coverage report at /admin/cobertura/."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.access import can_see_coverage
from standards.models import Criterion

from . import access, admin_views, selectors, services
from .models import Instrument, Judgement, LeadEvaluator, Scenario

# ------------------------------------------------------------------ instruments


class InstrumentForm(WagtailAdminModelForm):
    """The instrument with its items. An item's criterion is chosen among the
    observable criteria (not knowledge), and must be of the instrument's
    standard."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = self.formsets.get("items")
        if items is not None:
            # Before the item forms are built, so each (and the empty form that
            # "add item" clones) gets this list.
            items.form.base_fields["criterion"].queryset = (
                Criterion.objects.filter(kind__in=selectors.OBSERVED_CRITERION_KINDS)
                .select_related("standard")
                .order_by("standard__code", "order", "code")
            )

    def clean(self):
        cleaned = super().clean()
        standard = cleaned.get("standard")
        items = self.formsets.get("items")
        if standard is None or items is None:
            return cleaned
        items.is_valid()  # cleans the item forms now (ClusterForm does it after)
        delivery = cleaned.get("kind") == Instrument.Kind.DELIVERY
        for form in items.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            criterion = data.get("criterion")
            if delivery and not data.get("part"):
                form.add_error(
                    "part", _("Cada reactivo de impartición va en una parte.")
                )
            if not delivery and criterion is None:
                form.add_error("criterion", _("Elige el criterio del reactivo."))
            if criterion is None:
                continue
            if criterion.standard_id != standard.pk:
                form.add_error(
                    "criterion",
                    ValidationError(
                        _("El criterio %(code)s es de otro estándar.")
                        % {"code": criterion.code}
                    ),
                )
        if cleaned.get("kind") == Instrument.Kind.QUESTIONNAIRE and not cleaned.get(
            "assessment"
        ):
            self.add_error(
                "assessment", _("Un cuestionario remite a una evaluación del curso.")
            )
        return cleaned


class InstrumentViewSet(SnippetViewSet):
    """Guías de observación, listas de cotejo and cuestionarios. Editing one that
    was used never changes a signed record: observations keep the frozen
    InstrumentVersion they were captured on."""

    model = Instrument
    icon = "list-ul"
    menu_label = _("Instrumentos")
    list_display = [
        "code",
        "title",
        Column("kind", label=_("Tipo"), accessor="get_kind_display", sort_key="kind"),
        Column("standard", label=_("Estándar"), accessor="standard.code"),
        BooleanColumn("active", label=_("Activo"), sort_key="active"),
    ]
    list_filter = ["kind", "standard", "active"]
    search_fields = ["code", "title"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("code"), FieldPanel("standard")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("active")]),
            FieldPanel("title"),
            FieldPanel("instructions"),
            FieldPanel("assessment"),
            MultiFieldPanel(
                [FieldPanel("pass_percent"), FieldPanel("keep_passed_months")],
                heading=_("Regla de aprobación"),
            ),
            InlinePanel(
                "items",
                label=_("Reactivos"),
                panels=[
                    FieldPanel("criterion"),
                    FieldPanel("part"),
                    FieldPanel("text", widget=forms.Textarea(attrs={"rows": 2})),
                    FieldPanel("critical"),
                ],
            ),
        ],
        base_form_class=InstrumentForm,
    )

    def get_queryset(self, request):
        return Instrument.objects.select_related("standard")


class ScenarioViewSet(SnippetViewSet):
    model = Scenario
    icon = "group"
    menu_label = _("Escenarios")
    list_display = [
        "code",
        "title",
        Column("customer_type", label=_("Tipo de cliente")),
        Column("standard", label=_("Estándar"), accessor="standard.code"),
    ]
    list_filter = ["standard", "customer_type"]
    search_fields = ["code", "title", "situation"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("code"), FieldPanel("standard")]),
            FieldRowPanel([FieldPanel("title"), FieldPanel("customer_type")]),
            FieldPanel("situation"),
            FieldPanel("script"),
            FieldPanel("criteria", widget=forms.CheckboxSelectMultiple),
        ]
    )

    def get_queryset(self, request):
        return Scenario.objects.select_related("standard")


@hooks.register("before_delete_snippet")
def refuse_deleting_used_instruments(request, instances):
    """An instrument frozen into versions (or named by a plan), or a scenario a
    plan uses, is kept: deleting it is refused with a message to deactivate or
    keep it instead."""
    used = [
        i.code
        for i in instances
        if isinstance(i, Instrument) and (i.versions.exists() or i.plans.exists())
    ]
    if used:
        messages.error(
            request,
            ngettext(
                "No se puede eliminar el instrumento %(codes)s: ya se usó en "
                "evaluaciones, que lo conservan. Desactívalo para que no se use más.",
                "No se pueden eliminar los instrumentos %(codes)s: ya se usaron en "
                "evaluaciones, que los conservan. Desactívalos para que no se usen "
                "más.",
                len(used),
            )
            % {"codes": ", ".join(used)},
        )
        return redirect("wagtailsnippets_evaluation_instrument:list")
    planned = [
        s.code for s in instances if isinstance(s, Scenario) and s.plans.exists()
    ]
    if planned:
        messages.error(
            request,
            ngettext(
                "No se puede eliminar el escenario %(codes)s: un plan de "
                "evaluación lo usa.",
                "No se pueden eliminar los escenarios %(codes)s: planes de "
                "evaluación los usan.",
                len(planned),
            )
            % {"codes": ", ".join(planned)},
        )
        return redirect("wagtailsnippets_evaluation_scenario:list")
    return None


# --------------------------------------------------------------- lead evaluators


class LeadEvaluatorPermissionPolicy(ModelPermissionPolicy):
    """Only administrators (superusers) designate, change or remove lead
    evaluators; trainers and HR see who was designated, by whom and when."""

    def user_has_permission(self, user, action):
        if not (user.is_active and user.is_authenticated):
            return False
        if action == "view":
            return user.is_superuser or access.oversees(user)
        return user.is_superuser

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" in actions:
            return users  # narrowed by user_has_permission where it matters
        return users.filter(is_superuser=True)


register_permission_policy(LeadEvaluator, LeadEvaluatorPermissionPolicy(LeadEvaluator))


class LeadEvaluatorForm(WagtailAdminModelForm):
    """Person and standard are fixed once designated: a different person is a
    new designation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("user", "standard"):
                self.fields[name].disabled = True
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )


class LeadEvaluatorCreateView(snippet_views.CreateView):
    """A designation goes through the service, which records the administrator
    who made it."""

    def save_instance(self):
        data = self.form.cleaned_data
        designation = services.lead_evaluator_designate(
            user=data["user"],
            standard=data["standard"],
            by=self.request.user,
            note=data.get("note", ""),
        )
        self.form.instance = designation
        log(instance=designation, action="wagtail.create", user=self.request.user)
        return designation


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""


class LeadEvaluatorViewSet(SnippetViewSet):
    model = LeadEvaluator
    icon = "user"
    menu_label = _("Evaluadores líderes")
    add_view_class = LeadEvaluatorCreateView
    inspect_view_enabled = True
    inspect_view_fields = ["user", "standard", "designated_by", "designated_at", "note"]
    list_display = [
        Column("user", label=_("Evaluador"), accessor=lambda d: _person(d.user)),
        Column("standard", label=_("Estándar"), accessor="standard.code"),
        Column(
            "designated_by",
            label=_("Designado por"),
            accessor=lambda d: _person(d.designated_by),
        ),
        DateColumn("designated_at", label=_("Designado"), sort_key="designated_at"),
    ]
    list_filter = ["standard"]
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("standard"), FieldPanel("note")],
        base_form_class=LeadEvaluatorForm,
    )

    def get_queryset(self, request):
        return LeadEvaluator.objects.select_related("user", "standard", "designated_by")


# -------------------------------------------------------------------- judgements


class JudgementPermissionPolicy(ModelPermissionPolicy):
    """Judgements are made by the judgement service only: trainers and HR read
    them here, nobody adds, edits or deletes one by hand."""

    def user_has_permission(self, user, action):
        return (
            action == "view"
            and user.is_active
            and user.is_authenticated
            and access.oversees(user)
        )

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True)


register_permission_policy(Judgement, JudgementPermissionPolicy(Judgement))


class JudgementViewSet(SnippetViewSet):
    model = Judgement
    icon = "doc-full"
    menu_label = _("Juicios")
    inspect_view_enabled = True
    inspect_view_fields = [
        "candidate",
        "standard",
        "method",
        "competent",
        "decided_at",
        "decided_by",
        "plan",
        "attempt",
        "feedback",
        "feedback_acknowledged_at",
    ]
    list_display = [
        Column(
            "candidate", label=_("Candidato"), accessor=lambda j: _person(j.candidate)
        ),
        Column("standard", label=_("Estándar"), accessor="standard.code"),
        Column("method", label=_("Cómo se decidió"), accessor="get_method_display"),
        BooleanColumn("competent", label=_("Competente"), sort_key="competent"),
        DateColumn("decided_at", label=_("Fecha del juicio"), sort_key="decided_at"),
        Column(
            "decided_by",
            label=_("Quién decidió"),
            accessor=lambda j: _person(j.decided_by),
        ),
    ]
    list_filter = ["standard", "method", "competent"]
    list_per_page = 50

    def get_queryset(self, request):
        return Judgement.objects.select_related("candidate", "standard", "decided_by")


class CompetenceEvaluationGroup(SnippetViewSetGroup):
    menu_label = _("Evaluación de la competencia")
    menu_icon = "tasks"
    menu_order = 257
    items = (
        InstrumentViewSet,
        ScenarioViewSet,
        LeadEvaluatorViewSet,
        JudgementViewSet,
    )


register_snippet(CompetenceEvaluationGroup)


# -------------------------------------------------------------- coverage report


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
