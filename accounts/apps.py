from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Cuentas y roles")

    def ready(self):
        # Imported here: they need the models, which are not loaded before ready().
        # Importing two_factor and user_sessions connects their user_logged_in /
        # user_logged_out receivers.
        from . import audit_trail, two_factor, user_sessions  # noqa: F401

        audit_trail.register()
