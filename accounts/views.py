from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.views.decorators.csrf import requires_csrf_token

from . import services
from .forms import LoginForm, SetPasswordForm, SignupForm
from .inputs import InputRefused


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signup_allowed"] = settings.ATIENDE_ALLOW_SIGNUP
        return context


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link of an invitation (and, later, of a password reset): the person
    sets a password, is signed in and lands on their dashboard. A used or expired
    link shows a page that says so (Django answers it with ``validlink`` false)."""

    template_name = "accounts/set_password.html"
    form_class = SetPasswordForm
    post_reset_login = True
    success_url = reverse_lazy("portal:dashboard")


def signup(request):
    if not settings.ATIENDE_ALLOW_SIGNUP:
        raise Http404
    if request.user.is_authenticated:
        return redirect("/")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_register_learner(
            username=data["username"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("/")
    return render(request, "accounts/signup.html", {"form": form})


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
