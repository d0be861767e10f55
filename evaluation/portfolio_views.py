"""The portafolio de evidencias of a judgement, as a PDF download.

Only the candidate, their evaluator (who issued the judgement or holds the
plan) and HR may download it; everyone else gets 404 (trainers who are not HR
included: they oversee evaluations, but the portfolio is the candidate's file).
Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from accounts import roles

from . import access, portfolio, portfolio_data
from .models import Judgement


def may_download_portfolio(user, judgement: Judgement) -> bool:
    """The candidate, their evaluator and HR."""
    plan = judgement.plan
    return user.is_authenticated and (
        user.pk
        in (
            judgement.candidate_id,
            judgement.decided_by_id,
            plan.evaluator_id if plan is not None else None,
        )
        or roles.is_hr(user)
    )


def portfolio_judgement_for(user, pk) -> Judgement:
    """The judgement whose portfolio ``user`` may download (others: 404)."""
    judgement = access.judgement_for(user, pk)
    if not may_download_portfolio(user, judgement):
        raise Http404
    return judgement


def render(judgement_id: int) -> tuple[str, bytes]:
    """The portfolio's file name and PDF bytes."""
    document = portfolio_data.portfolio_document(judgement_id=judgement_id)
    data = portfolio.render_portfolio(document, portfolio_data.portfolio_labels())
    return portfolio_data.portfolio_filename(document), data


@login_required
@require_GET
def portfolio_pdf(request, pk: int):
    judgement = portfolio_judgement_for(request.user, pk)
    filename, data = render(judgement.pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
