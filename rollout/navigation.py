"""Where the rollout's pages are reached from: the "Tablero" entry of the main
navigation, and the section links at the top of each rollout page, each shown
only to those who may use it (the rules are rollout.access's and
rollout.cascade_selectors')."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access, cascade_selectors, qualification_selectors


def main_entries(user) -> list[dict]:
    """For accounts.navigation: one entry, to the dashboards or, for those who
    only use cohorts (evaluators), to the cohort list."""
    if access.can_read_dashboards(user):
        return [{"label": _("Tablero"), "url": reverse("rollout:dashboard")}]
    if access.can_list_cohorts(user):
        return [{"label": _("Grupos"), "url": reverse("rollout:cohort_list")}]
    return []


def section_links(user) -> list[dict]:
    """The rollout's sections ``user`` may open, in the order of the work."""
    sections = [
        (access.can_read_dashboards, _("Tablero"), "rollout:dashboard", "dashboard"),
        (access.can_list_cohorts, _("Grupos"), "rollout:cohort_list", "cohorts"),
        (
            qualification_selectors.may_see,
            _("Multiplicadores"),
            "rollout:multiplicadores",
            "multiplicadores",
        ),
        (cascade_selectors.may_see, _("Cascada"), "rollout:cascade", "cascade"),
        (access.can_set_targets, _("Metas"), "rollout:targets", "targets"),
        (access.can_import_roster, _("Personal"), "rollout:roster_upload", "roster"),
    ]
    return [
        {"label": label, "url": reverse(name), "key": key}
        for allowed, label, name, key in sections
        if allowed(user)
    ]
