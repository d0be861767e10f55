"""Load the cascade for a person's units: cohorts, their trainers and members,
everyone's standing and names, in a fixed number of queries (12 at most),
then ``cascade.build`` in memory."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from accounts import roles

from . import access, qualification
from .cascade import Cascade, CohortFacts, build
from .models import Cohort, CohortMember

User = get_user_model()


def may_see(user) -> bool:
    """HR, lead trainers and multiplicadores, each within their units (and
    their own cohorts)."""
    return roles.is_hr(user) or qualification.may_train(user)


def cascade_for(*, user, today: date | None = None) -> tuple[Cascade, dict]:
    """The tree and the people in it by id."""
    cohorts = access.cohorts_visible_to(user, Cohort.objects.all())
    names = dict(cohorts.values_list("pk", "name"))
    trainers: dict[int, list[int]] = {}
    for cohort_id, user_id in Cohort.trainers.through.objects.filter(
        cohort_id__in=list(names)
    ).values_list("cohort_id", "user_id"):
        trainers.setdefault(cohort_id, []).append(user_id)
    members: dict[int, list[int]] = {}
    for cohort_id, person_id in CohortMember.objects.filter(
        cohort_id__in=list(names)
    ).values_list("cohort_id", "person_id"):
        members.setdefault(cohort_id, []).append(person_id)
    facts = [
        CohortFacts(
            pk=pk,
            name=name,
            trainer_ids=tuple(sorted(trainers.get(pk, ()))),
            member_ids=tuple(sorted(members.get(pk, ()))),
        )
        for pk, name in sorted(names.items())
    ]
    ids = {pk for f in facts for pk in (*f.trainer_ids, *f.member_ids)}
    standings = qualification.standing(ids, today=today)
    people = {
        person.pk: person
        for person in User.objects.filter(pk__in=list(ids)).only(
            "pk", "username", "first_name", "last_name"
        )
    }
    tree = build(
        cohorts=facts,
        lead_ids={pk for pk, s in standings.items() if s.lead_trainer},
        certified_ids={pk for pk, s in standings.items() if s.ever_certified},
        multiplicador_ids={pk for pk, s in standings.items() if s.multiplicador},
        order={
            pk: (p.last_name.lower(), p.first_name.lower(), p.username)
            for pk, p in people.items()
        },
    )
    return tree, people
