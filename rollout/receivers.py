"""Receivers of signals sent by lower apps; connected in ``RolloutConfig.ready()``."""

from __future__ import annotations

from assessments.models import AssessmentPage

from . import notification_services


def on_attempt_finalised(sender, *, attempt, **kwargs) -> None:
    """A final passed may make a cohort member ready for evaluation."""
    if attempt.assessment.mode != AssessmentPage.Mode.FINAL:
        return
    notification_services.ready_notify(attempt=attempt)
