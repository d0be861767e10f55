from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_2fa, views_sessions

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        views_sessions.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/enviado/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/check_email.html", extra_context={"about": "reset"}
        ),
        name="password_reset_done",
    ),
    path("signup/", views.signup, name="signup"),
    path("signup/enviado/", views.signup_sent, name="signup_sent"),
    path(
        "activar/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="set_password",
    ),
    # Sessions and the second factor (README "Sesiones y segundo factor").
    path("sesiones/", views_sessions.session_list, name="sessions"),
    path("sesiones/<int:pk>/cerrar/", views_sessions.session_end, name="session_end"),
    path(
        "sesiones/cerrar-otras/",
        views_sessions.session_end_others,
        name="session_end_others",
    ),
    path(
        "sesiones/activa/", views_sessions.session_keepalive, name="session_keepalive"
    ),
    path("verificacion/", views_2fa.verify, name="two_factor_verify"),
    path("segundo-factor/", views_2fa.manage, name="two_factor_manage"),
    path("segundo-factor/activar/", views_2fa.enrol, name="two_factor_enrol"),
    path("segundo-factor/codigos/", views_2fa.recovery_codes, name="two_factor_codes"),
]
