"""The audit trail of DC-3 constancias: issue and re-issue are recorded (who,
when, before and after), HR read those of their units only, and a DC-3 is never
deleted (issue 12, item 8)."""

import pytest
from django.urls import reverse

from accounts.audit import HardDeleteRefused
from compliance import services
from compliance.models import Dc3
from tests.compliance.support import World

pytestmark = pytest.mark.django_db

TRAIL = reverse("accounts_audit_trail")


@pytest.fixture
def world():
    return World()


@pytest.fixture
def issued(world):
    world.earn()
    return services.dc3_issue_for(worker=world.worker, course=world.course)


def test_an_automatic_issue_is_the_systems(issued):
    """Issued by a trigger or `manage.py issue_dc3`, nobody in particular: the
    author is the system (None), the reason "Emisión"."""
    (created,) = issued.history.all()
    assert (created.history_type, created.history_user) == ("+", None)
    assert created.history_change_reason == "Emisión"


def test_a_reissue_records_the_replacement_and_the_new_dc3(world, issued, client):
    client.force_login(world.hr_in)
    response = client.post(
        reverse("compliance:reissue", args=[issued.pk]), {"motivo": "CURP corregida"}
    )
    assert response.status_code == 302
    replaced = issued.history.order_by("-history_id").first()
    assert replaced.history_type == "~"
    assert replaced.history_user == world.hr_in
    assert replaced.history_change_reason == "CURP corregida"
    assert replaced.status == Dc3.Status.REPLACED
    new = Dc3.objects.get(replaces=issued)
    (created,) = new.history.all()
    assert created.history_user == world.hr_in
    assert created.history_change_reason == f"Reemisión de {issued.folio}"
    detail = client.get(
        reverse("accounts_audit_change", args=["compliance.dc3", replaced.history_id])
    )
    rows = {c.label: (c.before, c.after) for c in detail.context["changes"]}
    assert rows == {"Estado": ("vigente", "reemplazada")}


def test_hr_read_the_dc3_changes_of_their_units_only(world, issued):
    record = issued.history.first()
    url = reverse("accounts_audit_change", args=["compliance.dc3", record.history_id])
    clients = world.matrix()
    assert clients["hr_in"].get(url).status_code == 200
    assert clients["superuser"].get(url).status_code == 200
    assert clients["hr_out"].get(url).status_code == 404
    assert clients["trainer"].get(url).status_code == 404
    assert clients["learner"].get(url).status_code in (302, 403)
    assert clients["anonymous"].get(url).status_code == 302
    listed = clients["hr_out"].get(TRAIL, {"model": "compliance.dc3"})
    assert issued.folio not in listed.content.decode()
    listed = clients["hr_in"].get(TRAIL, {"model": "compliance.dc3"})
    assert issued.folio in listed.content.decode()


def test_a_dc3_cannot_be_deleted(issued):
    with pytest.raises(HardDeleteRefused):
        issued.delete()
    with pytest.raises(HardDeleteRefused):
        Dc3.objects.all().delete()
    assert Dc3.objects.filter(pk=issued.pk).exists()
