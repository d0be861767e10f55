"""The roles of the platform, as Django groups, and the checks views use."""

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db.models import Value

LEARNERS = "Aprendices"
TRAINERS = "Instructores"
HR = "Recursos humanos"
EVALUATORS = "Evaluadores"
ALL_GROUPS = (LEARNERS, TRAINERS, HR, EVALUATORS)


def _group_names(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    # Cached on the user object: the navigation asks several times per request.
    cached = getattr(user, "_atiende_groups", None)
    if cached is None:
        cached = _load_roles(user)
        user._atiende_groups = cached
    return cached


_GROUP, _USER_PERMISSION, _GROUP_PERMISSION = 0, 1, 2


def _load_roles(user: User) -> frozenset[str]:
    """The user's group names, and in the same query their permissions.

    Every page asks both: the navigation for the roles, and the navigation and
    Wagtail's user bar ``has_perm("wagtailadmin.access_admin")``, for which
    Django's ModelBackend reads the user's and their groups' permissions in two
    more queries. It keeps them, per request, on the user object; they are put
    there here, read exactly as it reads them (for an active user who is not a
    superuser: a superuser has every permission without reading any)."""
    with_permissions = user.is_active and not user.is_superuser
    # order_by(): a compound statement takes no ORDER BY in its parts.
    rows = (
        Group.objects.filter(user=user)
        .order_by()
        .values_list(Value(_GROUP), "name", Value(""))
    )
    if with_permissions:
        rows = rows.union(
            Permission.objects.filter(user=user)
            .order_by()
            .values_list(
                Value(_USER_PERMISSION), "content_type__app_label", "codename"
            ),
            Permission.objects.filter(group__user=user)
            .order_by()
            .values_list(
                Value(_GROUP_PERMISSION), "content_type__app_label", "codename"
            ),
            all=True,
        )
    names = set()
    permissions = {_USER_PERMISSION: set(), _GROUP_PERMISSION: set()}
    for kind, first, second in rows:
        if kind == _GROUP:
            names.add(first)
        else:
            permissions[kind].add(f"{first}.{second}")
    if with_permissions:
        # The attributes django.contrib.auth.backends.ModelBackend caches in.
        for kind, attribute in (
            (_USER_PERMISSION, "_user_perm_cache"),
            (_GROUP_PERMISSION, "_group_perm_cache"),
        ):
            if not hasattr(user, attribute):
                setattr(user, attribute, permissions[kind])
    return frozenset(names)


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


def can_use_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")
