"""Who may see and act on which people: scoped access by organisation unit.

A user is given units through ``UnitScope`` rows; they act on the people of those
units and of every unit below them (a unit's descendants share its treebeard
``path`` prefix, so one ``startswith`` per scope covers a whole branch).

- Superusers act on everything.
- HR people and trainers act only within their scopes. **Without any scope they see
  nobody**: being in the HR or trainers' group is not enough, an administrator
  must assign them units (admin → Despliegue → Unidades asignadas).
- Learners have no scope and see nobody else.

Cohorts follow the same units (a cohort belongs to one unit):

- HR see and manage the cohorts of their units;
- trainers see the cohorts they lead and those of their units, and manage the
  ones they lead;
- evaluators see the cohorts of their units (the ready-for-evaluation list);
- anyone else sees none. A cohort one may not see answers 404.
- People are enrolled in a cohort only by its managers, and only people they may
  see who belong to the cohort's unit or one below it.

Views never test roles or paths themselves: they call the helpers here.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles

from . import qualification
from .models import Cohort, OrgUnit, UnitScope

ALL = None  # what ``units_of`` answers for a superuser: no restriction


def _outermost(paths: list[str]) -> tuple[str, ...]:
    """Drop the paths already covered by a shorter one (a scope on a unit and on
    one of its sub-areas is the unit's scope)."""
    kept: list[str] = []
    for path in sorted(set(paths), key=lambda p: (len(p), p)):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return tuple(sorted(kept))


def units_of(user) -> tuple[str, ...] | None:
    """The tree paths of the units ``user`` may act on (each with everything below
    it); ``ALL`` (None) for a superuser; empty for anyone without a scope."""
    if not user.is_authenticated:
        return ()
    if user.is_superuser:
        return ALL
    cached = getattr(user, "_atiende_unit_paths", None)
    if cached is None:
        cached = _outermost(
            list(
                UnitScope.objects.filter(user=user).values_list("unit__path", flat=True)
            )
        )
        user._atiende_unit_paths = cached
    return cached


def _path_filter(paths: tuple[str, ...], lookup: str) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{lookup}__startswith": path})
    return condition


def people_visible_to(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` of users narrowed to the staff of ``user``'s units (one query,
    no per-row checks)."""
    paths = units_of(user)
    if paths is ALL:
        return queryset
    if not paths:
        return queryset.none()
    return queryset.filter(_path_filter(paths, "staff__unit__path"))


def units_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The units ``user`` may act on (their scopes and everything below)."""
    queryset = OrgUnit.objects.all() if queryset is None else queryset
    paths = units_of(user)
    if paths is ALL:
        return queryset
    if not paths:
        return queryset.none()
    return queryset.filter(_path_filter(paths, "path"))


def unit_path_in_scope(paths: tuple[str, ...] | None, unit_path: str) -> bool:
    """Whether a unit (by its path) is within ``paths`` (as from ``units_of``)."""
    if paths is ALL:
        return True
    return any(unit_path.startswith(path) for path in paths)


def covering_unit(unit: OrgUnit) -> Q:
    """A filter on users: those given ``unit`` or a unit above it (their scope
    covers it). Exact paths of the unit and its ancestors, so one indexed
    lookup; superusers are not matched (they have no scopes, and see all)."""
    step = OrgUnit.steplen
    ancestors = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    return Q(unit_scopes__unit__path__in=ancestors)


def people_reachable_by(user, queryset: QuerySet) -> QuerySet:
    """``people_visible_to`` and, for a trainer, the members of the cohorts
    they lead (whatever their unit): whom a lead trainer may observe."""
    paths = units_of(user)
    if paths is ALL:
        return queryset
    condition = Q(cohort_memberships__cohort__trainers=user)
    if paths:
        condition |= _path_filter(paths, "staff__unit__path")
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


def can_see_person(user, person) -> bool:
    return people_visible_to(user, type(person).objects.filter(pk=person.pk)).exists()


def require_person_visible(user, person) -> None:
    """404, not 403: a page does not tell whether a person outside one's units
    exists."""
    if not can_see_person(user, person):
        raise Http404


# ------------------------------------------------------------------ cohorts


def _led_by(user) -> Q:
    return Q(
        pk__in=Cohort.trainers.through.objects.filter(user_id=user.pk).values(
            "cohort_id"
        )
    )


def cohorts_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """``queryset`` of cohorts narrowed to those ``user`` may see (no joins that
    repeat rows; a fixed number of queries)."""
    queryset = Cohort.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = Q(pk__in=[])
    paths = units_of(user)
    if paths and (
        roles.is_hr(user) or roles.is_trainer(user) or roles.is_evaluator(user)
    ):
        condition |= _path_filter(paths, "unit__path")
    if qualification.may_train(user):
        condition |= _led_by(user)
    return queryset.filter(condition)


def can_list_cohorts(user) -> bool:
    """The cohorts' list page: HR, trainers (lead trainers and multiplicadores)
    and evaluators (each sees their own share of it)."""
    return (
        roles.is_hr(user) or roles.is_evaluator(user) or qualification.may_train(user)
    )


def can_create_cohort(user) -> bool:
    """HR, and trainers who may open cohorts (not with a lapsed certificate)."""
    return roles.is_hr(user) or (
        qualification.may_train(user) and qualification.may_open_cohorts(user)
    )


def leads_cohort(user, cohort: Cohort) -> bool:
    """Whether ``user`` is one of the cohort's trainers (uses prefetched
    trainers when there are)."""
    return user.is_authenticated and any(
        trainer.pk == user.pk for trainer in cohort.trainers.all()
    )


def _in_units(user, cohort: Cohort) -> bool:
    return unit_path_in_scope(units_of(user), cohort.unit.path)


def can_manage_cohort(user, cohort: Cohort) -> bool:
    """Enrol, add sessions, take attendance: HR of the cohort's unit, or one of
    its trainers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (roles.is_hr(user) and _in_units(user, cohort)) or (
        leads_cohort(user, cohort) and qualification.may_train(user)
    )


def can_see_cohort(user, cohort: Cohort) -> bool:
    """The cohort's page (the same rule as ``cohorts_visible_to``, for one)."""
    if can_manage_cohort(user, cohort):
        return True
    return (roles.is_trainer(user) or roles.is_evaluator(user)) and _in_units(
        user, cohort
    )


def require_cohort_visible(user, cohort: Cohort) -> None:
    """404 for a cohort outside one's units: the page does not tell it exists."""
    if not can_see_cohort(user, cohort):
        raise Http404


def cohort_units_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """The units ``user`` may open a cohort in: their own units and below."""
    return units_visible_to(user, queryset)


def enrollable_people(user, cohort: Cohort, queryset: QuerySet) -> QuerySet:
    """``queryset`` of users narrowed to those ``user`` may enrol in ``cohort``:
    people they may see who belong to the cohort's unit or one below it."""
    return people_visible_to(
        user, queryset.filter(staff__unit__path__startswith=cohort.unit.path)
    )


# ------------------------------------------------------------------ roster


def can_import_roster(user) -> bool:
    """HR and superusers. Which rows they may import depends on their units."""
    return roles.is_hr(user)


def roster_import_required(view):
    """Anonymous visitors are sent to sign in; anyone but HR gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_import_roster(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# ------------------------------------------------------------------ dashboards


def can_read_dashboards(user) -> bool:
    """HR, lead trainers and multiplicadores (each within their units);
    superusers."""
    return roles.is_hr(user) or qualification.may_train(user)


def can_set_targets(user) -> bool:
    return roles.is_hr(user)


def _required(allowed):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


dashboards_required = _required(can_read_dashboards)
targets_required = _required(can_set_targets)
