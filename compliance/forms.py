"""Filters and forms of the DC-3 screens."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.inputs import IdChoiceField
from courses.models import CoursePage
from rollout import access as rollout_access
from rollout.models import Cohort

from .selectors import Dc3Filters

# A plan period longer than this is refused (the DC-4 reports one plan year).
MAX_PERIOD_DAYS = 366 * 2


class Dc3FilterForm(forms.Form):
    course = IdChoiceField(
        queryset=CoursePage.objects.none(),
        required=False,
        label=gettext_lazy("Curso"),
    )
    cohort = IdChoiceField(
        queryset=Cohort.objects.none(), required=False, label=gettext_lazy("Grupo")
    )
    unit = IdChoiceField(queryset=None, required=False, label=gettext_lazy("Unidad"))
    desde = forms.DateField(
        required=False,
        label=gettext_lazy("Emitidas desde"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    hasta = forms.DateField(
        required=False,
        label=gettext_lazy("hasta"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["cohort"].queryset = rollout_access.cohorts_visible_to(
            user
        ).order_by("-starts_on")
        self.fields["unit"].queryset = rollout_access.units_visible_to(user).order_by(
            "path"
        )

    def clean(self):
        data = super().clean()
        if data.get("desde") and data.get("hasta") and data["desde"] > data["hasta"]:
            raise forms.ValidationError(
                _("La fecha «desde» debe ser anterior o igual a «hasta».")
            )
        return data

    def filters(self) -> Dc3Filters:
        if not self.is_valid():
            return Dc3Filters()
        data = self.cleaned_data
        return Dc3Filters(
            course=data["course"].pk if data.get("course") else None,
            cohort=data["cohort"].pk if data.get("cohort") else None,
            unit=data["unit"].pk if data.get("unit") else None,
            issued_from=data.get("desde"),
            issued_to=data.get("hasta"),
        )


class PeriodForm(forms.Form):
    """A plan period for the list of constancias (DC-4)."""

    desde = forms.DateField(
        label=gettext_lazy("Del"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hasta = forms.DateField(
        label=gettext_lazy("al"), widget=forms.DateInput(attrs={"type": "date"})
    )
    formato = forms.ChoiceField(
        label=gettext_lazy("Formato"),
        choices=[("pdf", "PDF (DC-4)"), ("xlsx", "Excel"), ("csv", "CSV")],
        initial="pdf",
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("desde"), data.get("hasta")
        if start and end:
            if start > end:
                raise forms.ValidationError(
                    _("El inicio del periodo debe ser anterior o igual a su fin.")
                )
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("El periodo no puede pasar de dos años."))
            if start > date.today():
                raise forms.ValidationError(_("El periodo empieza en el futuro."))
        return data


class ReissueForm(forms.Form):
    motivo = forms.CharField(
        label=gettext_lazy("Motivo de la reemisión"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
