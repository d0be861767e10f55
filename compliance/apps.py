from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import navigation as main_navigation
from assessments.signals import attempt_finalised
from certificates import verification
from courses.signals import lesson_completed
from rollout import cohort_links


class ComplianceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "compliance"
    verbose_name = _("Cumplimiento (DC-3)")

    def ready(self):
        # Imported here: they need the models, which are not loaded before ready().
        from . import audit_trail, navigation, receivers

        main_navigation.register(navigation.main_entries)
        cohort_links.register(navigation.cohort_links)

        attempt_finalised.connect(
            receivers.on_attempt_finalised, dispatch_uid="compliance.dc3_on_final"
        )
        lesson_completed.connect(
            receivers.on_lesson_completed, dispatch_uid="compliance.dc3_on_lesson"
        )
        verification.register(receivers.dc3_verification_url)
        audit_trail.register()
