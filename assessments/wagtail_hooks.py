from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import access, admin_selectors, admin_views
from .models import AssessmentPage, Question, RegradeRecord

# ----------------------------------------------------------------- question bank


class QuestionIndexView(snippet_views.IndexView):
    """The bank listing, with GIFT import/export in the header (the export takes
    the listing's filters along) and "Recalificar intentos" on each row."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if access.can_manage_question_bank(self.request.user):
            params = self.request.GET.copy()
            params.pop("p", None)
            export_url = reverse("assessments_gift_export")
            if params:
                export_url += f"?{params.urlencode()}"
            buttons += [
                HeaderButton(
                    _("Importar GIFT"),
                    url=reverse("assessments_gift_import"),
                    icon_name="upload",
                ),
                HeaderButton(_("Exportar GIFT"), url=export_url, icon_name="download"),
            ]
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if access.can_manage_question_bank(self.request.user):
            buttons.append(
                MenuItem(
                    _("Recalificar intentos"),
                    url=reverse("assessments_question_regrade", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=40,
                )
            )
        return buttons


class QuestionEditView(snippet_views.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if access.can_manage_question_bank(self.request.user):
            buttons.append(
                Button(
                    _("Recalificar intentos"),
                    url=reverse("assessments_question_regrade", args=[self.object.pk]),
                    icon_name="resubmit",
                    priority=40,
                )
            )
        return buttons


def _stem(question):
    return Truncator(question.plain_stem).chars(80)


class QuestionViewSet(SnippetViewSet):
    """The question bank. The type is the block type of the one-block content
    (no stored copy to keep in step): the listing shows it from the content and
    filters it with a JSON lookup (admin_selectors.QuestionFilterSet)."""

    model = Question
    icon = "help"
    menu_label = _("Preguntas")
    index_view_class = QuestionIndexView
    edit_view_class = QuestionEditView
    filterset_class = admin_selectors.QuestionFilterSet
    search_fields = admin_selectors.QUESTION_SEARCH_FIELDS
    search_backend_name = None  # plain icontains, as the GIFT export filters
    list_per_page = 50
    list_display = [
        "code",
        Column("stem", label=_("Enunciado"), accessor=_stem),
        Column("type", label=_("Tipo"), accessor="get_type_display"),
        Column("criterion", label=_("Criterio"), accessor="criterion.code"),
        Column(
            "element",
            label=_("Elemento"),
            accessor=lambda q: (
                q.criterion.element.code if q.criterion.element_id else ""
            ),
        ),
        Column("difficulty", label=_("Dificultad"), accessor="get_difficulty_display"),
        BooleanColumn("active", label=_("Activa"), sort_key="active"),
        Column("version_count", label=_("Versiones"), sort_key="version_count"),
    ]

    def get_queryset(self, request):
        return admin_selectors.questions_for_listing()


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only "view", for records that services make: nobody (not even a superuser)
    adds, edits or deletes them by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["view"])


register_permission_policy(RegradeRecord, ViewOnlyPermissionPolicy(RegradeRecord))


class RegradeRecordViewSet(SnippetViewSet):
    """Re-grades as a read-only record: trainers hold only the view permission."""

    model = RegradeRecord
    icon = "resubmit"
    menu_label = _("Recalificaciones")
    inspect_view_enabled = True
    list_display = [
        "__str__",
        Column("by", label=_("Por"), accessor="by"),
        DateColumn("at", label=_("Fecha"), sort_key="at"),
        Column("attempts_regraded", label=_("Intentos recalificados")),
        Column("verdicts_changed", label=_("Dictámenes cambiados")),
    ]
    list_filter = ["question"]

    def get_queryset(self, request):
        return RegradeRecord.objects.select_related("question", "to_version", "by")


class QuestionBankGroup(SnippetViewSetGroup):
    menu_label = _("Banco de preguntas")
    menu_icon = "help"
    menu_order = 255
    items = (QuestionViewSet, RegradeRecordViewSet)


register_snippet(QuestionBankGroup)


@hooks.register("before_delete_snippet")
def refuse_deleting_shown_questions(request, instances):
    """A question that attempts have shown is kept (its versions hold what learners
    saw): deleting it, alone or in bulk, is refused with a message to deactivate
    it instead."""
    ids = [i.pk for i in instances if isinstance(i, Question)]
    codes = admin_selectors.questions_with_versions(ids=ids) if ids else []
    if not codes:
        return None
    messages.error(
        request,
        ngettext(
            "No se puede eliminar la pregunta %(codes)s: ya se mostró en intentos, "
            "que la conservan. Desactívala para que no se sortee más.",
            "No se pueden eliminar las preguntas %(codes)s: ya se mostraron en "
            "intentos, que las conservan. Desactívalas para que no se sorteen más.",
            len(codes),
        )
        % {"codes": ", ".join(codes)},
    )
    return redirect("wagtailsnippets_assessments_question:list")


# ----------------------------------------------------------------- admin views


@hooks.register("register_admin_urls")
def register_assessment_admin_urls():
    return [
        path(
            "banco-de-preguntas/importar/",
            admin_views.gift_import,
            name="assessments_gift_import",
        ),
        path(
            "banco-de-preguntas/exportar/",
            admin_views.gift_export,
            name="assessments_gift_export",
        ),
        path(
            "banco-de-preguntas/<int:pk>/recalificar/",
            admin_views.question_regrade,
            name="assessments_question_regrade",
        ),
        path(
            "evaluaciones/", admin_views.results_index, name="assessments_results_index"
        ),
        path(
            "evaluaciones/<int:page_id>/resultados/",
            admin_views.assessment_results,
            name="assessments_results",
        ),
        path(
            "evaluaciones/<int:page_id>/preguntas/",
            admin_views.item_statistics,
            name="assessments_item_statistics",
        ),
        path(
            "evaluaciones/<int:page_id>/preguntas.csv",
            admin_views.item_statistics_csv,
            name="assessments_item_statistics_csv",
        ),
    ]


class TrainerMenuItem(AdminMenuItem):
    def is_shown(self, request):
        return access.can_manage_question_bank(request.user)


@hooks.register("register_admin_menu_item")
def register_results_menu_item():
    return TrainerMenuItem(
        _("Resultados de evaluaciones"),
        reverse("assessments_results_index"),
        icon_name="table",
        order=258,
    )


def _assessment_buttons(page, user, priority):
    if not isinstance(page.specific_deferred, AssessmentPage):
        return
    if not access.can_manage_question_bank(user):
        return
    yield Button(
        _("Resultados"),
        url=reverse("assessments_results", args=[page.pk]),
        icon_name="table",
        priority=priority,
    )
    yield Button(
        _("Estadísticas por pregunta"),
        url=reverse("assessments_item_statistics", args=[page.pk]),
        icon_name="table",
        priority=priority + 1,
    )


@hooks.register("register_page_listing_more_buttons")
def assessment_listing_buttons(page, user, next_url=None):
    yield from _assessment_buttons(page, user, priority=70)


@hooks.register("register_page_header_buttons")
def assessment_header_buttons(page, user, view_name, next_url=None):
    yield from _assessment_buttons(page, user, priority=80)
