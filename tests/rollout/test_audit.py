"""The audit trail of roles in the rollout: the roster import (bulk writes,
no signals) still records the accounts it makes and the learners' group they
join, as the importer's, with a query count that does not grow with the rows;
unit scopes are recorded (issue 12, item 8)."""

import dataclasses

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from stdnum.mx import curp

from accounts import roles
from rollout import services
from rollout.models import UnitScope
from rollout.roster import parse_roster
from tests.factories import HRFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

HEADER = "CURP,nombre,primer apellido,segundo apellido,correo,puesto,unidad"


def valid_curp(index: int) -> str:
    prefix = f"GOMA85{index % 12 + 1:02d}{index // 12 + 10:02d}MDFRRN0"
    return prefix + curp.calc_check_digit(prefix)


def roster(count: int, start: int = 0):
    lines = [
        f"{valid_curp(i)},Persona{i},Apellido,,p{i}@example.com,Cajera,AUD-SUC"
        for i in range(start, start + count)
    ]
    parsed = parse_roster("p.csv", ("\n".join((HEADER, *lines)) + "\n").encode())
    assert not parsed.file_errors
    return parsed.rows


@pytest.fixture
def hr():
    org = services.org_unit_create(code="AUD-ORG", name="Org", kind="organisation")
    unit = services.org_unit_create(
        parent=org, code="AUD-SUC", name="Sucursal", kind="branch"
    )
    person = HRFactory()
    UnitScope.objects.create(user=person, unit=unit)
    return person


def test_imported_accounts_and_their_role_are_recorded_as_the_importers(hr):
    services.roster_import(rows=roster(2), actor=hr)
    person = User.objects.get(username=valid_curp(0).lower())
    (created,) = person.history.all()
    assert (created.history_type, created.history_user) == ("+", hr)
    assert [g.group.name for g in created.groups.select_related("group")] == [
        roles.LEARNERS
    ]


def test_a_renamed_person_is_recorded_and_an_unchanged_one_is_not(hr):
    services.roster_import(rows=roster(2), actor=hr)
    rows = list(roster(2))
    first = rows[0]
    rows[0] = dataclasses.replace(first, first_name="Renombrada")
    services.roster_import(rows=rows, actor=hr)
    renamed = User.objects.get(username=valid_curp(0).lower())
    same = User.objects.get(username=valid_curp(1).lower())
    assert renamed.history.count() == 2
    assert renamed.history.first().first_name == "Renombrada"
    assert same.history.count() == 1


def test_recording_the_import_costs_the_same_queries_for_more_rows(hr):
    services.roster_import(rows=roster(1, 50), actor=hr)  # creates the position
    counts = []
    for start, count in ((0, 3), (10, 30)):
        rows = roster(count, start)
        with CaptureQueriesContext(connection) as queries:
            services.roster_import(rows=rows, actor=hr)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert User.history.filter(history_user=hr).count() == 34
