"""E-mail notifications of the rollout: each kind reaches the right people and
nobody else, once, only after commit, and never someone who turned it off."""

from datetime import date, datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from accounts import roles
from accounts.models import NotificationOptOut, NotificationSent
from accounts.notification_services import (
    NotificationRefused,
    notification_opt_out,
)
from assessments import submission
from assessments.models import Attempt
from assessments.signals import attempt_finalised
from rollout import cohort_services as services
from rollout import notification_services, notifications
from rollout.models import OrgUnit, Session, Target, UnitScope
from tests.factories import (
    CertificationSetup,
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    UserFactory,
    build_assessment,
    competent_attempt,
    lead_evaluator,
)

from .support import World, at, staff_of

pytestmark = pytest.mark.django_db

on_commit = TestCase.captureOnCommitCallbacks


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def world():
    return World()


# ---------------------------------------------------------------- enrolment


def test_enrolment_mails_the_new_member_with_the_sessions(world):
    person = staff_of(world.unit, LearnerFactory())
    with on_commit(execute=True):
        services.cohort_enrol(cohort=world.cohort, person=person, by=world.trainer)
    assert recipients() == [person.email]
    message = mail.outbox[0]
    assert "Grupo Norte" in message.subject
    assert "4 de marzo de 2025, de 09:00 a 13:00" in message.body
    assert "Sala 2" in message.body
    assert "http://127.0.0.1:8000/mi-avance/" in message.body
    # Mandatory: no unsubscribe link.
    assert "/cuenta/avisos/baja/" not in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_enrolling_again_mails_nothing(world):
    with on_commit(execute=True):
        services.cohort_enrol(cohort=world.cohort, person=world.member, by=world.hr)
    assert mail.outbox == []


def test_a_rolled_back_enrolment_mails_nothing(world):
    person = staff_of(world.unit, LearnerFactory())
    with on_commit(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.cohort_enrol(cohort=world.cohort, person=person, by=world.hr)
            raise RuntimeError("rolled back")
    assert callbacks == []
    assert mail.outbox == []


def test_enrolment_is_mandatory(world):
    person = staff_of(world.unit, LearnerFactory())
    with pytest.raises(NotificationRefused, match="obligatorio"):
        notification_opt_out(user=person, code=notifications.ENROLMENT)
    # Even an opt-out written behind the service's back is ignored.
    NotificationOptOut.objects.create(user=person, kind=notifications.ENROLMENT)
    with on_commit(execute=True):
        services.cohort_enrol(cohort=world.cohort, person=person, by=world.hr)
    assert recipients() == [person.email]


def test_people_without_an_address_are_skipped(world):
    person = staff_of(world.unit, LearnerFactory(email=""))
    with on_commit(execute=True):
        services.cohort_enrol(cohort=world.cohort, person=person, by=world.hr)
    assert mail.outbox == []
    assert not NotificationSent.objects.exists()


# ---------------------------------------------------------------- reminders


def remind(now):
    with on_commit(execute=True):
        return notification_services.session_reminders_enqueue(now=now)


def test_reminders_go_to_the_members_of_tomorrows_sessions_only(world):
    other = staff_of(world.unit, LearnerFactory())
    services.cohort_enrol(cohort=world.cohort, person=other, by=world.hr)
    services.session_create(
        cohort=world.cohort,
        starts_at=at(5, 9),
        ends_at=at(5, 10),
        online_url="https://meet.example.com/norte",
        by=world.trainer,
    )
    run = remind(at(3, 12))
    assert run.day == date(2025, 3, 4)
    assert [s.pk for s in run.sessions] == [world.session.pk]
    assert recipients() == sorted([world.member.email, other.email])
    message = mail.outbox[0]
    assert "Mañana, 09:00" in message.subject
    assert "4 de marzo de 2025, de 09:00 a 13:00 · lugar: Sala 2" in message.body
    assert world.outsider.email not in recipients()
    assert world.trainer.email not in recipients()


def test_reminders_for_online_sessions_carry_the_link(world):
    world.session.delete()
    services.session_create(
        cohort=world.cohort,
        starts_at=at(5, 9),
        ends_at=at(5, 10),
        online_url="https://meet.example.com/norte",
        by=world.trainer,
    )
    remind(at(4, 7))
    assert "en línea: https://meet.example.com/norte" in mail.outbox[0].body


def test_tomorrow_is_local_time(world):
    """A session at 23:30 in Mexico City is already the next day in UTC: it is
    reminded the day before its local date."""
    Session.objects.filter(pk=world.session.pk).update(
        starts_at=at(4, 23) + timedelta(minutes=30),
        ends_at=at(4, 23) + timedelta(minutes=50),
    )
    remind(at(3, 8))
    assert recipients() == [world.member.email]


def test_reminders_are_sent_once_and_again_for_a_moved_session(world):
    remind(at(3, 12))
    second = remind(at(3, 18))
    assert len(mail.outbox) == 1
    assert second.people == 0 and second.sessions == []
    # Moved to the next day: a new reminder, the day before its new date.
    Session.objects.filter(pk=world.session.pk).update(
        starts_at=at(5, 9), ends_at=at(5, 13)
    )
    remind(at(4, 12))
    assert len(mail.outbox) == 2
    assert "5 de marzo de 2025" in mail.outbox[1].body


def test_reminders_respect_the_preference_and_carry_an_unsubscribe_link(world):
    other = staff_of(world.unit, LearnerFactory())
    services.cohort_enrol(cohort=world.cohort, person=other, by=world.hr)
    notification_opt_out(user=other, code=notifications.SESSION_REMINDER)
    remind(at(3, 12))
    assert recipients() == [world.member.email]
    message = mail.outbox[0]
    assert "http://127.0.0.1:8000/cuenta/avisos/baja/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/cuenta/avisos/baja/"
    )


def test_a_failed_send_is_tried_again_next_run(world, monkeypatch):
    def fail(self, *args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(mail.EmailMessage, "send", fail)
    remind(at(3, 12))  # the task fails (the worker records it)
    assert not NotificationSent.objects.exists()
    monkeypatch.undo()
    remind(at(3, 12))
    assert recipients() == [world.member.email]


def test_the_command_is_idempotent(world):
    today = timezone.localdate()
    cohort = services.cohort_create(
        course=world.course,
        unit=world.unit,
        name="Grupo Hoy",
        starts_on=today,
        ends_on=today + timedelta(days=5),
        capacity=5,
        trainers=[world.trainer],
        by=world.hr,
    )
    services.cohort_enrol(cohort=cohort, person=world.outsider, by=world.hr)
    tomorrow = timezone.make_aware(
        datetime.combine(today + timedelta(days=1), datetime.min.time())
    ) + timedelta(hours=10)
    services.session_create(
        cohort=cohort,
        starts_at=tomorrow,
        ends_at=tomorrow + timedelta(hours=2),
        place="Sala 1",
        by=world.trainer,
    )
    with on_commit(execute=True):
        call_command("send_session_reminders", stdout=StringIO())
        call_command("send_session_reminders", stdout=StringIO())
    assert recipients() == [world.outsider.email]


# ---------------------------------------------------------------- ready


class ReadyWorld:
    """A cohort in branch A of an organisation with branches A and B, on a
    course with a final; evaluators in and out of scope."""

    def __init__(self):
        self.setup = CertificationSetup()
        standard = self.setup.standard
        self.org = OrgUnit.add_root(code="ORG", name="Org", kind="organisation")
        self.branch_a = self.org.add_child(code="A", name="Sucursal A", kind="branch")
        self.org.refresh_from_db()
        self.branch_b = self.org.add_child(code="B", name="Sucursal B", kind="branch")
        self.hr = HRFactory()
        UnitScope.objects.create(user=self.hr, unit=self.org)
        self.trainer = TrainerFactory()
        # Evaluator of the cohort's trainers, without any scope.
        self.trainer_evaluator = lead_evaluator(standard)
        self.trainer_evaluator.groups.add(
            *roles_groups(roles.TRAINERS, roles.EVALUATORS)
        )
        self.in_scope = lead_evaluator(standard)
        UnitScope.objects.create(user=self.in_scope, unit=self.org)
        self.out_of_scope = lead_evaluator(standard)
        UnitScope.objects.create(user=self.out_of_scope, unit=self.branch_b)
        # In the group and the scope, but without a valid certificate.
        self.uncertified = UserFactory(groups=[roles.EVALUATORS])
        UnitScope.objects.create(user=self.uncertified, unit=self.branch_a)
        self.cohort = services.cohort_create(
            course=self.setup.course,
            unit=self.branch_a,
            name="Grupo A",
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 31),
            capacity=5,
            trainers=[self.trainer, self.trainer_evaluator],
            by=self.hr,
        )
        self.member = staff_of(self.branch_a, LearnerFactory())
        services.cohort_enrol(cohort=self.cohort, person=self.member, by=self.hr)

    def pass_final(self, person=None):
        attempt = competent_attempt(learner=person or self.member, setup=self.setup)
        # What attempt_submit sends once its transaction commits.
        attempt_finalised.send(sender=Attempt, attempt=attempt)
        return attempt


def roles_groups(*names):
    return Group.objects.filter(name__in=names)


@pytest.fixture
def ready_world():
    return ReadyWorld()


def test_ready_member_is_announced_to_the_cohorts_evaluators(ready_world):
    world = ready_world
    with on_commit(execute=True):
        world.pass_final()
    assert recipients() == sorted([world.in_scope.email, world.trainer_evaluator.email])
    message = mail.outbox[0]
    assert world.member.get_full_name() in message.subject
    assert f"/tablero/grupos/{world.cohort.pk}/" in message.body


def test_ready_notice_is_sent_once_per_person_and_cohort(ready_world):
    with on_commit(execute=True):
        ready_world.pass_final()
        ready_world.pass_final()
    assert len(mail.outbox) == 2


def test_ready_respects_the_evaluators_preference(ready_world):
    world = ready_world
    notification_opt_out(user=world.in_scope, code=notifications.READY)
    with on_commit(execute=True):
        world.pass_final()
    assert recipients() == [world.trainer_evaluator.email]


def test_nobody_is_told_about_a_failed_final_or_a_non_member(ready_world):
    world = ready_world
    with on_commit(execute=True):
        failed = competent_attempt(learner=world.member, setup=world.setup)
        Attempt.objects.filter(pk=failed.pk).update(competent=False)
        failed.refresh_from_db()
        attempt_finalised.send(sender=Attempt, attempt=failed)
        world.pass_final(person=LearnerFactory())
    assert mail.outbox == []


def test_attempt_finalised_is_sent_only_after_commit():
    assessment, _elements, _bank = build_assessment(questions=(1,))
    learner = LearnerFactory()
    heard = []

    def listener(sender, *, attempt, **kwargs):
        heard.append(attempt.pk)

    attempt_finalised.connect(listener)
    try:
        attempt = Attempt.objects.create(
            learner=learner,
            assessment=assessment,
            number=1,
            started_at=timezone.now(),
        )
        with on_commit(execute=False) as callbacks:
            submission.attempt_submit(attempt=attempt)
            assert heard == []
        for callback in callbacks:
            callback()
        assert heard == [attempt.pk]
        # A repeated submit grades nothing and announces nothing.
        with on_commit(execute=True):
            submission.attempt_submit(attempt=attempt)
        assert heard == [attempt.pk]
        # A submit rolled back announces nothing.
        other = Attempt.objects.create(
            learner=learner, assessment=assessment, number=2, started_at=timezone.now()
        )
        with on_commit(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                submission.attempt_submit(attempt=other)
                raise RuntimeError("rolled back")
        assert heard == [attempt.pk]
    finally:
        attempt_finalised.disconnect(listener)


# ---------------------------------------------------------------- targets


def behind(unit, target, certified):
    return SimpleNamespace(unit=unit, target=target, certified=certified)


def test_target_alert_goes_to_hr_covering_the_unit_once():
    org = OrgUnit.add_root(code="ORG", name="Org", kind="organisation")
    branch_a = org.add_child(code="A", name="Sucursal A", kind="branch")
    org.refresh_from_db()
    branch_b = org.add_child(code="B", name="Sucursal B", kind="branch")
    hr_org, hr_a, hr_b, hr_off = HRFactory(), HRFactory(), HRFactory(), HRFactory()
    UnitScope.objects.create(user=hr_org, unit=org)
    UnitScope.objects.create(user=hr_a, unit=branch_a)
    UnitScope.objects.create(user=hr_b, unit=branch_b)
    UnitScope.objects.create(user=hr_off, unit=org)
    # A trainer scoped to the unit is not HR: not told.
    trainer = TrainerFactory()
    UnitScope.objects.create(user=trainer, unit=branch_a)
    notification_opt_out(user=hr_off, code=notifications.BEHIND_TARGET)
    target = SimpleNamespace(pk=7, certified=10, due_on=date(2025, 6, 30))
    with on_commit(execute=True):
        notification_services.target_alerts_send([behind(branch_a, target, 3)])
        notification_services.target_alerts_send([behind(branch_a, target, 4)])
    assert recipients() == sorted([hr_org.email, hr_a.email])
    body = mail.outbox[0].body
    assert "Sucursal A" in body
    assert "Meta: 10 personas certificadas para el 30 de junio de 2025." in body
    assert "Certificadas hoy: 3; faltan 7." in body
    # A new target of the same unit is a new alert.
    with on_commit(execute=True):
        notification_services.target_alerts_send(
            [
                behind(
                    branch_a,
                    SimpleNamespace(pk=8, certified=20, due_on=date(2025, 12, 1)),
                    4,
                )
            ]
        )
    assert len(mail.outbox) == 4


def test_the_daily_command_alerts_hr_of_a_unit_behind_its_real_target():
    """``send_target_alerts`` end to end: a unit with a target due and nobody
    certified alerts its HR once; a unit on track, or with a target not yet
    due, alerts nobody; a second run sends nothing more."""
    org = OrgUnit.add_root(code="ORG", name="Org", kind="organisation")
    branch_a = org.add_child(code="A", name="Sucursal A", kind="branch")
    org.refresh_from_db()
    branch_b = org.add_child(code="B", name="Sucursal B", kind="branch")
    hr_a, hr_b = HRFactory(), HRFactory()
    UnitScope.objects.create(user=hr_a, unit=branch_a)
    UnitScope.objects.create(user=hr_b, unit=branch_b)
    today = timezone.localdate()
    Target.objects.create(
        unit=branch_a, due_on=today - timedelta(days=1), certified=5, created_by=hr_a
    )
    Target.objects.create(
        unit=branch_b, due_on=today + timedelta(days=30), certified=5, created_by=hr_b
    )
    for _run in range(2):
        out = StringIO()
        with on_commit(execute=True):
            call_command("send_target_alerts", stdout=out)
    assert "1 unit(s) behind target" in out.getvalue()
    assert recipients() == [hr_a.email]
    assert "Certificadas hoy: 0; faltan 5." in mail.outbox[0].body
