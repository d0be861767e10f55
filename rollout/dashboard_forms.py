"""The dashboards' filters (GET) and HR's target form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import dashboard_selectors as selectors
from .access import units_visible_to
from .form_fields import IdChoiceField, PersonChoiceField, UnitChoiceField


class DashboardFilterForm(forms.Form):
    """Choices limited to the viewer's units: a unit, cohort or trainer outside
    them is not a valid choice (a clear message, never a 500)."""

    course = IdChoiceField(
        label=_("Curso"), queryset=None, required=False, empty_label=None
    )
    unit = UnitChoiceField(
        label=_("Unidad"), queryset=None, required=False, empty_label=_("Todas")
    )
    cohort = IdChoiceField(
        label=_("Grupo"), queryset=None, required=False, empty_label=_("Todos")
    )
    trainer = PersonChoiceField(
        label=_("Instructor"), queryset=None, required=False, empty_label=_("Todos")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.course_choices()
        self.fields["unit"].queryset = units_visible_to(user).order_by("path")
        self.fields["cohort"].queryset = selectors.cohort_choices(user)
        self.fields["trainer"].queryset = selectors.trainer_choices(user)


class TargetForm(forms.Form):
    unit = UnitChoiceField(label=_("Unidad"), queryset=None)
    due_on = forms.DateField(
        label=_("Fecha"), widget=forms.DateInput(attrs={"type": "date"})
    )
    certified = forms.IntegerField(
        label=_("Personas certificadas a esa fecha"),
        min_value=1,
        max_value=10_000_000,
        error_messages={"min_value": _("La meta debe ser un número positivo.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user).order_by("path")
