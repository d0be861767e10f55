"""The "done when" path of the rollout (issue 10) on the demo data, in a real
browser: `rh` imports the sample roster, reads the dashboards (funnel, certified
against the target, heat map) and the cascade instructor → multiplicador →
learners on a desktop; then `multiplicador`, on a phone, opens a cohort, adds a
session today, enrols a person of Sucursal Norte and takes their attendance."""

import base64
import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from certificates.models import Certificate
from rollout.models import Attendance, Cohort, Session, StaffProfile
from tests.e2e.support import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

User = get_user_model()

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ROSTER = Path(django_settings.BASE_DIR) / "rollout" / "content" / "roster-ejemplo.csv"
INSTRUCTOR = "Iván Instructor Ruiz"
MULTIPLICADOR = "Mónica Ruiz Cordero"
NEW_COHORT = "Norte · tercera generación"


def _roster_rows() -> list[dict]:
    with ROSTER.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _hr_imports_and_reads_the_dashboards(page: Page, base: str, password: str):
    rows = _roster_rows()
    curps = [row["CURP"] for row in rows]
    assert not StaffProfile.objects.filter(curp__in=curps).exists()
    sign_in(page, base, "rh", password)

    # Roster import: upload, preview, save.
    page.goto(f"{base}/tablero/personal/importar/")
    page.get_by_label("Archivo del personal").set_input_files(ROSTER)
    page.get_by_role("button", name="Revisar el archivo").click()
    expect(
        page.get_by_role("heading", name="Vista previa del personal")
    ).to_be_visible()
    expect(page.get_by_text("Sin errores.")).to_be_visible()
    for row in rows:
        expect(page.get_by_text(row["CURP"])).to_be_visible()
    page.get_by_role("button", name="Guardar el personal").click()
    expect(page.get_by_role("heading", name="Personal importado")).to_be_visible()
    expect(page.locator("[data-count=created]")).to_have_text(str(len(rows)))
    imported = {p.curp: p for p in StaffProfile.objects.select_related("user", "unit")}
    for row in rows:
        profile = imported[row["CURP"]]
        assert profile.user.first_name == row["nombre"]
        assert profile.unit.code == row["unidad"]

    # The overview: the funnel chart beside its table, certified against target.
    page.goto(f"{base}/tablero/")
    funnel = page.locator("section[aria-labelledby=funnel-heading]")
    expect(funnel.get_by_role("heading", name="Embudo")).to_be_visible()
    expect(funnel.get_by_role("img", name="Embudo de certificación")).to_be_visible()
    assert funnel.locator("figure > img").count() == 1
    funnel_table = funnel.get_by_role(
        "table", name="Personas que llegaron al menos a cada etapa"
    )
    expect(funnel_table.get_by_role("row", name="Inscritas")).to_be_visible()
    expect(funnel_table.get_by_role("row", name="Certificadas")).to_be_visible()
    target = page.locator("section[aria-labelledby=target-heading]")
    chart = target.get_by_role("img", name="Personas certificadas contra la meta")
    expect(chart).to_be_visible()
    assert target.locator("figure > img").count() == 1
    # The target series is drawn and named in the legend (inside the SVG image).
    svg = base64.b64decode(chart.get_attribute("src").split(",", 1)[1]).decode()
    assert ">Meta<" in svg
    metas = target.get_by_role("table", name="Metas de la unidad")
    expect(metas.get_by_role("columnheader", name="Meta")).to_be_visible()
    assert metas.locator("tbody tr").count() >= 4

    # The heat maps: criterion × unit with the share of candidates failing.
    page.goto(f"{base}/tablero/mapas/")
    for source in ("Cuestionario", "Observación"):
        heat = page.get_by_role(
            "table",
            name=f"{source}: candidatos que no cumplen cada criterio, por unidad",
        )
        expect(heat.get_by_role("columnheader", name="Criterio")).to_be_visible()
        expect(
            heat.get_by_role("columnheader", name="Sucursal Norte", exact=True)
        ).to_be_visible()
        expect(heat.locator("td", has_text="%").first).to_be_visible()
    expect(
        page.get_by_role(
            "table",
            name="Observación: candidatos que no cumplen cada criterio, por instructor",
        )
    ).to_be_visible()

    # The cascade: instructor → multiplicador → the learners certified by her.
    page.goto(f"{base}/tablero/cascada/")
    expect(page.get_by_role("heading", name="Cascada de formación")).to_be_visible()
    lead = page.locator("ul.cascade > li").filter(
        has=page.get_by_text(INSTRUCTOR, exact=True)
    )
    expect(lead).to_have_count(1)
    wave_one = lead.get_by_role("list", name=f"Certificados por {INSTRUCTOR}")
    multiplicador = wave_one.get_by_role("listitem").filter(
        has=page.get_by_text(MULTIPLICADOR, exact=True)
    )
    expect(multiplicador).to_have_count(1)
    expect(multiplicador.get_by_text("multiplicador", exact=True)).to_be_visible()
    wave_two = multiplicador.get_by_role(
        "list", name=f"Certificados por {MULTIPLICADOR}"
    )
    learners = (
        Certificate.objects.filter(holder__staff__unit__code="SUC-NORTE")
        .select_related("holder")
        .order_by("holder__last_name")
    )
    assert learners.exists()
    for certificate in learners:
        expect(
            wave_two.get_by_role("listitem").filter(
                has=page.get_by_text(certificate.holder.get_full_name(), exact=True)
            )
        ).to_have_count(1)


def _multiplicador_takes_attendance(page: Page, base: str, password: str):
    sign_in(page, base, "multiplicador", password)
    today = timezone.localdate()
    cohort_course = Cohort.objects.get(name="Norte · segunda generación").course

    # A new cohort in Sucursal Norte, filled in as a person would.
    page.goto(f"{base}/tablero/grupos/nuevo/")
    page.get_by_label("Nombre del grupo").fill(NEW_COHORT)
    page.get_by_label("Curso").select_option(label=cohort_course.title)
    page.get_by_label("Unidad").select_option(label="SUC-NORTE · Sucursal Norte")
    page.get_by_label("Inicio").fill(today.isoformat())
    page.get_by_label("Fin").fill((today + timedelta(days=28)).isoformat())
    page.get_by_label("Cupo").fill("12")
    expect(page.get_by_label("Instructores")).to_have_values(
        [str(User.objects.get(username="multiplicador").pk)]
    )
    page.get_by_role("button", name="Crear grupo").click()
    expect(page.get_by_role("heading", name=NEW_COHORT)).to_be_visible()
    cohort = Cohort.objects.get(name=NEW_COHORT)
    assert cohort.unit.code == "SUC-NORTE"

    # A session today.
    page.get_by_role("link", name="Agregar sesión").click()
    page.get_by_label("Inicio").fill(f"{today.isoformat()}T09:00")
    page.get_by_label("Fin").fill(f"{today.isoformat()}T11:00")
    page.get_by_label("Lugar").fill("Sala de juntas, Sucursal Norte")
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Agregar sesión").click()
    expect(page.get_by_text("Sesión agregada.")).to_be_visible()
    session = Session.objects.get(cohort=cohort)

    # Enrol one person of Sucursal Norte through the picker: the one `rh` just
    # imported from the sample roster.
    person = User.objects.get(staff__curp=_roster_rows()[1]["CURP"])
    assert person.staff.unit.code == "SUC-NORTE"
    page.get_by_label("Persona").select_option(label=person.get_full_name())
    page.get_by_role("button", name="Inscribir").click()
    expect(
        page.get_by_text("Persona inscrita en el grupo y en el curso.")
    ).to_be_visible()
    assert cohort.members.filter(person=person).exists()

    # Attendance: tap "Presente", see "Guardado".
    page.get_by_role("link", name="Tomar asistencia").click()
    expect(page.get_by_role("heading", name="Asistencia")).to_be_visible()
    # The page's script takes over the buttons once loaded (after the
    # stylesheets); a tap before that posts the plain form instead.
    page.wait_for_load_state("load")
    row = page.get_by_role("listitem").filter(
        has=page.get_by_text(person.get_full_name(), exact=True)
    )
    row.get_by_role("button", name="Presente").tap()
    expect(page.get_by_role("status")).to_have_text("Guardado")
    expect(row.get_by_role("button", name="Presente")).to_have_attribute(
        "aria-pressed", "true"
    )
    attendance = Attendance.objects.get(session=session, person=person)
    assert attendance.present is True
    assert attendance.recorded_by.username == "multiplicador"
    # Nothing overflows sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_rollout_path_on_the_demo_data(live_server, browser: Browser, settings):
    # Live-server tests flush the database: load the demo, rollout included.
    settings.ATIENDE_DEMO_ROLLOUT = True
    call_command("load_initial_data", demo=True, verbosity=0)
    password = settings.ATIENDE_DEMO_PASSWORD
    base = live_server.url

    desktop = browser.new_context(viewport=DESKTOP)
    try:
        _hr_imports_and_reads_the_dashboards(desktop.new_page(), base, password)
    finally:
        desktop.close()

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        _multiplicador_takes_attendance(phone.new_page(), base, password)
    finally:
        phone.close()
