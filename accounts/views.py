from axes.decorators import axes_dispatch
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import requires_csrf_token

from . import backends, services
from .forms import LoginForm, PasswordResetForm, SetPasswordForm, SignupForm
from .inputs import InputRefused
from .rate_limits import posted_email, refusal


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signup_allowed"] = settings.ATIENDE_ALLOW_SIGNUP
        return context


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link of an invitation, of a sign-up and of a password reset: the
    person sets a password, is signed in and lands on their dashboard. A used or
    expired link shows a page that says so (Django answers it with ``validlink``
    false)."""

    template_name = "accounts/set_password.html"
    form_class = SetPasswordForm
    post_reset_login = True
    # The link proves the mailbox: sign in without asking the lock-out backend.
    post_reset_login_backend = backends.PATH
    success_url = reverse_lazy("portal:dashboard")


def _mail_refusal(request, *, group: str, setting: str):
    """The 429 page when a form that sends e-mail was used too often, per client
    address or per address written in it."""
    return refusal(request, group=group, setting=setting) or refusal(
        request,
        group="accounts:email-to-address",
        setting="ATIENDE_EMAIL_PER_ADDRESS_RATE_LIMIT",
        key=posted_email,
    )


# A client address locked out of signing in may not ask for reset e-mails
# either (an account locked at one address only still may, from any other).
@method_decorator(axes_dispatch, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an address; the page that follows says the same whether an
    account has it or not."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        refused = _mail_refusal(
            self.request,
            group="accounts:password-reset",
            setting="ATIENDE_PASSWORD_RESET_RATE_LIMIT",
        )
        return refused or super().form_valid(form)


def signup(request):
    """Sign-up: a valid form always ends on the same "revisa tu correo" page,
    whether the username or the address exist (services.user_sign_up)."""
    if not settings.ATIENDE_ALLOW_SIGNUP:
        raise Http404
    if request.user.is_authenticated:
        return redirect("/")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = _mail_refusal(
            request, group="accounts:signup", setting="ATIENDE_SIGNUP_RATE_LIMIT"
        )
        if refused:
            return refused
        services.user_sign_up(**form.cleaned_data)
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


def signup_sent(request):
    if not settings.ATIENDE_ALLOW_SIGNUP:
        raise Http404
    return render(request, "accounts/check_email.html", {"about": "signup"})


def bad_request(request, exception=None):
    """The 400 page. It names what was wrong when our own input rules refused
    the request (``InputRefused`` carries a message for the person); Django's
    other 400s (a bad Host header, a broken upload) get the general text. Rendered
    without a request context, like the 500 page: the request may carry the very
    input (a NUL in the session cookie) that a context processor would choke on."""
    message = str(exception) if isinstance(exception, InputRefused) else ""
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render({"message": message}))


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # Rendered without a request context: a failing context processor or database
    # must not turn the error page itself into another error.
    return HttpResponseServerError(loader.get_template("500.html").render())
