"""The "DC-3" entry of the main navigation, for HR (compliance.access)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access


def main_entries(user) -> list[dict]:
    if access.can_use_dc3_screens(user):
        return [{"label": _("DC-3"), "url": reverse("compliance:list")}]
    return []
