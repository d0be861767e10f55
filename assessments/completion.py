"""Completion rules: which of the course's lessons a learner must have completed
before starting an assessment (``AssessmentPage.completion_rule``).

One home for the rule: the start page shows what ``requirement_for`` says is
missing, and ``attempt_services`` refuses a start that does not meet it. The
lessons counted are the learner lessons of the assessment's course (the module
for trainers never counts), read through ``courses.selectors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import ngettext

from courses import selectors as course_selectors
from courses.models import CoursePage

from .models import AssessmentPage

Rule = AssessmentPage.CompletionRule


@dataclass(frozen=True)
class Requirement:
    """How far a learner is from a rule: ``missing`` holds the lessons not done
    yet, in course order."""

    rule: str
    percent: int
    done: int
    total: int
    missing: tuple = ()

    @property
    def required(self) -> int:
        """Lessons needed: the percent of the total, rounded up (80 % of 26 is
        21, not 20.8), so that "at least N %" is never met below N %."""
        return -(-self.percent * self.total // 100)

    @property
    def still_needed(self) -> int:
        return max(self.required - self.done, 0)

    @property
    def met(self) -> bool:
        return self.still_needed == 0

    def message(self) -> str:
        """What is missing, in a sentence for the learner ("" when met)."""
        if self.met:
            return ""
        if self.rule == Rule.ALL_LESSONS:
            return ngettext(
                "Para comenzar necesitas completar todas las lecciones del curso: "
                "te falta %(count)s.",
                "Para comenzar necesitas completar todas las lecciones del curso: "
                "te faltan %(count)s.",
                self.still_needed,
            ) % {"count": self.still_needed}
        return ngettext(
            "Para comenzar necesitas completar al menos el %(percent)s %% de las "
            "lecciones del curso (%(required)s de %(total)s): llevas %(done)s, te "
            "falta %(count)s más.",
            "Para comenzar necesitas completar al menos el %(percent)s %% de las "
            "lecciones del curso (%(required)s de %(total)s): llevas %(done)s, te "
            "faltan %(count)s más.",
            self.still_needed,
        ) % {
            "percent": self.percent,
            "required": self.required,
            "total": self.total,
            "done": self.done,
            "count": self.still_needed,
        }


def evaluate(*, rule: str, percent: int, lessons: Sequence[tuple[object, bool]]):
    """The requirement of ``rule`` over ``lessons`` as (lesson, done) pairs."""
    share = {Rule.NONE: 0, Rule.ALL_LESSONS: 100}.get(rule, percent)
    if rule not in Rule.values:
        raise ValueError(f"unknown completion rule {rule!r}")
    return Requirement(
        rule=rule,
        percent=max(0, min(share, 100)),
        done=sum(1 for _lesson, done in lessons if done),
        total=len(lessons),
        missing=tuple(lesson for lesson, done in lessons if not done),
    )


def requirement_for(*, learner, assessment: AssessmentPage) -> Requirement | None:
    """The assessment's rule for ``learner`` over its course's learner lessons;
    None (and no query) when the assessment has no rule. Otherwise the course's
    cached tree and the learner's completions (2 queries: the token and the
    completions; 1 more when the page does not know its parent), whatever the
    number of lessons."""
    if assessment.completion_rule == Rule.NONE:
        return None
    course = _parent_course(assessment)
    lessons = []
    if course is not None:
        lessons = course_selectors.learner_lessons_done(course=course, user=learner)
    return evaluate(
        rule=assessment.completion_rule,
        percent=assessment.completion_percent,
        lessons=lessons,
    )


def _parent_course(assessment: AssessmentPage) -> CoursePage | None:
    """The course the assessment sits in (its parent, when that is a course):
    the parent routing or the start URL's page came with
    (``_cached_parent_obj``, treebeard's own cache of ``get_parent``), else one
    query."""
    parent = getattr(assessment, "_cached_parent_obj", None)
    if parent is None:
        return CoursePage.objects.parent_of(assessment).first()
    return parent if isinstance(parent, CoursePage) else None
