"""A small evaluation world for the plan, judgement and list tests: a fresh
standard with knowledge, performance and product criteria, its guía and lista de
cotejo, a candidate with a graded final, a lead evaluator and the other people
the permission matrix needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts import roles
from evaluation import services
from standards.models import Criterion
from tests.factories import (
    CertificationSetup,
    CriterionFactory,
    HRFactory,
    LearnerFactory,
    TrainerFactory,
    UserFactory,
    competent_attempt,
    evaluation_instruments,
    lead_evaluator,
)


def evaluation_setup() -> CertificationSetup:
    """Two elements, each with a knowledge and a performance criterion; the
    first also with a product. Instruments: guía (first item critical) and lista
    de cotejo."""
    setup = CertificationSetup()
    for element in setup.elements:
        CriterionFactory(
            element=element,
            kind=Criterion.Kind.PERFORMANCE,
            code=f"{element.code}-D1",
            knowledge_level="",
        )
    CriterionFactory(
        element=setup.elements[0],
        kind=Criterion.Kind.PRODUCT,
        code=f"{setup.elements[0].code}-P1",
        knowledge_level="",
    )
    setup.instruments = evaluation_instruments(setup.standard)
    return setup


@dataclass
class World:
    setup: CertificationSetup
    candidate: object
    attempt: object
    evaluator: object
    other_evaluator: object
    other_learner: object
    trainer: object
    hr: object
    plan: object

    @property
    def standard(self):
        return self.setup.standard

    @property
    def instruments(self):
        return self.setup.instruments

    def user(self, role):
        return {
            "anonymous": None,
            "candidate": self.candidate,
            "other_learner": self.other_learner,
            "other_evaluator": self.other_evaluator,
            "evaluator": self.evaluator,
            "trainer": self.trainer,
            "hr": self.hr,
        }[role]


def make_world() -> World:
    setup = evaluation_setup()
    candidate = LearnerFactory(first_name="Carla", last_name="Candidata")
    attempt = competent_attempt(learner=candidate, setup=setup)
    evaluator = lead_evaluator(setup.standard)
    plan = services.plan_create(
        candidate=candidate,
        evaluator=evaluator,
        standard=setup.standard,
        scheduled_at=timezone.now() + timedelta(days=1),
        instruments=setup.instruments,
        place="Sucursal Centro",
        by=evaluator,
    )
    return World(
        setup=setup,
        candidate=candidate,
        attempt=attempt,
        evaluator=evaluator,
        other_evaluator=UserFactory(groups=[roles.EVALUATORS]),
        other_learner=LearnerFactory(),
        trainer=TrainerFactory(),
        hr=HRFactory(),
        plan=plan,
    )


def fill_and_sign(plan, *, outcomes=None, default="met"):
    """Capture and sign every observed instrument of ``plan``; ``outcomes`` maps
    a criterion code to the outcome of its items."""
    outcomes = outcomes or {}
    evaluator, candidate = plan.evaluator, plan.candidate
    records = []
    for instrument in plan.instruments.all():
        record = services.observation_start(
            plan=plan, instrument=instrument, by=evaluator
        )
        for item in record.version.items:
            outcome = outcomes.get(item["criterion"], default)
            services.observation_save(
                observation=record,
                item=item["id"],
                outcome=outcome,
                reason="No se presentó." if outcome == "na" else "",
                by=evaluator,
            )
        for signer, person in (("evaluator", evaluator), ("candidate", candidate)):
            services.observation_sign(
                observation=record,
                signer=signer,
                typed_name=person.get_username(),
                ip="127.0.0.1",
                by=person,
            )
        records.append(record)
    return records
