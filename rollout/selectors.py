"""Read queries of the roster screens (cohorts have ``cohort_selectors``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import QuerySet

from courses.models import CoursePage

from . import access

User = get_user_model()


def roster_courses() -> QuerySet:
    """The courses a roster may enrol people into: the live ones."""
    return CoursePage.objects.live().order_by("title")


def default_roster_course(courses: QuerySet | None = None) -> CoursePage | None:
    """The course to enrol into when nobody chooses: the only live course, if
    there is exactly one."""
    found = list((roster_courses() if courses is None else courses)[:2])
    return found[0] if len(found) == 1 else None


def roster_course_by_slug(slug: str) -> CoursePage | None:
    return roster_courses().filter(slug=slug).first()


def pending_invitations(*, user) -> QuerySet:
    """The people of ``user``'s units who have not set a password yet (their
    account was made by the roster), with their unit: one query per page."""
    return (
        access.people_visible_to(
            user,
            User.objects.filter(
                is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
            ),
        )
        .select_related("staff", "staff__unit")
        .order_by("last_name", "first_name", "username")
    )
