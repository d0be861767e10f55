"""Certificates about to expire: the HR page /certificados/por-vencer/ and the
daily command send_certificate_reminders, which e-mails each holder (if they have
an address) and HR once per certificate, saying from which day and how the holder
renews it (passing the final assessment again, no support needed)."""

from datetime import date, datetime, timedelta
from fractions import Fraction
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats
from freezegun import freeze_time

from accounts import roles
from assessments.models import Attempt
from certificates.models import Certificate
from certificates.reminders import certificate_reminders_send
from certificates.services import (
    certificate_reissue,
    certificate_revoke,
)
from tests.factories import (
    CertificationSetup,
    HRFactory,
    TrainerFactory,
    certificate_issue_for_attempt,
    competent_attempt,
    issue_certificate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_media")]

MX = ZoneInfo("America/Mexico_City")
TODAY = "2026-06-15 18:00:00"  # noon in Mexico City


def issued(year, month, day):
    return datetime(year, month, day, 12, tzinfo=MX)


def failed_attempt(*, learner, setup, at):
    """A submitted attempt judged not competent, started 20 minutes before
    ``at``."""
    number = Attempt.objects.filter(learner=learner).count() + 1
    return Attempt.objects.create(
        learner=learner,
        assessment=setup.assessment,
        number=number,
        status=Attempt.Status.SUBMITTED,
        started_at=at - timedelta(minutes=20),
        submitted_at=at,
        competent=False,
        score=Fraction(0),
    )


def short(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@pytest.fixture
def world(hr):
    """On 2026-06-15 (validity 24 months, window 60 days):

    * soon: expires 2026-07-15 (30 days; renewable from 2026-05-16), holder with
      e-mail, every one of the 3 attempts left for the renewal (the certified
      attempt belongs to the previous cycle);
    * no_mail: expires 2026-08-01, holder without e-mail;
    * last_day: expires 2026-08-14 (60 days: still in the window);
    * exhausted: expires 2026-06-20, holder already failed the one attempt
      (attempts_allowed 1) of the renewal, inside the window;
    * later: expires 2026-09-13 (90 days: outside);
    * expired: expired 2026-05-01; revoked: would expire in 10 days, revoked;
    * renewed: expires 2026-07-01 but its holder already renewed it, passing the
      final again inside the window (2026-06-10): the page and the command
      leave it out.
    """
    setup = CertificationSetup()
    strict = CertificationSetup(attempts_allowed=1)
    soon = issue_certificate(setup, now=issued(2024, 7, 15), email="soon@example.com")
    no_mail = issue_certificate(setup, now=issued(2024, 8, 1), email="")
    last_day = issue_certificate(setup, now=issued(2024, 8, 14))
    exhausted = issue_certificate(
        strict, now=issued(2024, 6, 20), email="sin.intentos@example.com"
    )
    failed_attempt(learner=exhausted.holder, setup=strict, at=issued(2026, 6, 1))
    later = issue_certificate(setup, now=issued(2024, 9, 13))
    expired = issue_certificate(setup, now=issued(2024, 5, 1))
    revoked = issue_certificate(setup, now=issued(2024, 6, 25))
    certificate_revoke(certificate=revoked, by=hr, reason="Prueba")
    renewed = issue_certificate(setup, now=issued(2024, 7, 1))
    newer_attempt = competent_attempt(
        learner=renewed.holder, setup=setup, submitted_at=issued(2026, 6, 10)
    )
    renewal = certificate_issue_for_attempt(
        attempt=newer_attempt, now=issued(2026, 6, 10)
    )
    assert renewal.pk != renewed.pk and renewal.expires_on == date(2028, 6, 10)
    return {
        "soon": soon,
        "no_mail": no_mail,
        "last_day": last_day,
        "exhausted": exhausted,
        "later": later,
        "expired": expired,
        "revoked": revoked,
        "renewed": renewed,
    }


DUE = {"exhausted", "soon", "no_mail", "last_day"}


def reminded(world) -> set[str]:
    ids = {c.pk: name for name, c in world.items()}
    return {
        ids[pk]
        for pk in Certificate.objects.filter(
            reminder_sent_at__isnull=False
        ).values_list("pk", flat=True)
        if pk in ids
    }


def hr_addresses() -> set[str]:
    """Every active HR member's address (the demo data may add its own)."""
    return set(
        User.objects.filter(groups__name=roles.HR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def run() -> str:
    out = StringIO()
    call_command("send_certificate_reminders", stdout=out)
    return out.getvalue()


@freeze_time(TODAY)
def test_expiring_page_lists_the_window_soonest_first(client, hr, world):
    """The page lists certificates in force expiring within 60 days, soonest
    first, leaving out later, expired, revoked and already renewed ones. It says
    that holders renew by passing the final again from 60 days before expiry,
    without asking support, and, per row, from which day and with how many
    attempts of the renewal left (the certified attempt does not count)."""
    client.force_login(hr)
    response = client.get(reverse("certificates:hr_expiring"))
    listed = [c.serial for c in response.context["certificates"]]
    order = ["exhausted", "soon", "no_mail", "last_day"]
    assert listed == [world[name].serial for name in order]
    rows = {c.serial: c for c in response.context["certificates"]}
    assert rows[world["soon"].serial].days_left == 30
    assert rows[world["soon"].serial].attempts_left == 3
    assert rows[world["exhausted"].serial].attempts_left == 0
    html = response.content.decode()
    assert "puede renovarla desde 60 días antes de su vencimiento" in html
    assert "presentando de nuevo la evaluación final" in html
    assert "no necesita pedir nada a soporte" in html
    assert "la actual no se revoca" in html
    assert "otorgue uno nuevo" not in html
    opens = short(date(2026, 5, 16))
    assert f"Puede renovarla desde el {opens}: le quedan 3 intentos." in html
    assert "Ya usó todos los intentos de su renovación." in html
    assert html.count('data-retake="no"') == 1


@freeze_time(TODAY)
def test_window_follows_the_setting(client, hr, world, settings):
    """ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS sets the window (10 days here)."""
    settings.ATIENDE_CERTIFICATE_EXPIRY_NOTICE_DAYS = 10
    client.force_login(hr)
    response = client.get(reverse("certificates:hr_expiring"))
    assert [c.serial for c in response.context["certificates"]] == [
        world["exhausted"].serial
    ]


@freeze_time(TODAY)
def test_reminders_go_to_holders_and_hr_once(world, hr):
    """One run e-mails each due holder that has an address and sends HR (every
    HR member with an address) a digest of every due certificate; it records the
    reminder, so a second run sends nothing. The holder's e-mail says from which
    day they can renew by passing the final again, with no need to ask support,
    and how many attempts the renewal has left; the digest gives each row's
    first day of renewal."""
    hr_without_mail = HRFactory(email="")
    TrainerFactory(email="instructor@example.com")
    output = run()
    assert "4 certificate(s) reminded" in output
    assert reminded(world) == DUE

    hr_mail = hr_addresses()
    assert "rh@example.com" in hr_mail
    to_holders = {m.to[0]: m for m in mail.outbox if m.to[0] not in hr_mail}
    expected_holders = {
        world[name].holder.email for name in DUE if world[name].holder.email
    }
    assert set(to_holders) == expected_holders
    assert "no_mail" not in expected_holders and world["no_mail"].holder.email == ""
    soon = to_holders["soon@example.com"]
    assert world["soon"].serial in soon.subject
    assert "vence el 15 de julio de 2026" in soon.body
    assert "Puedes renovarla a partir del 16 de mayo de 2026" in soon.body
    assert "presenta de nuevo la evaluación final" in soon.body
    assert "sin pedir nada a soporte" in soon.body
    assert "Para la renovación te quedan 3 intentos." in soon.body
    assert "la actual sigue vigente" in soon.body
    assert world["soon"].snapshot["verification_url"] in soon.body
    exhausted = to_holders["sin.intentos@example.com"].body
    assert "Ya usaste todos los intentos de tu renovación" in exhausted
    for message in mail.outbox:
        assert "otorguen uno nuevo" not in message.body
        assert "vía soporte" not in message.body

    to_hr = [m for m in mail.outbox if m.to == ["rh@example.com"]]
    assert len(to_hr) == 1
    assert {m.to[0] for m in mail.outbox if m.to[0] in hr_mail} == hr_mail
    for name in DUE:
        assert world[name].serial in to_hr[0].body
    assert "renovable desde el 16 de mayo de 2026" in to_hr[0].body
    assert "ya usó todos los intentos de su renovación" in to_hr[0].body
    assert "sin pedir nada a soporte" in to_hr[0].body
    for name in ("later", "expired", "revoked", "renewed"):
        assert world[name].serial not in to_hr[0].body
    assert reverse("certificates:hr_expiring") in to_hr[0].body
    every_recipient = {address for m in mail.outbox for address in m.to}
    assert "instructor@example.com" not in every_recipient
    assert hr_without_mail.email not in every_recipient

    mail.outbox.clear()
    assert "0 certificate(s) reminded" in run()
    assert mail.outbox == []


def test_a_certificate_entering_the_window_later_is_reminded_then(world):
    """A later run reminds the certificates that entered the window since, and
    only those."""
    with freeze_time(TODAY):
        run()
    mail.outbox.clear()
    with freeze_time("2026-07-16 18:00:00"):
        run()
    # On 2026-07-16 the window reaches 2026-09-14: "later" (2026-09-13) is due.
    assert reminded(world) == DUE | {"later"}
    assert {m.to[0] for m in mail.outbox} == {world["later"].holder.email} | (
        hr_addresses()
    )


@freeze_time(TODAY)
def test_reissued_certificate_is_reminded_once_through_its_replacement(world, hr):
    """A certificate replaced by a re-issue is not reminded; its replacement
    (same expiry) is."""
    new = certificate_reissue(certificate=world["soon"], by=hr)
    run()
    sent = Certificate.objects.filter(reminder_sent_at__isnull=False)
    assert new in sent
    assert world["soon"] not in sent


@freeze_time(TODAY)
def test_dry_run_sends_and_records_nothing(world):
    out = StringIO()
    call_command("send_certificate_reminders", "--dry-run", stdout=out)
    assert "4 reminder(s) would be sent" in out.getvalue()
    assert mail.outbox == []
    assert reminded(world) == set()


def test_the_service_reminds_as_of_the_moment_it_is_given(world, hr):
    """certificate_reminders_send, called without the command (and without a
    frozen clock), reminds the certificates due on ``now``'s day, records when,
    and reports what it did; a dry run reports the same certificates and changes
    nothing."""
    now = datetime(2026, 6, 15, 12, tzinfo=MX)
    dry = certificate_reminders_send(now=now, dry_run=True)
    assert {c.pk for c in dry.due} == {world[name].pk for name in DUE}
    assert dry.reminded == [] and mail.outbox == [] and reminded(world) == set()

    report = certificate_reminders_send(now=now)
    assert {c.pk for c in report.reminded} == {c.pk for c in dry.due}
    assert reminded(world) == DUE
    assert set(
        Certificate.objects.filter(reminder_sent_at__isnull=False).values_list(
            "reminder_sent_at", flat=True
        )
    ) == {now}
    holders = [c for c in report.reminded if c.holder.email]
    assert report.holder_mails == len(holders)
    assert report.hr_digests == len(hr_addresses()) > 0
    assert len(mail.outbox) == report.holder_mails + report.hr_digests
    assert certificate_reminders_send(now=now).reminded == []


def test_the_service_refuses_a_negative_window(world):
    with pytest.raises(ValueError):
        certificate_reminders_send(days=-1)
