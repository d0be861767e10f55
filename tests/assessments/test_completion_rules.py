"""Completion rules (issue 15): an assessment may open only once the learner has
completed every learner lesson of its course, or at least a share of them. The
start page says what is missing and links to it; a start is refused by the
service, not only hidden."""

import pytest
from django.urls import reverse

from assessments import completion
from assessments.attempt_services import AttemptNotAllowed, attempt_start
from assessments.models import AssessmentPage, Attempt
from tests.factories import (
    LearnerFactory,
    TrainerFactory,
    build_assessment,
    build_course,
    complete_lessons,
)

pytestmark = pytest.mark.django_db

Rule = AssessmentPage.CompletionRule


@pytest.mark.parametrize(
    ("rule", "percent", "done", "required", "still_needed", "met"),
    [
        (Rule.NONE, 100, [False, False], 0, 0, True),
        (Rule.ALL_LESSONS, 10, [True, True, False], 3, 1, False),
        (Rule.ALL_LESSONS, 100, [True, True, True], 3, 0, True),
        (Rule.ALL_LESSONS, 100, [], 0, 0, True),
        # At least N %: rounded up, never met below N %.
        (Rule.PERCENT, 80, [True] * 20 + [False] * 6, 21, 1, False),
        (Rule.PERCENT, 80, [True] * 21 + [False] * 5, 21, 0, True),
        (Rule.PERCENT, 50, [True, False, False], 2, 1, False),
        (Rule.PERCENT, 50, [True, True, False, False], 2, 0, True),
        (Rule.PERCENT, 1, [False] * 26, 1, 1, False),
        (Rule.PERCENT, 100, [True, False], 2, 1, False),
    ],
)
def test_rule_table(rule, percent, done, required, still_needed, met):
    lessons = [(f"L{i}", flag) for i, flag in enumerate(done)]
    requirement = completion.evaluate(rule=rule, percent=percent, lessons=lessons)
    assert requirement.required == required
    assert requirement.still_needed == still_needed
    assert requirement.met is met
    assert requirement.missing == tuple(name for name, flag in lessons if not flag)
    assert (requirement.message() == "") is met


def test_unknown_rule_is_an_error():
    with pytest.raises(ValueError):
        completion.evaluate(rule="bogus", percent=50, lessons=[])


def test_the_messages_say_what_is_missing():
    lessons = [("a", True), ("b", False), ("c", False)]
    every = completion.evaluate(rule=Rule.ALL_LESSONS, percent=100, lessons=lessons)
    assert every.message().endswith("te faltan 2.")
    share = completion.evaluate(rule=Rule.PERCENT, percent=60, lessons=lessons)
    assert "al menos el 60 %" in share.message()
    assert "(2 de 3): llevas 1, te falta 1 más." in share.message()


def course_with_rule(rule, percent=100):
    """A course of two learner modules (2 + 1 lessons) and a module for
    trainers (2 lessons), with an assessment under the rule."""
    course, _modules, lessons = build_course(
        lessons_per_module=[2, 1], trainer_lessons=2
    )
    assessment, _elements, _bank = build_assessment(
        questions=(2,),
        parent=course,
        completion_rule=rule,
        completion_percent=percent,
    )
    return assessment, lessons[:3], lessons[3:]


def test_start_is_refused_until_every_learner_lesson_is_done():
    assessment, learner_lessons, trainer_lessons = course_with_rule(Rule.ALL_LESSONS)
    learner = LearnerFactory()
    complete_lessons(learner, learner_lessons[:2])
    with pytest.raises(AttemptNotAllowed, match="te falta 1"):
        attempt_start(learner=learner, assessment=assessment)
    assert not Attempt.objects.filter(learner=learner).exists()
    # The module for trainers never counts, neither missing nor done.
    complete_lessons(learner, learner_lessons[2:])
    attempt = attempt_start(learner=learner, assessment=assessment)
    assert attempt.status == Attempt.Status.OPEN


def test_trainer_lessons_do_not_count_for_a_trainer_either():
    assessment, learner_lessons, trainer_lessons = course_with_rule(Rule.ALL_LESSONS)
    trainer = TrainerFactory()
    complete_lessons(trainer, trainer_lessons + learner_lessons[:2])
    requirement = completion.requirement_for(learner=trainer, assessment=assessment)
    assert (requirement.done, requirement.total) == (2, 3)
    assert [lesson.pk for lesson in requirement.missing] == [learner_lessons[2].pk]


def test_percent_rule_opens_at_its_share():
    assessment, learner_lessons, _trainer = course_with_rule(Rule.PERCENT, 60)
    learner = LearnerFactory()
    complete_lessons(learner, learner_lessons[:1])
    with pytest.raises(AttemptNotAllowed):
        attempt_start(learner=learner, assessment=assessment)
    complete_lessons(learner, learner_lessons[1:2])
    assert attempt_start(learner=learner, assessment=assessment).pk


def test_no_rule_needs_no_lesson_and_no_query(django_assert_num_queries):
    assessment, _lessons, _trainer = course_with_rule(Rule.NONE)
    learner = LearnerFactory()
    with django_assert_num_queries(0):
        assert (
            completion.requirement_for(learner=learner, assessment=assessment) is None
        )
    assert attempt_start(learner=learner, assessment=assessment).pk


def test_start_page_lists_the_missing_lessons_and_the_post_is_refused(client):
    assessment, learner_lessons, trainer_lessons = course_with_rule(Rule.ALL_LESSONS)
    learner = LearnerFactory()
    complete_lessons(learner, learner_lessons[:1])
    client.force_login(learner)
    page = client.get(assessment.url).content.decode()
    assert 'data-testid="requirement"' in page
    assert "te faltan 2." in page
    assert 'data-testid="begin"' not in page
    for lesson in learner_lessons[1:]:
        assert f'href="{lesson.url}"' in page
    for lesson in [learner_lessons[0], *trainer_lessons]:
        assert f'href="{lesson.url}"' not in page
    # Posting anyway starts nothing and says why.
    response = client.post(
        reverse("assessments:begin", args=[assessment.pk]), follow=True
    )
    assert not Attempt.objects.filter(learner=learner).exists()
    assert "te faltan 2." in response.content.decode()
    complete_lessons(learner, learner_lessons)
    page = client.get(assessment.url).content.decode()
    assert 'data-testid="requirement"' not in page
    assert 'data-testid="begin"' in page


def test_an_open_attempt_can_be_continued_after_the_rule_changes(client):
    assessment, learner_lessons, _trainer = course_with_rule(Rule.NONE)
    learner = LearnerFactory()
    attempt = attempt_start(learner=learner, assessment=assessment)
    assessment.completion_rule = Rule.ALL_LESSONS
    assessment.save_revision().publish()
    assessment.refresh_from_db()
    assert attempt_start(learner=learner, assessment=assessment) == attempt


def test_the_seeded_final_requires_every_learner_lesson(initial_data):
    final = AssessmentPage.objects.get(slug="evaluacion-final-ec0305")
    assert final.completion_rule == Rule.ALL_LESSONS
    requirement = completion.requirement_for(learner=LearnerFactory(), assessment=final)
    assert requirement.total >= 20
    assert requirement.done == 0 and not requirement.met


def test_the_rule_reads_neither_the_outline_nor_the_roles(django_assert_num_queries):
    """Whether the learner may see the modules for trainers does not matter to
    the rule (they never count): with the course tree cached, the parent course,
    the content token and the learner's completions, nothing else."""
    from django.contrib.auth import get_user_model

    assessment, learner_lessons, _trainer = course_with_rule(Rule.ALL_LESSONS)
    learner = LearnerFactory()
    complete_lessons(learner, learner_lessons[:1])
    completion.requirement_for(learner=learner, assessment=assessment)
    fresh = get_user_model().objects.get(pk=learner.pk)  # no roles read yet
    loaded = AssessmentPage.objects.get(pk=assessment.pk)  # its parent not known
    with django_assert_num_queries(3):
        requirement = completion.requirement_for(learner=fresh, assessment=loaded)
    assert (requirement.done, requirement.total) == (1, 3)


def test_the_start_url_s_page_brings_its_course(django_assert_num_queries):
    """The page behind the start URL comes with its parent course, so the rule
    reads only the token and the learner's completions; the course is the same
    one the tree would find."""
    from django.test import RequestFactory

    from assessments import access

    assessment, learner_lessons, _trainer = course_with_rule(Rule.ALL_LESSONS)
    learner = LearnerFactory()
    complete_lessons(learner, learner_lessons)
    request = RequestFactory().get("/")
    access.get_live_assessment_or_404(assessment.pk, request)  # the memo, built
    page = access.get_live_assessment_or_404(assessment.pk, request)
    assert page.get_parent().pk == assessment.get_parent().pk
    completion.requirement_for(learner=learner, assessment=page)  # the tree, cached
    with django_assert_num_queries(2):
        requirement = completion.requirement_for(learner=learner, assessment=page)
    assert requirement.met
