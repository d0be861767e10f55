"""The demo rollout, through the real services: about forty staff imported from a
roster into two branches, two cohorts (the lead trainer's first wave in Sucursal
Centro, and the second wave in Sucursal Norte led by `multiplicador`, certified in
the first), their sessions and attendance, and every learner at some stage of the
funnel, so that each dashboard shows something on a fresh `make run`.

The services take ``now``; the story is spread over the last ten weeks by passing
past dates to them. The few timestamps the services always stamp themselves
(enrolment and lesson completion) are moved back afterwards to the same dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from stdnum.mx import curp as curp_number

from accounts import roles
from courses.models import (
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
)
from courses.services import lesson_complete
from rollout import cohort_services, qualification_services, target_services
from rollout.models import Cohort, OrgUnit, StaffProfile, UnitScope
from rollout.roster import RosterRow
from rollout.services import roster_import

from . import demo

MULTIPLICADOR = "multiplicador"
FIRST_WAVE = "Centro · primera generación"
SECOND_WAVE = "Norte · segunda generación"

FIRST_NAMES = [
    "Alejandra", "Bruno", "Carmen", "Daniel", "Estela", "Fernando", "Gabriela",
    "Héctor", "Irene", "Jorge", "Karla", "Luis", "Marisol", "Néstor", "Olivia",
    "Pablo", "Rebeca", "Santiago", "Teresa", "Ulises",
]  # fmt: skip
SURNAMES = [
    "Aguilar", "Benítez", "Castro", "Delgado", "Espinoza", "Flores", "Guerrero",
    "Herrera", "Ibarra", "Juárez", "Lara", "Medina", "Navarro", "Ortega", "Ponce",
    "Quiroz", "Ramos", "Salinas", "Trejo", "Vargas",
]  # fmt: skip


class Stage:
    """Where a demo learner stopped in the funnel."""

    ENROLLED = "enrolled"
    STUDYING = "studying"
    COURSE_DONE = "course_done"  # and, for some, a failed final
    KNOWLEDGE = "knowledge"
    NOT_YET_COMPETENT = "not_yet_competent"
    CERTIFIED = "certified"


# Per branch, how many learners at each stage (20 per branch).
STAGES = {
    "SUC-CENTRO": [
        (Stage.CERTIFIED, 8),
        (Stage.NOT_YET_COMPETENT, 2),
        (Stage.KNOWLEDGE, 3),
        (Stage.COURSE_DONE, 2),
        (Stage.STUDYING, 3),
        (Stage.ENROLLED, 2),
    ],
    "SUC-NORTE": [
        (Stage.CERTIFIED, 4),
        (Stage.NOT_YET_COMPETENT, 1),
        (Stage.KNOWLEDGE, 4),
        (Stage.COURSE_DONE, 3),
        (Stage.STUDYING, 5),
        (Stage.ENROLLED, 3),
    ],
}
POSITIONS = ["Ejecutivo de atención", "Cajera", "Recepcionista", "Orientador"]


@dataclass(frozen=True)
class Person:
    user: User
    stage: str
    index: int


def _curp(index: int, first: str, last: str, second: str, female: bool) -> str:
    """A well-formed CURP with a correct check digit (an invented person)."""
    born = date(1980, 1, 1) + timedelta(days=397 * index)
    vowel = next((c for c in last[1:].upper() if c in "AEIOU"), "X")
    base = (
        f"{last[0].upper()}{vowel}{second[0].upper()}{first[0].upper()}"
        f"{born:%y%m%d}{'M' if female else 'H'}DF"
        f"{_consonant(last)}{_consonant(second)}{_consonant(first)}0"
    )
    base = base.translate(str.maketrans("ÁÉÍÓÚÑ", "AEIOUX"))
    return base + curp_number.calc_check_digit(base)


def _consonant(name: str) -> str:
    inner = name[1:].upper().translate(str.maketrans("ÁÉÍÓÚÑ", "AEIOUX"))
    return next((c for c in inner if c.isalpha() and c not in "AEIOU"), "X")


def roster_rows() -> list[RosterRow]:
    """Forty staff, twenty per branch, as HR's roster would list them."""
    rows = []
    index = 0
    for unit_code in STAGES:
        for _ in range(20):
            # Shifted per branch, so no two people share a full name.
            shift = 3 * (index // 20)
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = SURNAMES[(index * 7 + shift) % len(SURNAMES)]
            second = SURNAMES[(index * 3 + 5 + shift) % len(SURNAMES)]
            rows.append(
                RosterRow(
                    line=index + 2,
                    curp=_curp(index, first, last, second, female=first[-1] == "a"),
                    first_name=first,
                    last_name=last,
                    second_last_name=second,
                    email=f"{first}.{last}{index}@atiende.local".lower()
                    .replace("á", "a")
                    .replace("é", "e")
                    .replace("í", "i")
                    .replace("ó", "o")
                    .replace("ú", "u"),
                    position=POSITIONS[index % len(POSITIONS)],
                    unit_code=unit_code,
                    hired_on=date(2015, 1, 5) + timedelta(days=91 * index),
                )
            )
            index += 1
    return rows


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _study(user, lessons, *, share: float, when: datetime) -> None:
    for lesson in lessons[: round(len(lessons) * share)]:
        lesson_complete(user=user, lesson=lesson)
    LessonCompletion.objects.filter(user=user).update(completed_at=when)


def _missed_items(count: int) -> frozenset[str]:
    """The first ``count`` items of the observation guide: the ones a candidate
    not yet competent was seen to miss."""
    guide = next(i for i in demo._instruments() if i.code == "EC0305-GO")
    items = guide.items.order_by("sort_order", "pk")[:count]
    return frozenset(str(item.pk) for item in items)


def _advance(person: Person, *, assessment, course, lessons, evaluator, start: date):
    """Take ``person`` through the funnel up to their stage, with dates from the
    cohort's ``start`` on (never later than yesterday)."""
    user, stage, i = person.user, person.stage, person.index
    latest = timezone.localdate() - timedelta(days=1)
    Enrolment.objects.filter(user=user, course=course).update(
        enrolled_at=_at(start - timedelta(days=2))
    )
    if stage == Stage.ENROLLED:
        return
    studied = _at(min(start + timedelta(days=7 + i % 5), latest - timedelta(days=3)))
    if stage == Stage.STUDYING:
        _study(user, lessons, share=0.2 + 0.1 * (i % 5), when=studied)
        return
    _study(user, lessons, share=1.0, when=studied)
    final_at = _at(
        min(start + timedelta(days=14 + i % 7), latest - timedelta(days=2)), 12
    )
    if stage == Stage.COURSE_DONE:
        if i % 2:  # half of them tried the final and did not pass it yet
            demo.take_final(user, assessment, seed=400 + i, now=final_at, skip_every=2)
        return
    attempt = demo.take_final(
        user,
        assessment,
        seed=400 + i,
        now=final_at,
        skip_every=0 if stage == Stage.CERTIFIED else 11,
    )
    if attempt is None or not attempt.competent or stage == Stage.KNOWLEDGE:
        return
    demo._observe_and_judge(
        candidate=user,
        evaluator=evaluator,
        attempt=attempt,
        now=min(final_at + timedelta(days=5 + i % 4), _at(latest, 17)),
        missed=_missed_items(3) if stage == Stage.NOT_YET_COMPETENT else frozenset(),
        feedback=(
            "Saludo y cierre muy bien logrados. Falta confirmar la solicitud "
            "antes de registrarla."
            if stage == Stage.NOT_YET_COMPETENT
            else "Servicio completo y cordial. Sigue cuidando el tono al cerrar."
        ),
    )


def _sessions(cohort, *, by, days: list[int], modules) -> list:
    sessions = []
    for n, offset in enumerate(days):
        day = cohort.starts_on + timedelta(days=offset)
        sessions.append(
            cohort_services.session_create(
                cohort=cohort,
                starts_at=_at(day, 9),
                ends_at=_at(day, 13),
                place=f"Sala de capacitación, {cohort.unit.name}",
                modules=modules[2 * n : 2 * n + 2],
                by=by,
            )
        )
    return sessions


def _attendance(sessions, members, *, by, today: date) -> None:
    for s, session in enumerate(sessions):
        if timezone.localdate(session.starts_at) > today:
            continue
        for m, person in enumerate(members):
            cohort_services.attendance_record(
                session=session, person=person, present=(m + s) % 7 != 3, by=by
            )


def _multiplicador_create() -> User:
    user, created = User.objects.get_or_create(
        username=MULTIPLICADOR,
        defaults={
            "first_name": "Mónica",
            "last_name": "Ruiz Cordero",
            "email": f"{MULTIPLICADOR}@atiende.local",
        },
    )
    if created:
        user.set_password(settings.ATIENDE_DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=roles.LEARNERS))
    return user


@transaction.atomic
def demo_rollout_create() -> list[str]:
    """The demo rollout (skipped when its first cohort exists); returns what it
    created, for the command's report."""
    if Cohort.objects.filter(name=FIRST_WAVE).exists():
        return []
    assessment = demo._final_assessment()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["instructor", "rh", demo.EVALUATOR, "admin"]
        )
    }
    if assessment is None or len(users) != 4:
        return []
    course = CoursePage.objects.ancestor_of(assessment).first()
    lessons = demo.learner_lessons(course)
    lead, hr, evaluator = users["instructor"], users["rh"], users[demo.EVALUATOR]
    today = timezone.localdate()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=STAGES)}
    UnitScope.objects.get_or_create(user=lead, unit=units["SUC-CENTRO"].get_parent())
    UnitScope.objects.get_or_create(user=evaluator, unit=units["SUC-NORTE"])

    roster_import(rows=roster_rows(), actor=hr)
    profiles = StaffProfile.objects.select_related("user", "unit").filter(
        curp__in=[row.curp for row in roster_rows()]
    )
    staff = {code: [] for code in STAGES}
    for profile in profiles.order_by("curp"):
        staff[profile.unit.code].append(profile.user)

    # The first wave: the lead trainer's cohort, ten weeks ago; `multiplicador`
    # is one of its members and is certified by the lead evaluator.
    multiplicador = _multiplicador_create()
    StaffProfile.objects.get_or_create(
        user=multiplicador, defaults={"unit": units["SUC-CENTRO"]}
    )
    first = cohort_services.cohort_create(
        course=course,
        unit=units["SUC-CENTRO"],
        name=FIRST_WAVE,
        starts_on=today - timedelta(days=70),
        ends_on=today - timedelta(days=35),
        capacity=25,
        trainers=[lead],
        by=lead,
    )
    modules = list(course.get_children().type(ModulePage).specific())
    people = [multiplicador, *staff["SUC-CENTRO"]]
    for person in people:
        cohort_services.cohort_enrol(cohort=first, person=person, by=lead)
    _attendance(
        _sessions(first, by=lead, days=[0, 7, 14, 21], modules=modules),
        people,
        by=lead,
        today=today,
    )
    stages = [Stage.CERTIFIED] + _stage_list("SUC-CENTRO")
    for i, (person, stage) in enumerate(zip(people, stages, strict=True)):
        _advance(
            Person(person, stage, i),
            assessment=assessment,
            course=course,
            lessons=lessons,
            evaluator=lead,
            start=first.starts_on,
        )
    _qualify(multiplicador, lead=lead, course=course, on=first.ends_on)

    # The second wave: `multiplicador` opens a cohort in Sucursal Norte, three
    # weeks in, with sessions behind and ahead; `evaluadora` evaluates it.
    UnitScope.objects.get_or_create(user=multiplicador, unit=units["SUC-NORTE"])
    second = cohort_services.cohort_create(
        course=course,
        unit=units["SUC-NORTE"],
        name=SECOND_WAVE,
        starts_on=today - timedelta(days=21),
        ends_on=today + timedelta(days=14),
        capacity=25,
        trainers=[multiplicador],
        by=multiplicador,
    )
    people = staff["SUC-NORTE"]
    for person in people:
        cohort_services.cohort_enrol(cohort=second, person=person, by=multiplicador)
    _attendance(
        _sessions(second, by=multiplicador, days=[0, 7, 14, 22, 29], modules=modules),
        people,
        by=multiplicador,
        today=today,
    )
    for i, (person, stage) in enumerate(
        zip(people, _stage_list("SUC-NORTE"), strict=True)
    ):
        _advance(
            Person(person, stage, i),
            assessment=assessment,
            course=course,
            lessons=lessons,
            evaluator=evaluator,
            start=second.starts_on,
        )
    _targets(hr, units, today=today)
    return [FIRST_WAVE, SECOND_WAVE]


def _qualify(person, *, lead, course, on: date) -> None:
    """The path from certified learner to multiplicador: the lead trainer opens
    the trainers' module, ``person`` completes it, and the lead trainer observes
    them delivering a session and signs the lista de impartición."""
    qualification_services.candidate_open_trainers_module(candidate=person, by=lead)
    for module in ModulePage.objects.child_of(course).filter(
        audience=ModulePage.Audience.TRAINERS
    ):
        for lesson in LessonPage.objects.live().child_of(module):
            lesson_complete(user=person, lesson=lesson)
    version = qualification_services.current_version()
    qualification_services.signoff_record(
        candidate=person,
        by=lead,
        version=version,
        marks={item["id"]: True for item in version.items},
        comment=(
            "Preparó la sala y el material con anticipación, condujo el juego de "
            "roles con orden y cerró verificando lo aprendido. Puede impartir."
        ),
        observed_on=on,
    )


def _targets(hr, units, *, today: date) -> None:
    """HR's targets: the organisation's plan over five months, and a branch
    date already passed that Sucursal Norte has not reached."""
    organisation = units["SUC-CENTRO"].get_parent().get_parent()
    for days, certified in ((-42, 4), (-14, 10), (30, 25), (75, 40)):
        target_services.target_set(
            unit=organisation,
            due_on=today + timedelta(days=days),
            certified=certified,
            by=hr,
        )
    target_services.target_set(
        unit=units["SUC-NORTE"],
        due_on=today - timedelta(days=3),
        certified=8,
        by=hr,
    )


def _stage_list(unit_code: str) -> list[str]:
    return [stage for stage, count in STAGES[unit_code] for _ in range(count)]
