"""Demo accounts for a first run: one per role, all with the public demo password."""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from accounts import roles
from assessments import payloads
from assessments.attempt_services import (
    AttemptNotAllowed,
    attempt_save_answer,
    attempt_start,
    attempt_submit,
)
from assessments.models import AssessmentPage
from assessments.question_types import registry
from courses.models import CoursePage, LessonPage, ModulePage
from courses.services import course_enrol, lesson_complete
from evaluation import services as evaluation_services
from evaluation.models import EvaluationPlan, Instrument, Scenario
from rollout.models import OrgUnit, UnitScope
from rollout.services import org_unit_create

DEMO_USERS = [
    # username, first name, last name, group (None: superuser)
    ("aprendiz", "Ana", "Aprendiz Gómez", roles.LEARNERS),
    ("instructor", "Iván", "Instructor Ruiz", roles.TRAINERS),
    ("rh", "Rocío", "Hernández Salas", roles.HR),
    ("admin", "Admin", "Atiende", None),
    # A learner who already passed the final assessment and holds a certificate.
    ("egresada", "María José", "Núñez Peña", roles.LEARNERS),
    # A certified evaluator with an evaluation of `aprendiz` planned.
    ("evaluadora", "Elena", "Valdés Ortiz", roles.EVALUATORS),
]
GRADUATE = "egresada"
EVALUATOR = "evaluadora"
# The first wave's lead evaluator, designated by `admin`.
LEAD_EVALUATOR = "instructor"
INSTRUMENT_CODES = ("EC0305-GO", "EC0305-LC")
FINAL_ASSESSMENT_SLUG = "evaluacion-final-ec0305"


@transaction.atomic
def demo_users_create() -> list[str]:
    """Create the demo users that are missing; return the usernames created."""
    created = []
    for username, first, last, group in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@atiende.local",
                "is_superuser": group is None,
                "is_staff": group is None,
            },
        )
        if was_created:
            user.set_password(settings.ATIENDE_DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(username)
        if group is not None:
            user.groups.add(Group.objects.get(name=group))
    return created


def right_answer(key):
    """The raw answer that earns full marks for an answer key (as a learner's
    browser would post it)."""
    return registry.get(key.type).right_answer(key)


def _final_assessment():
    return (
        AssessmentPage.objects.live()
        .filter(mode=AssessmentPage.Mode.FINAL, slug=FINAL_ASSESSMENT_SLUG)
        .first()
    )


def learner_lessons(course) -> list[LessonPage]:
    """The live lessons of the course's learner modules, in course order."""
    lessons = []
    for module in ModulePage.objects.child_of(course).filter(
        audience=ModulePage.Audience.LEARNERS
    ):
        lessons.extend(LessonPage.objects.live().child_of(module))
    return lessons


def take_final(user, assessment, *, seed: int, now=None, skip_every: int = 0):
    """Start the final, save the right answer to each question (leaving one
    blank every ``skip_every`` positions, 0: none) and submit, through the real
    services; None when no attempt may start."""
    try:
        attempt = attempt_start(
            learner=user, assessment=assessment, rng=random.Random(seed), now=now
        )
    except AttemptNotAllowed:
        return None
    for response in attempt.responses.select_related("version").order_by("position"):
        if skip_every and (response.position + seed) % skip_every == 0:
            continue
        key = payloads.answer_key(response.version.payload)
        attempt_save_answer(
            attempt=attempt,
            position=response.position,
            raw_answer=right_answer(key),
            now=now,
        )
    return attempt_submit(attempt=attempt, now=now)


def _pass_final(user, assessment, *, seed: int, now=None):
    """Complete the course's lessons and pass its final."""
    course = CoursePage.objects.ancestor_of(assessment).first()
    course_enrol(user=user, course=course)
    for lesson in learner_lessons(course):
        lesson_complete(user=user, lesson=lesson)
    return take_final(user, assessment, seed=seed, now=now)


def _instruments():
    return list(Instrument.objects.filter(code__in=INSTRUMENT_CODES).order_by("code"))


def _observe_and_judge(
    *, candidate, evaluator, attempt, feedback, now=None, missed=frozenset()
):
    """An evaluation of ``candidate`` in the workplace: both records with every
    item met but those whose ids are in ``missed``, signed by both, and the
    judgement."""
    plan = evaluation_services.plan_create(
        candidate=candidate,
        evaluator=evaluator,
        standard=attempt.element_results.first().element.standard,
        scheduled_at=now or timezone.now(),
        place="Módulo de atención 3, planta baja",
        instruments=_instruments(),
        by=evaluator,
    )
    evaluation_services.plan_acknowledge(plan=plan, by=candidate, now=now)
    for instrument in plan.instruments.all():
        record = evaluation_services.observation_start(
            plan=plan, instrument=instrument, by=evaluator, now=now
        )
        for item in record.version.items:
            evaluation_services.observation_save(
                observation=record,
                item=item["id"],
                outcome="not_met" if item["id"] in missed else "met",
                by=evaluator,
                now=now,
            )
        for signer, person in (("evaluator", evaluator), ("candidate", candidate)):
            evaluation_services.observation_sign(
                observation=record,
                signer=signer,
                typed_name=person.get_full_name(),
                ip="127.0.0.1",
                by=person,
                now=now,
            )
    return evaluation_services.judgement_issue(
        plan=plan, by=evaluator, feedback=feedback, attempt=attempt, now=now
    )


DEMO_UNITS = [
    # code, name, kind, parent code
    ("ATI", "Atiende, S.A. de C.V.", OrgUnit.Kind.ORGANISATION, None),
    ("REG-CENTRO", "Región Centro", OrgUnit.Kind.REGION, "ATI"),
    ("SUC-CENTRO", "Sucursal Centro", OrgUnit.Kind.BRANCH, "REG-CENTRO"),
    ("SUC-NORTE", "Sucursal Norte", OrgUnit.Kind.BRANCH, "REG-CENTRO"),
]


def demo_units_create() -> list[str]:
    """The demo organisation (the units the sample roster names) and `rh`'s scope
    over all of it; returns the codes created."""
    created = []
    for code, name, kind, parent_code in DEMO_UNITS:
        if OrgUnit.objects.filter(code=code).exists():
            continue
        parent = OrgUnit.objects.get(code=parent_code) if parent_code else None
        org_unit_create(parent=parent, code=code, name=name, kind=kind)
        created.append(code)
    hr = User.objects.filter(username="rh").first()
    if hr is not None:
        UnitScope.objects.get_or_create(user=hr, unit=OrgUnit.objects.get(code="ATI"))
    return created


def demo_evaluations_create():
    """The demo's evaluation story, through the real services: `admin` designates
    `instructor` lead evaluator (the first wave); `egresada` and `evaluadora` pass
    the final and are observed and judged competent by him, which issues their
    certificates; `evaluadora`, now certified, has an evaluation of `aprendiz`
    planned. Skipped for anyone who already holds a certificate; returns the
    certificates issued now."""
    assessment = _final_assessment()
    if assessment is None or len(_instruments()) != len(INSTRUMENT_CODES):
        return []
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[GRADUATE, EVALUATOR, LEAD_EVALUATOR, "admin", "aprendiz"]
        )
    }
    if len(users) != 5:
        return []
    standard = _instruments()[0].standard
    lead = users[LEAD_EVALUATOR]
    evaluation_services.lead_evaluator_designate(
        user=lead,
        standard=standard,
        by=users["admin"],
        note="Primera generación: instructor certificado externamente.",
    )
    issued = []
    for seed, username in ((305, GRADUATE), (306, EVALUATOR)):
        person = users[username]
        if person.certificates.exists():
            continue
        attempt = _pass_final(person, assessment, seed=seed)
        if attempt is None or not attempt.competent:
            continue
        judgement = _observe_and_judge(
            candidate=person,
            evaluator=lead,
            attempt=attempt,
            feedback=(
                "Atención cordial y ordenada de principio a fin. Sigue confirmando "
                "la solicitud con preguntas cerradas antes de registrar."
            ),
        )
        issued.extend(judgement.certificates.all())
    evaluator, learner = users[EVALUATOR], users["aprendiz"]
    if not evaluator.evaluations_to_do.filter(candidate=learner).exists():
        evaluation_services.plan_create(
            candidate=learner,
            evaluator=evaluator,
            standard=standard,
            scheduled_at=timezone.now() + timedelta(days=3),
            setting=EvaluationPlan.Setting.SIMULATION,
            scenario=Scenario.objects.filter(standard=standard)
            .order_by("code")
            .first(),
            place="Sala de capacitación 2",
            instruments=_instruments(),
            by=evaluator,
        )
    return issued
