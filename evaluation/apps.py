from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = _("Evaluación de la competencia")

    def ready(self):
        # Imported here: it needs the models, which are not loaded before ready().
        from . import audit_trail

        audit_trail.register()
