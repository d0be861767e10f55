"""The administrators' screen of sign-in lock-outs (Wagtail admin, superusers
only): who is locked out now, and a button to lift each lock. The same can be
done from the command line with django-axes' ``axes_reset*`` commands."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import lockout


def _require_superuser(user) -> None:
    if not user.is_superuser:
        raise PermissionDenied


class UnlockForm(forms.Form):
    ip_address = forms.GenericIPAddressField(required=False)
    username = forms.CharField(required=False, max_length=255)

    def clean(self):
        data = super().clean()
        if not data.get("ip_address") and not data.get("username"):
            raise forms.ValidationError(_("Indica qué bloqueo quieres quitar."))
        return data


@require_GET
def lockouts(request):
    _require_superuser(request.user)
    return TemplateResponse(
        request,
        "accounts/admin/lockouts.html",
        {"lockouts": lockout.current_lockouts(), "form": UnlockForm()},
    )


@require_POST
def lockout_unlock(request):
    _require_superuser(request.user)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(form.errors.get("__all__", []))
            or _("Esa dirección no es válida."),
        )
        return redirect("accounts_lockouts")
    lockout.lockout_clear(
        ip_address=form.cleaned_data["ip_address"] or None,
        username=form.cleaned_data["username"] or None,
    )
    messages.success(request, _("Se quitó el bloqueo."))
    return redirect("accounts_lockouts")
