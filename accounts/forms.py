from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import invitations


class _CrispyMixin:
    submit_label = _("Enviar")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


def password_rules() -> list[str]:
    """What a new password needs, one line per configured validator, said to
    the person (tú) as advice rather than as an error; a validator this does
    not know keeps its own help text."""
    rules = []
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            rules.append(
                ngettext(
                    "Que tenga al menos %(count)d carácter.",
                    "Que tenga al menos %(count)d caracteres.",
                    validator.min_length,
                )
                % {"count": validator.min_length}
            )
        elif isinstance(
            validator, password_validation.UserAttributeSimilarityValidator
        ):
            rules.append(_("Que no se parezca a tu nombre, tu usuario ni tu correo."))
        elif isinstance(validator, password_validation.CommonPasswordValidator):
            rules.append(_("Que no sea una contraseña de uso común."))
        elif isinstance(validator, password_validation.NumericPasswordValidator):
            rules.append(_("Que no sea solo números."))
        else:
            rules.append(validator.get_help_text())
    return rules


def password_rules_help_text() -> str:
    return format_html(
        '{}<ul class="mb-0">{}</ul>',
        _("Elige una contraseña:"),
        format_html_join("", "<li>{}</li>", ((rule,) for rule in password_rules())),
    )


class _NewPasswordMixin:
    """The new password's rules as help text, in tú."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rules_help_text()


class LoginForm(_CrispyMixin, auth_forms.AuthenticationForm):
    submit_label = _("Iniciar sesión")


class PasswordChangeForm(
    _NewPasswordMixin, _CrispyMixin, auth_forms.PasswordChangeForm
):
    submit_label = _("Cambiar contraseña")


class SignupForm(_CrispyMixin, forms.Form):
    """Who is signing up. Whether the username or the address is taken is never
    said here (``services.user_sign_up`` answers by e-mail); the password is
    chosen through the link that e-mail carries."""

    submit_label = _("Crear cuenta")
    username = auth_forms.UsernameField(
        label=_("Nombre de usuario"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_(
            "Con él entrarás a Atiende. Hasta 150 caracteres: letras, números y "
            "@ . + - _ (sin espacios)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    first_name = forms.CharField(label=_("Nombre(s)"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150)
    email = forms.EmailField(
        label=_("Correo electrónico"),
        max_length=254,
        help_text=_("Te enviaremos un enlace para definir tu contraseña."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PasswordResetForm(_CrispyMixin, auth_forms.PasswordResetForm):
    """Asks for the address; sends the set-password link to every active
    account that has it, including accounts whose password was never set (an
    invitation that expired or got lost): the link only ever reaches the
    mailbox on file, as the invitation did."""

    submit_label = _("Enviar enlace")
    email = forms.EmailField(
        label=_("Correo electrónico"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def save(self, **kwargs):
        """Send the link (Django's own e-mail is replaced by ours, which links to
        the public address and the set-password page)."""
        for user in self.get_users(self.cleaned_data["email"]):
            invitations.password_reset_message(user).send()


class SetPasswordForm(_NewPasswordMixin, _CrispyMixin, auth_forms.SetPasswordForm):
    submit_label = _("Guardar contraseña")
