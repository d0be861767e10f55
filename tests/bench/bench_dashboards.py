"""Benchmark: each rollout dashboard page with 10,000 learners.

Run from the project root: ``python tests/bench/bench_dashboards.py [--count N]``.
Uses DATABASE_URL when set (PostgreSQL: ``createdb bench_dashboards`` and
``DATABASE_URL=postgres://postgres@127.0.0.1/bench_dashboards``), else a
temporary SQLite file. The database is migrated and emptied of earlier bench
data first.

Setup (not timed): three units under an organisation, ten cohorts with their
trainers, and one template person per funnel stage made through the real
services (final questionnaire started, answered and submitted; evaluation plan,
signed observations and judgement; certificate). The N learners are then
bulk-created faithfully: each copies the rows its stage's template has (staff
profile, enrolment, lesson completions, cohort membership, attempt with its
responses and element results, plan, observations and answers, judgement,
certificate with its own serial and code).

Timed: each dashboard page (and its CSV) rendered by Django's test client for
an HR person scoped to the organisation. Target: under 1 s each; exits non-zero
if a page misses it.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.support import django_setup, empty_site  # noqa: E402

TARGET_SECONDS = 1.0


def clone(model, template, per_row: list[dict]):
    """Copies of the ``template`` row, one per dict of changes, bulk-created."""
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    base = {name: getattr(template, name) for name in fields}
    return model.objects.bulk_create(
        [model(**{**base, **changes}) for changes in per_row], batch_size=2000
    )


def setup_data(count: int):
    from datetime import timedelta

    from django.test import TestCase
    from django.utils import timezone

    empty_site()
    from assessments.models import Attempt, ElementResult, Response
    from certificates.models import Certificate
    from courses.models import Enrolment, LessonCompletion
    from evaluation.models import (
        EvaluationPlan,
        Judgement,
        Observation,
        ObservationAnswer,
    )
    from rollout import cohort_services
    from rollout.models import CohortMember, OrgUnit, StaffProfile, UnitScope
    from tests.factories import (
        CertificationSetup,
        CriterionFactory,
        HRFactory,
        LearnerFactory,
        LessonPageFactory,
        ModulePageFactory,
        TrainerFactory,
        certificate_issue_for_attempt,
        evaluate,
        graded_final,
    )

    org = OrgUnit.add_root(code="ORG", name="Organización", kind="organisation")
    units = []
    for n in range(3):
        org.refresh_from_db()
        units.append(org.add_child(code=f"U{n}", name=f"Sucursal {n}", kind="branch"))
    setup = CertificationSetup(course_title="Atención a clientes")
    CriterionFactory(element=setup.elements[0], kind="performance", knowledge_level="")
    module = ModulePageFactory(parent=setup.course)
    lessons = [LessonPageFactory(parent=module) for _ in range(5)]
    hr = HRFactory(username="bench-hr")
    UnitScope.objects.create(user=hr, unit=org)
    cohorts = []
    for n in range(10):
        trainer = TrainerFactory()
        UnitScope.objects.create(user=trainer, unit=units[n % 3])
        cohorts.append(
            cohort_services.cohort_create(
                course=setup.course,
                unit=units[n % 3],
                name=f"Grupo {n}",
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + timedelta(days=60),
                capacity=2000,
                trainers=[trainer],
                by=hr,
            )
        )
    final = setup.assessment
    first_code = setup.elements[0].code

    # One template per stage, through the real services.
    templates = []
    for stage in range(5):
        person = LearnerFactory()
        StaffProfile.objects.create(user=person, unit=units[0])
        Enrolment.objects.create(user=person, course=setup.course)
        if stage >= 1:
            for lesson in lessons:
                LessonCompletion.objects.create(user=person, lesson=lesson)
        if stage == 0:
            graded_final(learner=person, assessment=final, right_elements={first_code})
        elif stage >= 2:
            attempt = graded_final(learner=person, assessment=final)
            if stage == 3:
                evaluate(attempt=attempt, outcome="not_met")
            elif stage == 4:
                with TestCase.captureOnCommitCallbacks(execute=False):
                    certificate_issue_for_attempt(attempt=attempt)
        templates.append(person)

    User = type(hr)
    started = time.perf_counter()
    people = User.objects.bulk_create(
        [
            User(
                username=f"bench-{n}",
                first_name="Persona",
                last_name=f"{n:05d}",
                email=f"p{n}@example.org",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    stage_of = {p.pk: n % 5 for n, p in enumerate(people)}
    StaffProfile.objects.bulk_create(
        [StaffProfile(user=p, unit=units[n % 3]) for n, p in enumerate(people)],
        batch_size=2000,
    )
    Enrolment.objects.bulk_create(
        [Enrolment(user=p, course=setup.course) for p in people], batch_size=2000
    )
    CohortMember.objects.bulk_create(
        [CohortMember(cohort=cohorts[n % 10], person=p) for n, p in enumerate(people)],
        batch_size=2000,
    )
    for stage, template in enumerate(templates):
        mine = [p for p in people if stage_of[p.pk] == stage]
        done = list(LessonCompletion.objects.filter(user=template))
        LessonCompletion.objects.bulk_create(
            [
                LessonCompletion(user=p, lesson_id=c.lesson_id)
                for p in mine
                for c in done
            ],
            batch_size=5000,
        )
        t_attempt = Attempt.objects.filter(learner=template).first()
        if t_attempt is None:
            continue
        attempts = clone(
            Attempt,
            t_attempt,
            [{"learner_id": p.pk, "uuid": uuid.uuid4()} for p in mine],
        )
        results = list(ElementResult.objects.filter(attempt=t_attempt))
        responses = list(Response.objects.filter(attempt=t_attempt))
        ElementResult.objects.bulk_create(
            [
                ElementResult(
                    attempt=a,
                    element_id=r.element_id,
                    earned=r.earned,
                    possible=r.possible,
                    threshold=r.threshold,
                    passed=r.passed,
                )
                for a in attempts
                for r in results
            ],
            batch_size=5000,
        )
        Response.objects.bulk_create(
            [
                Response(
                    attempt=a,
                    position=r.position,
                    version_id=r.version_id,
                    key_version_id=r.key_version_id,
                    display=r.display,
                    answer=r.answer,
                    saved_at=r.saved_at,
                    score=r.score,
                )
                for a in attempts
                for r in responses
            ],
            batch_size=5000,
        )
        t_judgement = Judgement.objects.filter(candidate=template).first()
        if t_judgement is None:
            continue
        by_person = {a.learner_id: a for a in attempts}
        plans = clone(
            EvaluationPlan,
            t_judgement.plan,
            [{"candidate_id": p.pk, "uuid": uuid.uuid4()} for p in mine],
        )
        for t_obs in Observation.objects.filter(plan=t_judgement.plan):
            observations = clone(
                Observation,
                t_obs,
                [{"plan_id": plan.pk, "uuid": uuid.uuid4()} for plan in plans],
            )
            answers = list(ObservationAnswer.objects.filter(observation=t_obs))
            ObservationAnswer.objects.bulk_create(
                [
                    ObservationAnswer(
                        observation=o,
                        item=a.item,
                        outcome=a.outcome,
                        reason=a.reason,
                        saved_at=a.saved_at,
                    )
                    for o in observations
                    for a in answers
                ],
                batch_size=5000,
            )
        judgements = clone(
            Judgement,
            t_judgement,
            [
                {
                    "candidate_id": p.pk,
                    "plan_id": plan.pk,
                    "attempt_id": by_person[p.pk].pk,
                }
                for p, plan in zip(mine, plans, strict=True)
            ],
        )
        t_cert = Certificate.objects.filter(holder=template).first()
        if t_cert is None:
            continue
        certificates = []
        for j, p in zip(judgements, mine, strict=True):
            c = Certificate(
                holder_id=p.pk,
                standard_id=t_cert.standard_id,
                judgement_id=j.pk,
                course_id=t_cert.course_id,
                serial=f"BENCH-{p.pk}",
                code=secrets.token_urlsafe(24),
                issued_at=t_cert.issued_at - timedelta(days=p.pk % 90),
                expires_on=t_cert.expires_on,
                snapshot=t_cert.snapshot,
            )
            certificates.append(c)
        Certificate.objects.bulk_create(certificates, batch_size=2000)
    print(
        f"setup: {count} learners bulk-created in {time.perf_counter() - started:.1f} s"
    )
    return hr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    from django.test import override_settings

    # Certificate PDFs go to a media directory of the bench's own, never the
    # test suite's.
    override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-media-")).enable()
    hr = setup_data(args.count)
    client = Client()
    client.force_login(hr)
    names = [
        "rollout:dashboard",
        "rollout:dashboard_heat_maps",
        "rollout:dashboard_trainers",
        "rollout:dashboard_funnel_csv",
        "rollout:dashboard_timeline_csv",
        "rollout:dashboard_heat_maps_csv",
        "rollout:dashboard_trainers_csv",
    ]
    print(f"database: {connection.vendor}, learners: {args.count}")
    failed = False
    for name in names:
        url = reverse(name)
        client.get(url)  # warm caches (content types, templates)
        best = None
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
            assert response.status_code == 200, (url, response.status_code)
        ok = best < TARGET_SECONDS
        failed |= not ok
        print(f"{url:36} {best:6.3f} s {'ok' if ok else 'SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
