"""The notification preferences page and the one-click unsubscribe link.
Thin: the rules are in ``notifications`` and ``notification_services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import notification_services as services
from . import notifications


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    if request.method == "POST":
        try:
            services.notification_preferences_save(
                user=user, enabled=request.POST.getlist("kind")
            )
        except services.NotificationRefused as refusal:
            messages.error(request, str(refusal))
            return _preferences_page(request, status=400)
        messages.success(request, _("Tus preferencias de avisos se guardaron."))
        return redirect("notifications:preferences")
    return _preferences_page(request)


def _preferences_page(request, status=200):
    off = notifications.opted_out(request.user)
    rows = [
        {"kind": kind, "on": kind.mandatory or kind.code not in off}
        for kind in notifications.kinds_for(request.user)
    ]
    return render(
        request,
        "accounts/notifications/preferences.html",
        {"rows": rows},
        status=status,
    )


def _invalid(request):
    template = "accounts/notifications/unsubscribe_invalid.html"
    return render(request, template, status=400)


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks to confirm (mail scanners follow links: no change on GET); POST
    turns the kind off. Works without signing in: the signed token is the proof."""
    read = notifications.read_unsubscribe_token(token)
    if read is None:
        return _invalid(request)
    user_id, code = read
    kind = notifications.get(code)
    person = get_user_model().objects.filter(pk=user_id).first()
    if kind is None or kind.mandatory or person is None:
        return _invalid(request)
    context = {"kind": kind, "person": person, "token": token}
    if request.method == "POST":
        services.notification_opt_out(user=person, code=code)
        return render(request, "accounts/notifications/unsubscribe_done.html", context)
    return render(request, "accounts/notifications/unsubscribe.html", context)
