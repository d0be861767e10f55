"""Who may reach which attempt: one place for the check every attempt view makes.
And who may manage the question bank and read results in the admin."""

import copy

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Exists, F, OuterRef
from django.db.models.functions import Cast
from django.db.models.lookups import StartsWith
from django.http import Http404
from wagtail.models import PageViewRestriction

from accounts import roles, statements
from courses import content_cache

from .models import AssessmentPage, Attempt

# The largest id a row can have (a signed 64-bit integer, on both databases).
LARGEST_ID = 2**63 - 1


def get_own_attempt_or_404(user, attempt_uuid) -> Attempt:
    """The user's own attempt, or 404.

    An attempt belongs to its learner only: another learner, a trainer or HR get
    the same 404 as for an attempt that does not exist, so a uuid reveals
    nothing. Trainers read attempts through the admin, not these pages.
    """
    if not user.is_authenticated:
        raise Http404
    try:
        found = _own_attempt.instances(attempt_uuid, user.pk)
    except ValidationError as error:  # not a uuid
        raise Http404 from error
    if not found:
        raise Http404
    [attempt] = found
    attempt.assessment = _attempt_assessment(attempt.assessment_id)
    return attempt


# Read by every request of an attempt: composed once (statements.Select).
_own_attempt = statements.ModelSelect(Attempt, "uuid", "learner")


def _attempt_assessment(assessment_id: int) -> AssessmentPage:
    """An attempt's assessment page, live or not. The attempt views read it on
    every request; kept (``_kept_page``), it costs less than joining the page's
    columns to the attempt's, and the request reads the token once anyway."""
    return _kept_page(
        "attempt-assessment",
        assessment_id,
        lambda: AssessmentPage.objects.get(pk=assessment_id),
    )


def _kept_page(kind: str, assessment_id: int, build, request=None) -> AssessmentPage:
    """``build()``'s page kept in this process's memory per content token
    (``courses.content_cache``: publishing, moving or restricting a page makes a
    new one), a copy of its own for each call; built afresh without a token."""
    token = content_cache.content_token(request)
    if token is None:
        return build()
    page = content_cache.memo.get_or_build(
        content_cache.key(kind, token, assessment_id), build
    )
    return copy.copy(page)


def get_live_assessment_or_404(assessment_id: int, request=None) -> AssessmentPage:
    """A live assessment page by id, for starting it outside Wagtail's routing
    (which costs a query per level of the tree), annotated ``restricted``:
    whether a view restriction (a private page) applies to it or to one of its
    ancestors. Kept in this process's memory per content token
    (``courses.content_cache``: publishing, moving or restricting a page makes a
    new one); each call gets its own copy, with its parent page
    (``get_parent`` needs no query). 1 query (the token; without one, the page
    and its parent, 3; none for an id no row can have)."""
    if not 0 < assessment_id <= LARGEST_ID:
        # SQLite cannot even bind a larger integer (OverflowError, a 500).
        raise Http404
    return _kept_page(
        "live-assessment",
        assessment_id,
        lambda: _live_assessment(assessment_id),
        request,
    )


def _live_assessment(assessment_id: int) -> AssessmentPage:
    restrictions = PageViewRestriction.objects.filter(
        StartsWith(Cast(OuterRef("path"), CharField()), F("page__path"))
    )
    page = (
        AssessmentPage.objects.live()
        .filter(pk=assessment_id)
        .annotate(restricted=Exists(restrictions))
        .first()
    )
    if page is None:
        raise Http404
    # Its parent too, as routing gives it (treebeard's get_parent cache): the
    # completion rule reads its course on every start.
    page._cached_parent_obj = page.get_parent().specific
    return page


def passes_view_restrictions(request, page: AssessmentPage) -> bool:
    """Whether the request passes the page's view restrictions, as Wagtail checks
    them when it serves the page (an alias follows its source page's)."""
    if not page.restricted and page.alias_of_id is None:
        return True
    return all(r.accept_request(request) for r in page.get_view_restrictions())


def can_manage_question_bank(user) -> bool:
    """Trainers (and superusers) author the bank, import and export it, re-grade
    and read the results and item statistics of assessments in the admin."""
    return roles.is_trainer(user)


def require_trainer(user) -> None:
    """Every trainer admin view starts here: PermissionDenied unless a trainer."""
    if not can_manage_question_bank(user):
        raise PermissionDenied
