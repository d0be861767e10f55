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
from datetime import date
from fractions import Fraction

from django.utils.translation import gettext as _

from accounts.mexican_ids import curp_error, rfc_error
from certificates.models import CertificateSettings

from .dc_data import Constancia, Course, DC3Document, Employer, Worker
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


def _surnames(worker) -> tuple[str, str]:
    """(apellido paterno, apellido materno): the roster's second surname when
    it has one; otherwise the account's last name split at its first space
    ("Núñez Peña" -> "Núñez", "Peña")."""
    staff = getattr(worker, "staff", None)
    last = " ".join(worker.last_name.split())
    if staff is not None and staff.second_last_name.strip():
        return last, staff.second_last_name.strip()
    paternal, _space, maternal = last.partition(" ")
    return paternal, maternal


def dc3_document(snapshot: dict) -> DC3Document:
    """The renderer's document from an issued DC-3's frozen snapshot."""
    worker = Worker(**snapshot["worker"])
    course_values = dict(snapshot["course"])
    course_values["inicio"] = date.fromisoformat(course_values["inicio"])
    course_values["fin"] = date.fromisoformat(course_values["fin"])
    course = Course(**course_values)
    return DC3Document(
        constancia=Constancia(
            folio=snapshot["folio"],
            worker=worker,
            course=course,
            issued_on=date.fromisoformat(snapshot["issued_on"]),
        ),
        employer=Employer(**snapshot["employer"]),
        verification_url=snapshot["verification_url"],
    )


def constancia(snapshot: dict) -> Constancia:
    """One row of the list of constancias (DC-4) from a snapshot."""
    return dc3_document(snapshot).constancia


def employer_of(settings: CertificateSettings) -> Employer:
    """The DC-4's employer from today's issuer settings."""
    return Employer(
        razon_social=settings.employer_name.strip(),
        rfc=settings.employer_rfc,
        representante_legal=settings.employer_representative.strip(),
        representante_trabajadores=settings.workers_representative.strip(),
    )


def _instructor(trainers, course_dc3: CourseDc3 | None) -> str:
    """The cohort's trainers, or the course's online tutor without a cohort."""
    names = sorted(_name(t) for t in trainers if _name(t))
    if names:
        return ", ".join(names)
    return course_dc3.online_tutor.strip() if course_dc3 else ""


def dc3_data_for(
    candidate: Candidate,
    *,
    employer: CertificateSettings,
    course_dc3: CourseDc3 | None,
    lesson_minutes: int,
    trainers=(),
) -> Dc3Data:
    """The DC-3 of ``candidate`` as plain data, and what is missing for it;
    ``trainers`` are the cohort's (the instructor who signs)."""
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
    paternal, maternal = _surnames(worker)
    values = {
        "worker": {
            "apellido_paterno": need(paternal, _("apellido paterno del trabajador")),
            "apellido_materno": maternal,
            "nombres": need(worker.first_name.strip(), _("nombre del trabajador")),
            "curp": curp,
            "ocupacion_clave": need(
                occupation.code if occupation else "", _("ocupación específica")
            ),
            "ocupacion_nombre": occupation.name if occupation else "",
            "puesto": need(
                staff.position.name if staff and staff.position else "",
                _("puesto del trabajador"),
            ),
        },
        "employer": {
            "razon_social": need(
                employer.employer_name.strip(), _("razón social del patrón")
            ),
            "rfc": rfc,
            "representante_legal": need(
                employer.employer_representative.strip(),
                _("nombre del patrón o representante legal"),
            ),
            "representante_trabajadores": (
                need(
                    employer.workers_representative.strip(),
                    _("representante de los trabajadores (Comisión Mixta)"),
                )
                if employer.needs_workers_representative
                else employer.workers_representative.strip()
            ),
        },
        "course": {
            "nombre": need(candidate.course.title, _("nombre del curso")),
            "duracion_horas": hours or need(0, _("duración del curso en horas")),
            "inicio": candidate.started_on.isoformat(),
            "fin": candidate.ended_on.isoformat(),
            "area_tematica_clave": need(area.code if area else "", _("área temática")),
            "area_tematica_nombre": area.name if area else "",
            "agente_capacitador": need(agent, _("nombre del agente capacitador")),
            "agente_registro_stps": (
                need(
                    employer.external_agent_registration.strip(),
                    _("registro STPS del agente capacitador externo"),
                )
                if employer.training_by == employer.TrainingBy.EXTERNAL
                else ""
            ),
            "instructor": need(
                _instructor(trainers, course_dc3),
                _("nombre del instructor o tutor"),
            ),
        },
        "cohort": candidate.cohort.name if candidate.cohort else "",
    }
    return Dc3Data(values=values, missing=tuple(missing))
