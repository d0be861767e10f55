from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _


class _CrispyMixin:
    submit_label = _("Enviar")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class LoginForm(_CrispyMixin, auth_forms.AuthenticationForm):
    submit_label = _("Iniciar sesión")


class PasswordChangeForm(_CrispyMixin, auth_forms.PasswordChangeForm):
    submit_label = _("Cambiar contraseña")


class SignupForm(_CrispyMixin, auth_forms.UserCreationForm):
    submit_label = _("Crear cuenta")
    first_name = forms.CharField(label=_("Nombre(s)"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150)
    email = forms.EmailField(label=_("Correo electrónico"))

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Ya existe una cuenta con este correo."))
        return email


class SetPasswordForm(_CrispyMixin, auth_forms.SetPasswordForm):
    submit_label = _("Guardar contraseña")
