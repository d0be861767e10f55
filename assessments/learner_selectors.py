"""Read queries for the learner's side of assessments: the start page, the attempt
page, the result page and the attempt history.

Each returns plain data for a template with a fixed number of queries, however
many questions, attempts or lessons there are. Nothing here changes state, and
nothing the attempt page gets carries the answer key (see learner_answers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone

from accounts import statements
from courses import content_cache
from courses import selectors as course_selectors
from standards.formatting import whole_percent
from standards.models import Criterion, Element

from . import (
    completion,
    frozen_versions,
    learner_answers,
    payloads,
    review_policy,
)
from .attempt_services import attempt_availability
from .models import AssessmentPage, Attempt, ElementResult, Response
from .question_types import registry
from .submission import ResponseRow, attempt_grade_recorded, response_rows

# ------------------------------------------------------------------ start page


@dataclass(frozen=True)
class PlanRow:
    element: object
    criterion: object | None
    count: int
    threshold_percent: int


def start_page(*, assessment: AssessmentPage, user, now=None) -> dict:
    """Rules, plan, attempts used and left, the learner's attempts and how far
    they are from the completion rule (the lessons still missing): 3 queries (4
    for a final assessment: its certificate decides the renewal cycle), plus the
    course outline when the assessment has a completion rule."""
    now = now or timezone.now()
    rows = [
        PlanRow(row.element, row.criterion, row.count, row.threshold_percent)
        for row in assessment.blueprint_rows.select_related(
            "element", "criterion"
        ).order_by("sort_order")
    ]
    context = {
        "plan": rows,
        "question_count": sum(row.count for row in rows),
        "availability": None,
        "attempts": [],
        "requirement": None,
        "today": timezone.localdate(now),
    }
    if user.is_authenticated:
        context["availability"] = attempt_availability(
            learner=user, assessment=assessment, now=now
        )
        context["attempts"] = list(
            Attempt.objects.filter(learner=user, assessment=assessment).order_by(
                "-number"
            )
        )
        context["requirement"] = completion.requirement_for(
            learner=user, assessment=assessment
        )
    return context


# ---------------------------------------------------------------- attempt page


@dataclass(frozen=True)
class NavItem:
    """One question in the navigator and on the summary page."""

    position: int
    answered: bool
    flagged: bool


@dataclass(frozen=True)
class PageQuestion:
    """One question of the attempt page as stored: what its widget needs (the
    form is built by ``form``, only when the widget is rendered;
    ``question_render`` keeps the HTML of untouched ones)."""

    position: int
    content_hash: str
    payload: dict
    display: dict
    answer: object
    saved_at: object
    flagged: bool

    @property
    def untouched(self) -> bool:
        """Never saved nor flagged: its widget depends only on the version, the
        display order, the position and the language."""
        return self.answer is None and self.saved_at is None and not self.flagged

    def form(self, position: int | None = None):
        """The widget's form, pre-filled with the saved answer; at ``position``
        when given (``question_render`` renders a placeholder position)."""
        return learner_answers.question_form(
            position=self.position if position is None else position,
            payload=self.payload,
            display=self.display,
            answer=self.answer,
        )


# PageQuestion's fields, each read from its column; the payload is looked up by
# the version (``frozen_versions.version_payloads``).
_PAGE_QUESTION_COLUMNS = {
    "position": "position",
    "content_hash": "version__content_hash",
    "version_id": "version_id",
    "display": "display",
    "answer": "answer",
    "saved_at": "saved_at",
    "flagged": "flagged",
}


# Read by every view of the attempt page: composed once (statements.Select).
_page_questions = statements.Select(
    lambda attempt_id: (
        Response.objects.filter(attempt_id=attempt_id)
        .order_by("position")
        .values_list(*_PAGE_QUESTION_COLUMNS.values())
    ),
    fields=[Response._meta.get_field("attempt")],
)


def attempt_questions(*, attempt: Attempt, position: int | None = None) -> dict:
    """The attempt page's questions: ``questions`` in order (PageQuestion), only
    the one at ``position`` when given (one question per page); and
    ``navigator``, every question's NavItem. 1 query, and 1 more when a payload
    is not kept yet (``frozen_versions.version_payloads``)."""
    # Plain rows, not model instances: half the time for 36 questions.
    rows = [
        dict(zip(_PAGE_QUESTION_COLUMNS, row, strict=True))
        for row in _page_questions.rows(attempt.pk)
    ]
    versions = {}
    for row in rows:  # the version id is only for finding the payload
        versions[row["content_hash"]] = row.pop("version_id")
    payloads_of = frozen_versions.version_payloads(versions)
    questions, navigator = [], []
    for row in rows:
        question = PageQuestion(payload=payloads_of[row["content_hash"]], **row)
        navigator.append(
            _nav_item(question.position, question.answer, question.flagged)
        )
        if position is None or question.position == position:
            questions.append(question)
    return {"questions": questions, "navigator": navigator}


def _nav_item(position: int, answer, flagged: bool) -> NavItem:
    return NavItem(position, answer is not None, flagged)


def attempt_summary(*, attempt: Attempt) -> list[NavItem]:
    """Every question of the attempt as answered or not, flagged or not, for the
    summary page before submitting: 1 query."""
    return [
        _nav_item(*row)
        for row in Response.objects.filter(attempt_id=attempt.pk)
        .order_by("position")
        .values_list("position", "answer", "flagged")
    ]


def attempt_question_types(
    *, attempt: Attempt, position: int | None = None
) -> dict[int, tuple[str, dict]]:
    """position -> (type, display) of the attempt's questions (or of the one at
    ``position``) for reading a post: 1 query, and 1 more for the payloads the
    process does not keep."""
    # The type is read from the payload kept by content hash: the database
    # neither sends nor unpacks the payloads (the bulk of the rows).
    responses = Response.objects.filter(attempt_id=attempt.pk)
    if position is not None:
        responses = responses.filter(position=position)
    rows = list(
        responses.values_list(
            "position", "display", "version__content_hash", "version_id"
        )
    )
    shown = frozen_versions.version_payloads(
        {content_hash: version_id for _p, _d, content_hash, version_id in rows}
    )
    return {
        position: (shown[content_hash]["type"], display)
        for position, display, content_hash, _version_id in rows
    }


# ------------------------------------------------------------------ result page


@dataclass(frozen=True)
class ElementBar:
    element: object
    percent: int
    threshold_percent: int
    passed: bool
    earned: Fraction
    possible: Fraction


@dataclass
class CriterionToWork:
    criterion: Criterion
    percent: int
    threshold_percent: int
    lessons: list = field(default_factory=list)


@dataclass(frozen=True)
class ReviewItem:
    position: int
    type: str
    stem: str
    element_code: str
    criterion_code: str
    your_answer: tuple[str, ...]
    right_answer: tuple[str, ...]
    percent: int
    feedback: str
    option_feedback: tuple[str, ...]
    #: The format of ``stem`` and ``feedback`` (payloads.text_format).
    text_format: str = "plain"

    @property
    def outcome(self) -> str:
        if self.percent >= 100:
            return "right"
        return "partial" if self.percent > 0 else "wrong"


def _percent(value: Fraction) -> int:
    """A score in [0, 1] as a whole percent (standards.formatting.whole_percent)."""
    return whole_percent(value, 1)


def _answer_texts(payload: dict, answer) -> tuple[str, ...]:
    """The learner's answer as text, in the terms they were shown."""
    if answer in (None, "", [], {}):
        return ()
    return registry.get(payload["type"]).answer_texts(payload, answer)


def _right_texts(payload: dict) -> tuple[str, ...]:
    return registry.get(payload["type"]).right_texts(payload)


def _option_feedback(payload: dict, answer) -> tuple[str, ...]:
    return registry.get(payload["type"]).option_feedback(payload, answer)


def _kept_by_id(kind: str, ids: set[int], read, *, request=None) -> dict:
    """``read(missing_ids)``'s objects by id, kept per content token (which the
    standard's changes replace): no query once kept, besides the token. Shared
    by every request: read them, never change them."""
    if not ids:
        return {}
    token = content_cache.content_token(request)
    return content_cache.get_many_or_build(
        {pk: content_cache.key(kind, pk, token) for pk in ids}, read, token=token
    )


def _criteria(ids: set[int], *, request=None) -> dict[int, Criterion]:
    """Criteria with their elements (``_kept_by_id``)."""
    return _kept_by_id(
        "criterion",
        ids,
        lambda missing: Criterion.objects.select_related("element").in_bulk(missing),
        request=request,
    )


# Every result page reads them: composed once (statements.Select).
_results_of_attempt = statements.ModelSelect(ElementResult, "attempt")


def _element_results(attempt: Attempt, *, request=None) -> list[ElementResult]:
    """The attempt's results by element, in the standard's order, with their
    elements (``_kept_by_id``): 1 query once the elements are kept."""
    results = _results_of_attempt.instances(attempt.pk)
    elements = _kept_by_id(
        "element",
        {r.element_id for r in results},
        lambda missing: Element.objects.in_bulk(missing),
        request=request,
    )
    for result in results:
        result.element = elements[result.element_id]
    results.sort(key=lambda r: (r.element.order, r.element.code))
    return results


def _review_items(rows: list[ResponseRow]) -> list[ReviewItem]:
    """Each question as shown, the learner's answer and the key: the payloads
    of the versions shown and of the key versions (1 query for those the
    process does not keep)."""
    shown = frozen_versions.version_payloads(
        {r.version_hash: r.version_id for r in rows}
        | {r.key_hash: r.key_version_id for r in rows}
    )
    return [
        ReviewItem(
            position=r.position,
            type=shown[r.version_hash]["type"],
            stem=shown[r.version_hash]["stem"],
            element_code=r.element_code or "",
            criterion_code=r.criterion_code,
            your_answer=_answer_texts(shown[r.version_hash], r.answer),
            right_answer=_right_texts(shown[r.key_hash]),
            percent=_percent(r.score or Fraction(0)),
            feedback=shown[r.version_hash].get("feedback", ""),
            option_feedback=_option_feedback(shown[r.version_hash], r.answer),
            text_format=payloads.text_format(shown[r.version_hash]),
        )
        for r in rows
    ]


def attempt_result(*, attempt: Attempt, now=None, request=None) -> dict:
    """Everything the result page shows for a submitted attempt: the results by
    element and criterion with links to their lessons (on the site serving
    ``request``), and the question-by-question review when ``review_policy``
    allows it. 10 queries at most, whatever the number of questions; 6 once
    the content it shows is kept."""
    assessment = attempt.assessment
    element_results = _element_results(attempt, request=request)
    bars = [
        ElementBar(
            element=r.element,
            percent=r.percent,
            threshold_percent=_percent(r.threshold),
            passed=r.passed,
            earned=r.earned,
            possible=r.possible,
        )
        for r in element_results
    ]
    availability = attempt_availability(
        learner=attempt.learner_id, assessment=assessment, now=now
    )
    all_passed = bool(bars) and all(bar.passed for bar in bars)
    disclosure = review_policy.attempt_disclosure(
        attempt=attempt, availability=availability, all_passed=all_passed
    )
    # Plain rows, not model instances: the criteria and payloads the page shows
    # are read below, for those it shows.
    rows = response_rows(attempt.pk)

    # The criteria below their element's threshold, from the recorded scores.
    grade = attempt_grade_recorded(attempt=attempt, rows=rows)
    thresholds = {e.element: e.threshold for e in grade.elements}
    below = [c for c in grade.criteria if c.below_threshold]
    criterion_ids = {(r.element_code, r.criterion_code): r.criterion_id for r in rows}
    criteria = _criteria(
        {criterion_ids[(c.element, c.criterion)] for c in below}, request=request
    )
    to_work = [
        CriterionToWork(
            criteria[criterion_ids[(c.element, c.criterion)]],
            whole_percent(c.earned, c.possible) or 0,
            _percent(thresholds[c.element]),
        )
        for c in below
    ]
    to_work.sort(
        key=lambda c: (
            c.criterion.element.order if c.criterion.element else 0,
            c.criterion.order,
            c.criterion.code,
        )
    )
    lessons = course_selectors.lesson_links_by_criterion(
        {c.criterion.pk for c in to_work}, request=request
    )
    for item in to_work:
        item.lessons = lessons.get(item.criterion.pk, [])

    # Built only when the policy allows: what is withheld never reaches the page.
    review = _review_items(rows) if disclosure.review else []
    return {
        "bars": bars,
        "criteria_to_work": to_work,
        "study_elements": [bar.element for bar in bars if not bar.passed],
        "all_passed": all_passed,
        "review": review,
        "disclosure": disclosure,
        "availability": availability,
        "score": attempt.score or Fraction(0),
        "answered_count": sum(1 for r in rows if r.answer is not None),
        "question_count": len(rows),
    }


# ------------------------------------------------------------------- history


def learner_attempt_history(*, user) -> list[Attempt]:
    """All of the learner's attempts, newest first, with their assessment: 1
    query."""
    return list(
        Attempt.objects.filter(learner=user)
        .select_related("assessment")
        .order_by("-started_at")
    )


def assessments_in_courses(*, courses) -> list[AssessmentPage]:
    """Live assessments of these courses, in tree order: 1 query (none without
    courses)."""
    if not courses:
        return []
    within = Q()
    for course in courses:
        within |= Q(path__startswith=course.path, depth=course.depth + 1)
    return list(AssessmentPage.objects.live().filter(within).order_by("path"))
