"""Issuing DC-3s: when earned, in either order of the triggers, never with
missing data; the folio, code and snapshot; re-issue."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from assessments.signals import attempt_finalised
from certificates.models import CertificateSettings
from compliance import services
from compliance.models import Dc3
from courses.models import LessonCompletion
from courses.services import lesson_complete
from rollout.models import Cohort, CohortMember, Session, StaffProfile
from tests.compliance.support import EMPLOYER_RFC, World, set_employer
from tests.factories import competent_attempt, complete_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def test_final_then_last_lesson_issues_the_dc3(
    world, django_capture_on_commit_callbacks
):
    complete_first = world.lessons[:1]
    for lesson in complete_first:
        lesson_complete(user=world.worker, lesson=lesson)
    attempt = competent_attempt(learner=world.worker, setup=world.setup)
    attempt_finalised.send(sender=type(attempt), attempt=attempt)
    assert not Dc3.objects.filter(
        course=world.course
    ).exists()  # one lesson still to do
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=world.worker, lesson=world.lessons[1])
    dc3 = Dc3.objects.get(course=world.course)
    assert dc3.worker == world.worker
    assert re.fullmatch(rf"DC3-{timezone.localdate().year}-\d{{6}}", dc3.folio)
    assert len(dc3.code) == 32
    assert dc3.pdf_ready  # rendered after commit by the task


def test_lessons_then_final_issues_the_dc3(world, django_capture_on_commit_callbacks):
    complete_lessons(world.worker, world.lessons)
    assert not Dc3.objects.filter(course=world.course).exists()
    attempt = competent_attempt(learner=world.worker, setup=world.setup)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_finalised.send(sender=type(attempt), attempt=attempt)
    dc3 = Dc3.objects.get(course=world.course)
    snapshot = dc3.snapshot
    assert snapshot["worker"]["curp"] == world.worker.staff.curp
    assert snapshot["worker"]["apellido_paterno"] == "Gómez"
    assert snapshot["worker"]["apellido_materno"] == "Mar"
    assert snapshot["employer"]["rfc"] == EMPLOYER_RFC
    assert snapshot["course"]["area_tematica_clave"] == "2000"
    # Two lessons of 90 minutes, no cohort: 3 hours; the online tutor signs.
    assert snapshot["course"]["duracion_horas"] == 3
    assert snapshot["course"]["instructor"] == "Tutora en Línea"
    assert snapshot["verification_url"].endswith(f"/verificar/dc3/{dc3.code}/")
    # Triggers firing again change nothing.
    attempt_finalised.send(sender=type(attempt), attempt=attempt)
    assert Dc3.objects.filter(course=world.course).count() == 1


def test_a_failed_final_or_missing_lessons_issue_nothing(world):
    attempt = competent_attempt(learner=world.worker, setup=world.setup)
    attempt_finalised.send(sender=type(attempt), attempt=attempt)
    assert not Dc3.objects.filter(course=world.course).exists()  # no lesson done
    world.earn()
    attempt = competent_attempt(learner=world.worker, setup=world.setup)
    attempt.competent = False  # the latest final, failed, is the one that counts
    attempt.save(update_fields=["competent"])
    assert services.dc3_issue_for(worker=world.worker, course=world.course) is None
    assert not Dc3.objects.filter(course=world.course).exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda w: StaffProfile.objects.filter(user=w.worker).update(curp=None),
            "CURP del trabajador",
        ),
        (
            lambda w: StaffProfile.objects.filter(user=w.worker).update(
                occupation=None
            ),
            "ocupación específica",
        ),
        (lambda w: set_employer(employer_rfc=""), "RFC del patrón"),
        (
            lambda w: set_employer(workers_count=80, workers_representative=""),
            "Comisión Mixta",
        ),
        (
            lambda w: w.course.dc3.__class__.objects.update(thematic_area=None),
            "área temática",
        ),
        (
            lambda w: w.course.dc3.__class__.objects.update(online_tutor=""),
            "instructor o tutor",
        ),
    ],
)
def test_missing_data_never_produces_a_dc3(world, change, expected):
    change(world)
    world.earn()
    world.worker.refresh_from_db()
    assert services.dc3_issue_for(worker=world.worker, course=world.course) is None
    assert not Dc3.objects.filter(course=world.course).exists()
    [item] = services.review(
        course=world.course,
        people=get_user_model().objects.filter(pk=world.worker.pk),
    )
    assert any(expected in text for text in item.data.missing)


def test_the_command_catches_up(world, capsys):
    world.earn()
    call_command("issue_dc3")
    assert Dc3.objects.filter(worker=world.worker).count() == 1
    assert "DC-3 emitidas:" in capsys.readouterr().out
    call_command("issue_dc3")
    assert Dc3.objects.filter(course=world.course).count() == 1


def test_reissue_replaces_with_a_reason(world):
    world.earn()
    old = services.dc3_issue_for(worker=world.worker, course=world.course)
    with pytest.raises(services.Dc3Error):
        services.dc3_reissue(dc3=old, reason="  ", by=world.hr_in)
    new = services.dc3_reissue(dc3=old, reason="Nombre corregido", by=world.hr_in)
    old.refresh_from_db()
    assert old.status == Dc3.Status.REPLACED
    assert new.replaces == old and new.folio != old.folio
    assert new.reissue_reason == "Nombre corregido"
    with pytest.raises(services.Dc3Error):
        services.dc3_reissue(dc3=old, reason="otra vez", by=world.hr_in)


def test_employer_settings_are_validated():
    issuer = CertificateSettings(
        employer_rfc="AT1010101AB7",
        workers_count=51,
        training_by=CertificateSettings.TrainingBy.EXTERNAL,
    )
    with pytest.raises(ValidationError) as error:
        issuer.clean()
    errors = error.value.message_dict
    assert "carácter 3" in errors["employer_rfc"][0]
    assert "workers_representative" in errors
    assert "external_agent_registration" in errors
    CertificateSettings(employer_rfc=EMPLOYER_RFC.lower(), workers_count=50).clean()


def test_cohort_dates_and_trainer_are_printed(world):
    trainer = world.hr_in
    cohort = Cohort.objects.create(
        name="Grupo 1",
        course=world.course,
        unit=world.unit,
        starts_on=datetime(2026, 2, 2).date(),
        ends_on=datetime(2026, 2, 6).date(),
        created_by=trainer,
    )
    cohort.trainers.add(trainer)
    CohortMember.objects.create(cohort=cohort, person=world.worker)
    start = timezone.make_aware(datetime(2026, 2, 2, 9))
    Session.objects.create(
        cohort=cohort, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    world.earn()
    dc3 = services.dc3_issue_for(worker=world.worker, course=world.course)
    course = dc3.snapshot["course"]
    assert (course["inicio"], course["fin"]) == ("2026-02-02", "2026-02-06")
    assert course["duracion_horas"] == 7  # 3 h of lessons + 4 h of sessions
    assert course["instructor"] == trainer.get_full_name()
    assert dc3.cohort == cohort and dc3.course_ended_on == cohort.ends_on
    assert LessonCompletion.objects.filter(user=world.worker).count() == 2
