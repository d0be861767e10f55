"""Forms for cohorts, sessions and enrolment (crispy, bootstrap5)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.inputs import IdChoiceField, IdMultipleChoiceField
from courses.models import CoursePage, ModulePage

from . import access, cohort_selectors, cohort_services
from .form_fields import PeopleChoiceField, PersonChoiceField
from .models import OrgUnit

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label, css_class="btn-primary btn-lg w-100"))
    return helper


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Nombre del grupo"), max_length=200)
    course = IdChoiceField(
        label=_("Curso"), queryset=CoursePage.objects.live().order_by("title")
    )
    unit = IdChoiceField(label=_("Unidad"), queryset=OrgUnit.objects.none())
    starts_on = forms.DateField(
        label=_("Inicio"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Fin"), widget=forms.DateInput(attrs={"type": "date"})
    )
    # The column is a small integer: a wider number would fail in the database.
    capacity = forms.IntegerField(
        label=_("Cupo"), min_value=1, max_value=32_767, initial=25
    )
    trainers = PeopleChoiceField(
        label=_("Instructores"), queryset=cohort_selectors.trainer_choices()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the units the person may open a cohort in.
        self.fields["unit"].queryset = access.cohort_units_for(user).order_by("path")
        self.helper = _helper(_("Crear grupo"))

    def clean_trainers(self):
        trainers = self.cleaned_data["trainers"]
        refusal = cohort_services.trainer_refusal(trainers)
        if refusal:
            raise forms.ValidationError(refusal)
        return trainers


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Inicio"),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
        ),
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
        ),
    )
    place = forms.CharField(label=_("Lugar"), max_length=255, required=False)
    online_url = forms.URLField(
        label=_("Enlace en línea"), required=False, assume_scheme="https"
    )
    modules = IdMultipleChoiceField(
        label=_("Módulos que se ven"),
        queryset=ModulePage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = (
            ModulePage.objects.descendant_of(course).live().order_by("path")
        )
        self.helper = _helper(_("Agregar sesión"))


class EnrolForm(forms.Form):
    # People by name: imported staff have their CURP as username.
    person = PersonChoiceField(label=_("Persona"), queryset=None)

    def __init__(self, *args, cohort, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = cohort_selectors.enrol_choices(
            cohort=cohort, user=user
        )
        self.fields["person"].error_messages["invalid_choice"] = _(
            "Esa persona no se puede inscribir: ya está en el grupo, o no pertenece "
            "a la unidad del grupo o a tus unidades."
        )
        self.helper = _helper(_("Inscribir"))
        self.helper.form_tag = False  # the page posts it to the enrol address
