"""Forms of the rollout screens (crispy, Bootstrap 5)."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.inputs import IdChoiceField

from . import selectors
from .roster import EXTENSIONS, MAX_BYTES, MAX_ROWS


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo del personal (.csv o .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )
    course = IdChoiceField(
        label=_("Curso en el que se inscribe al personal"),
        queryset=None,
        required=False,
        help_text=_(
            "Las personas del archivo que aún no estén inscritas en este curso "
            "quedan inscritas al guardar."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "Columnas: CURP, nombre, primer apellido, segundo apellido, correo, "
            "puesto, unidad (la clave) y fecha de ingreso, en cualquier orden. "
            "Hasta %(mb)s MB y %(rows)s filas."
        ) % {"mb": MAX_BYTES // 2**20, "rows": f"{MAX_ROWS:,}"}
        courses = selectors.roster_courses()
        course = self.fields["course"]
        course.queryset = courses
        self.default_course = selectors.default_roster_course(courses)
        if self.default_course is not None:
            course.initial = self.default_course.pk
        if courses.exists():
            course.empty_label = None  # a course is always chosen
        else:  # nothing to enrol into yet: import only
            course.help_text = _("Todavía no hay cursos publicados.")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_course(self):
        """Not sent (a script, an old form): the only live course, if one."""
        return self.cleaned_data.get("course") or self.default_course

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("El archivo debe ser .csv o .xlsx."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("El archivo pesa más de %(mb)s MB.") % {"mb": MAX_BYTES // 2**20}
            )
        return upload


class RosterCommitForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
