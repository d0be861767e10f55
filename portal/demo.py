"""Demo accounts for a first run: one per role, all with the public demo password."""

import random

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction

from accounts import roles
from assessments import payloads
from assessments.attempt_services import (
    AttemptNotAllowed,
    attempt_save_answer,
    attempt_start,
    attempt_submit,
)
from assessments.models import AssessmentPage
from assessments.question_types import registry
from courses.models import CoursePage, LessonPage, ModulePage
from courses.services import course_enrol, lesson_complete

DEMO_USERS = [
    # username, first name, last name, group (None: superuser)
    ("aprendiz", "Ana", "Aprendiz Gómez", roles.LEARNERS),
    ("instructor", "Iván", "Instructor Ruiz", roles.TRAINERS),
    ("rh", "Rocío", "Hernández Salas", roles.HR),
    ("admin", "Admin", "Atiende", None),
    # A learner who already passed the final assessment and holds a certificate.
    ("egresada", "María José", "Núñez Peña", roles.LEARNERS),
]
GRADUATE = "egresada"
FINAL_ASSESSMENT_SLUG = "evaluacion-final-ec0305"


@transaction.atomic
def demo_users_create() -> list[str]:
    """Create the demo users that are missing; return the usernames created."""
    created = []
    for username, first, last, group in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@atiende.local",
                "is_superuser": group is None,
                "is_staff": group is None,
            },
        )
        if was_created:
            user.set_password(settings.ATIENDE_DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(username)
        if group is not None:
            user.groups.add(Group.objects.get(name=group))
    return created


def right_answer(key):
    """The raw answer that earns full marks for an answer key (as a learner's
    browser would post it)."""
    return registry.get(key.type).right_answer(key)


def demo_graduate_certify():
    """`egresada` completes the EC0305 course and passes its final assessment
    through the real services (start, save every right answer, submit), which
    issues her certificate. Skipped (None) when she already holds a certificate,
    or when the course is not loaded; otherwise returns the certificate."""
    user = User.objects.filter(username=GRADUATE).first()
    if user is None or user.certificates.exists():
        return None
    assessment = (
        AssessmentPage.objects.live()
        .filter(mode=AssessmentPage.Mode.FINAL, slug=FINAL_ASSESSMENT_SLUG)
        .first()
    )
    course = CoursePage.objects.ancestor_of(assessment).first() if assessment else None
    if course is None:
        return None
    course_enrol(user=user, course=course)
    learner_modules = ModulePage.objects.child_of(course).filter(
        audience=ModulePage.Audience.LEARNERS
    )
    for module in learner_modules:
        for lesson in LessonPage.objects.live().child_of(module):
            lesson_complete(user=user, lesson=lesson)
    try:
        attempt = attempt_start(
            learner=user, assessment=assessment, rng=random.Random(305)
        )
    except AttemptNotAllowed:
        return None
    for response in attempt.responses.select_related("version").order_by("position"):
        key = payloads.answer_key(response.version.payload)
        attempt_save_answer(
            attempt=attempt, position=response.position, raw_answer=right_answer(key)
        )
    attempt = attempt_submit(attempt=attempt)
    return user.certificates.filter(judgement__attempt=attempt).first()
