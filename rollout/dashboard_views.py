"""The rollout dashboards at /tablero/ (HR and trainers, within their units)
and HR's targets. Thin: filters through DashboardFilterForm, numbers from
dashboard_selectors, changes through target_services."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from standards.display import percent_label
from standards.formatting import CSV_BOM, neutralise

from . import dashboard_charts as charts
from . import dashboard_rules as rules
from . import dashboard_selectors as selectors
from . import target_services
from .access import can_set_targets, dashboards_required, targets_required
from .dashboard_forms import DashboardFilterForm, TargetForm


def stage_labels() -> list[str]:
    return [
        _("Inscritas"),
        _("Curso completado"),
        _("Conocimientos aprobados"),
        _("Desempeño evaluado"),
        _("Certificadas"),
    ]


def _scope(request):
    """The filter form and the scope; scope None when a filter is not valid."""
    form = DashboardFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    course = data.get("course") or selectors.course_choices().first()
    return form, selectors.Scope(
        user=request.user,
        course=course,
        today=timezone.localdate(),
        unit=data.get("unit"),
        cohort=data.get("cohort"),
        trainer=data.get("trainer"),
    )


def _invalid(request, template, form):
    messages.error(request, _("Revisa los filtros: alguno no es válido."))
    return render(request, template, {"form": form, "invalid": True}, status=400)


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    response = HttpResponse(
        (CSV_BOM + buffer.getvalue()).encode("utf-8"), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _percent(value) -> str:
    return "" if value is None else percent_label(value.numerator, value.denominator)


# ---------------------------------------------------------------- overview


@dashboards_required
@require_GET
def overview(request, fmt: str = "html"):
    template = "rollout/dashboards/overview.html"
    form, scope = _scope(request)
    if scope is None:
        return _invalid(request, template, form)
    funnel = selectors.funnel(scope)
    timeline = selectors.certified_over_time(scope)
    labels = stage_labels()
    if fmt == "funnel":
        return _csv(
            "embudo.csv",
            [_("Unidad"), *labels],
            [
                [_("Total"), *funnel.counts],
                *(
                    [row.unit.name if row.unit else _("Sin unidad"), *row.counts]
                    for row in funnel.by_unit
                ),
            ],
        )
    targets = [(t.due_on, t.certified) for t in timeline.targets]
    if fmt == "timeline":
        target_on = dict(targets)
        certified_on = dict(timeline.certified)
        days = sorted(set(target_on) | set(certified_on))
        return _csv(
            "certificadas-y-metas.csv",
            [_("Fecha"), _("Certificadas acumuladas"), _("Meta")],
            [
                [day.isoformat(), certified_on.get(day, ""), target_on.get(day, "")]
                for day in days
            ],
        )
    context = {
        "form": form,
        "scope": scope,
        "funnel": funnel,
        "stages": list(zip(labels, funnel.counts, strict=True)),
        "timeline": timeline,
        "may_set_targets": can_set_targets(request.user),
    }
    if funnel.enrolled:
        context["funnel_chart"] = charts.funnel_chart(
            labels=labels,
            counts=list(funnel.counts),
            title=_("Embudo de certificación"),
            desc=", ".join(
                f"{label}: {count}"
                for label, count in zip(labels, funnel.counts, strict=True)
            ),
        )
    if timeline.certified or targets:
        context["timeline_chart"] = charts.timeline_chart(
            certified=timeline.certified,
            targets=targets,
            title=_("Personas certificadas contra la meta"),
            desc=_(
                "Certificadas acumuladas por fecha de emisión y metas de la unidad."
            ),
            certified_label=_("Certificadas"),
            target_label=_("Meta"),
        )
    return render(request, template, context)


# ---------------------------------------------------------------- heat maps


def source_label(source: str) -> str:
    return _("Cuestionario") if source == "questionnaire" else _("Observación")


def dimension_label(dimension: str) -> str:
    return _("Unidad") if dimension == "unit" else _("Instructor")


@dashboards_required
@require_GET
def heat_maps(request, fmt: str = "html"):
    template = "rollout/dashboards/heat_maps.html"
    form, scope = _scope(request)
    if scope is None:
        return _invalid(request, template, form)
    maps = selectors.heat_maps(scope)
    if fmt == "csv":
        rows = []
        for heat in maps:
            for row in heat.rows:
                for (_pk, label), cell in zip(heat.columns, row.cells, strict=True):
                    if cell.candidates:
                        rows.append(
                            [
                                source_label(heat.source),
                                dimension_label(heat.dimension),
                                label,
                                row.criterion.code,
                                row.criterion.text,
                                cell.failing,
                                cell.candidates,
                                _percent(cell.share),
                            ]
                        )
        return _csv(
            "mapas-de-calor.csv",
            [
                _("Fuente"),
                _("Por"),
                _("Columna"),
                _("Criterio"),
                _("Texto del criterio"),
                _("No lo cumplen"),
                _("Candidatos"),
                _("Porcentaje"),
            ],
            rows,
        )
    for heat in maps:
        heat.caption = _(
            "%(source)s: candidatos que no cumplen cada criterio, por %(by)s"
        ) % {
            "source": source_label(heat.source),
            "by": dimension_label(heat.dimension).lower(),
        }
    return render(
        request,
        template,
        {"form": form, "scope": scope, "maps": maps, "levels": rules.HEAT_LEVELS},
    )


# ---------------------------------------------------------------- trainers


@dashboards_required
@require_GET
def trainers(request, fmt: str = "html"):
    template = "rollout/dashboards/trainers.html"
    form, scope = _scope(request)
    if scope is None:
        return _invalid(request, template, form)
    rows = selectors.trainer_results(scope)
    if fmt == "csv":
        return _csv(
            "resultados-por-instructor.csv",
            [
                _("Instructor"),
                _("Grupos"),
                _("Integrantes"),
                _("Evaluadas"),
                _("Certificadas"),
                _("Tasa de aprobación"),
                _("Mediana de días a la constancia"),
            ],
            [
                [
                    row.trainer.get_full_name() or row.trainer.get_username(),
                    row.cohorts,
                    row.members,
                    row.evaluated,
                    row.certified,
                    _percent(row.pass_rate),
                    "" if row.median_days is None else row.median_days,
                ]
                for row in rows
            ],
        )
    return render(request, template, {"form": form, "scope": scope, "rows": rows})


# ---------------------------------------------------------------- targets


@targets_required
@require_http_methods(["GET", "POST"])
def targets(request):
    form = TargetForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target_services.target_set(**form.cleaned_data, by=request.user)
            except target_services.TargetRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Meta guardada."))
                return redirect("rollout:targets")
        status = 400
    return render(
        request,
        "rollout/dashboards/targets.html",
        {
            "form": form,
            "targets": selectors.targets_in_scope(request.user),
            "behind": {
                row.target.pk: row
                for row in selectors.units_behind_target(timezone.localdate())
            },
        },
        status=status,
    )


@targets_required
@require_POST
def target_delete(request, pk: int):
    target = selectors.targets_in_scope(request.user).filter(pk=pk).first()
    if target is None:
        raise Http404(_("No existe esa meta."))
    try:
        target_services.target_delete(target=target, by=request.user)
    except target_services.TargetRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Meta borrada."))
    return redirect("rollout:targets")
