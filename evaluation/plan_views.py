"""Evaluation plans, the judgement and the evaluation lists, under /evaluacion/.

* Plans: evaluators, lead evaluators and trainers make and change them; the
  plan's people (candidate, evaluator) and trainers and HR read them
  (``access.plan_for``); the candidate accepts them.
* The judgement screen is the plan's evaluator's (``access.plan_to_evaluate``);
  the judgement page is for those ``access.judgement_for`` lets in; the
  candidate acknowledges the feedback.
* *Mis evaluaciones* for whoever plans; the evaluations list, its CSV and the
  item analysis for trainers and HR (``access.oversees``).

Anonymous visitors are sent to sign in. Views parse, call one service and
render; reads go through ``selectors``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.inputs import parse_id

from . import access, exports, selectors, services
from .forms import JudgementForm, PlanFilterForm, PlanForm
from .models import EvaluationPlan

PAGE_SIZE = 25
FILTER_KEYS = ("status", "evaluator", "date_from", "date_to")


def _posted(request):
    return request.POST if request.method == "POST" else None


def _require_planner(user) -> None:
    if not selectors.may_plan(user):
        raise PermissionDenied


def _require_overseer(user) -> None:
    if not access.oversees(user):
        raise PermissionDenied


def _may_edit(user, plan: EvaluationPlan) -> bool:
    return user.pk in (plan.evaluator_id, plan.created_by_id) or roles.is_trainer(user)


# ------------------------------------------------------------------ plan form


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    user = request.user
    _require_planner(user)
    initial, reevaluation = {}, None
    if raw := request.GET.get("reevaluar", "").strip():
        if (judgement_pk := parse_id(raw)) is None:
            raise PermissionDenied
        reevaluation = access.judgement_for(user, judgement_pk)
        failed = [v.element_id for v in reevaluation.verdicts.all() if not v.competent]
        initial = {"candidate": reevaluation.candidate_id, "elements": failed}
    standard = (
        reevaluation.standard
        if reevaluation
        else selectors.default_standard(request.GET.get("estandar", ""))
    )
    if standard is None:
        return render(request, "evaluation/plans/no_instruments.html", status=404)
    search = request.GET.get("buscar", "").strip()[:100]
    form = PlanForm(
        _posted(request),
        initial=initial,
        standard=standard,
        user=user,
        search=search,
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(**form.service_kwargs(), by=user)
        except services.EvaluationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("El plan de evaluación quedó guardado."))
            return redirect("evaluation:plan_detail", plan.uuid)
    return render(
        request,
        "evaluation/plans/plan_form.html",
        {
            "form": form,
            "standard": standard,
            "plan": None,
            "search": search,
            "reevaluation": reevaluation,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_uuid):
    user = request.user
    plan = access.plan_for(user, plan_uuid)
    if not _may_edit(user, plan):
        raise PermissionDenied
    form = PlanForm(_posted(request), standard=plan.standard, user=user, plan=plan)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            services.plan_update(
                plan=plan, by=user, instruments=kwargs.pop("instruments"), **kwargs
            )
        except services.EvaluationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Los cambios al plan quedaron guardados."))
            return redirect("evaluation:plan_detail", plan.uuid)
    return render(
        request,
        "evaluation/plans/plan_form.html",
        {"form": form, "standard": plan.standard, "plan": plan},
        status=400 if form.is_bound else 200,
    )


# ------------------------------------------------------------------ plan page


@login_required
@require_GET
def plan_detail(request, plan_uuid):
    user = request.user
    plan = access.plan_for(user, plan_uuid)
    attempt = services.knowledge_attempt(
        candidate=plan.candidate, standard=plan.standard
    )
    context = selectors.plan_detail(plan=plan, attempt=attempt)
    context.update(
        {
            "plan": plan,
            "attempt": attempt,
            "is_evaluator": user.pk == plan.evaluator_id,
            "is_candidate": user.pk == plan.candidate_id,
            "can_edit": _may_edit(user, plan)
            and plan.status
            in (EvaluationPlan.Status.PLANNED, EvaluationPlan.Status.IN_PROGRESS),
        }
    )
    return render(request, "evaluation/plans/plan_detail.html", context)


@login_required
@require_POST
def plan_acknowledge(request, plan_uuid):
    plan = access.plan_for(request.user, plan_uuid)
    try:
        services.plan_acknowledge(plan=plan, by=request.user)
    except services.EvaluationRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    messages.success(request, _("Aceptaste el plan de evaluación."))
    return redirect("evaluation:plan_detail", plan.uuid)


# ------------------------------------------------------------------ judgement


@login_required
@require_http_methods(["GET", "POST"])
def plan_judge(request, plan_uuid):
    user = request.user
    plan = access.plan_to_evaluate(user, plan_uuid)
    if plan.status == EvaluationPlan.Status.JUDGED:
        judgement = plan.judgements.order_by("-decided_at").first()
        if judgement is not None:
            return redirect("evaluation:judgement_detail", judgement.pk)
    form = JudgementForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            judgement = services.judgement_issue(
                plan=plan, by=user, feedback=form.cleaned_data["feedback"]
            )
        except services.EvaluationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("El juicio quedó emitido."))
            return redirect("evaluation:judgement_detail", judgement.pk)
    return render(
        request,
        "evaluation/plans/judge.html",
        {
            "plan": plan,
            "form": form,
            "preview": services.judgement_preview(plan=plan),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def judgement_detail(request, pk: int):
    user = request.user
    judgement = access.judgement_for(user, pk)
    context = selectors.judgement_detail(judgement=judgement)
    context.update(
        {
            "judgement": judgement,
            "is_candidate": user.pk == judgement.candidate_id,
            "can_replan": not judgement.competent
            and judgement.method == judgement.Method.EVALUATOR
            and selectors.may_plan(user)
            and user.pk != judgement.candidate_id,
        }
    )
    return render(request, "evaluation/plans/judgement_detail.html", context)


@login_required
@require_POST
def feedback_acknowledge(request, pk: int):
    judgement = access.judgement_for(request.user, pk)
    try:
        services.feedback_acknowledge(judgement=judgement, by=request.user)
    except services.EvaluationRefused as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    messages.success(request, _("Acusaste recibo de tu retroalimentación."))
    return redirect("evaluation:judgement_detail", judgement.pk)


# ------------------------------------------------------------------ lists


@login_required
@require_GET
def my_evaluations(request):
    _require_planner(request.user)
    groups = selectors.evaluator_plans(user=request.user)
    return render(
        request,
        "evaluation/plans/my_evaluations.html",
        {
            "groups": [
                ("planned", _("Planeadas"), groups["planned"]),
                ("in_progress", _("En curso"), groups["in_progress"]),
                ("to_sign", _("Por firmar"), groups["to_sign"]),
                ("done", _("Terminadas"), groups["done"]),
            ],
            "total": sum(len(plans) for plans in groups.values()),
        },
    )


def _filters(request):
    data = request.GET if any(key in request.GET for key in FILTER_KEYS) else None
    form = PlanFilterForm(data)
    return form, form.to_filters()


@login_required
@require_GET
def evaluation_list(request):
    _require_overseer(request.user)
    form, filters = _filters(request)
    plans = selectors.plan_search(filters=filters)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluation/plans/evaluation_list.html",
        {"form": form, "page_obj": page, "querystring": query.urlencode()},
    )


@login_required
@require_GET
def evaluation_export_csv(request):
    _require_overseer(request.user)
    _form, filters = _filters(request)
    plans = selectors.plan_search(filters=filters)
    response = StreamingHttpResponse(
        exports.iter_csv(plans.iterator(chunk_size=200)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="evaluaciones-{stamp}.csv"'
    return response


@login_required
@require_GET
def item_analysis(request):
    _require_overseer(request.user)
    return render(
        request, "evaluation/plans/item_analysis.html", selectors.item_analysis()
    )
