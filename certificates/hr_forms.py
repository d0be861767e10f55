"""Forms of the HR certificate screens (crispy, Bootstrap 5)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.inputs import IdChoiceField

from .hr_selectors import CertificateFilters, course_choices
from .models import Certificate


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CertificateFilterForm(forms.Form):
    """The list's search and filters, read from the query string."""

    q = forms.CharField(
        label=_("Buscar"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Nombre, folio o código de verificación"),
            }
        ),
    )
    status = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[("", _("Todos"))] + list(Certificate.Status.choices),
    )
    issued_from = forms.DateField(
        label=_("Emitidas desde"), required=False, widget=DateInput()
    )
    issued_to = forms.DateField(
        label=_("Emitidas hasta"), required=False, widget=DateInput()
    )
    course = IdChoiceField(
        label=_("Curso"),
        required=False,
        queryset=course_choices(),
        empty_label=_("Todos"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = course_choices()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = True
        self.helper.disable_csrf = True
        self.helper.attrs = {"role": "search", "aria-label": _("Filtrar constancias")}
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("status", css_class="col-md-2"),
                Column("issued_from", css_class="col-md-2"),
                Column("issued_to", css_class="col-md-2"),
                Column("course", css_class="col-md-2"),
            ),
            Submit("", _("Filtrar"), css_class="btn-primary"),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("issued_from"), data.get("issued_to")
        if start and end and start > end:
            self.add_error(
                "issued_to",
                _("La fecha final no puede ser anterior a la inicial."),
            )
        return data

    def to_filters(self) -> CertificateFilters:
        """The filters from the fields that are valid (an invalid field is shown
        with its error and ignored)."""
        if not self.is_bound:
            return CertificateFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        course = data.get("course")
        return CertificateFilters(
            q=(data.get("q") or "").strip(),
            status=data.get("status") or "",
            issued_from=data.get("issued_from"),
            issued_to=data.get("issued_to"),
            course=course.pk if course else None,
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la revocación"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Queda registrado junto con quién revocó y cuándo. La página pública de "
            "verificación mostrará la constancia como revocada."
        ),
        error_messages={"required": _("Escribe el motivo de la revocación.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
