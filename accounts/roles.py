"""The roles of the platform, as Django groups, and the checks views use."""

from functools import cache

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connections

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
        cached = _load_roles(user)
        user._atiende_groups = cached
    return cached


_GROUP, _USER_PERMISSION, _GROUP_PERMISSION = 0, 1, 2


@cache
def _roles_sql(alias: str, with_permissions: bool) -> str:
    """Group names, and the user's own and their groups' permissions (as
    ModelBackend reads them), each row (kind, name or app label, codename)."""
    qn = connections[alias].ops.quote_name

    def table(model):
        return qn(model._meta.db_table)

    def col(model, field):
        return qn(model._meta.get_field(field).column)

    in_group = User.groups.through
    user_permission = User.user_permissions.through
    group_permission = Group.permissions.through
    permission = (
        f"INNER JOIN {table(Permission)} p ON p.{col(Permission, 'id')} = "
        "{link}.{permission_column} "
        f"INNER JOIN {table(ContentType)} ct "
        f"ON ct.{col(ContentType, 'id')} = p.{col(Permission, 'content_type')}"
    )
    parts = [
        f"SELECT {_GROUP}, g.{col(Group, 'name')}, '' FROM {table(Group)} g "
        f"INNER JOIN {table(in_group)} ug "
        f"ON ug.{col(in_group, 'group')} = g.{col(Group, 'id')} "
        f"WHERE ug.{col(in_group, 'user')} = %s"
    ]
    if with_permissions:
        parts += [
            f"SELECT {_USER_PERMISSION}, ct.{col(ContentType, 'app_label')}, "
            f"p.{col(Permission, 'codename')} FROM {table(user_permission)} up "
            + permission.format(
                link="up", permission_column=col(user_permission, "permission")
            )
            + f" WHERE up.{col(user_permission, 'user')} = %s",
            f"SELECT {_GROUP_PERMISSION}, ct.{col(ContentType, 'app_label')}, "
            f"p.{col(Permission, 'codename')} FROM {table(in_group)} ug "
            f"INNER JOIN {table(group_permission)} gp "
            f"ON gp.{col(group_permission, 'group')} = ug.{col(in_group, 'group')} "
            + permission.format(
                link="gp", permission_column=col(group_permission, "permission")
            )
            + f" WHERE ug.{col(in_group, 'user')} = %s",
        ]
    return " UNION ALL ".join(parts)


def _load_roles(user: User) -> frozenset[str]:
    """The user's group names, and in the same query their permissions.

    Every page asks both: the navigation for the roles, and the navigation and
    Wagtail's user bar ``has_perm("wagtailadmin.access_admin")``, for which
    Django's ModelBackend reads the user's and their groups' permissions in two
    more queries. It keeps them, per request, on the user object; they are put
    there here, read exactly as it reads them (for an active user who is not a
    superuser: a superuser has every permission without reading any).

    Written in SQL (names from the models' _meta): it runs on every page, and
    Django spends far longer composing this UNION than the database answering
    it."""
    with_permissions = user.is_active and not user.is_superuser
    connection = connections[User.objects.db]
    sql = _roles_sql(connection.alias, with_permissions)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * sql.count("%s"))
        rows = cursor.fetchall()
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
