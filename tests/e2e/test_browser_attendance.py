"""Attendance on a phone (390 x 844) in a real browser: the trainer taps
present/absent for three members, sees "Guardado", reloads, and the marks are
stored."""

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.role_permissions import sync_roles
from rollout.models import Attendance
from tests.e2e.support import sign_in
from tests.factories import LearnerFactory
from tests.rollout.support import World

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def test_trainer_marks_attendance_by_tapping(live_server, page: Page):
    # Live-server tests flush the database: bring back the site, home page and
    # roles first.
    call_command("load_initial_data", verbosity=0)
    sync_roles(apps)
    world = World(capacity=5)
    members = [world.member, LearnerFactory(), LearnerFactory()]
    for person in members[1:]:
        world.cohort.members.create(person=person)
    base = live_server.url
    sign_in(page, base, world.trainer.username, "password")

    page.goto(f"{base}/tablero/sesiones/{world.session.pk}/asistencia/")
    wanted = [True, False, True]
    for person, present in zip(members, wanted, strict=True):
        row = page.locator(f"li[data-person='{person.pk}']")
        row.get_by_role("button", name="Presente" if present else "Ausente").click()
        expect(row).to_have_attribute("data-saved", "present" if present else "absent")
        expect(page.locator("#attendance-status")).to_have_text("Guardado")
    # Nothing overflows sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.reload()
    for person, present in zip(members, wanted, strict=True):
        row = page.locator(f"li[data-person='{person.pk}']")
        pressed = row.get_by_role("button", name="Presente" if present else "Ausente")
        expect(pressed).to_have_attribute("aria-pressed", "true")
    stored = dict(Attendance.objects.values_list("person_id", "present"))
    assert stored == {p.pk: w for p, w in zip(members, wanted, strict=True)}
