"""Read queries for the course tree and progress.

Each page needs a fixed handful of queries however many modules and lessons a
course has. A course's tree (its live modules, lessons and other activities) is
the same for every learner: it is read once per content change and cached
(``course_trees``). What is the learner's own (enrolment, lessons done) is one
query (``_standing``), assembled with the tree in Python.
"""

from dataclasses import dataclass, field
from functools import cache, cached_property, reduce
from operator import or_

from django.db import connections
from django.db.models import Q
from wagtail.models import Page, Site

from standards.formatting import whole_percent

from . import access, content_cache
from .blocks import PRACTICE_BLOCK_TYPES, practised_codes
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

    @cached_property
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


@dataclass(frozen=True)
class ActivityItem:
    page: Page
    url: str | None


@dataclass(frozen=True)
class EnrolmentState:
    """What the outline needs of an enrolment."""

    course_id: int
    last_lesson_id: int | None


@dataclass
class LessonItem:
    page: LessonPage
    done: bool
    url: str | None = None  # the page's URL on the site serving the outline


@dataclass
class ModuleItem:
    page: ModulePage
    lessons: list[LessonItem] = field(default_factory=list)
    url: str | None = None

    @property
    def for_trainers(self) -> bool:
        return self.page.for_trainers

    @cached_property
    def progress(self) -> Progress:
        return Progress(sum(item.done for item in self.lessons), len(self.lessons))


@dataclass
class CourseOutline:
    """A course as one person sees it. Built whole by ``_outlines``, then only
    read: what it works out is kept."""

    course: CoursePage
    modules: list[ModuleItem]
    enrolment: EnrolmentState | None

    @cached_property
    def learner_lessons(self) -> list[LessonItem]:
        """Lessons that count for progress: those of modules for learners."""
        return [
            lesson
            for module in self.modules
            if not module.for_trainers
            for lesson in module.lessons
        ]

    @cached_property
    def all_lessons(self) -> list[LessonItem]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @cached_property
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

    @cached_property
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
    audiences) and lessons (bodies not loaded) in tree order, its other live
    pages (assessments), specific, and the URL of each on one site. Cached per
    content token and site."""

    modules: tuple[ModulePage, ...]
    lessons: tuple[LessonPage, ...]
    activities: tuple[Page, ...]
    urls: dict[int, str | None]

    @property
    def learner_lessons(self) -> list[LessonPage]:
        """The lessons that count for a learner: those of the modules for
        learners (as ``CourseOutline.learner_lessons`` counts them)."""
        step = ModulePage.steplen
        for_learners = {
            module.path for module in self.modules if not module.for_trainers
        }
        return [
            lesson for lesson in self.lessons if lesson.path[:-step] in for_learners
        ]


def _build_trees(courses: list[CoursePage], request) -> dict[int, CourseTree]:
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

    urls = {
        page.pk: page.get_url(request) for page in (*modules, *lessons, *activities)
    }
    return {
        course.pk: CourseTree(
            modules=below(course, modules),
            lessons=below(course, lessons),
            activities=below(course, activities),
            urls=urls,
        )
        for course in courses
    }


def course_trees(courses: list[CoursePage], *, request=None) -> dict:
    """Course id -> CourseTree, from the cache when the content token is known
    (courses.content_cache); the courses not cached are read together. The URLs
    are those of the site serving ``request`` (None: Wagtail's default)."""
    if not courses:
        return {}
    token = content_cache.content_token(request)
    site = Site.find_for_request(request) if request is not None else None
    keys = {
        course.pk: content_cache.key("tree", course.pk, token, site and site.pk)
        for course in courses
    }
    return content_cache.get_many_or_build(
        keys,
        lambda ids: _build_trees(
            [course for course in courses if course.pk in ids], request
        ),
        token=token,
    )


_ENROLMENT, _DONE, _TRAINER_ACCESS = 0, 1, 2


@cache
def _standing_sql(alias: str, with_access: bool) -> str:
    qn = connections[alias].ops.quote_name

    def select(kind, model, ref, other=None):
        meta = model._meta
        second = qn(meta.get_field(other).column) if other else "NULL"
        return (
            f"SELECT {kind}, {qn(meta.get_field(ref).column)}, {second} "
            f"FROM {qn(meta.db_table)} WHERE {qn(meta.get_field('user').column)} = %s"
        )

    parts = [
        select(_ENROLMENT, Enrolment, "course", "last_lesson"),
        select(_DONE, LessonCompletion, "lesson"),
    ]
    if with_access:
        parts.append(select(_TRAINER_ACCESS, TrainerModuleAccess, "user"))
    return " UNION ALL ".join(parts)


def _standing(
    user, course_ids, *, for_access: bool = True
) -> tuple[dict[int, EnrolmentState], set[int]]:
    """The learner's enrolments in these courses and every lesson they completed
    (a person completes at most every lesson there is), in one query. It also
    answers, in passing, whether the modules for trainers were opened to them,
    when courses.access still has to ask (unless ``for_access`` is False: then
    the user's roles are not read either).

    Written in SQL (names from the models' _meta): it runs on every course page
    and lesson, and Django spends thirty times longer composing the same UNION
    than the database spends answering it."""
    ask_access = for_access and access.trainer_module_access_unknown(user)
    connection = connections[Enrolment.objects.db]
    sql = _standing_sql(connection.alias, ask_access)
    enrolments: dict[int, EnrolmentState] = {}
    done: set[int] = set()
    granted = False
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * sql.count("%s"))
        rows = cursor.fetchall()
    for kind, ref, last_lesson_id in rows:
        if kind == _ENROLMENT:
            if ref in course_ids:
                enrolments[ref] = EnrolmentState(ref, last_lesson_id)
        elif kind == _DONE:
            done.add(ref)
        else:
            granted = True
    if ask_access:
        access.trainer_module_access_known(user, granted)
    return enrolments, done


def _outlines(
    courses: list[CoursePage], user, request=None
) -> tuple[dict[int, CourseOutline], dict[int, CourseTree]]:
    """Each course's outline for ``user``, and the trees they were made from:
    the trees from the cache, the person's own part in one query."""
    trees = course_trees(courses, request=request)
    done_ids: set[int] = set()
    enrolments: dict[int, EnrolmentState] = {}
    if user.is_authenticated and courses:
        enrolments, done_ids = _standing(user, {course.pk for course in courses})
    show_trainer_modules = access.can_see_trainer_content(user)
    step = ModulePage.steplen
    outlines = {}
    for course in courses:
        tree = trees[course.pk]
        outline = CourseOutline(course, [], enrolments.get(course.pk))
        items: dict[str, ModuleItem] = {}
        for module in tree.modules:
            if show_trainer_modules or not module.for_trainers:
                item = ModuleItem(module, url=tree.urls.get(module.pk))
                items[module.path] = item
                outline.modules.append(item)
        for lesson in tree.lessons:
            parent = items.get(lesson.path[:-step])
            if parent is not None:  # lessons of hidden modules are left out
                parent.lessons.append(
                    LessonItem(lesson, lesson.pk in done_ids, tree.urls.get(lesson.pk))
                )
        outlines[course.pk] = outline
    return outlines, trees


def learner_lessons_done(*, course: CoursePage, user) -> list[tuple[LessonPage, bool]]:
    """The course's lessons for learners (those of its modules for learners) in
    course order, each with whether ``user`` completed it: what completion rules
    count. The outline's ``learner_lessons`` without the outline: whether the
    user may see the modules for trainers does not matter (they never count), so
    their roles are not read. The cached tree and one query."""
    lessons = course_trees([course])[course.pk].learner_lessons
    _enrolments, done = _standing(user, {course.pk}, for_access=False)
    return [(lesson, lesson.pk in done) for lesson in lessons]


def course_of(page: Page) -> CoursePage | None:
    """The course a module or lesson belongs to: from the parents routing cached
    on the page (courses.routing), else one query."""
    parent = getattr(page, "_cached_parent_obj", None)
    while parent is not None:
        if isinstance(parent, CoursePage):
            return parent
        parent = getattr(parent, "_cached_parent_obj", None)
    return CoursePage.objects.ancestor_of(page).first()


def catalogue(*, home, user, request=None) -> list[CourseOutline]:
    courses = list(CoursePage.objects.live().child_of(home).order_by("path"))
    outlines, _trees = _outlines(courses, user, request)
    return [outlines[course.pk] for course in courses]


def course_overview(*, course: CoursePage, user, request=None) -> dict:
    """The outline, and the course's live pages other than modules (its
    assessments) in tree order: apps above courses give their pages
    ``listing_badge`` (and ``listing_badge_muted``) for the course page."""
    outlines, trees = _outlines([course], user, request)
    tree = trees[course.pk]
    return {
        "outline": outlines[course.pk],
        "activities": [
            ActivityItem(page, tree.urls.get(page.pk)) for page in tree.activities
        ],
    }


def module_detail(*, module: ModulePage, user, request=None) -> dict:
    course = course_of(module)
    outlines, _trees = _outlines([course], user, request)
    outline = outlines[course.pk]
    item = next((m for m in outline.modules if m.page.pk == module.pk), None)
    return {"outline": outline, "course": course, "module_item": item}


def lesson_detail(*, lesson: LessonPage, user, request=None) -> dict:
    course = course_of(lesson)
    outlines, _trees = _outlines([course], user, request)
    outline = outlines[course.pk]
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
        "previous_lesson": sequence[index - 1] if index else None,
        "next_lesson": sequence[index + 1]
        if index is not None and index + 1 < len(sequence)
        else None,
    }


def dashboard(*, user, request=None) -> list[CourseOutline]:
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .order_by("-last_visited_at", "-enrolled_at")
    )
    courses = [e.course for e in enrolments]
    outlines, _trees = _outlines(courses, user, request)
    return [outlines[course.pk] for course in courses]


def learner_lesson_ids(course: CoursePage) -> list[int]:
    """The lessons that count for a learner's progress in ``course``
    (``CourseTree.learner_lessons``): from the cached tree, 1 query (the content
    token) when it is cached."""
    return [lesson.pk for lesson in course_trees([course])[course.pk].learner_lessons]


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


@dataclass(frozen=True)
class LessonLink:
    title: str
    url: str


def lesson_links_by_criterion(
    criterion_ids: set[int], *, request=None
) -> dict[int, list[LessonLink]]:
    """``lessons_by_criterion`` as links (title and URL on the site serving
    ``request``), kept per criterion, content token and site
    (``content_cache``): a result page lists a hundred of them, and composing
    each URL cost more than the rest of the page. No query when cached,
    besides the token."""
    if not criterion_ids:
        return {}
    token = content_cache.content_token(request)
    site = Site.find_for_request(request) if request is not None else None
    keys = {
        pk: content_cache.key("lesson-links", pk, token, site and site.pk)
        for pk in criterion_ids
    }

    def build(missing: list[int]) -> dict[int, list[LessonLink]]:
        lessons = lessons_by_criterion(set(missing))
        return {
            pk: [
                LessonLink(page.title, page.get_url(request))
                for page in lessons.get(pk, [])
            ]
            for pk in missing
        }

    return content_cache.get_many_or_build(keys, build, token=token)


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
