"""The roles of the platform, as Django groups, and the checks views use."""

from django.contrib.auth.models import AnonymousUser, User

LEARNERS = "Aprendices"
TRAINERS = "Instructores"
HR = "Recursos humanos"
EVALUATORS = "Evaluadores"
ALL_GROUPS = (LEARNERS, TRAINERS, HR, EVALUATORS)
# The roles that see other people's data or author what certifies them.
STAFF_GROUPS = (TRAINERS, HR, EVALUATORS)


def _group_names(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    # Cached on the user object: the navigation asks several times per request.
    cached = getattr(user, "_atiende_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._atiende_groups = cached
    return cached


def is_trainer(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or TRAINERS in _group_names(user)
    )


def is_hr(user) -> bool:
    return user.is_authenticated and (user.is_superuser or HR in _group_names(user))


def is_evaluator(user) -> bool:
    """In the evaluators' group. Whether they may evaluate a given standard is
    evaluation's rule (a valid certificate, or a lead designation)."""
    return user.is_authenticated and (
        user.is_superuser or EVALUATORS in _group_names(user)
    )


def has_staff_role(user) -> bool:
    """A superuser, a user of Django's admin (is_staff) or a member of a staff
    group: the people who must sign in with a second factor (accounts.two_factor)."""
    return user.is_authenticated and (
        user.is_superuser
        or user.is_staff
        or not _group_names(user).isdisjoint(STAFF_GROUPS)
    )


def can_use_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")
