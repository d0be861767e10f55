"""Attempts: start (drawing per blueprint, limits), saving answers, submitting and
grading (DESIGN.md, "Grading rules"), finalising overdue attempts and re-grading
after a key is corrected."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from freezegun import freeze_time

from assessments import attempt_services, question_services, submission
from assessments.attempt_services import (
    AnswerRejected,
    AttemptNotAllowed,
    attempt_finalise_if_overdue,
    attempt_save_answer,
    attempt_start,
    attempt_submit,
    attempts_finalise_overdue,
    question_regrade,
)
from assessments.models import (
    ASKED_KINDS,
    AssessmentPage,
    Attempt,
    ElementResult,
    Question,
    QuestionVersion,
    RegradeRecord,
    Response,
)
from assessments.question_services import content_from_data
from standards.models import Criterion
from tests.factories import (
    QUESTION_TYPES,
    AssessmentPageFactory,
    CoursePageFactory,
    CriterionFactory,
    ElementFactory,
    LearnerFactory,
    QuestionFactory,
    StandardFactory,
    TrainerFactory,
    answer_for,
    build_assessment,
    certificate_issue_for_attempt,
    home_page,
    meet_completion_rule,
    question_data,
)

pytestmark = pytest.mark.django_db

T0 = "2025-03-03 15:00:00"


def responses(attempt: Attempt) -> list[Response]:
    return list(
        Response.objects.filter(attempt=attempt)
        .select_related("version__question", "version__criterion__element")
        .order_by("position")
    )


def drawn_questions(attempt: Attempt) -> set[int]:
    return set(attempt.responses.values_list("version__question_id", flat=True))


def answer(attempt: Attempt, response: Response, *, right: bool = True, **kwargs):
    return attempt_save_answer(
        attempt=attempt,
        position=response.position,
        raw_answer=answer_for(response.version.payload, right=right),
        **kwargs,
    )


def answer_all(attempt: Attempt, rights) -> None:
    """Answer the responses in position order, right or wrong as ``rights`` says."""
    for response, right in zip(responses(attempt), rights, strict=True):
        answer(attempt, response, right=right)


def stored(attempt: Attempt) -> list[tuple]:
    return list(
        Response.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("position", "answer", "saved_at", "score")
    )


def set_key(question: Question, right: int) -> Question:
    """Correct a single-choice key in place: the same options (same ids), another
    one right, as a trainer would in the admin."""
    question = Question.objects.get(pk=question.pk)
    question.content = content_from_data(
        {**question_data("single", right=right), "code": question.code}
    )
    question.save()
    return question


# ================================================================= attempt_start


def test_start_draws_each_row_of_the_blueprint():
    """The attempt holds exactly the rows' counts: a criterion row draws from its
    criterion, an element row from the rest of its element, with no question twice,
    positions 1..n, and each response graded by the version it shows."""
    standard = StandardFactory()
    first, second = ElementFactory(standard=standard), ElementFactory(standard=standard)
    narrow, wide = (CriterionFactory(element=first) for _ in range(2))
    other = CriterionFactory(element=second)
    for criterion, count in ((narrow, 3), (wide, 4), (other, 5)):
        QuestionFactory.create_batch(count, criterion=criterion)
    assessment = AssessmentPageFactory(
        parent=CoursePageFactory(parent=home_page()),
        blueprint=[
            {"element": first, "criterion": narrow, "count": 2},
            {"element": first, "count": 3},
            {"element": second, "count": 4},
        ],
    )

    for seed in range(5):
        attempt = attempt_start(
            learner=LearnerFactory(), assessment=assessment, rng=random.Random(seed)
        )
        shown = responses(attempt)
        assert [r.position for r in shown] == list(range(1, 10))
        assert len({r.version.question_id for r in shown}) == 9
        assert Counter(r.version.criterion.element for r in shown) == {
            first: 5,
            second: 4,
        }
        assert sum(r.version.criterion == narrow for r in shown) >= 2
        assert all(r.key_version_id == r.version_id for r in shown)
        assert all(r.answer is None and r.score is None for r in shown)
        assert attempt.number == 1 and attempt.status == Attempt.Status.OPEN


def test_start_draws_the_seeded_final_assessment(initial_data):
    """The seeded final evaluation draws 12 E1, 16 E2 and 8 E3 questions, with a
    55-minute deadline, from the shipped bank, asking every performance, product
    and knowledge criterion of the three elements."""
    assessment = AssessmentPage.objects.get(slug="evaluacion-final-ec0305")
    learner = LearnerFactory()
    meet_completion_rule(learner, assessment)
    with freeze_time(T0):
        attempt = attempt_start(learner=learner, assessment=assessment)

    shown = responses(attempt)
    assert Counter(r.version.criterion.element.code for r in shown) == {
        "E1": 12,
        "E2": 16,
        "E3": 8,
    }
    assert len({r.version.question_id for r in shown}) == 36
    assert attempt.deadline - attempt.started_at == timedelta(minutes=55)
    asked = set(
        Criterion.objects.filter(
            standard__code="EC0305", kind__in=ASKED_KINDS
        ).values_list("code", flat=True)
    )
    assert len(asked) == 29
    assert {r.version.criterion.code for r in shown} == asked


def test_start_draws_only_from_the_blueprint_s_own_elements():
    """Element codes are unique per standard only: an assessment over one standard
    never draws the questions of another standard's element with the same code."""
    ours, theirs = StandardFactory(), StandardFactory()
    element = ElementFactory(standard=ours, code="E9")
    foreign = ElementFactory(standard=theirs, code="E9")
    mine = QuestionFactory.create_batch(3, criterion=CriterionFactory(element=element))
    QuestionFactory.create_batch(6, criterion=CriterionFactory(element=foreign))
    assessment = AssessmentPageFactory(
        parent=CoursePageFactory(parent=home_page()),
        blueprint=[{"element": element, "count": 3}],
    )

    for seed in range(5):
        attempt = attempt_start(
            learner=LearnerFactory(), assessment=assessment, rng=random.Random(seed)
        )
        assert drawn_questions(attempt) == {q.pk for q in mine}


def test_a_second_start_returns_the_open_attempt():
    """While an attempt is open, starting again returns that same attempt with the
    same questions, versions and display order, and creates nothing."""
    assessment, _elements, _bank = build_assessment(questions=(6,), draw=(3,))
    learner = LearnerFactory()
    first = attempt_start(learner=learner, assessment=assessment)
    shown = stored(first), list(first.responses.values("version", "display"))

    again = attempt_start(learner=learner, assessment=assessment)

    assert again.pk == first.pk
    assert (stored(again), list(again.responses.values("version", "display"))) == shown
    assert Attempt.objects.filter(learner=learner).count() == 1


def test_the_database_allows_one_open_attempt_per_learner_and_assessment():
    """A second open attempt row for the same learner and assessment is refused by
    the database itself (a partial unique constraint), whoever writes it."""
    assessment, _elements, _bank = build_assessment(questions=(2,))
    learner = LearnerFactory()
    attempt_start(learner=learner, assessment=assessment)

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            learner=learner, assessment=assessment, number=2, started_at=timezone.now()
        )

    # Submitted attempts do not count: the next open one is fine.
    Attempt.objects.filter(learner=learner).update(status=Attempt.Status.SUBMITTED)
    Attempt.objects.create(
        learner=learner, assessment=assessment, number=2, started_at=timezone.now()
    )


@pytest.mark.parametrize("seed", range(5))
def test_a_new_attempt_avoids_the_questions_of_the_last_one(seed):
    """With enough questions in the bank, the learner's next attempt shows none of
    the questions of their last attempt."""
    assessment, _elements, _bank = build_assessment(
        questions=(6, 4), draw=(3, 2), attempts_allowed=0
    )
    learner = LearnerFactory()
    rng = random.Random(seed)
    first = attempt_start(learner=learner, assessment=assessment, rng=rng)
    attempt_submit(attempt=first)

    second = attempt_start(learner=learner, assessment=assessment, rng=rng)

    assert len(drawn_questions(second)) == 5
    assert drawn_questions(first).isdisjoint(drawn_questions(second))


@pytest.mark.parametrize("seed", range(5))
def test_a_new_attempt_repeats_questions_only_when_the_bank_is_short(seed):
    """With too few unseen questions, the next attempt takes every unseen one and
    fills up with questions of the last attempt."""
    assessment, _elements, bank = build_assessment(
        questions=(4,), draw=(3,), attempts_allowed=0
    )
    learner = LearnerFactory()
    rng = random.Random(seed)
    first = attempt_start(learner=learner, assessment=assessment, rng=rng)
    attempt_submit(attempt=first)
    (unseen,) = {q.pk for q in bank[0]} - drawn_questions(first)

    second = attempt_start(learner=learner, assessment=assessment, rng=rng)

    assert unseen in drawn_questions(second)
    assert len(drawn_questions(second)) == 3
    assert len(drawn_questions(second) & drawn_questions(first)) == 2


def take(learner, assessment, rng) -> set[int]:
    """Start and submit an attempt; the questions it showed."""
    attempt = attempt_start(learner=learner, assessment=assessment, rng=rng)
    attempt_submit(attempt=attempt)
    return drawn_questions(attempt)


@pytest.mark.parametrize("seed", range(5))
def test_no_question_comes_back_while_the_bank_has_unseen_ones(seed):
    """A bank of 12 drawn 4 at a time: three attempts show 12 different questions
    (not only the last attempt's are avoided, every earlier attempt's are)."""
    assessment, _elements, bank = build_assessment(
        questions=(12,), draw=(4,), attempts_allowed=0
    )
    learner = LearnerFactory()
    rng = random.Random(seed)
    shown = [take(learner, assessment, rng) for _ in range(3)]
    assert all(len(questions) == 4 for questions in shown)
    assert set().union(*shown) == {q.pk for q in bank[0]}


@pytest.mark.parametrize("seed", range(5))
def test_a_short_bank_brings_back_the_least_often_seen_first(seed):
    """A bank of 6 drawn 4 at a time: the second attempt takes the 2 unseen and 2
    of the first; the third takes exactly the 4 shown once, never the 2 shown
    twice."""
    assessment, _elements, bank = build_assessment(
        questions=(6,), draw=(4,), attempts_allowed=0
    )
    learner = LearnerFactory()
    rng = random.Random(seed)
    first = take(learner, assessment, rng)
    second = take(learner, assessment, rng)
    assert {q.pk for q in bank[0]} - first <= second
    twice = first & second
    assert len(twice) == 2

    third = take(learner, assessment, rng)

    assert third == {q.pk for q in bank[0]} - twice


@pytest.mark.parametrize("seed", range(5))
def test_among_questions_seen_as_often_the_least_recent_come_back_first(seed):
    """A bank of 6 drawn 3 at a time: once all were shown once, the third attempt
    brings back the first attempt's three, and the fourth the second's."""
    assessment, _elements, _bank = build_assessment(
        questions=(6,), draw=(3,), attempts_allowed=0
    )
    learner = LearnerFactory()
    rng = random.Random(seed)
    first, second = take(learner, assessment, rng), take(learner, assessment, rng)
    assert first.isdisjoint(second)
    assert take(learner, assessment, rng) == first
    assert take(learner, assessment, rng) == second


def test_start_freezes_versions_and_display_order():
    """The versions and the display order (options, prompts, matches, items) are
    fixed at the start: each display lists exactly the version's parts, ordering
    items in any order, and editing a question afterwards changes
    neither."""
    assessment, _elements, bank = build_assessment(
        questions=(len(QUESTION_TYPES),), kinds=QUESTION_TYPES, shuffle_options=True
    )
    learner = LearnerFactory()
    attempt = attempt_start(learner=learner, assessment=assessment)
    before = list(attempt.responses.values("position", "version", "display"))

    for response in responses(attempt):
        payload, display = response.version.payload, response.display
        if "options" in payload:
            assert sorted(display["options"]) == sorted(
                o["id"] for o in payload["options"]
            )
        if payload["type"] == "matching":
            assert sorted(display["prompts"]) == sorted(
                p["id"] for p in payload["pairs"]
            )
            assert sorted(display["matches"]) == sorted(
                p["match_id"] for p in payload["pairs"]
            )
        if payload["type"] == "ordering":
            key = [item["id"] for item in payload["items"]]
            assert sorted(display["items"]) == sorted(key)
    for question in bank[0]:
        question.stem += " (editada)"
        question.save()

    again = attempt_start(learner=learner, assessment=assessment)
    assert list(again.responses.values("position", "version", "display")) == before
    assert all(r.version.number == 1 for r in responses(again))


def test_new_versions_are_frozen_in_question_order():
    """A start that has to freeze several new versions locks their question rows
    at once, in question id order, whatever order the questions are shown in:
    concurrent starts then lock them in one order and cannot deadlock each
    other."""
    assessment, _elements, bank = build_assessment(
        questions=(8,), shuffle_questions=True
    )
    locked = []
    real = question_services._lock_questions

    def spy(ids):
        locked.append(list(ids))
        return real(ids)

    with mock.patch.object(question_services, "_lock_questions", spy):
        attempt = attempt_start(
            learner=LearnerFactory(), assessment=assessment, rng=random.Random(3)
        )

    shown = [r.version.question_id for r in responses(attempt)]
    assert shown != sorted(shown)  # the display really is shuffled
    assert locked == [sorted(shown)]


@freeze_time(T0)
def test_attempts_allowed_is_enforced():
    """With 2 attempts allowed, a third start is refused with a reason, even after
    both were submitted."""
    assessment, _elements, _bank = build_assessment(questions=(2,), attempts_allowed=2)
    learner = LearnerFactory()
    for _ in range(2):
        attempt_submit(attempt=attempt_start(learner=learner, assessment=assessment))

    with pytest.raises(
        AttemptNotAllowed, match=gettext("Ya usaste todos tus intentos.")
    ):
        attempt_start(learner=learner, assessment=assessment)
    assert Attempt.objects.filter(learner=learner).count() == 2
    # Another learner still has their own attempts.
    attempt_start(learner=LearnerFactory(), assessment=assessment)


def test_wait_hours_between_attempts_are_enforced():
    """After a submission, the next start is refused until wait_hours have passed
    since it (refused one second before, allowed at the moment)."""
    assessment, _elements, _bank = build_assessment(
        questions=(4,), draw=(2,), wait_hours=2
    )
    learner = LearnerFactory()
    with freeze_time(T0) as clock:
        attempt_submit(attempt=attempt_start(learner=learner, assessment=assessment))
        clock.tick(timedelta(hours=2) - timedelta(seconds=1))
        with pytest.raises(
            AttemptNotAllowed, match=gettext("Todavía no puedes iniciar otro intento.")
        ):
            attempt_start(learner=learner, assessment=assessment)
        clock.tick(timedelta(seconds=1))
        second = attempt_start(learner=learner, assessment=assessment)
    assert second.number == 2


def test_a_diagnostic_has_unlimited_attempts():
    """A diagnostic ignores attempts_allowed: a learner may take it again and
    again."""
    assessment, _elements, _bank = build_assessment(
        questions=(3,), mode=AssessmentPage.Mode.DIAGNOSTIC, attempts_allowed=1
    )
    learner = LearnerFactory()
    for _ in range(4):
        attempt_submit(attempt=attempt_start(learner=learner, assessment=assessment))
    assert list(
        Attempt.objects.filter(learner=learner)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2, 3, 4]


def test_a_bank_too_small_for_the_blueprint_refuses_the_start():
    """When the bank cannot fill a row (inactive questions do not count), the start
    is refused with a clear message and no attempt is created."""
    assessment, _elements, bank = build_assessment(questions=(5,), draw=(4,))
    Question.objects.filter(pk__in=[q.pk for q in bank[0][:2]]).update(active=False)
    learner = LearnerFactory()

    with pytest.raises(AttemptNotAllowed) as caught:
        attempt_start(learner=learner, assessment=assessment)

    assert str(caught.value) == gettext(
        "El banco no tiene suficientes preguntas para esta evaluación."
    )
    assert not Attempt.objects.filter(learner=learner).exists()
    assert not QuestionVersion.objects.filter(question__in=bank[0]).exists()


# ------------------------------------------------- attempt_start: renewal cycle
#
# A learner holding a (non-revoked) certificate for the standard of a final
# assessment may not start it again until the certificate's renewal window opens
# (ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS = 60 before it expires); from then on,
# and after it expired, only the attempts started after the certified result
# count. Certified on 2026-01-10 (local), the certificate runs to 2028-01-10 and
# the window opens on 2027-11-11.

CERTIFIED_AT = "2026-01-10 18:00:00"  # noon in Mexico City
WINDOW_EVE = "2027-11-10 18:00:00"
WINDOW_OPENS = "2027-11-11 18:00:00"
AFTER_EXPIRY = "2028-01-11 18:00:00"
RENEWAL_REASON = (
    "Ya tienes una constancia vigente hasta el 10 de enero de 2028. Podrás "
    "renovarla a partir del 11 de noviembre de 2027."
)


def take_final(learner, assessment, *, right: bool) -> Attempt:
    """Start, answer every question (right or wrong) and submit; a competent
    final attempt is then observed and judged competent by an evaluator, which
    issues the learner's certificate."""
    attempt = attempt_start(learner=learner, assessment=assessment)
    answer_all(attempt, [right] * attempt.responses.count())
    attempt = attempt_submit(attempt=attempt)
    if attempt.competent:
        certificate_issue_for_attempt(attempt=attempt)
    return attempt


def availability(learner, assessment):
    return attempt_services.attempt_availability(learner=learner, assessment=assessment)


@pytest.fixture
def renewal_setup():
    """A final assessment (2 attempts allowed) and a learner certified on it on
    CERTIFIED_AT at the second attempt, so the first cycle used every attempt."""
    assessment, elements, _bank = build_assessment(questions=(2,), attempts_allowed=2)
    learner = LearnerFactory()
    with freeze_time(CERTIFIED_AT):
        take_final(learner, assessment, right=False)
        certified = take_final(learner, assessment, right=True)
    assert certified.competent is True
    assert learner.certificates.get().expires_on == date(2028, 1, 10)
    return assessment, elements, learner


def test_a_certified_learner_cannot_start_the_final_before_the_renewal_window(
    renewal_setup,
):
    """Right after certifying and up to the day before the window opens, the
    start is refused with a reason giving the expiry and the first day of
    renewal, for this final and for any other final of the same standard; a final
    of another standard is not affected."""
    assessment, elements, learner = renewal_setup
    same_standard = AssessmentPageFactory(
        parent=CoursePageFactory(parent=home_page()),
        blueprint=[{"element": elements[0], "count": 2, "threshold_percent": 80}],
    )
    other, _elements, _bank = build_assessment(questions=(2,))
    for moment in (CERTIFIED_AT, WINDOW_EVE):
        with freeze_time(moment):
            for final in (assessment, same_standard):
                state = availability(learner, final)
                assert not state.can_start
                assert state.reason == RENEWAL_REASON
                assert state.renewal_opens_on == date(2027, 11, 11)
                assert state.certificate_expires_on == date(2028, 1, 10)
                with pytest.raises(AttemptNotAllowed, match=RENEWAL_REASON):
                    attempt_start(learner=learner, assessment=final)
            assert availability(learner, other).can_start
    assert Attempt.objects.filter(learner=learner, assessment=assessment).count() == 2
    assert not Attempt.objects.filter(assessment=same_standard).exists()


def test_inside_the_renewal_window_every_attempt_is_available_again(renewal_setup):
    """From the day the window opens the learner has attempts_allowed fresh,
    although the first cycle used them all; the attempts of the renewal count
    against it, so a renewal can run out of attempts too."""
    assessment, _elements, learner = renewal_setup
    with freeze_time(WINDOW_OPENS):
        state = availability(learner, assessment)
        assert state.can_start and state.reason == ""
        assert (state.attempts_used, state.attempts_left) == (0, 2)
        assert state.renewing
        third = take_final(learner, assessment, right=False)
        assert third.number == 3
        assert availability(learner, assessment).attempts_left == 1
        take_final(learner, assessment, right=False)
        state = availability(learner, assessment)
        assert (state.attempts_used, state.attempts_left) == (2, 0)
        with pytest.raises(
            AttemptNotAllowed, match=gettext("Ya usaste todos tus intentos.")
        ):
            attempt_start(learner=learner, assessment=assessment)


def test_after_expiry_every_attempt_is_available_again(renewal_setup):
    """After the certificate expired the learner may take the final again, with
    attempts_allowed fresh."""
    assessment, _elements, learner = renewal_setup
    with freeze_time(AFTER_EXPIRY):
        state = availability(learner, assessment)
        assert state.can_start
        assert (state.attempts_used, state.attempts_left) == (0, 2)
        assert take_final(learner, assessment, right=False).number == 3


def test_a_renewal_closes_the_window_until_the_next_one(renewal_setup):
    """Passing inside the window issues a new certificate, and the learner is
    then refused until the new certificate's own window opens."""
    assessment, _elements, learner = renewal_setup
    with freeze_time(WINDOW_OPENS):
        take_final(learner, assessment, right=True)
        assert learner.certificates.count() == 2
        state = availability(learner, assessment)
        assert state.reason == (
            "Ya tienes una constancia vigente hasta el 11 de noviembre de 2029. "
            "Podrás renovarla a partir del 12 de septiembre de 2029."
        )
        assert (state.attempts_used, state.attempts_left) == (0, 2)


def test_wait_hours_count_only_the_attempts_of_the_renewal(settings):
    """wait_hours applies between the attempts of the renewal cycle: the
    certified attempt just handed in does not hold the renewal back, the first
    renewal attempt does. (A notice window longer than the validity opens the
    renewal right away.)"""
    settings.ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS = 800
    assessment, _elements, _bank = build_assessment(
        questions=(2,), attempts_allowed=3, wait_hours=24
    )
    learner = LearnerFactory()
    with freeze_time(CERTIFIED_AT) as clock:
        take_final(learner, assessment, right=True)
        clock.tick(timedelta(minutes=5))
        state = availability(learner, assessment)
        assert state.can_start and state.next_allowed_at is None
        take_final(learner, assessment, right=False)
        clock.tick(timedelta(minutes=5))
        with pytest.raises(
            AttemptNotAllowed, match=gettext("Todavía no puedes iniciar otro intento.")
        ):
            attempt_start(learner=learner, assessment=assessment)


def test_a_revoked_certificate_starts_no_renewal_cycle(renewal_setup):
    """A revoked certificate neither blocks the final nor starts a new cycle:
    every attempt counts as if it had never been issued (here both were used, so
    none is left, before the window as inside it)."""
    from certificates.services import certificate_revoke

    assessment, _elements, learner = renewal_setup
    certificate_revoke(
        certificate=learner.certificates.get(), by=TrainerFactory(), reason="Prueba"
    )
    for moment in (WINDOW_EVE, WINDOW_OPENS):
        with freeze_time(moment):
            state = availability(learner, assessment)
            assert state.reason == gettext("Ya usaste todos tus intentos.")
            assert (state.attempts_used, state.attempts_left) == (2, 0)
            assert state.renewal_opens_on is None


def test_a_revoked_certificate_leaves_the_attempts_left_to_take():
    """Certified at the first of two attempts and revoked, the learner may start
    the second at once, and no third."""
    from certificates.services import certificate_revoke

    assessment, _elements, _bank = build_assessment(questions=(2,), attempts_allowed=2)
    learner = LearnerFactory()
    take_final(learner, assessment, right=True)
    certificate_revoke(
        certificate=learner.certificates.get(), by=TrainerFactory(), reason="Prueba"
    )
    state = availability(learner, assessment)
    assert state.can_start and (state.attempts_used, state.attempts_left) == (1, 1)
    take_final(learner, assessment, right=False)
    assert not availability(learner, assessment).can_start


def test_diagnostics_ignore_certificates(renewal_setup, django_assert_num_queries):
    """A diagnostic of the certified standard starts at any time, with unlimited
    attempts, and its availability does not look for certificates (one query;
    a final's takes three: its blueprint's standards, the certificate's cycle
    and the attempts)."""
    assessment, elements, learner = renewal_setup
    diagnostic = AssessmentPageFactory(
        parent=CoursePageFactory(parent=home_page()),
        mode=AssessmentPage.Mode.DIAGNOSTIC,
        blueprint=[{"element": elements[0], "count": 2, "threshold_percent": 80}],
    )
    with freeze_time(WINDOW_EVE):
        with django_assert_num_queries(1):
            state = availability(learner, diagnostic)
        assert state.can_start and state.reason == ""
        assert state.attempts_left is None and state.renewal_opens_on is None
        attempt_start(learner=learner, assessment=diagnostic)
        with django_assert_num_queries(3):
            assert not availability(learner, assessment).can_start


# ============================================================ attempt_save_answer


@pytest.fixture
def every_type():
    """An open attempt with one question of each type, and its responses by type."""
    assessment, _elements, _bank = build_assessment(
        questions=(len(QUESTION_TYPES),), kinds=QUESTION_TYPES
    )
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    return attempt, {r.version.type: r for r in responses(attempt)}


def ids(payload, part="options", key="id"):
    return [item[key] for item in payload[part]]


def shifted(payload):
    """Each pair's prompt with the next pair's match."""
    pairs = payload["pairs"]
    return [
        (pair, pairs[(n + 1) % len(pairs)]["match_id"]) for n, pair in enumerate(pairs)
    ]


CANONICAL = {
    # type: (raw answer from the payload, canonical form stored)
    "short_answer": (lambda p: "  ventanilla   7 ", lambda p: "ventanilla 7"),
    "numerical": (lambda p: " 30,50 ", lambda p: "30.5"),
    "single": (lambda p: ids(p)[2], lambda p: ids(p)[2]),
    "true_false": (lambda p: "false", lambda p: "false"),
    "situational": (lambda p: ids(p)[1], lambda p: ids(p)[1]),
    "multiple": (
        lambda p: [ids(p)[3], ids(p)[0], ids(p)[3]],
        lambda p: sorted([ids(p)[0], ids(p)[3]]),
    ),
    "matching": (
        lambda p: [[pair["id"], match] for pair, match in reversed(shifted(p))],
        lambda p: {pair["id"]: match for pair, match in shifted(p)},
    ),
    "ordering": (
        lambda p: list(reversed(ids(p, "items"))),
        lambda p: list(reversed(ids(p, "items"))),
    ),
}


@pytest.mark.parametrize("kind", QUESTION_TYPES)
def test_a_valid_answer_is_stored_in_canonical_form(every_type, kind):
    """Each type's answer is stored as canonical JSON: an option id; a sorted list
    without repeats (multiple); a prompt -> match mapping (matching, also when posted
    as pairs); the list of item ids (ordering). It is stamped, not yet graded."""
    attempt, by_type = every_type
    response = by_type[kind]
    raw, canonical = CANONICAL[kind]

    with freeze_time(T0):
        attempt_save_answer(
            attempt=attempt,
            position=response.position,
            raw_answer=raw(response.version.payload),
        )

    response.refresh_from_db()
    assert response.answer == canonical(response.version.payload)
    assert response.saved_at == datetime(2025, 3, 3, 15, tzinfo=UTC)
    assert response.score is None


@pytest.mark.parametrize("blank", [None, "", [], {}])
def test_a_blank_answer_clears_the_saved_one(every_type, blank):
    """Posting a blank answer (None, "", [], {}) stores no answer."""
    attempt, by_type = every_type
    for response in by_type.values():
        answer(attempt, response)
        attempt_save_answer(
            attempt=attempt, position=response.position, raw_answer=blank
        )
        response.refresh_from_db()
        assert response.answer is None


def other_question_option(by_type):
    return ids(by_type["multiple"].version.payload)[0]


REJECTED = [
    # (case, type, raw answer from (payload, responses by type))
    ("single-a-list", "single", lambda p, b: ids(p)[:1]),
    ("single-a-number", "single", lambda p, b: 1),
    ("single-unknown-id", "single", lambda p, b: "no-such-option"),
    ("single-other-question-s-id", "single", lambda p, b: other_question_option(b)),
    ("true-false-a-bool", "true_false", lambda p, b: True),
    ("true-false-other-word", "true_false", lambda p, b: "verdadero"),
    ("multiple-a-string", "multiple", lambda p, b: ids(p)[0]),
    ("multiple-unknown-id", "multiple", lambda p, b: [ids(p)[0], "x"]),
    (
        "multiple-other-question-s-id",
        "multiple",
        lambda p, b: [ids(b["single"].version.payload)[0]],
    ),
    ("situational-a-dict", "situational", lambda p, b: {"id": ids(p)[0]}),
    ("matching-a-list-of-ids", "matching", lambda p, b: ids(p, "pairs")),
    (
        "matching-match-as-prompt",
        "matching",
        lambda p, b: {p["pairs"][0]["match_id"]: p["pairs"][0]["match_id"]},
    ),
    (
        "matching-prompt-as-match",
        "matching",
        lambda p, b: {p["pairs"][0]["id"]: p["pairs"][1]["id"]},
    ),
    (
        "matching-prompt-twice",
        "matching",
        lambda p, b: [
            [p["pairs"][0]["id"], p["pairs"][0]["match_id"]],
            [p["pairs"][0]["id"], p["pairs"][1]["match_id"]],
        ],
    ),
    ("ordering-missing-item", "ordering", lambda p, b: ids(p, "items")[:-1]),
    (
        "ordering-item-twice",
        "ordering",
        lambda p, b: [*ids(p, "items")[:-1], ids(p, "items")[0]],
    ),
    (
        "ordering-foreign-item",
        "ordering",
        lambda p, b: [*ids(p, "items")[:-1], other_question_option(b)],
    ),
    ("ordering-a-number", "ordering", lambda p, b: 3),
    ("short-answer-a-list", "short_answer", lambda p, b: ["Ventanilla 7"]),
    ("short-answer-too-long", "short_answer", lambda p, b: "x" * 201),
    ("numerical-a-number", "numerical", lambda p, b: 30),
    ("numerical-a-word", "numerical", lambda p, b: "treinta"),
    ("numerical-thousands-separator", "numerical", lambda p, b: "1,000.5"),
]


@pytest.mark.parametrize(
    ("kind", "raw"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_an_answer_of_the_wrong_shape_is_rejected_and_nothing_changes(
    every_type, kind, raw
):
    """An answer that does not fit its question (wrong shape, unknown or tampered
    ids: another question's option, a match posted as a prompt ...) raises
    AnswerRejected and leaves every saved answer as it was."""
    attempt, by_type = every_type
    for response in by_type.values():
        answer(attempt, response)
    before = stored(attempt)
    response = by_type[kind]

    with pytest.raises(AnswerRejected):
        attempt_save_answer(
            attempt=attempt,
            position=response.position,
            raw_answer=raw(response.version.payload, by_type),
        )

    assert stored(attempt) == before


def test_several_answers_are_saved_together(every_type):
    """attempt_save_answers saves a form's answers in one go, with one stamp, and
    locks the attempt row once."""
    attempt, by_type = every_type
    posted = {
        r.position: answer_for(r.version.payload, right=True) for r in by_type.values()
    }
    with (
        freeze_time(T0),
        CaptureQueriesContext(connection) as queries,
    ):
        saved = attempt_services.attempt_save_answers(attempt=attempt, answers=posted)
    assert sorted(r.position for r in saved) == sorted(posted)
    assert all(answer is not None for _, answer, _, _ in stored(attempt))
    assert {at for _, _, at, _ in stored(attempt)} == {
        datetime(2025, 3, 3, 15, tzinfo=UTC)
    }
    locks = [q for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) <= 1  # SQLite has no FOR UPDATE; PostgreSQL locks once


def test_a_resubmitted_unchanged_answer_keeps_its_time(every_type):
    """With keep_unchanged (a submit re-posting the whole form), answers equal to
    the stored ones are not written again and keep the time they were saved;
    a changed one is saved with the new time."""
    attempt, by_type = every_type
    posted = {
        r.position: answer_for(r.version.payload, right=True) for r in by_type.values()
    }
    with freeze_time(T0):
        attempt_services.attempt_save_answers(attempt=attempt, answers=posted)
    changed = by_type["single"].position
    posted[changed] = answer_for(by_type["single"].version.payload, right=False)
    later = datetime(2025, 3, 3, 15, 5, tzinfo=UTC)
    with freeze_time(later):
        saved = attempt_services.attempt_save_answers(
            attempt=attempt, answers=posted, keep_unchanged=True
        )
    assert [r.position for r in saved] == [changed]
    times = {position: at for position, _, at, _ in stored(attempt)}
    assert times.pop(changed) == later
    assert set(times.values()) == {datetime(2025, 3, 3, 15, tzinfo=UTC)}


def test_one_bad_answer_among_several_saves_none(every_type):
    """All of a form's answers or none: one answer of the wrong shape rejects the
    whole post, and the answers before it in the post are not saved."""
    attempt, by_type = every_type
    before = stored(attempt)
    posted = {
        r.position: answer_for(r.version.payload, right=True) for r in by_type.values()
    }
    posted[by_type["single"].position] = ["not", "an", "option"]
    with pytest.raises(AnswerRejected):
        attempt_services.attempt_save_answers(attempt=attempt, answers=posted)
    assert stored(attempt) == before


@pytest.mark.parametrize("position", [0, len(QUESTION_TYPES) + 1, 99, -1])
def test_an_answer_to_an_unknown_position_is_rejected(every_type, position):
    """Only positions of the attempt can be answered; nothing changes otherwise."""
    attempt, by_type = every_type
    before = stored(attempt)
    with pytest.raises(AnswerRejected):
        attempt_save_answer(
            attempt=attempt,
            position=position,
            raw_answer=answer_for(by_type["true_false"].version.payload),
        )
    assert stored(attempt) == before


def test_an_answer_to_a_submitted_attempt_is_rejected(every_type):
    """After submission no answer is taken, even a valid one, and the graded
    answers stay."""
    attempt, by_type = every_type
    answer(attempt, by_type["single"])
    attempt_submit(attempt=attempt)
    before = stored(attempt)

    with pytest.raises(AnswerRejected, match=gettext("Este intento ya se envió.")):
        answer(attempt, by_type["single"], right=False)

    assert stored(attempt) == before


def test_answers_are_taken_until_the_deadline_plus_grace():
    """With a 30-minute limit and 30 s of grace, an answer is saved at deadline +
    29 s and at deadline + 30 s, and refused at deadline + 31 s (nothing stored)."""
    assessment, _elements, _bank = build_assessment(
        questions=(3,), time_limit_minutes=30, grace_seconds=30
    )
    with freeze_time(T0) as clock:
        attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
        first, second, third = responses(attempt)
        assert attempt.deadline == timezone.now() + timedelta(minutes=30)

        clock.move_to(attempt.deadline + timedelta(seconds=29))
        answer(attempt, first)
        clock.move_to(attempt.deadline + timedelta(seconds=30))
        answer(attempt, second)
        clock.move_to(attempt.deadline + timedelta(seconds=31))
        with pytest.raises(
            AnswerRejected, match=gettext("El tiempo de este intento terminó.")
        ):
            answer(attempt, third)

    first, second, third = responses(attempt)
    assert first.answer is not None and second.answer is not None
    assert third.answer is None and third.saved_at is None


def test_without_a_time_limit_answers_are_taken_any_time():
    """An assessment with no time limit has no deadline: a day later an answer is
    still saved."""
    assessment, _elements, _bank = build_assessment(
        questions=(1,), time_limit_minutes=0
    )
    with freeze_time(T0) as clock:
        attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
        clock.tick(timedelta(days=1))
        answer(attempt, responses(attempt)[0])
    assert attempt.deadline is None
    assert responses(attempt)[0].answer is not None


# ================================================================= attempt_submit


def element_results(attempt: Attempt) -> dict:
    return {
        result.element.code: (
            result.earned,
            result.possible,
            result.threshold,
            result.passed,
        )
        for result in ElementResult.objects.filter(attempt=attempt).select_related(
            "element"
        )
    }


def answer_by_element(attempt: Attempt, elements, rights_per_element) -> None:
    rights = dict(zip(elements, rights_per_element, strict=True))
    for response in responses(attempt):
        element = response.version.criterion.element
        right = rights[element] > 0
        rights[element] -= 1
        answer(attempt, response, right=right)


@pytest.mark.parametrize(
    ("right", "passed", "competent"),
    [
        pytest.param((5, 5), (True, True), True, id="all-right"),
        pytest.param((4, 5), (True, True), True, id="exactly-80-percent-passes"),
        pytest.param((3, 5), (False, True), False, id="strong-does-not-compensate"),
        pytest.param((5, 3), (True, False), False, id="weak-second-element"),
        pytest.param((0, 0), (False, False), False, id="blank"),
    ],
)
def test_submit_grades_each_element_against_its_threshold(right, passed, competent):
    """Every question is worth 1; an element's score is earned over possible and
    passes at 80 % (exactly 80 % passes); the learner is competent only when every
    element passes. ElementResult rows, response scores and the attempt score are
    written, and the attempt is submitted."""
    assessment, elements, _bank = build_assessment(questions=(5, 5))
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    answer_by_element(attempt, elements, right)

    with freeze_time(T0):
        result = attempt_submit(attempt=attempt)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.submitted_at == result.submitted_at
    assert attempt.finalised_automatically is False
    assert attempt.competent is competent
    assert attempt.score == Fraction(sum(right), 10)
    assert element_results(attempt) == {
        element.code: (Fraction(n), Fraction(5), Fraction(4, 5), ok)
        for element, n, ok in zip(elements, right, passed, strict=True)
    }
    scores = Counter(r.score for r in responses(attempt))
    assert scores == Counter({Fraction(1): sum(right), Fraction(0): 10 - sum(right)})


def test_a_row_s_threshold_sets_the_element_s_bar():
    """A blueprint row at 60 % lets 3 of 5 pass where 80 % would not."""
    assessment, elements, _bank = build_assessment(questions=(5,), threshold_percent=60)
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    answer_by_element(attempt, elements, [3])

    attempt_submit(attempt=attempt)

    assert element_results(attempt) == {
        elements[0].code: (Fraction(3), Fraction(5), Fraction(3, 5), True)
    }
    attempt.refresh_from_db()
    assert attempt.competent is True


def test_partial_credit_is_exact():
    """Multiple response, situational, matching and ordering give partial credit as
    exact fractions, summed per element: 1/2 + 1/2 + 1/3 + 1/2 = 11/6 of 4."""
    assessment, elements, _bank = build_assessment(
        questions=(4,), kinds=("multiple", "situational", "matching", "ordering")
    )
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    expected = {}
    for response in responses(attempt):
        payload = response.version.payload
        kind = payload["type"]
        if kind == "multiple":  # one of two right options, no wrong one
            raw = [next(o["id"] for o in payload["options"] if o["correct"])]
            expected[kind] = Fraction(1, 2)
        elif kind == "situational":
            raw = next(o["id"] for o in payload["options"] if o["credit"] == 50)
            expected[kind] = Fraction(1, 2)
        elif kind == "matching":  # one pair right, two swapped
            first, second, third = payload["pairs"]
            raw = {
                first["id"]: first["match_id"],
                second["id"]: third["match_id"],
                third["id"]: second["match_id"],
            }
            expected[kind] = Fraction(1, 3)
        else:  # the last two items swapped: two of four in place
            items = [item["id"] for item in payload["items"]]
            raw = items[:2] + [items[3], items[2]]
            expected[kind] = Fraction(1, 2)
        attempt_save_answer(attempt=attempt, position=response.position, raw_answer=raw)

    attempt_submit(attempt=attempt)

    assert {r.version.type: r.score for r in responses(attempt)} == expected
    assert element_results(attempt) == {
        elements[0].code: (Fraction(11, 6), Fraction(4), Fraction(4, 5), False)
    }
    attempt.refresh_from_db()
    assert attempt.score == Fraction(11, 24)


def test_a_second_submit_returns_the_same_result_without_grading_again():
    """Submitting twice grades once: the second call returns the submitted attempt
    with the same score and submission time, and leaves the ElementResult rows (and
    their ids) as they were, even if answers were tampered with in between."""
    assessment, elements, _bank = build_assessment(questions=(5, 5))
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    answer_by_element(attempt, elements, (5, 4))
    grade = mock.Mock(wraps=submission._grade)

    with mock.patch.object(submission, "_grade", grade):
        with freeze_time(T0):
            first = attempt_submit(attempt=attempt)
        results = list(ElementResult.objects.filter(attempt=attempt).values())
        Response.objects.filter(attempt=attempt).update(answer=None)
        with freeze_time("2025-03-04 10:00:00"):
            second = attempt_submit(attempt=attempt)

    assert grade.call_count == 1
    assert second.pk == first.pk
    assert second.status == Attempt.Status.SUBMITTED
    assert (second.score, second.competent, second.submitted_at) == (
        first.score,
        first.competent,
        first.submitted_at,
    )
    assert list(ElementResult.objects.filter(attempt=attempt).values()) == results


def test_a_diagnostic_is_graded_without_a_verdict():
    """A diagnostic attempt is scored per element, but its competent verdict stays
    None, even with every answer right."""
    assessment, elements, _bank = build_assessment(
        questions=(3,), mode=AssessmentPage.Mode.DIAGNOSTIC
    )
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    answer_by_element(attempt, elements, [3])

    attempt_submit(attempt=attempt)

    attempt.refresh_from_db()
    assert attempt.competent is None
    assert attempt.score == 1
    assert element_results(attempt) == {
        elements[0].code: (Fraction(3), Fraction(3), Fraction(4, 5), True)
    }


def test_the_seeded_diagnostic_has_no_verdict(initial_data):
    """The seeded diagnostic draws 4 + 4 + 3 questions and, once submitted, has
    element results but no verdict."""
    assessment = AssessmentPage.objects.get(slug="diagnostico-ec0305")
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    for response in responses(attempt):
        answer(attempt, response)

    attempt_submit(attempt=attempt)

    attempt.refresh_from_db()
    assert attempt.competent is None
    assert attempt.score == 1
    assert {
        code: (possible, ok)
        for code, (_e, possible, _t, ok) in element_results(attempt).items()
    } == {"E1": (4, True), "E2": (4, True), "E3": (3, True)}


# ========================================================================= overdue


@pytest.fixture
def overdue_setup():
    """An open 30-minute attempt (30 s grace) of 3 questions started at T0, with
    the first two answered right and the third wrong, then changed to right too
    late to count."""
    assessment, elements, _bank = build_assessment(
        questions=(3,), time_limit_minutes=30, grace_seconds=30
    )
    with freeze_time(T0):
        attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
        answer_all(attempt, [True, True, False])
    return attempt, elements


def test_an_attempt_is_not_finalised_before_deadline_plus_grace(overdue_setup):
    """Up to the deadline plus grace the attempt stays open."""
    attempt, _elements = overdue_setup
    for moment in (attempt.deadline, attempt.deadline + timedelta(seconds=30)):
        with freeze_time(moment):
            result = attempt_finalise_if_overdue(attempt=attempt)
            assert attempts_finalise_overdue() == 0
        assert result.status == Attempt.Status.OPEN
        attempt.refresh_from_db()
        assert attempt.status == Attempt.Status.OPEN
        assert not ElementResult.objects.filter(attempt=attempt).exists()


@pytest.mark.parametrize("how", ["one", "all"])
def test_an_overdue_attempt_is_finalised_with_its_last_saved_answers(
    overdue_setup, how
):
    """Past the deadline plus grace, attempt_finalise_if_overdue (or the periodic
    attempts_finalise_overdue) submits the attempt automatically, graded with the
    answers saved in time, and dated at its deadline."""
    attempt, elements = overdue_setup
    with freeze_time(attempt.deadline + timedelta(seconds=31)):
        third = responses(attempt)[2]
        with pytest.raises(AnswerRejected):
            answer(attempt, third, right=True)
        if how == "one":
            attempt_finalise_if_overdue(attempt=attempt)
        else:
            assert attempts_finalise_overdue() == 1

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.finalised_automatically is True
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == Fraction(2, 3)
    assert attempt.competent is False
    assert [r.score for r in responses(attempt)] == [1, 1, 0]
    assert element_results(attempt) == {
        elements[0].code: (Fraction(2), Fraction(3), Fraction(4, 5), False)
    }


def test_finalise_overdue_only_touches_overdue_attempts(overdue_setup):
    """The periodic job finalises only the open attempts past deadline plus grace:
    not one still in time, not one without a time limit, not a submitted one."""
    overdue, _elements = overdue_setup
    in_time, _e, _b = build_assessment(questions=(1,), time_limit_minutes=60)
    no_limit, _e, _b = build_assessment(questions=(1,), time_limit_minutes=0)
    submitted, _e, _b = build_assessment(questions=(1,), time_limit_minutes=1)
    with freeze_time(T0):
        others = [
            attempt_start(learner=LearnerFactory(), assessment=assessment)
            for assessment in (in_time, no_limit, submitted)
        ]
        attempt_submit(attempt=others[2])
    later = overdue.deadline + timedelta(minutes=5)

    with freeze_time(later):
        assert attempts_finalise_overdue() == 1
        assert attempts_finalise_overdue() == 0

    statuses = dict(
        Attempt.objects.filter(
            pk__in=[overdue.pk, *(a.pk for a in others)]
        ).values_list("pk", "status")
    )
    assert statuses == {
        overdue.pk: "submitted",
        others[0].pk: "open",
        others[1].pk: "open",
        others[2].pk: "submitted",
    }
    others[2].refresh_from_db()
    assert others[2].finalised_automatically is False


def test_a_learner_s_own_submit_is_not_automatic(overdue_setup):
    """Submitting in time records the moment and is not marked automatic."""
    attempt, _elements = overdue_setup
    moment = attempt.deadline - timedelta(minutes=1)
    with freeze_time(moment):
        attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.finalised_automatically is False
    assert attempt.submitted_at == moment


def test_a_learner_s_own_submit_after_grace_counts_as_a_late_finalisation(
    overdue_setup,
):
    """A submit that arrives after the deadline plus grace is dated at the
    deadline and marked automatic, like the job would have done."""
    attempt, _elements = overdue_setup
    with freeze_time(attempt.deadline + timedelta(minutes=10)):
        attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.finalised_automatically is True
    assert attempt.submitted_at == attempt.deadline


def test_starting_again_finalises_an_overdue_open_attempt_first(overdue_setup):
    """Start on an assessment whose open attempt ran out of time finalises that
    attempt with its saved answers and starts the next one."""
    attempt, _elements = overdue_setup
    with freeze_time(attempt.deadline + timedelta(minutes=10)):
        second = attempt_start(learner=attempt.learner, assessment=attempt.assessment)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.finalised_automatically is True
    assert attempt.score == Fraction(2, 3)
    assert second.pk != attempt.pk
    assert second.number == 2
    assert second.status == Attempt.Status.OPEN


def test_pass_marks_are_frozen_when_the_attempt_starts():
    """Lowering a blueprint row's threshold after an attempt started does not
    change how that attempt is judged; a new attempt uses the new mark."""
    assessment, elements, _bank = build_assessment(questions=(5,), threshold_percent=80)
    first = attempt_start(learner=LearnerFactory(), assessment=assessment)
    assert first.thresholds == {elements[0].code: "4/5"}
    assessment.blueprint_rows.update(threshold_percent=60)
    answer_by_element(first, elements, [3])

    attempt_submit(attempt=first)

    first.refresh_from_db()
    assert first.competent is False
    assert element_results(first)[elements[0].code][2] == Fraction(4, 5)
    second = attempt_start(learner=LearnerFactory(), assessment=assessment)
    assert second.thresholds == {elements[0].code: "3/5"}


# ======================================================================== re-grade


@pytest.fixture
def regrade_setup():
    """One element of 5 single-choice questions, all shown in order, and three
    submitted attempts. The first question's key says option 0, but option 1 is
    really right.

    - ``a`` picked option 0 there, 3 more right, 1 wrong: 4/5, competent;
    - ``b`` picked option 1 there, 3 more right, 1 wrong: 3/5, not competent;
    - ``c`` picked option 0 there, the rest right: 5/5, competent.
    """
    assessment, elements, bank = build_assessment(
        questions=(5,), shuffle_questions=False, attempts_allowed=0
    )
    question = bank[0][0]
    attempts = {}
    for name, pick, rights in (
        ("a", 0, [True, True, True, False]),
        ("b", 1, [True, True, True, False]),
        ("c", 0, [True, True, True, True]),
    ):
        attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
        shown = responses(attempt)
        assert shown[0].version.question_id == question.pk
        attempt_save_answer(
            attempt=attempt,
            position=1,
            raw_answer=ids(shown[0].version.payload)[pick],
        )
        for response, right in zip(shown[1:], rights, strict=True):
            answer(attempt, response, right=right)
        attempts[name] = attempt_submit(attempt=attempt)
    return question, elements[0], assessment, attempts


def test_regrading_a_corrected_key_updates_past_attempts(regrade_setup):
    """After the key is corrected, question_regrade grades every submitted attempt
    that showed the question with the new key: response scores, element results,
    attempt scores and verdicts change, the shown version stays, and a
    RegradeRecord says who did it and what changed."""
    question, element, _assessment, attempts = regrade_setup
    trainer = TrainerFactory()
    question = set_key(question, right=1)

    record = question_regrade(question=question, by=trainer)

    after = {}
    for name, attempt in attempts.items():
        attempt.refresh_from_db()
        first = responses(attempt)[0]
        assert first.version.number == 1
        assert first.key_version.number == 2
        after[name] = (first.score, attempt.score, attempt.competent)
        assert element_results(attempt)[element.code][:2] == (
            attempt.score * 5,
            Fraction(5),
        )
    assert after == {
        "a": (0, Fraction(3, 5), False),
        "b": (1, Fraction(4, 5), True),
        "c": (0, Fraction(4, 5), True),
    }
    record.refresh_from_db()
    assert record.by == trainer
    assert record.question == question
    assert record.to_version.number == 2
    assert record.attempts_regraded == 3
    assert record.verdicts_changed == 2
    assert sorted(record.details, key=lambda d: d["attempt"]) == sorted(
        [
            {
                "attempt": str(attempts["a"].uuid),
                "score_before": "4/5",
                "score_after": "3/5",
                "competent_before": True,
                "competent_after": False,
            },
            {
                "attempt": str(attempts["b"].uuid),
                "score_before": "3/5",
                "score_after": "4/5",
                "competent_before": False,
                "competent_after": True,
            },
            {
                "attempt": str(attempts["c"].uuid),
                "score_before": "1",
                "score_after": "4/5",
                "competent_before": True,
                "competent_after": True,
            },
        ],
        key=lambda d: d["attempt"],
    )


def test_a_second_regrade_without_a_change_regrades_nothing(regrade_setup):
    """Re-grading again with the same key touches no attempt: it records zero
    attempts and leaves scores and element results (the same rows) alone."""
    question, _element, _assessment, attempts = regrade_setup
    question = set_key(question, right=1)
    question_regrade(question=question, by=None)
    pks = list(attempts[name].pk for name in "abc")
    results = list(
        ElementResult.objects.filter(attempt__in=pks).values().order_by("pk")
    )
    scores = list(Attempt.objects.filter(pk__in=pks).values_list("score", "competent"))

    record = question_regrade(question=question, by=None)

    assert (record.attempts_regraded, record.verdicts_changed) == (0, 0)
    assert record.details == []
    assert RegradeRecord.objects.filter(question=question).count() == 2
    assert (
        list(ElementResult.objects.filter(attempt__in=pks).values().order_by("pk"))
        == results
    )
    assert (
        list(Attempt.objects.filter(pk__in=pks).values_list("score", "competent"))
        == scores
    )


def test_a_regrade_without_a_key_change_changes_no_score(regrade_setup):
    """Re-grading a question that was never edited finds nothing to re-grade."""
    question, _element, _assessment, attempts = regrade_setup
    record = question_regrade(question=question, by=None)
    assert record.attempts_regraded == 0
    assert record.to_version.number == 1
    for attempt in attempts.values():
        before = attempt.score
        attempt.refresh_from_db()
        assert attempt.score == before


def test_an_attempt_open_during_a_regrade_is_graded_with_the_corrected_key(
    regrade_setup,
):
    """An attempt still open when the key is corrected and re-graded is graded
    with the corrected key when it is submitted, like the past attempts."""
    question, _element, assessment, _attempts = regrade_setup
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    shown = responses(attempt)
    assert shown[0].version.number == 1
    attempt_save_answer(
        attempt=attempt, position=1, raw_answer=ids(shown[0].version.payload)[1]
    )
    question = set_key(question, right=1)

    record = question_regrade(question=question, by=None)
    attempt_submit(attempt=attempt)

    assert record.attempts_regraded == 3  # the open one is not graded yet
    first = responses(attempt)[0]
    assert first.key_version.number == 2
    assert first.score == 1


def test_a_regrade_leaves_other_questions_attempts_alone(regrade_setup):
    """Attempts that never showed the corrected question keep their results."""
    question, _element, _assessment, _attempts = regrade_setup
    other, elements, _bank = build_assessment(questions=(2,))
    attempt = attempt_start(learner=LearnerFactory(), assessment=other)
    answer_by_element(attempt, elements, [1])
    attempt_submit(attempt=attempt)
    results = list(ElementResult.objects.filter(attempt=attempt).values())
    question = set_key(question, right=1)

    question_regrade(question=question, by=None)

    assert list(ElementResult.objects.filter(attempt=attempt).values()) == results
