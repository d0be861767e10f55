"""On the demo data, `rh` imports the sample roster the README points to."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rollout.models import StaffProfile

SAMPLE = Path(__file__).resolve().parents[2] / "rollout/content/roster-ejemplo.csv"
pytestmark = pytest.mark.django_db


def test_rh_imports_the_sample_roster(client, initial_data):
    client.force_login(User.objects.get(username="rh"))
    upload = SimpleUploadedFile("roster-ejemplo.csv", SAMPLE.read_bytes())
    preview = client.post(
        reverse("rollout:roster_upload"), {"file": upload}, follow=True
    )
    assert preview.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
    assert token, "the preview offers to save"
    saved = client.post(reverse("rollout:roster_commit"), {"token": token.group(1)})
    assert saved.status_code in (200, 302, 303)
    units = set(
        StaffProfile.objects.filter(user__email__endswith="@example.com").values_list(
            "unit__code", flat=True
        )
    )
    assert units == {"SUC-CENTRO", "SUC-NORTE"}
    occupations = set(
        StaffProfile.objects.filter(user__email__endswith="@example.com").values_list(
            "occupation__code", flat=True
        )
    )
    assert occupations == {"07"}, "the sample's codes are in the shipped catalogue"
