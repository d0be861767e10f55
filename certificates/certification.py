"""Certificates' side of ``assessments.certification``: a graded final is judged
(evaluation) and, when competent, certified; the renewal cycle limits new
attempts. Registered in ``CertificatesConfig.ready``."""

from __future__ import annotations

from datetime import date

from evaluation.services import judgement_record_for_attempt

from . import renewal, services


class Certification:
    def cycle(self, *, learner, standards, today: date):
        return renewal.certification_cycle(
            learner=learner, standards=standards, today=today
        )

    def final_graded(self, *, attempt, now) -> None:
        judgement = judgement_record_for_attempt(attempt=attempt)
        if judgement.competent:
            services.certificate_issue_for_judgement(judgement=judgement, now=now)
