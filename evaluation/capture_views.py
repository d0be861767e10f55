"""Observation capture on a tablet: the record page, saving items (one as JSON
from the page's script, or all of them from a plain form post), evidence files,
both signatures and corrections.

Thin: who may see or capture a record is decided by ``access``; every change
goes through one ``services`` function; what a page shows comes from
``selectors``. A refusal is shown with its message and status 400 (409 when the
record is already signed), never a 500.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.private_files import private_file_response

from . import access, selectors, services
from .models import Instrument, Observation, ObservationAnswer
from .services import EvaluationRefused

INVALID = gettext_lazy("La captura no tiene un formato válido; no se guardó nada.")
FROZEN = gettext_lazy("Este registro ya está firmado: no se puede cambiar.")


def _see_other(url: str):
    """Redirect after a POST with 303, so that the browser follows with GET."""
    response = redirect(url)
    response.status_code = 303
    return response


def _record_url(observation: Observation) -> str:
    return reverse("evaluation:observation", args=[observation.uuid])


def _frozen(observation: Observation) -> bool:
    """Answers can no longer change: signed by both, or by anyone already."""
    return bool(
        observation.signed
        or observation.evaluator_signed_at
        or observation.candidate_signed_at
    )


def _saved_message(saved_at) -> str:
    local = timezone.localtime(saved_at)
    return _("Guardado %(time)s") % {"time": time_format(local, "H:i:s")}


def _record_context(request, observation: Observation, **extra) -> dict:
    groups = selectors.record_groups(observation=observation)
    items = [item for group in groups for item in group.items]
    missing = [item for item in items if item.answer is None]
    user = request.user
    is_evaluator = user.pk == observation.plan.evaluator_id
    is_candidate = user.pk == observation.plan.candidate_id
    frozen = _frozen(observation)
    return {
        "observation": observation,
        "plan": observation.plan,
        "payload": observation.version.payload,
        "groups": groups,
        "item_count": len(items),
        "missing": missing,
        "evidence": selectors.record_evidence(observation=observation),
        "can_capture": is_evaluator and not frozen,
        "is_evaluator": is_evaluator,
        "is_candidate": is_candidate,
        "frozen": frozen,
        "outcomes": ObservationAnswer.Outcome.choices,
        "kind_label": Instrument.Kind(observation.version.payload["kind"]).label,
        "max_mb": settings.ATIENDE_EVIDENCE_MAX_BYTES // (1024 * 1024),
        "can_correct": is_evaluator and observation.signed,
        "replaced": Observation.objects.filter(replaces=observation).first()
        if observation.signed
        else None,
        **extra,
    }


def _record_page(request, observation: Observation, *, status=200, **extra):
    return render(
        request,
        "evaluation/capture/record.html",
        _record_context(request, observation, **extra),
        status=status,
    )


# ----------------------------------------------------------------- start


@login_required
@require_POST
def observation_start(request, plan_uuid, instrument_pk):
    """The plan's evaluator starts (or resumes) the record of one instrument."""
    plan = access.plan_to_evaluate(request.user, plan_uuid)
    instrument = get_object_or_404(Instrument, pk=instrument_pk)
    try:
        observation = services.observation_start(
            plan=plan, instrument=instrument, by=request.user
        )
    except EvaluationRefused as error:
        return render(
            request,
            "evaluation/capture/refused.html",
            {"plan": plan, "message": str(error)},
            status=400,
        )
    return _see_other(_record_url(observation))


# ------------------------------------------------------------------ the record


@login_required
@require_GET
def observation_detail(request, uuid):
    """The record: editable for the plan's evaluator while nobody signed it, read
    only for the candidate, trainers and HR (others: 404)."""
    observation = access.observation_for(request.user, uuid)
    return _record_page(request, observation)


@login_required
@require_POST
def observation_save(request, uuid):
    """Save one item as JSON (the page's script) or every item of a plain form
    post (without JavaScript)."""
    observation = access.observation_to_capture(request.user, uuid)
    if request.content_type == "application/json":
        return _save_json(request, observation)
    return _save_form(request, observation)


def _bad_json(message, status=400):
    return JsonResponse({"error": str(message)}, status=status)


def _save_json(request, observation: Observation):
    if _frozen(observation):
        return _bad_json(FROZEN, status=409)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _bad_json(INVALID)
    if not isinstance(body, dict) or not {"item", "outcome"} <= set(body):
        return _bad_json(INVALID)
    fields = {
        name: body.get(name, "") if body.get(name) is not None else ""
        for name in ("item", "outcome", "reason", "note")
    }
    if not all(isinstance(value, str) for value in fields.values()):
        return _bad_json(INVALID)
    try:
        answer = services.observation_save(
            observation=observation, by=request.user, **fields
        )
    except EvaluationRefused as error:
        observation.refresh_from_db()
        return _bad_json(error, status=409 if _frozen(observation) else 400)
    missing = len(services.missing_items(observation))
    return JsonResponse(
        {
            "item": answer.item,
            "outcome": answer.outcome,
            "saved_at": answer.saved_at.isoformat(),
            "message": _saved_message(answer.saved_at),
            "missing": missing,
        }
    )


def _save_form(request, observation: Observation):
    if _frozen(observation):
        return _record_page(request, observation, status=409, errors=[FROZEN])
    saved, errors = 0, []
    for item in observation.version.items:
        outcome = request.POST.get(f"outcome-{item['id']}", "")
        if not outcome:
            continue
        try:
            services.observation_save(
                observation=observation,
                item=item["id"],
                outcome=outcome,
                reason=request.POST.get(f"reason-{item['id']}", ""),
                note=request.POST.get(f"note-{item['id']}", ""),
                by=request.user,
            )
        except EvaluationRefused as error:
            errors.append(f"{item['criterion']} · {item['text']}: {error}")
        else:
            saved += 1
    if errors:
        return _record_page(request, observation, status=400, errors=errors)
    if saved:
        messages.success(
            request, _("Se guardaron %(count)s reactivos.") % {"count": saved}
        )
    else:
        messages.info(request, _("No había reactivos que guardar."))
    return _see_other(_record_url(observation))


# ------------------------------------------------------------------- evidence


@login_required
@require_POST
def evidence_upload(request, uuid):
    """Attach a photo (JPEG, PNG) or a PDF to the record."""
    observation = access.observation_to_capture(request.user, uuid)
    upload = request.FILES.get("file")
    if upload is None:
        return _record_page(
            request,
            observation,
            status=400,
            errors=[_("Elige un archivo para subir.")],
        )
    try:
        evidence = services.evidence_add(
            observation=observation, upload=upload, by=request.user
        )
    except EvaluationRefused as error:
        observation.refresh_from_db()
        return _record_page(
            request,
            observation,
            status=409 if _frozen(observation) else 400,
            errors=[str(error)],
        )
    messages.success(
        request,
        _("Se agregó la evidencia %(name)s.") % {"name": evidence.original_name},
    )
    return _see_other(_record_url(observation) + "#evidencias")


@login_required
@require_GET
def evidence_download(request, token):
    """The evidence file, to those who may see its record (others: 404)."""
    evidence = access.evidence_for(request.user, token)
    return private_file_response(
        evidence.file,
        filename=evidence.original_name,
        content_type=evidence.content_type,
        as_attachment=evidence.content_type == "application/pdf",
    )


# ------------------------------------------------------------------ signatures


def _signer(request, observation: Observation) -> str:
    if request.user.pk == observation.plan.evaluator_id:
        return "evaluator"
    if request.user.pk == observation.plan.candidate_id:
        return "candidate"
    raise Http404


def _sign_page(request, observation: Observation, *, status=200, **extra):
    signer = _signer(request, observation)
    context = _record_context(request, observation, signer=signer, **extra)
    return render(request, "evaluation/capture/sign.html", context, status=status)


@login_required
def observation_sign(request, uuid):
    """Sign the record, typing one's name again: the evaluator (from the record
    page) or the candidate (on this page, signed in as themself), after the
    evaluator. Others: 404."""
    observation = access.observation_for(request.user, uuid)
    signer = _signer(request, observation)
    if request.method != "POST":
        return _sign_page(request, observation)
    if signer == "candidate" and not observation.evaluator_signed_at:
        return _sign_page(
            request,
            observation,
            status=400,
            errors=[_("Tu evaluador firma primero; después firmas tú.")],
        )
    try:
        services.observation_sign(
            observation=observation,
            signer=signer,
            typed_name=request.POST.get("name", ""),
            ip=request.META.get("REMOTE_ADDR"),
            by=request.user,
        )
    except EvaluationRefused as error:
        observation.refresh_from_db()
        page = _record_page if signer == "evaluator" else _sign_page
        status = 409 if observation.signed else 400
        return page(request, observation, status=status, errors=[str(error)])
    messages.success(request, _("Firmaste el registro."))
    if signer == "evaluator":
        return _see_other(_record_url(observation))
    return _see_other(reverse("evaluation:observation_sign", args=[observation.uuid]))


@login_required
@require_POST
def observation_correct(request, uuid):
    """The evaluator corrects a signed record: a new record replaces it."""
    observation = access.observation_to_capture(request.user, uuid)
    try:
        new = services.observation_correct(observation=observation, by=request.user)
    except EvaluationRefused as error:
        return _record_page(request, observation, status=400, errors=[str(error)])
    messages.info(
        request,
        _("Este registro corrige el anterior, que queda como estaba, firmado."),
    )
    return _see_other(_record_url(new))
