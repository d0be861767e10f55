"""The second factor's pages: the code step after the password, setting up an
authenticator app, the recovery codes shown once, and the page where a person
manages their second factor. Thin: the rules are in ``two_factor`` and
``two_factor_services``."""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from . import two_factor, user_sessions
from . import two_factor_services as services
from .two_factor_forms import CodeForm

CODES_KEY = "_atiende_recovery_codes"


def _next_url(request) -> str:
    """Where to go once the step is done: a path on this site, else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.isprintable() and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _show_codes(request, codes: list[str], next_url: str):
    """The codes are kept in the session only until the page that shows them
    is opened once."""
    request.session[CODES_KEY] = codes
    codes_url = reverse("accounts:two_factor_codes")
    return redirect(two_factor.with_next(codes_url, next_url))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The code step of the sign-in."""
    next_url = _next_url(request)
    state = two_factor.session_state(request)
    if state == two_factor.VERIFY and services.totp_device(request.user) is None:
        # The app was removed (an administrator reset it) since the sign-in.
        state = two_factor.session_reassess(request)
    if state != two_factor.VERIFY:
        if state == two_factor.ENROL:
            return redirect(two_factor.step_url(state, next_url))
        return redirect(next_url)
    form = CodeForm(request.POST or None, submit_label=_("Verificar"))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_check(
                user=request.user, code=form.cleaned_data["code"]
            )
        except services.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            two_factor.session_verified(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "Entraste con un código de recuperación; ya no sirve. Te "
                        "quedan %(left)d. Si perdiste tu teléfono, configura el "
                        "nuevo en «Verificación en dos pasos»."
                    )
                    % {"left": services.recovery_codes_left(request.user)},
                )
            return redirect(next_url)
    if form.is_bound:
        status = 400
    return render(
        request,
        "accounts/two_factor/verify.html",
        {"form": form, "next": next_url},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret),
    confirm with its first code, then see the recovery codes once."""
    user = request.user
    next_url = _next_url(request)
    if services.totp_device(user) is not None:
        state = two_factor.session_state(request)
        if state == two_factor.ENROL:
            # Set up meanwhile in another tab or session: its code is owed now.
            state = two_factor.session_reassess(request)
        if state == two_factor.VERIFY:
            return redirect(two_factor.step_url(two_factor.VERIFY, next_url))
        messages.info(request, _("Ya tienes configurada tu aplicación."))
        return redirect("accounts:two_factor_manage")
    device = services.totp_device_pending(user=user)
    form = CodeForm(
        request.POST or None, submit_label=_("Activar"), allow_recovery=False
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_device_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except services.CodeRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            # A new second factor: every other session of the person ends, as
            # after a password change.
            user_sessions.user_sessions_end_others(
                user=user, current_key=request.session.session_key
            )
            device.refresh_from_db()
            two_factor.session_verified(request, device)
            return _show_codes(request, codes, next_url)
    if form.is_bound:
        status = 400
    return render(
        request,
        "accounts/two_factor/enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=4, title=_("Código QR para tu aplicación de autenticación")
            ),
            "secret": services.secret_for_display(device),
            "required": two_factor.required(user),
        },
        status=status,
    )


@never_cache
@login_required
def recovery_codes(request):
    """The new recovery codes, once: a reload finds them gone."""
    codes = request.session.pop(CODES_KEY, None)
    if not codes:
        messages.info(
            request,
            _("Tus códigos de recuperación ya se mostraron; puedes generar otros."),
        )
        return redirect("accounts:two_factor_manage")
    grouped = [f"{code[:4]}-{code[4:]}" for code in codes]
    text = "\r\n".join(
        [_("Códigos de recuperación de Atiende para %(user)s") % {"user": request.user}]
        + grouped
    )
    return render(
        request,
        "accounts/two_factor/codes.html",
        {
            "codes": grouped,
            "next": _next_url(request),
            "download_href": "data:text/plain;charset=utf-8," + quote(text),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    """Status, new recovery codes, and turning the app off (or, for those who
    must use a second factor, replacing it). Both changes ask for a current
    code, so a session left open cannot change the second factor."""
    user = request.user
    device = services.totp_device(user)
    required = two_factor.required(user)
    form = CodeForm(request.POST or None)
    action = request.POST.get("action")
    status = 200
    if request.method == "POST":
        if device is None or action not in ("codes", "remove"):
            return redirect("accounts:two_factor_manage")
        if form.is_valid():
            try:
                services.second_factor_check(user=user, code=form.cleaned_data["code"])
            except services.CodeRefused as refusal:
                form.add_error("code", str(refusal))
            else:
                return _manage_change(request, action, required)
        status = 400
    return render(
        request,
        "accounts/two_factor/manage.html",
        {
            "device": device,
            "required": required,
            "codes_left": services.recovery_codes_left(user) if device else 0,
            "form": form,
            "action": action,
        },
        status=status,
    )


def _manage_change(request, action: str, required: bool):
    user = request.user
    if action == "codes":
        codes = services.recovery_codes_generate(user=user)
        messages.success(
            request, _("Generaste códigos nuevos; los anteriores ya no sirven.")
        )
        return _show_codes(request, codes, "/")
    state = two_factor.session_device_removed(request)
    user_sessions.user_sessions_end_others(
        user=user, current_key=request.session.session_key
    )
    services.two_factor_remove(user=user)
    if state == two_factor.ENROL:
        messages.info(request, _("Configura ahora tu aplicación en el teléfono nuevo."))
        return redirect(two_factor.step_url(state))
    messages.success(request, _("Desactivaste la verificación en dos pasos."))
    return redirect("accounts:two_factor_manage")
