from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import navigation as main_navigation
from accounts import role_facts, two_factor_rules
from assessments.signals import attempt_finalised


class RolloutConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rollout"
    verbose_name = _("Despliegue")

    def ready(self):
        # Imported here: they need the models, which are not loaded before ready().
        from . import audit_trail, navigation, notifications, qualification, receivers

        notifications.register_kinds()
        role_facts.register(qualification.SIGNED_OFF, qualification.passed_sign_offs)
        main_navigation.register(navigation.main_entries)
        audit_trail.register()
        # Multiplicadores see their units' people and attendance: like the staff
        # roles, they sign in with a second factor.
        two_factor_rules.register(qualification.is_multiplicador)
        attempt_finalised.connect(
            receivers.on_attempt_finalised, dispatch_uid="rollout.ready_for_evaluation"
        )
