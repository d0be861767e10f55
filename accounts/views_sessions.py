"""The "Mis sesiones" page (a person's signed-in sessions; ending any other one
or all of them), the password change, which ends the others, and the attempt
page's keep-alive ping. Thin: the rules are in ``user_sessions``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import forms, user_sessions
from .models import UserSession


@never_cache
@login_required
@require_GET
def session_list(request):
    sessions = user_sessions.active_sessions(
        user=request.user, current_key=request.session.session_key
    )
    return render(
        request,
        "accounts/sessions/list.html",
        {
            "sessions": sessions,
            "others": sum(1 for s in sessions if not s.current),
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


def _own_session(request, pk: int) -> UserSession:
    """One of the person's own sessions; anybody else's answers 404, as a
    session that does not exist does."""
    session = UserSession.objects.filter(pk=pk, user=request.user).first()
    if session is None:
        raise Http404
    return session


@login_required
@require_POST
def session_end(request, pk: int):
    session = _own_session(request, pk)
    if session.session_key == request.session.session_key:
        messages.info(request, _("Para cerrar esta sesión usa «Cerrar sesión»."))
    else:
        user_sessions.user_session_end(session=session)
        messages.success(request, _("Cerraste la sesión."))
    return redirect("accounts:sessions")


@login_required
@require_POST
def session_end_others(request):
    ended = user_sessions.user_sessions_end_others(
        user=request.user, current_key=request.session.session_key
    )
    if ended:
        message = ngettext(
            "Cerraste %(count)d sesión.", "Cerraste %(count)d sesiones.", ended
        ) % {"count": ended}
    else:
        message = _("No tenías otras sesiones abiertas.")
    messages.success(request, message)
    return redirect("accounts:sessions")


@never_cache
@require_GET
def session_keepalive(request):
    """Pinged by the attempt page while its clock runs: a request, so the
    session's idle limit starts again (SessionActivityMiddleware)."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change keeps this session (update_session_auth_hash)
    and the others stop working at their next request; they are also ended
    here, so that "Mis sesiones" and the session store agree at once."""

    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        user_sessions.user_sessions_end_others(
            user=self.request.user, current_key=self.request.session.session_key
        )
        return super().form_valid(form)
