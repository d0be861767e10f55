"""Receivers of signals sent by lower apps; connected in ``ComplianceConfig.ready()``.

A DC-3 is earned by the last of two events, in either order: the final passed
(``attempt_finalised``) or the last lesson completed (``lesson_completed``).
``manage.py issue_dc3`` catches up whatever a lost signal missed."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import AssessmentPage
from courses.models import CoursePage

from . import selectors, services


def on_attempt_finalised(sender, *, attempt, **kwargs) -> None:
    if attempt.assessment.mode != AssessmentPage.Mode.FINAL or not attempt.competent:
        return
    for course in CoursePage.objects.ancestor_of(attempt.assessment):
        services.dc3_issue_for(worker=attempt.learner, course=course)


def on_lesson_completed(sender, *, user, lesson, **kwargs) -> None:
    for course in CoursePage.objects.ancestor_of(lesson):
        services.dc3_issue_for(worker=user, course=course)


def dc3_verification_url(code: str) -> str | None:
    """For the public verification: a DC-3's page when ``code`` is one."""
    if selectors.dc3_by_code(code) is None:
        return None
    return reverse("compliance:verify", args=[code])
