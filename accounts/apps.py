from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Cuentas y roles")

    def ready(self):
        # Imported here: they need the models. Importing connects their
        # user_logged_in / user_logged_out receivers.
        from . import two_factor, user_sessions  # noqa: F401
