"""From models to the plain data a DC-3 prints, and what is missing for it.

``dc3_data_for`` is the one place that decides what a DC-3 says and which of its
fields are required: a DC-3 with an empty required field is never issued; the
worker appears in the "datos faltantes" list with ``missing`` instead.

Course hours are honest: the trainer's figure when set, otherwise the sum of the
estimated minutes of the lessons for learners (``LessonPage.minutes``) plus the
scheduled time of the cohort's sessions, rounded to the nearest hour (halves up,
at least 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from accounts.mexican_ids import curp_error, rfc_error
from certificates.models import CertificateSettings

from .models import CourseDc3
from .selectors import Candidate


@dataclass(frozen=True)
class Dc3Data:
    """What a DC-3 would print (JSON-safe, frozen as the snapshot) and, when it
    cannot be issued, what is missing, in words."""

    values: dict
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def course_hours(*, override: int | None, lesson_minutes: int, session_seconds: int):
    """Hours printed on the DC-3 (see the module's note); 0 when nothing is
    known."""
    if override:
        return override
    minutes = Fraction(lesson_minutes) + Fraction(session_seconds, 60)
    if minutes <= 0:
        return 0
    hours = int(minutes / 60 + Fraction(1, 2))
    return max(hours, 1)


def _name(user) -> str:
    return (user.get_full_name() or "").strip()


def _worker_name(worker) -> str:
    staff = getattr(worker, "staff", None)
    second = staff.second_last_name if staff is not None else ""
    return " ".join(part for part in (_name(worker), second) if part)


def _instructor(candidate: Candidate, course_dc3: CourseDc3 | None) -> str:
    """The cohort's trainers, or the course's online tutor without a cohort."""
    if candidate.cohort is not None:
        names = [_name(t) for t in candidate.cohort.trainers.all() if _name(t)]
        if names:
            return ", ".join(sorted(names))
    return course_dc3.online_tutor.strip() if course_dc3 else ""


def dc3_data_for(
    candidate: Candidate,
    *,
    employer: CertificateSettings,
    course_dc3: CourseDc3 | None,
    lesson_minutes: int,
) -> Dc3Data:
    """The DC-3 of ``candidate`` as plain data, and what is missing for it."""
    worker = candidate.worker
    staff = getattr(worker, "staff", None)
    missing: list[str] = []

    def need(value, label: str):
        if not value:
            missing.append(label)
        return value or ""

    curp = need(staff.curp if staff else "", _("CURP del trabajador"))
    if curp and (problem := curp_error(curp)):
        missing.append(problem)
    occupation = staff.occupation if staff else None
    rfc = need(employer.employer_rfc, _("RFC del patrón"))
    if rfc and (problem := rfc_error(rfc)):
        missing.append(problem)
    area = course_dc3.thematic_area if course_dc3 else None
    hours = course_hours(
        override=course_dc3.hours if course_dc3 else None,
        lesson_minutes=lesson_minutes,
        session_seconds=candidate.session_seconds,
    )
    agent = (course_dc3.agent_name.strip() if course_dc3 else "") or (
        employer.employer_name.strip()
        if employer.training_by == employer.TrainingBy.INTERNAL
        else ""
    )
    values = {
        "worker": {
            "name": need(_worker_name(worker), _("nombre del trabajador")),
            "curp": curp,
            "occupation_code": need(
                occupation.code if occupation else "", _("ocupación específica")
            ),
            "occupation_name": occupation.name if occupation else "",
            "position": need(
                staff.position.name if staff and staff.position else "",
                _("puesto del trabajador"),
            ),
        },
        "employer": {
            "name": need(employer.employer_name.strip(), _("razón social del patrón")),
            "rfc": rfc,
            "representative": need(
                employer.employer_representative.strip(),
                _("nombre del patrón o representante legal"),
            ),
            "workers_representative": (
                need(
                    employer.workers_representative.strip(),
                    _("representante de los trabajadores (Comisión Mixta)"),
                )
                if employer.needs_workers_representative
                else employer.workers_representative.strip()
            ),
        },
        "course": {
            "title": need(candidate.course.title, _("nombre del curso")),
            "hours": hours or need(0, _("duración del curso en horas")),
            "starts_on": candidate.started_on.isoformat(),
            "ends_on": candidate.ended_on.isoformat(),
            "thematic_area_code": need(area.code if area else "", _("área temática")),
            "thematic_area_name": area.name if area else "",
            "agent_name": need(agent, _("nombre del agente capacitador")),
            "agent_registration": (
                need(
                    employer.external_agent_registration.strip(),
                    _("registro STPS del agente capacitador externo"),
                )
                if employer.training_by == employer.TrainingBy.EXTERNAL
                else ""
            ),
            "instructor": need(
                _instructor(candidate, course_dc3),
                _("nombre del instructor o tutor"),
            ),
            "cohort": candidate.cohort.name if candidate.cohort else "",
        },
    }
    return Dc3Data(values=values, missing=tuple(missing))
