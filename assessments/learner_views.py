"""The learner's pages for assessments: the start page (served by AssessmentPage),
the attempt, saving answers, submitting and the result.

Thin: who may see an attempt is decided by ``access.get_own_attempt_or_404``,
every change of state goes through ``attempt_services``, and what a page shows
comes from ``learner_selectors``. GET never changes state, except the one thing
the rules require of every visit: an attempt past its deadline plus grace is
finalised first, with its last saved answers.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.inputs import InputRefused, read_json_body
from courses.routing import remember_site

from . import access, attempt_services, learner_answers, learner_selectors
from .attempt_services import AnswerRejected, AttemptNotAllowed
from .models import AssessmentPage, Attempt

FINALISED_MESSAGE = gettext_lazy(
    "Se acabó el tiempo: tu intento se envió automáticamente con las respuestas "
    "que tenías guardadas."
)


def _see_other(url: str):
    """Redirect after a POST with 303, so that the browser follows with GET."""
    response = redirect(url)
    response.status_code = 303
    return response


def _result_url(attempt: Attempt) -> str:
    return reverse("assessments:attempt_result", args=[attempt.uuid])


def _saved_message(saved_at) -> str:
    local = timezone.localtime(saved_at)
    return _("Guardado %(time)s") % {"time": time_format(local, "H:i:s")}


def _clock(seconds: int | None) -> str:
    """Seconds as M:SS or H:MM:SS, as the page's script shows them."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _time_left(attempt: Attempt) -> dict:
    """The seconds left (None without a time limit) and the same as a clock."""
    remaining = (
        max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
        if attempt.deadline
        else None
    )
    return {"remaining_seconds": remaining, "remaining_display": _clock(remaining)}


def _finalise_if_overdue(request, attempt: Attempt) -> Attempt:
    """Finalise an overdue open attempt (and say so); return it as it is now."""
    was_open = attempt.status == Attempt.Status.OPEN
    attempt = attempt_services.attempt_finalise_if_overdue(attempt=attempt)
    if was_open and attempt.status == Attempt.Status.SUBMITTED:
        messages.warning(request, str(FINALISED_MESSAGE))
    return attempt


# ------------------------------------------------------------------ start page


def _own_open_attempt(user, assessment: AssessmentPage) -> Attempt | None:
    return (
        Attempt.objects.select_related("assessment")
        .filter(learner=user, assessment=assessment, status=Attempt.Status.OPEN)
        .first()
    )


def assessment_start_page(request, page: AssessmentPage):
    """GET on the assessment page: rules, attempts, the learner's results."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    open_attempt = _own_open_attempt(request.user, page)
    if open_attempt is not None:
        _finalise_if_overdue(request, open_attempt)
    # AssessmentPage.get_context adds learner_selectors.start_page.
    return page.render(request)


def assessment_begin(request, page: AssessmentPage):
    """POST "Comenzar" / "Continuar intento": start an attempt or resume the
    open one, then go to it. An open attempt whose time ran out is finalised,
    and its result shown."""
    if not request.user.is_authenticated:
        return redirect_to_login(page.get_url(request))
    if request.method != "POST":
        return redirect(page.get_url(request))
    try:
        attempt = attempt_services.attempt_start(
            learner=request.user, assessment=page, restart_overdue=False
        )
    except AttemptNotAllowed as error:
        messages.error(request, str(error))
        return _see_other(page.get_url(request))
    if attempt.status == Attempt.Status.SUBMITTED:
        messages.warning(request, str(FINALISED_MESSAGE))
        return _see_other(_result_url(attempt))
    return _see_other(attempt.get_absolute_url())


def assessment_begin_by_id(request, assessment_id: int):
    """What the start page's button posts to: ``assessment_begin`` reached by the
    page's id, not through Wagtail's routing (a query per level of the tree),
    with the page's view restrictions checked as Wagtail would."""
    page = access.get_live_assessment_or_404(assessment_id, request)
    if not access.passes_view_restrictions(request, page):
        return redirect(page.get_url(request))
    return assessment_begin(request, page)


# ---------------------------------------------------------------- attempt page


PAGE_PARAM = "pregunta"


def _question_url(attempt: Attempt, position: int) -> str:
    """Where a question of the attempt is shown: its page with one question per
    page, its anchor on the single page otherwise."""
    url = attempt.get_absolute_url()
    if attempt.assessment.layout == AssessmentPage.Layout.ONE:
        url += f"?{PAGE_PARAM}={position}"
    return f"{url}#q-{position}"


def _shown_position(request, attempt: Attempt, count: int) -> int | None:
    """The question this page shows with one question per page (the first when
    the request names none), None when every question is shown. Raises
    Http404 for a position the attempt does not have."""
    if attempt.assessment.layout != AssessmentPage.Layout.ONE:
        return None
    raw = request.GET.get(PAGE_PARAM, "1")
    if not raw.isdigit() or not 1 <= int(raw) <= count:
        raise Http404
    return int(raw)


@login_required
@require_GET
def attempt_detail(request, attempt_uuid):
    attempt = access.get_own_attempt_or_404(request.user, attempt_uuid)
    attempt = _finalise_if_overdue(request, attempt)
    if attempt.status != Attempt.Status.OPEN:
        return redirect(_result_url(attempt))
    # The question count bounds the page number: read it with the questions.
    data = learner_selectors.attempt_questions(attempt=attempt)
    remember_site(request)  # for the links to the assessment
    navigator = data["navigator"]
    shown = _shown_position(request, attempt, len(navigator))
    questions = [q for q in data["questions"] if shown in (None, q.position)]
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "questions": questions,
            "navigator": navigator,
            "one_per_page": shown is not None,
            "shown": shown,
            "previous_position": shown - 1 if shown and shown > 1 else None,
            "next_position": shown + 1 if shown and shown < len(navigator) else None,
            "answered_count": sum(1 for item in navigator if item.answered),
            **_time_left(attempt),
        },
    )


@login_required
@require_GET
def attempt_summary(request, attempt_uuid):
    """Before submitting: which questions are answered, unanswered and flagged,
    each linking back to its question; the submit button posts from here."""
    attempt = access.get_own_attempt_or_404(request.user, attempt_uuid)
    attempt = _finalise_if_overdue(request, attempt)
    if attempt.status != Attempt.Status.OPEN:
        return redirect(_result_url(attempt))
    items = [
        (item, _question_url(attempt, item.position))
        for item in learner_selectors.attempt_summary(attempt=attempt)
    ]
    answered = [(i, url) for i, url in items if i.answered]
    unanswered = [(i, url) for i, url in items if not i.answered]
    return render(
        request,
        "assessments/attempt_summary.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "answered": answered,
            "unanswered": unanswered,
            "groups": [
                (_("Respondidas"), answered, "answered", _("Ninguna todavía.")),
                (_("Sin responder"), unanswered, "unanswered", _("Ninguna.")),
                (
                    _("Marcadas para revisar"),
                    [(i, url) for i, url in items if i.flagged],
                    "flagged",
                    _("Ninguna."),
                ),
            ],
            "question_count": len(items),
            **_time_left(attempt),
        },
    )


# ---------------------------------------------------------------------- saving


class _Closed(Exception):
    """The attempt is no longer open (submitted, or finalised just now)."""

    def __init__(self, attempt: Attempt):
        self.attempt = attempt


def _ensure_open(request, attempt: Attempt) -> Attempt:
    attempt = _finalise_if_overdue(request, attempt)
    if attempt.status != Attempt.Status.OPEN:
        raise _Closed(attempt)
    return attempt


def _closed_json(attempt: Attempt):
    finalised = attempt.finalised_automatically
    return JsonResponse(
        {
            "error": str(FINALISED_MESSAGE)
            if finalised
            else _("Este intento ya se envió."),
            "closed": True,
            "result_url": _result_url(attempt),
        },
        status=409,
    )


def _closed_page(request, attempt: Attempt):
    # The page says it itself: drop the finalisation's message.
    list(messages.get_messages(request))
    return render(
        request,
        "assessments/attempt_closed.html",
        {"attempt": attempt, "assessment": attempt.assessment},
        status=409,
    )


def _bad_request(request, attempt: Attempt, message: str):
    return render(
        request,
        "assessments/attempt_closed.html",
        {"attempt": attempt, "assessment": attempt.assessment, "error": message},
        status=400,
    )


def _bad_json(message: str):
    return JsonResponse({"error": message}, status=400)


INVALID = gettext_lazy("La respuesta no tiene un formato válido; no se guardó nada.")
INCOMPLETE_ORDERING = gettext_lazy(
    "Asigna a cada paso una posición distinta para guardar el orden."
)


@login_required
@require_POST
def attempt_save(request, attempt_uuid):
    """Save answers: one question as JSON (the page's script) or every answered
    question of a plain form post (without JavaScript)."""
    attempt = access.get_own_attempt_or_404(request.user, attempt_uuid)
    wants_json = request.content_type == "application/json"
    try:
        attempt = _ensure_open(request, attempt)
        if wants_json:
            return _save_json(request, attempt)
        return _save_form(request, attempt)
    except _Closed as closed:
        if wants_json:
            # The page's script shows the error; a message would show up later.
            list(messages.get_messages(request))
            return _closed_json(closed.attempt)
        return _closed_page(request, closed.attempt)


def _save_json(request, attempt: Attempt):
    try:
        body = read_json_body(request)
    except InputRefused as refused:
        return _bad_json(str(refused))
    if set(body) not in ({"position", "answer"}, {"position", "flagged"}):
        return _bad_json(str(INVALID))
    position = body["position"]
    if isinstance(position, bool) or not isinstance(position, int):
        return _bad_json(str(INVALID))
    if "flagged" in body:
        return _flag_json(request, attempt, position, body["flagged"])
    questions = learner_selectors.attempt_question_types(
        attempt=attempt, position=position
    )
    if position not in questions:
        return _bad_json(_("Esa pregunta no es parte de este intento."))
    kind, display = questions[position]
    try:
        answer = learner_answers.from_tokens(
            kind=kind, display=display, raw=body["answer"]
        )
    except learner_answers.IncompleteOrdering:
        return _bad_json(str(INCOMPLETE_ORDERING))
    except learner_answers.AnswerFormatError:
        return _bad_json(str(INVALID))
    try:
        response = _change_open(
            request,
            attempt,
            attempt_services.attempt_save_answer,
            position=position,
            raw_answer=answer,
        )
    except AnswerRejected as error:
        return _bad_json(str(error))
    return JsonResponse(
        {
            "position": position,
            "answered": response.answer is not None,
            "saved_at": response.saved_at.isoformat(),
            "message": _saved_message(response.saved_at),
        }
    )


def _flag_json(request, attempt: Attempt, position: int, flagged):
    if not isinstance(flagged, bool):
        return _bad_json(str(INVALID))
    try:
        _change_open(
            request, attempt, attempt_services.attempt_flag, flags={position: flagged}
        )
    except AnswerRejected as error:
        return _bad_json(str(error))
    return JsonResponse(
        {
            "position": position,
            "flagged": flagged,
            "message": _("Marcada para revisar")
            if flagged
            else _("Sin marca de revisión"),
        }
    )


def _flags_from_form(request) -> dict[int, bool]:
    """The flags of a plain form post: every question the page showed
    (``shown``) is flagged when its ``flagged`` box was ticked. Raises
    AnswerFormatError for values no form sends."""
    try:
        shown = {int(value) for value in request.POST.getlist("shown")}
        flagged = {int(value) for value in request.POST.getlist("flagged")}
    except ValueError:
        raise learner_answers.AnswerFormatError("flagged") from None
    if not flagged <= shown:
        raise learner_answers.AnswerFormatError("flagged")
    return {position: position in flagged for position in shown}


def _answers_from_form(request, attempt: Attempt):
    """The answered questions of a form post as {position: answer}, and the
    positions of half-done orderings. Raises AnswerFormatError for a post that
    no form of this attempt sends. A post without answer fields (the page's
    script saved them already) reads nothing."""
    if not any(name.startswith("q-") for name in request.POST):
        return {}, []
    questions = learner_selectors.attempt_question_types(attempt=attempt)
    posted = learner_answers.tokens_from_form(questions=questions, data=request.POST)
    answers, incomplete = {}, []
    for position, raw in sorted(posted.items()):
        kind, display = questions[position]
        try:
            answer = learner_answers.from_tokens(kind=kind, display=display, raw=raw)
        except learner_answers.IncompleteOrdering:
            incomplete.append(position)
            continue
        if answer is not None:
            answers[position] = answer
    return answers, incomplete


def _change_open(request, attempt: Attempt, service, **arguments):
    """Run a learner's change of an open attempt (a service that raises
    AnswerRejected): a refusal because the attempt closed meanwhile (or its
    time ran out) raises _Closed, with the attempt finalised; any other
    refusal propagates."""
    try:
        return service(attempt=attempt, **arguments)
    except AnswerRejected:
        attempt.refresh_from_db()
        if attempt.status != Attempt.Status.OPEN or attempt_services.is_overdue(
            attempt
        ):
            raise _Closed(_finalise_if_overdue(request, attempt)) from None
        raise


def _save_all(
    request, attempt: Attempt, answers: dict, *, keep_unchanged: bool = False
) -> None:
    """Save every answer or none (raises _Closed or AnswerRejected)."""
    if answers:
        _change_open(
            request,
            attempt,
            attempt_services.attempt_save_answers,
            answers=answers,
            keep_unchanged=keep_unchanged,
        )


def _warn_incomplete(request, incomplete: list[int]) -> None:
    for position in incomplete:
        messages.warning(
            request,
            _("Pregunta %(number)s: %(problem)s")
            % {"number": position, "problem": INCOMPLETE_ORDERING},
        )


def _after_save_url(request, attempt: Attempt, flags: dict[int, bool]) -> str:
    """Where a form post goes once saved: the summary ("Revisar y enviar"),
    another question ("Anterior", "Siguiente" with one per page) or back to
    the questions it showed."""
    if "review" in request.POST:
        return reverse("assessments:attempt_summary", args=[attempt.uuid])
    go = request.POST.get("go", "")
    if go:
        if not (go.isdigit() and len(go) <= 4):
            raise learner_answers.AnswerFormatError("go")
        return _question_url(attempt, int(go))
    if len(flags) == 1:
        return _question_url(attempt, next(iter(flags)))
    return attempt.get_absolute_url()


def _save_form(request, attempt: Attempt):
    try:
        answers, incomplete = _answers_from_form(request, attempt)
        flags = _flags_from_form(request)
        target = _after_save_url(request, attempt, flags)
        _save_all(request, attempt, answers)
        if flags:
            _change_open(request, attempt, attempt_services.attempt_flag, flags=flags)
    except (learner_answers.AnswerFormatError, AnswerRejected):
        return _bad_request(request, attempt, str(INVALID))
    moving = "review" in request.POST or "go" in request.POST
    if answers and not moving:
        messages.success(
            request,
            _("Se guardaron tus respuestas (%(count)s).") % {"count": len(answers)},
        )
    elif not incomplete and not moving:
        messages.info(request, _("No había respuestas que guardar."))
    _warn_incomplete(request, incomplete)
    if incomplete and "review" in request.POST:
        # Stay on the questions: the half-done ordering needs the learner.
        target = attempt.get_absolute_url()
    return _see_other(target)


# ------------------------------------------------------------------ submitting


@login_required
@require_POST
def attempt_submit(request, attempt_uuid):
    """Submit (idempotent). Without JavaScript the whole form comes here, so the
    answers it carries are saved first."""
    attempt = access.get_own_attempt_or_404(request.user, attempt_uuid)
    attempt = _finalise_if_overdue(request, attempt)
    if attempt.status != Attempt.Status.OPEN:
        return _see_other(_result_url(attempt))
    try:
        answers, incomplete = _answers_from_form(request, attempt)
        if incomplete:
            # Not submitted: the rest of the answers are kept, as a save would.
            _save_all(request, attempt, answers, keep_unchanged=True)
        else:
            # The form carries every answer, most already saved by the page's
            # script: saved and graded in one transaction.
            submitted = _change_open(
                request, attempt, attempt_services.attempt_submit, answers=answers
            )
            if submitted.finalised_automatically:
                messages.warning(request, str(FINALISED_MESSAGE))
    except _Closed as closed:
        return _see_other(_result_url(closed.attempt))
    except (learner_answers.AnswerFormatError, AnswerRejected):
        return _bad_request(request, attempt, str(INVALID))
    if incomplete:
        _warn_incomplete(request, incomplete)
        messages.error(
            request, _("Tu intento no se envió: revisa las preguntas señaladas.")
        )
        return _see_other(attempt.get_absolute_url())
    return _see_other(_result_url(attempt))


# ---------------------------------------------------------------------- result


@login_required
@require_GET
def attempt_result(request, attempt_uuid):
    attempt = access.get_own_attempt_or_404(request.user, attempt_uuid)
    attempt = _finalise_if_overdue(request, attempt)
    if attempt.status == Attempt.Status.OPEN:
        return redirect(attempt.get_absolute_url())
    remember_site(request)  # for the links to the assessment and the lessons
    context = learner_selectors.attempt_result(attempt=attempt, request=request)
    context.update({"attempt": attempt, "assessment": attempt.assessment})
    return render(request, "assessments/attempt_result.html", context)
