from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Cuentas y roles")

    def ready(self):
        # Imported here: it needs the models, which are not loaded before ready().
        from . import audit_trail

        audit_trail.register()
