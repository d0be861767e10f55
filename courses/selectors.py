"""Read queries for the course tree and progress.

Each page needs a fixed handful of queries however many modules and lessons a
course has: modules, lessons, the learner's enrolments and completions, each fetched
once and assembled in Python.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from wagtail.models import Page

from standards.formatting import whole_percent

from . import access
from .blocks import PRACTICE_BLOCK_TYPES, practised_codes
from .models import CoursePage, Enrolment, LessonCompletion, LessonPage, ModulePage


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        """Lessons done as a whole percent (standards.formatting.whole_percent):
        2 of 3 is 67, 199 of 200 is 99, never 100 until every lesson is done."""
        return whole_percent(self.done, self.total) or 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


@dataclass(frozen=True)
class Duration:
    """A length of time in whole minutes, read as hours and minutes."""

    total_minutes: int

    @property
    def hours(self) -> int:
        return self.total_minutes // 60

    @property
    def minutes(self) -> int:
        return self.total_minutes % 60


@dataclass
class LessonItem:
    page: LessonPage
    done: bool


@dataclass
class ModuleItem:
    page: ModulePage
    lessons: list[LessonItem] = field(default_factory=list)

    @property
    def for_trainers(self) -> bool:
        return self.page.audience == ModulePage.Audience.TRAINERS

    @property
    def progress(self) -> Progress:
        return Progress(sum(item.done for item in self.lessons), len(self.lessons))


@dataclass
class CourseOutline:
    course: CoursePage
    modules: list[ModuleItem]
    enrolment: Enrolment | None

    @property
    def learner_lessons(self) -> list[LessonItem]:
        """Lessons that count for progress: those of modules for learners."""
        return [
            lesson
            for module in self.modules
            if not module.for_trainers
            for lesson in module.lessons
        ]

    @property
    def all_lessons(self) -> list[LessonItem]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def progress(self) -> Progress:
        lessons = self.learner_lessons
        return Progress(sum(item.done for item in lessons), len(lessons))

    @property
    def duration(self) -> Duration:
        """The course's duration: the estimated minutes of its lessons for
        learners (reading, checks and practice activities), as the DC-3 counts
        them. Nothing is typed in by hand, so it cannot drift from the lessons."""
        return Duration(sum(item.page.minutes for item in self.learner_lessons))

    @property
    def trainer_duration(self) -> Duration:
        """The minutes of the modules for trainers shown in this outline."""
        return Duration(
            sum(
                item.page.minutes
                for module in self.modules
                if module.for_trainers
                for item in module.lessons
            )
        )

    @property
    def continue_lesson(self) -> LessonItem | None:
        """Where to pick up: the last lesson opened if unfinished, else the first
        lesson not done yet."""
        lessons = self.learner_lessons
        last_id = self.enrolment.last_lesson_id if self.enrolment else None
        for item in lessons:
            if item.page.pk == last_id and not item.done:
                return item
        return next((item for item in lessons if not item.done), None)


def _outlines(courses: list[CoursePage], user) -> dict[int, CourseOutline]:
    if not courses:
        return {}
    within = reduce(or_, (Q(path__startswith=course.path) for course in courses))
    show_trainer_modules = access.can_see_trainer_content(user)
    modules = ModulePage.objects.live().filter(within).order_by("path")
    if not show_trainer_modules:
        modules = modules.exclude(audience=ModulePage.Audience.TRAINERS)
    modules = list(modules)
    lessons = list(
        LessonPage.objects.live().filter(within).defer_streamfields().order_by("path")
    )
    done_ids: set[int] = set()
    enrolments: dict[int, Enrolment] = {}
    if user.is_authenticated:
        done_ids = set(
            LessonCompletion.objects.filter(
                user=user, lesson_id__in=[lesson.pk for lesson in lessons]
            ).values_list("lesson_id", flat=True)
        )
        enrolments = {
            e.course_id: e
            for e in Enrolment.objects.filter(user=user, course__in=courses)
        }
    outlines = {
        course.pk: CourseOutline(course, [], enrolments.get(course.pk))
        for course in courses
    }
    module_items: dict[str, ModuleItem] = {}
    for module in modules:
        course = next(c for c in courses if module.path.startswith(c.path))
        item = ModuleItem(module)
        outlines[course.pk].modules.append(item)
        module_items[module.path] = item
    step = ModulePage.steplen
    for lesson in lessons:
        parent = module_items.get(lesson.path[:-step])
        if parent is not None:  # lessons of hidden modules are left out
            parent.lessons.append(LessonItem(lesson, lesson.pk in done_ids))
    return outlines


def catalogue(*, home, user) -> list[CourseOutline]:
    courses = list(CoursePage.objects.live().child_of(home).order_by("path"))
    outlines = _outlines(courses, user)
    return [outlines[course.pk] for course in courses]


def course_activities(*, course: CoursePage) -> list[Page]:
    """The course's live pages other than modules (its assessments), specific, in
    tree order: one query plus one per page type. Apps above courses give their
    pages ``listing_badge`` (and ``listing_badge_muted``) for the course page."""
    return list(
        Page.objects.live()
        .child_of(course)
        .not_type(ModulePage)
        .order_by("path")
        .specific()
    )


def course_overview(*, course: CoursePage, user) -> dict:
    outline = _outlines([course], user)[course.pk]
    return {"outline": outline, "activities": course_activities(course=course)}


def module_detail(*, module: ModulePage, user) -> dict:
    course = CoursePage.objects.ancestor_of(module).first()
    outline = _outlines([course], user)[course.pk]
    item = next((m for m in outline.modules if m.page.pk == module.pk), None)
    return {"outline": outline, "course": course, "module_item": item}


def lesson_detail(*, lesson: LessonPage, user) -> dict:
    course = CoursePage.objects.ancestor_of(lesson).first()
    outline = _outlines([course], user)[course.pk]
    sequence = outline.all_lessons
    index = next(
        (i for i, item in enumerate(sequence) if item.page.pk == lesson.pk), None
    )
    module_item = next(
        (m for m in outline.modules if any(i.page.pk == lesson.pk for i in m.lessons)),
        None,
    )
    return {
        "outline": outline,
        "course": course,
        "module_item": module_item,
        "lesson_done": index is not None and sequence[index].done,
        "previous_lesson": sequence[index - 1].page if index else None,
        "next_lesson": sequence[index + 1].page
        if index is not None and index + 1 < len(sequence)
        else None,
    }


def dashboard(*, user) -> list[CourseOutline]:
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .order_by("-last_visited_at", "-enrolled_at")
    )
    courses = [e.course for e in enrolments]
    outlines = _outlines(courses, user)
    return [outlines[course.pk] for course in courses]


def learner_lesson_ids(course: CoursePage) -> list[int]:
    """The lessons that count for a learner's progress in ``course``, as the
    outlines count them (``CourseOutline.learner_lessons``): live lessons of
    live modules that are not for trainers. 2 queries."""
    modules = set(
        ModulePage.objects.live()
        .descendant_of(course)
        .exclude(audience=ModulePage.Audience.TRAINERS)
        .values_list("path", flat=True)
    )
    if not modules:
        return []
    step = ModulePage.steplen
    return [
        pk
        for pk, path in LessonPage.objects.live()
        .descendant_of(course)
        .values_list("pk", "path")
        if path[:-step] in modules
    ]


def lessons_by_criterion(criterion_ids: set[int]) -> dict[int, list]:
    """Live lessons for learners (not in trainer modules) tagged with these
    criteria, in tree order: 3 queries at most."""
    if not criterion_ids:
        return {}
    through = LessonPage.criteria.through
    links = list(
        through.objects.filter(criterion_id__in=criterion_ids).values_list(
            "criterion_id", "lessonpage_id"
        )
    )
    if not links:
        return {}
    trainer_paths = tuple(
        ModulePage.objects.filter(audience=ModulePage.Audience.TRAINERS).values_list(
            "path", flat=True
        )
    )
    lessons = {
        lesson.pk: lesson
        for lesson in LessonPage.objects.live()
        .filter(pk__in={lesson_id for _c, lesson_id in links})
        .defer_streamfields()
        if not lesson.path.startswith(trainer_paths or ("\0",))
    }
    result: dict[int, list] = {}
    for criterion_id, lesson_id in links:
        if lesson_id in lessons:
            result.setdefault(criterion_id, []).append(lessons[lesson_id])
    for values in result.values():
        values.sort(key=lambda page: page.path)
    return result


def trainers_module_completed(user_ids) -> set[int]:
    """Of these people (ids or a queryset of them), those who completed a
    trainers' module: every live lesson of a live module for trainers (a module
    without live lessons counts for nobody). 3 queries, however many people."""
    modules = [
        module.path
        for module in ModulePage.objects.live().filter(
            audience=ModulePage.Audience.TRAINERS
        )
    ]
    if not modules:
        return set()
    lessons: dict[int, str] = {}  # lesson id -> its module's path
    for pk, path in (
        LessonPage.objects.live()
        .filter(reduce(or_, (Q(path__startswith=path) for path in modules)))
        .values_list("pk", "path")
    ):
        lessons[pk] = next(m for m in modules if path.startswith(m))
    needed: dict[str, set[int]] = {}
    for pk, module in lessons.items():
        needed.setdefault(module, set()).add(pk)
    done: dict[int, set[int]] = {}
    for user_id, lesson_id in LessonCompletion.objects.filter(
        user_id__in=user_ids, lesson_id__in=list(lessons)
    ).values_list("user_id", "lesson_id"):
        done.setdefault(user_id, set()).add(lesson_id)
    return {
        user_id
        for user_id, completed in done.items()
        if any(completed >= ids for ids in needed.values())
    }


def practice_lessons_by_criterion() -> dict[str, list[LessonPage]]:
    """Criterion code -> the lessons (live or draft, in tree order) whose practice
    activities (role-plays, self-checks) are tagged with it: 1 query. The
    bodies are read as raw data, so no block is rendered or validated."""
    lessons = (
        LessonPage.objects.filter(
            reduce(or_, (Q(body__icontains=kind) for kind in PRACTICE_BLOCK_TYPES))
        )
        .only("pk", "title", "path", "live", "body")
        .order_by("path")
    )
    result: dict[str, list[LessonPage]] = {}
    for lesson in lessons:
        for code in sorted(practised_codes(lesson.body)):
            result.setdefault(code, []).append(lesson)
    return result
