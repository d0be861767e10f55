"""The cascade tree at /tablero/cascada/ and its edges as CSV (trainer,
cohort, member, certified, wave). HR and lead trainers, within their units."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from standards.formatting import CSV_BOM, neutralise

from . import cascade_selectors as selectors


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
@require_GET
def cascade(request):
    _require(selectors.may_see(request.user))
    tree, people = selectors.cascade_for(user=request.user)
    return render(
        request, "rollout/cascade/tree.html", {"tree": tree, "people": people}
    )


class _Echo:
    def write(self, value):
        return value


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


def _csv_rows(tree, people) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow(
        [_("Instructor"), _("Grupo"), _("Persona"), _("Certificada"), _("Ola")]
    )
    for edge in tree.edges:
        yield writer.writerow(
            [
                neutralise(_name(people[edge.trainer_id])),
                neutralise(edge.cohort.name),
                neutralise(_name(people[edge.member_id])),
                _("sí") if edge.certified else _("no"),
                edge.wave,
            ]
        )


@login_required
@require_GET
def cascade_csv(request):
    _require(selectors.may_see(request.user))
    tree, people = selectors.cascade_for(user=request.user)
    response = StreamingHttpResponse(
        _csv_rows(tree, people), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cascada.csv"'
    return response
