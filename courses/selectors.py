"""Read queries for the course tree and progress.

Each page needs a fixed handful of queries however many modules and lessons a
course has. A course's tree (its live modules, lessons and other activities) is
the same for every learner: it is read once per content change and cached
(``course_trees``). What is the learner's own (enrolment, lessons done) is one
query (``_standing``), assembled with the tree in Python.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import IntegerField, Q, Value
from wagtail.models import Page

from standards.formatting import whole_percent

from . import access, content_cache
from .models import (
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
    TrainerModuleAccess,
)


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
class EnrolmentState:
    """What the outline needs of an enrolment."""

    course_id: int
    last_lesson_id: int | None


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
    enrolment: EnrolmentState | None

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
    def continue_lesson(self) -> LessonItem | None:
        """Where to pick up: the last lesson opened if unfinished, else the first
        lesson not done yet."""
        lessons = self.learner_lessons
        last_id = self.enrolment.last_lesson_id if self.enrolment else None
        for item in lessons:
            if item.page.pk == last_id and not item.done:
                return item
        return next((item for item in lessons if not item.done), None)


@dataclass(frozen=True)
class CourseTree:
    """What a course shows every visitor alike: its live modules (both
    audiences) and lessons (bodies not loaded) in tree order, and its other live
    pages (assessments), specific. Cached per content token."""

    modules: tuple[ModulePage, ...]
    lessons: tuple[LessonPage, ...]
    activities: tuple[Page, ...]


def _build_trees(courses: list[CoursePage]) -> dict[int, CourseTree]:
    """3 queries plus one per type of activity, however many courses."""
    within = reduce(or_, (Q(path__startswith=course.path) for course in courses))
    modules = list(ModulePage.objects.live().filter(within).order_by("path"))
    lessons = list(
        LessonPage.objects.live().filter(within).defer_streamfields().order_by("path")
    )
    children = reduce(
        or_,
        (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses),
    )
    activities = list(
        Page.objects.live()
        .filter(children)
        .not_type(ModulePage)
        .order_by("path")
        .specific()
    )

    def below(course, pages):
        return tuple(page for page in pages if page.path.startswith(course.path))

    return {
        course.pk: CourseTree(
            modules=below(course, modules),
            lessons=below(course, lessons),
            activities=below(course, activities),
        )
        for course in courses
    }


def course_trees(courses: list[CoursePage], *, token: str | None) -> dict:
    """Course id -> CourseTree, from the cache when the content token is known
    (courses.content_cache); courses not cached are read together."""
    if not courses:
        return {}
    keys = {course.pk: content_cache.key("tree", course.pk, token) for course in courses}
    return content_cache.get_many_or_build(
        keys,
        lambda ids: _build_trees([course for course in courses if course.pk in ids]),
        token=token,
    )


_ENROLMENT, _DONE, _TRAINER_ACCESS = 0, 1, 2


def _standing(user, course_ids, lesson_ids) -> tuple[dict[int, EnrolmentState], set]:
    """The learner's enrolments in these courses and which of these lessons they
    completed, in one query. It also answers, in passing, whether the modules for
    trainers were opened to them, when courses.access still has to ask."""
    none = Value(None, output_field=IntegerField())
    rows = Enrolment.objects.filter(user=user, course_id__in=course_ids).values_list(
        Value(_ENROLMENT), "course_id", "last_lesson_id"
    )
    parts = [
        LessonCompletion.objects.filter(
            user=user, lesson_id__in=lesson_ids
        ).values_list(Value(_DONE), "lesson_id", none)
    ]
    ask_access = access.trainer_module_access_unknown(user)
    if ask_access:
        parts.append(
            TrainerModuleAccess.objects.filter(user=user).values_list(
                Value(_TRAINER_ACCESS), "user_id", none
            )
        )
    enrolments: dict[int, EnrolmentState] = {}
    done: set[int] = set()
    granted = False
    for kind, ref, last_lesson_id in rows.union(*parts, all=True):
        if kind == _ENROLMENT:
            enrolments[ref] = EnrolmentState(ref, last_lesson_id)
        elif kind == _DONE:
            done.add(ref)
        else:
            granted = True
    if ask_access:
        access.trainer_module_access_known(user, granted)
    return enrolments, done


def _outlines(courses: list[CoursePage], user, token) -> dict[int, CourseOutline]:
    trees = course_trees(courses, token=token)
    done_ids: set[int] = set()
    enrolments: dict[int, EnrolmentState] = {}
    if user.is_authenticated and courses:
        enrolments, done_ids = _standing(
            user,
            [course.pk for course in courses],
            [lesson.pk for tree in trees.values() for lesson in tree.lessons],
        )
    show_trainer_modules = access.can_see_trainer_content(user)
    step = ModulePage.steplen
    outlines = {}
    for course in courses:
        tree = trees[course.pk]
        outline = CourseOutline(course, [], enrolments.get(course.pk))
        items: dict[str, ModuleItem] = {}
        for module in tree.modules:
            if show_trainer_modules or module.audience != ModulePage.Audience.TRAINERS:
                items[module.path] = ModuleItem(module)
                outline.modules.append(items[module.path])
        for lesson in tree.lessons:
            parent = items.get(lesson.path[:-step])
            if parent is not None:  # lessons of hidden modules are left out
                parent.lessons.append(LessonItem(lesson, lesson.pk in done_ids))
        outlines[course.pk] = outline
    return outlines


def course_of(page: Page) -> CoursePage | None:
    """The course a module or lesson belongs to: from the parents routing cached
    on the page (courses.routing), else one query."""
    parent = getattr(page, "_cached_parent_obj", None)
    while parent is not None:
        if isinstance(parent, CoursePage):
            return parent
        parent = getattr(parent, "_cached_parent_obj", None)
    return CoursePage.objects.ancestor_of(page).first()


def _token(token):
    # Callers without a request (tests, commands) read the token here.
    return content_cache.content_token() if token is None else token


def catalogue(*, home, user, token: str | None = None) -> list[CourseOutline]:
    courses = list(CoursePage.objects.live().child_of(home).order_by("path"))
    outlines = _outlines(courses, user, _token(token))
    return [outlines[course.pk] for course in courses]


def course_activities(*, course: CoursePage, token: str | None = None) -> list[Page]:
    """The course's live pages other than modules (its assessments), specific, in
    tree order, from the cached tree. Apps above courses give their pages
    ``listing_badge`` (and ``listing_badge_muted``) for the course page."""
    return list(course_trees([course], token=_token(token))[course.pk].activities)


def course_overview(*, course: CoursePage, user, token: str | None = None) -> dict:
    token = _token(token)
    return {
        "outline": _outlines([course], user, token)[course.pk],
        "activities": course_activities(course=course, token=token),
    }


def module_detail(*, module: ModulePage, user, token: str | None = None) -> dict:
    course = course_of(module)
    outline = _outlines([course], user, _token(token))[course.pk]
    item = next((m for m in outline.modules if m.page.pk == module.pk), None)
    return {"outline": outline, "course": course, "module_item": item}


def lesson_detail(*, lesson: LessonPage, user, token: str | None = None) -> dict:
    course = course_of(lesson)
    outline = _outlines([course], user, _token(token))[course.pk]
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


def dashboard(*, user, token: str | None = None) -> list[CourseOutline]:
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .order_by("-last_visited_at", "-enrolled_at")
    )
    courses = [e.course for e in enrolments]
    outlines = _outlines(courses, user, _token(token))
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
