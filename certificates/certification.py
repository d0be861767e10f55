"""Certificates' side of ``assessments.certification``: a competent judgement
is certified; the renewal cycle limits new attempts; evaluators must hold a
valid certificate. Registered in ``CertificatesConfig.ready``."""

from __future__ import annotations

from datetime import date

from . import renewal, services


class Certification:
    def cycle(self, *, learner, standards, today: date):
        return renewal.certification_cycle(
            learner=learner, standards=standards, today=today
        )

    def holds_valid_certificate(self, *, user, standard, today: date) -> bool:
        return renewal.holds_valid_certificate(
            holder=user, standard=standard, today=today
        )

    def judged(self, *, judgement, now) -> None:
        if judgement.competent:
            services.certificate_issue_for_judgement(judgement=judgement, now=now)
