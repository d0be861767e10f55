"""The demo rollout of `load_initial_data --demo` (portal/demo_rollout.py),
built on top of the session's demo accounts: what a fresh `make run` shows
HR, the lead trainer and `multiplicador`."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from compliance.models import CourseDc3, ThematicArea
from portal.demo_rollout import FIRST_WAVE, SECOND_WAVE, demo_rollout_create
from rollout import qualification
from rollout.cascade_selectors import cascade_for
from rollout.dashboard_selectors import Scope, funnel, units_behind_target
from rollout.models import Attendance, Cohort, Occupation, StaffProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def rollout(initial_data):
    return demo_rollout_create()


def user(username):
    return User.objects.get(username=username)


def test_two_cohorts_one_per_wave_led_by_the_lead_trainer_and_the_multiplicador(
    rollout,
):
    assert rollout == [FIRST_WAVE, SECOND_WAVE]
    first = Cohort.objects.get(name=FIRST_WAVE)
    second = Cohort.objects.get(name=SECOND_WAVE)
    assert [t.username for t in first.trainers.all()] == ["instructor"]
    assert [t.username for t in second.trainers.all()] == ["multiplicador"]
    assert first.members.filter(person__username="multiplicador").exists()
    # Forty imported staff and `multiplicador`, in the two branches.
    assert StaffProfile.objects.filter(unit__code="SUC-NORTE").count() == 20
    assert StaffProfile.objects.filter(unit__code="SUC-CENTRO").count() == 21
    # Sessions behind (with attendance) and ahead of today in the second wave.
    now = timezone.now()
    assert second.sessions.filter(starts_at__gt=now).exists()
    assert Attendance.objects.filter(session__cohort=second).exists()
    assert not Attendance.objects.filter(
        session__cohort=second, session__starts_at__gt=now
    ).exists()


def test_multiplicador_is_qualified_through_the_three_conditions(rollout):
    standing = qualification.standing_of(user("multiplicador"))
    assert standing.certified and standing.module_completed and standing.signed_off
    assert qualification.is_multiplicador(user("multiplicador"))
    # No authoring rights come with it.
    assert not user("multiplicador").has_perm("wagtailadmin.access_admin")


def test_every_stage_of_the_funnel_has_people_and_one_branch_is_behind(rollout):
    course = Cohort.objects.get(name=FIRST_WAVE).course
    scope = Scope(user=user("rh"), course=course, today=timezone.localdate())
    counts = funnel(scope).counts
    assert all(count > 0 for count in counts), counts
    assert list(counts) == sorted(counts, reverse=True)
    behind = {row.unit.code for row in units_behind_target(timezone.localdate())}
    assert behind == {"SUC-NORTE"}


def test_the_cascade_runs_from_instructor_through_multiplicador_to_learners(rollout):
    cascade, people = cascade_for(user=user("rh"))
    lead = next(
        n for n in cascade.roots if people[n.person_id].username == "instructor"
    )
    multiplicador = next(
        n for n in lead.children if people[n.person_id].username == "multiplicador"
    )
    assert multiplicador.multiplicador
    assert multiplicador.wave == 1
    assert multiplicador.children and all(c.wave == 2 for c in multiplicador.children)


def test_running_it_again_creates_nothing(rollout):
    staff, cohorts = StaffProfile.objects.count(), Cohort.objects.count()
    assert demo_rollout_create() == []
    assert (StaffProfile.objects.count(), Cohort.objects.count()) == (staff, cohorts)


def test_load_initial_data_brings_back_the_catalogues_after_a_flush(initial_data):
    """Live-server tests flush the database, migrations' data included: the
    command reloads the shipped occupations and áreas temáticas (the sample
    roster names occupation 07)."""
    StaffProfile.objects.update(occupation=None)
    Occupation.objects.all().delete()
    ThematicArea.objects.exclude(
        pk__in=CourseDc3.objects.values("thematic_area")
    ).delete()
    assert not ThematicArea.objects.filter(code="1000").exists()
    call_command("load_initial_data", verbosity=0)
    assert Occupation.objects.filter(code="07").exists()
    assert ThematicArea.objects.filter(code="1000").exists()
