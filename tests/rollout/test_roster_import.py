"""Scoped access across two branches, the roster import (atomic, idempotent,
scoped), its screen's permission matrix, and the import_roster command."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.mx import curp

from accounts import roles
from portal.demo_dc3 import DEMO_STAFF
from rollout import access, services
from rollout.models import Occupation, OrgUnit, StaffProfile, UnitScope
from rollout.roster import parse_roster
from tests.factories import HRFactory, LearnerFactory, TrainerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/tablero/personal/importar/"
HEADER = (
    "CURP,nombre,primer apellido,segundo apellido,correo,puesto,unidad,fecha de ingreso"
)


def roster_profiles():
    """Staff profiles other than the demo's (the session's demo data gives
    `egresada`, `evaluadora` and `aprendiz` one for their DC-3)."""
    return StaffProfile.objects.exclude(user__username__in=DEMO_STAFF)


def valid_curp(prefix: str) -> str:
    return prefix + curp.calc_check_digit(prefix)


ANA = valid_curp("GOMA850101MDFRRN0")
JUAN = valid_curp("PELJ900215HJCRPN0")


@pytest.fixture
def tree():
    org = services.org_unit_create(code="ORG", name="Organización", kind="organisation")
    region = services.org_unit_create(
        parent=org, code="REG", name="Región", kind="region"
    )
    a = services.org_unit_create(parent=region, code="SUC-A", name="A", kind="branch")
    a_area = services.org_unit_create(parent=a, code="A-CAJA", name="Caja", kind="area")
    b = services.org_unit_create(parent=region, code="SUC-B", name="B", kind="branch")
    return {"org": org, "a": a, "a_area": a_area, "b": b}


def staff(unit, username):
    user = UserFactory(username=username)
    StaffProfile.objects.create(user=user, unit=unit)
    return user


def scoped(user, *units):
    for unit in units:
        UnitScope.objects.create(user=user, unit=unit)
    return user


def test_unit_tree_paths(tree):
    assert tree["a_area"].path.startswith(tree["a"].path)
    assert not tree["b"].path.startswith(tree["a"].path)


def test_scope_matrix_across_two_branches(tree):
    in_a = staff(tree["a"], "en_a")
    in_a_area = staff(tree["a_area"], "en_a_caja")
    in_b = staff(tree["b"], "en_b")
    everyone = User.objects.filter(pk__in=[in_a.pk, in_a_area.pk, in_b.pk])

    def seen(user):
        return set(access.people_visible_to(user, everyone))

    hr_a = scoped(HRFactory(), tree["a"])
    hr_org = scoped(HRFactory(), tree["org"])
    trainer_b = scoped(TrainerFactory(), tree["b"])
    hr_unscoped = HRFactory()
    learner = LearnerFactory()
    admin = UserFactory(is_superuser=True)

    assert seen(hr_a) == {in_a, in_a_area}
    assert seen(hr_org) == {in_a, in_a_area, in_b}
    assert seen(trainer_b) == {in_b}
    assert seen(hr_unscoped) == set()
    assert seen(learner) == set()
    assert seen(admin) == {in_a, in_a_area, in_b}

    access.require_person_visible(hr_a, in_a_area)
    with pytest.raises(Http404):
        access.require_person_visible(hr_a, in_b)
    with pytest.raises(Http404):
        access.require_person_visible(learner, in_a)
    assert set(access.units_visible_to(hr_a)) == {tree["a"], tree["a_area"]}


def test_people_visible_to_is_one_query(tree, django_assert_num_queries):
    for i in range(5):
        staff(tree["a"], f"p{i}")
    hr_a = scoped(HRFactory(), tree["a"], tree["a_area"])
    assert access.units_of(hr_a) == (tree["a"].path,)  # nested scope folded
    with django_assert_num_queries(1):
        assert len(list(access.people_visible_to(hr_a, User.objects.all()))) == 5


def rows(*lines):
    parsed = parse_roster("p.csv", ("\n".join((HEADER, *lines)) + "\n").encode())
    assert not parsed.file_errors
    return parsed.rows


def test_import_creates_then_updates_and_never_duplicates(tree):
    first = rows(
        f"{ANA},Ana,Gómez,Martínez,ana@example.com,Cajera,SUC-A,2019-03-01",
        f"{JUAN},Juan,Pérez,,juan@example.com,,SUC-B,",
    )
    users_before = User.objects.count()
    report = services.roster_import(rows=first)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    ana = User.objects.get(username=ANA.lower())
    assert not ana.has_usable_password()
    assert ana.groups.filter(name=roles.LEARNERS).exists()
    assert ana.staff.unit == tree["a"] and ana.staff.position.name == "Cajera"

    again = rows(
        f"{ANA},Ana,Gómez,Martínez,ana.g@example.com,Supervisora,A-CAJA,2019-03-01",
        f"{JUAN},Juan,Pérez,,juan@example.com,,SUC-B,",
    )
    report = services.roster_import(rows=again)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert roster_profiles().count() == 2
    assert User.objects.count() == users_before + 2
    ana.refresh_from_db()
    assert ana.email == "ana.g@example.com"
    assert ana.staff.unit == tree["a_area"]
    assert ana.staff.position.name == "Supervisora"


def test_one_bad_row_saves_nothing(tree):
    bad = rows(
        f"{ANA},Ana,Gómez,,ana@example.com,Cajera,SUC-A,",
        f"{JUAN},Juan,Pérez,,juan@example.com,,NO-EXISTE,",
    )
    with pytest.raises(services.RosterInvalid) as caught:
        services.roster_import(rows=bad)
    assert any("NO-EXISTE" in e for e in caught.value.rows[1].errors)
    assert not roster_profiles().exists()
    assert not User.objects.filter(username=ANA.lower()).exists()


def test_rows_outside_the_importers_units_are_errors(tree):
    hr_a = scoped(HRFactory(), tree["a"])
    checked = services.roster_check(
        rows=rows(
            f"{ANA},Ana,Gómez,,ana@example.com,,A-CAJA,",
            f"{JUAN},Juan,Pérez,,juan@example.com,,SUC-B,",
        ),
        actor=hr_a,
    )
    assert checked[0].errors == ()
    assert any("no está entre tus unidades" in e for e in checked[1].errors)


def upload(client, text, name="personal.csv", follow=True, **data):
    """Post a file; by default follow to the preview page."""
    return client.post(
        URL, {"file": SimpleUploadedFile(name, text.encode()), **data}, follow=follow
    )


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 302),
        ("learner", 403),
        ("trainer", 403),
        ("hr_scoped", 200),
        ("hr_unscoped", 200),
        ("superuser", 200),
    ],
)
def test_import_screen_permissions(client, tree, who, status):
    user = {
        "anonymous": lambda: None,
        "learner": LearnerFactory,
        "trainer": lambda: scoped(TrainerFactory(), tree["a"]),
        "hr_scoped": lambda: scoped(HRFactory(), tree["a"]),
        "hr_unscoped": HRFactory,
        "superuser": lambda: UserFactory(is_superuser=True),
    }[who]()
    if user:
        client.force_login(user)
    assert client.get(URL).status_code == status
    response = upload(
        client,
        f"{HEADER}\n{ANA},Ana,Gómez,,ana@example.com,,SUC-A,\n",
        follow=status != 302,
    )
    assert response.status_code == status
    if status == 302:
        assert "/accounts/" in response["Location"]
    if who == "hr_unscoped":
        assert "no está entre tus unidades" in response.content.decode()
        assert "Guardar el personal" not in response.content.decode()
    assert not roster_profiles().exists()


def test_preview_then_commit_from_the_session(client, tree):
    client.force_login(scoped(HRFactory(), tree["a"]))
    response = upload(client, f"{HEADER}\n{ANA},Ana,Gómez,,ana@example.com,,SUC-A,\n")
    assert "Guardar el personal" in response.content.decode()
    assert not roster_profiles().exists()
    token = client.session["rollout_roster_pending"]["token"]
    assert (
        client.post(reverse("rollout:roster_commit"), {"token": "x"}).status_code == 302
    )
    assert not roster_profiles().exists()
    response = client.post(reverse("rollout:roster_commit"), {"token": token})
    assert response.status_code == 200
    assert 'data-count="created">1<' in response.content.decode()
    assert roster_profiles().get().curp == ANA
    # The preview is used once.
    assert (
        client.post(reverse("rollout:roster_commit"), {"token": token}).status_code
        == 302
    )


@pytest.mark.parametrize(
    "name,data",
    [
        ("vacio.csv", b""),
        ("basura.csv", bytes(range(256)) * 4),
        ("personal.txt", b"CURP\n"),
        ("roto.xlsx", b"PK\x03\x04garbage"),
    ],
)
def test_bad_files_never_500(client, tree, name, data):
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(URL, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code in (200, 400)
    assert not roster_profiles().exists()


def test_command_previews_then_commits(tree, tmp_path):
    path = tmp_path / "personal.csv"
    path.write_text(f"{HEADER}\n{ANA},Ana,Gómez,,ana@example.com,Cajera,SUC-A,\n")
    out = StringIO()
    call_command("import_roster", str(path), stdout=out)
    assert not roster_profiles().exists()
    call_command("import_roster", str(path), "--commit", stdout=out)
    call_command("import_roster", str(path), "--commit", stdout=out)
    assert roster_profiles().count() == 1
    assert "sin cambios: 1" in out.getvalue()

    path.write_text(f"{HEADER}\n{JUAN},Juan,Pérez,,juan@example.com,,NOPE,\n")
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--commit", stdout=out, stderr=out)
    assert roster_profiles().count() == 1


def test_admin_creates_a_unit_under_a_parent(client, tree):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/admin/snippets/rollout/orgunit/").status_code == 200
    response = client.post(
        "/admin/snippets/rollout/orgunit/add/",
        {"parent": tree["b"].pk, "code": "B-CAJA", "name": "Caja B", "kind": "area"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = OrgUnit.objects.get(code="B-CAJA")
    assert created.get_parent() == tree["b"]
    edit = f"/admin/snippets/rollout/orgunit/edit/{created.pk}/"
    assert client.get(edit).status_code == 200


OCC_HEADER = f"{HEADER},ocupación"


def occ_rows(*lines):
    parsed = parse_roster("p.csv", ("\n".join((OCC_HEADER, *lines)) + "\n").encode())
    assert not parsed.file_errors
    return parsed.rows


def occupation_of(curp_value):
    return StaffProfile.objects.get(curp=curp_value).occupation


def test_occupation_is_set_on_create_and_update_and_kept_when_empty(tree):
    services.roster_import(
        rows=occ_rows(
            f"{ANA},Ana,Gómez,,ana@example.com,,SUC-A,,07",
            f"{JUAN},Juan,Pérez,,juan@example.com,,SUC-B,,",
        )
    )
    assert occupation_of(ANA) == Occupation.objects.get(code="07")
    assert occupation_of(JUAN) is None

    report = services.roster_import(
        rows=occ_rows(
            f"{ANA},Ana,Gómez,,ana@example.com,,SUC-A,,",
            f"{JUAN},Juan,Pérez,,juan@example.com,,SUC-B,,08",
        )
    )
    assert (report.updated, report.unchanged) == (1, 1)
    assert occupation_of(ANA).code == "07", "an empty cell leaves it unchanged"
    assert occupation_of(JUAN).code == "08"

    # A file without the column leaves it unchanged too.
    services.roster_import(rows=rows(f"{ANA},Ana,Gómez,,ana@example.com,,SUC-A,"))
    assert occupation_of(ANA).code == "07"


def test_unknown_occupation_is_a_row_error_and_saves_nothing(tree):
    bad = occ_rows(
        f"{ANA},Ana,Gómez,,ana@example.com,,SUC-A,,07",
        f"{JUAN},Juan,Pérez,,juan@example.com,,SUC-B,,99-X",
    )
    checked = services.roster_check(rows=bad)
    assert checked[0].errors == ()
    assert checked[1].errors == ("La ocupación «99-X» no está en el catálogo.",)
    with pytest.raises(services.RosterInvalid):
        services.roster_import(rows=bad)
    assert not roster_profiles().exists()


def test_occupation_check_queries_do_not_grow_with_rows(tree):
    def lines(count):
        people = [
            valid_curp(f"GOMA8501{day:02d}MDFRRN0") for day in range(1, count + 1)
        ]
        return occ_rows(
            *(
                f"{p},Ana,Gómez,,a{i}@example.com,,SUC-A,,{('07', 'ZZ')[i % 2]}"
                for i, p in enumerate(people)
            )
        )

    counts = []
    for count in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            checked = services.roster_check(rows=lines(count))
        counts.append(len(queries))
        assert sum(1 for row in checked if row.errors) == count // 2
    assert counts[0] == counts[1]


def test_preview_shows_the_unknown_occupation(client, tree):
    client.force_login(scoped(HRFactory(), tree["a"]))
    response = upload(
        client, f"{OCC_HEADER}\n{ANA},Ana,Gómez,,ana@example.com,,SUC-A,,NOPE\n"
    )
    content = response.content.decode()
    assert "La ocupación «NOPE» no está en el catálogo." in content
    assert "Guardar el personal" not in content


def test_command_sets_the_occupation(tree, tmp_path):
    path = tmp_path / "personal.csv"
    path.write_text(f"{OCC_HEADER}\n{ANA},Ana,Gómez,,ana@example.com,,SUC-A,,07\n")
    call_command("import_roster", str(path), "--commit", stdout=StringIO())
    assert occupation_of(ANA).code == "07"
    path.write_text(f"{OCC_HEADER}\n{ANA},Ana,Gómez,,ana@example.com,,SUC-A,,X1\n")
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), stdout=StringIO(), stderr=StringIO())
