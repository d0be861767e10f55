"""The "DC-3" entry of the main navigation, and the DC-3 ZIP link of a cohort's
page, for HR (compliance.access)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access


def main_entries(user) -> list[dict]:
    if access.can_use_dc3_screens(user):
        return [{"label": _("DC-3"), "url": reverse("compliance:list")}]
    return []


def cohort_links(user, cohort) -> list[dict]:
    """For rollout.cohort_links: the ZIP of the cohort's DC-3s (the list's
    filtered ZIP, filtered by the cohort)."""
    if access.can_use_dc3_screens(user):
        url = f"{reverse('compliance:zip')}?{urlencode({'cohort': cohort.pk})}"
        return [{"label": _("Constancias DC-3 (ZIP)"), "url": url}]
    return []
