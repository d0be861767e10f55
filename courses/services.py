"""Changes of state for enrolment and progress."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import (
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    TrainerModuleAccess,
)
from .selectors import course_of
from .signals import lesson_completed


@transaction.atomic
def course_enrol(*, user, course: CoursePage) -> Enrolment:
    enrolment, _ = Enrolment.objects.get_or_create(user=user, course=course)
    return enrolment


def lesson_visit(*, user, lesson: LessonPage) -> None:
    """Remember the last lesson opened, for "continue where you left off"."""
    course = course_of(lesson)
    if course is None:
        return
    Enrolment.objects.filter(user=user, course=course).update(
        last_lesson=lesson, last_visited_at=timezone.now()
    )


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> LessonCompletion:
    """Mark a lesson done (idempotent). Completing a lesson enrols in its course."""
    course = course_of(lesson)
    if course is not None:
        Enrolment.objects.get_or_create(user=user, course=course)
        Enrolment.objects.filter(user=user, course=course).update(
            last_lesson=lesson, last_visited_at=timezone.now()
        )
    try:
        with transaction.atomic():
            completion, _ = LessonCompletion.objects.get_or_create(
                user=user, lesson=lesson
            )
    except IntegrityError:  # a concurrent click won the race; same outcome
        completion = LessonCompletion.objects.get(user=user, lesson=lesson)
    transaction.on_commit(
        lambda: lesson_completed.send(sender=LessonPage, user=user, lesson=lesson)
    )
    return completion


@transaction.atomic
def lesson_uncomplete(*, user, lesson: LessonPage) -> None:
    LessonCompletion.objects.filter(user=user, lesson=lesson).delete()


@transaction.atomic
def trainer_module_open(*, user, by) -> TrainerModuleAccess:
    """Let ``user`` read the modules for trainers (idempotent). Who may open
    them to whom is the caller's rule (rollout's qualification)."""
    access, _ = TrainerModuleAccess.objects.get_or_create(
        user=user, defaults={"granted_by": by}
    )
    return access
