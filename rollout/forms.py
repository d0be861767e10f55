"""Forms of the rollout screens (crispy, Bootstrap 5)."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .roster import EXTENSIONS, MAX_BYTES


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Archivo del personal (.csv o .xlsx)"),
        help_text=_(
            "Columnas: CURP, nombre, primer apellido, segundo apellido, correo, "
            "puesto, unidad (la clave) y fecha de ingreso, en cualquier orden. "
            "Hasta 2 MB y 5,000 filas."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

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
