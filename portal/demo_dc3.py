"""Demo data for the DC-3: the employer, the demo learners as staff with CURP,
puesto and ocupación, the course's DC-3 data, and `egresada`'s DC-3 issued
through the real service. Idempotent."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

from certificates.issuer import issuer_settings
from compliance import services as compliance_services
from compliance.models import CourseDc3, ThematicArea
from courses.models import CoursePage
from rollout.models import Occupation, OrgUnit, Position, StaffProfile

from .demo import GRADUATE, _final_assessment

# Made up, with correct check digits (computed, not typed).
EMPLOYER_RFC = "ATI150101B8" + stdnum_rfc.calc_check_digit("ATI150101B8")
DEMO_STAFF = {
    # username: first 17 characters of the CURP (the 18th is computed), puesto
    "egresada": ("NUPM900214MDFXXR0", "Asesora de atención a clientes"),
    "evaluadora": ("VAOE850630MJCLRL0", "Supervisora de atención a clientes"),
    "aprendiz": ("AAGA980305MDFPMN0", "Cajera"),
}
OCCUPATION = "07"  # Provisión de bienes y servicios
THEMATIC_AREA = "2000"  # Servicios
DEMO_UNIT = "ATI"  # the head office: the demo rollout counts its branches


def demo_curp(prefix17: str) -> str:
    return prefix17 + stdnum_curp.calc_check_digit(prefix17 + "0")


@transaction.atomic
def demo_dc3_data_create() -> None:
    """Employer data, staff profiles and the course's DC-3 data (before the
    demo learners pass the final, so the DC-3 is issued when they do)."""
    issuer = issuer_settings()
    if issuer.pk is not None and not issuer.employer_rfc:
        issuer.employer_name = "Atiende Servicios, S.A. de C.V."
        issuer.employer_rfc = EMPLOYER_RFC
        issuer.employer_representative = "Rocío Hernández Salas"
        issuer.workers_count = 120
        issuer.workers_representative = "Pedro Páramo Ruiz"
        issuer.full_clean()
        issuer.save()
    unit = OrgUnit.objects.filter(code=DEMO_UNIT).first()
    occupation = Occupation.objects.filter(code=OCCUPATION).first()
    if unit is not None:
        for user in User.objects.filter(username__in=DEMO_STAFF):
            prefix, position = DEMO_STAFF[user.username]
            StaffProfile.objects.update_or_create(
                user=user,
                defaults={
                    "unit": unit,
                    "curp": demo_curp(prefix),
                    "occupation": occupation,
                    "position": Position.objects.get_or_create(name=position)[0],
                },
            )
    assessment = _final_assessment()
    course = CoursePage.objects.ancestor_of(assessment).first() if assessment else None
    if course is not None:
        CourseDc3.objects.get_or_create(
            course=course,
            defaults={
                "thematic_area": ThematicArea.objects.filter(
                    code=THEMATIC_AREA
                ).first(),
                "agent_name": "Atiende Servicios, S.A. de C.V. (capacitación interna)",
                "online_tutor": "Iván Instructor Ruiz",
            },
        )


def demo_dc3_issue() -> list[str]:
    """`egresada`'s DC-3 (issued by the trigger when she passed the final; the
    service again here is harmless); returns the folios."""
    graduate = User.objects.filter(username=GRADUATE).first()
    assessment = _final_assessment()
    if graduate is None or assessment is None:
        return []
    course = CoursePage.objects.ancestor_of(assessment).first()
    dc3 = compliance_services.dc3_issue_for(worker=graduate, course=course)
    return [dc3.folio] if dc3 else []
