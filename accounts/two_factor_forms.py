"""The one field of every second-factor form: a code from the app or, where
allowed, a recovery code. Typed on phones and copied from print-outs, so spaces
and hyphens are ignored and case does not matter."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

APP_CODE = re.compile(r"\d{6}")
# django-otp's static tokens: 8 characters of lower-case base32.
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Código"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, submit_label=None, allow_recovery=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        if allow_recovery:
            self.fields["code"].help_text = _(
                "Los 6 dígitos que muestra tu aplicación de autenticación, o uno de "
                "tus códigos de recuperación."
            )
        else:
            self.fields["code"].help_text = _(
                "Los 6 dígitos que muestra tu aplicación de autenticación."
            )
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if submit_label:
            self.helper.add_input(Submit("submit", submit_label))

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if APP_CODE.fullmatch(code):
            return code
        if self.allow_recovery and RECOVERY_CODE.fullmatch(code):
            return code
        if self.allow_recovery:
            raise forms.ValidationError(
                _(
                    "Escribe los 6 dígitos de tu aplicación o un código de "
                    "recuperación de 8 caracteres."
                )
            )
        raise forms.ValidationError(_("Escribe los 6 dígitos de tu aplicación."))
