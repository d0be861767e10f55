"""The roles of the platform, as Django groups, and the checks views use.

Higher apps may add **facts** about the user that their checks ask on every page
(rollout: has a lead trainer ever passed a session this person delivered?). A
fact is read in the same query as the roles, once per request, instead of one
query of its own (registered in ``accounts.role_facts``, asked by
``has_fact``)."""

from functools import cache

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from . import role_facts

LEARNERS = "Aprendices"
TRAINERS = "Instructores"
HR = "Recursos humanos"
EVALUATORS = "Evaluadores"
ALL_GROUPS = (LEARNERS, TRAINERS, HR, EVALUATORS)
# The roles that see other people's data or author what certifies them.
STAFF_GROUPS = (TRAINERS, HR, EVALUATORS)


# Stands for the user's pk while a fact's rows are compiled: no user has it.
_PK_STAND_IN = -7_654_321


def has_fact(user, name: str) -> bool:
    """Whether fact ``name`` (``accounts.role_facts``) holds for ``user``, read
    with their roles (no query once those are read in this request)."""
    if name not in role_facts.names():
        raise KeyError(name)
    if not user.is_authenticated:
        return False
    _group_names(user)
    return name in user._atiende_facts


def _group_names(user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    # Cached on the user object: the navigation asks several times per request.
    cached = getattr(user, "_atiende_groups", None)
    if cached is None:
        cached, user._atiende_facts = _load_roles(user)
        user._atiende_groups = cached
    return cached


_GROUP, _USER_PERMISSION, _GROUP_PERMISSION, _FACT = 0, 1, 2, 3


def _fact_sql(alias: str, name: str) -> tuple[str, list]:
    """One row (_FACT, ``name``, '') when the fact holds; its parameters, with
    _PK_STAND_IN where the user's pk goes."""
    query = role_facts.rows_of(name)(_PK_STAND_IN).values("pk")[:1].query
    sql, params = query.get_compiler(using=alias).as_sql()
    if _PK_STAND_IN not in params:
        raise ImproperlyConfigured(f"The rows of fact {name!r} ignore the user.")
    return f"SELECT {_FACT}, '{name}', '' WHERE EXISTS ({sql})", list(params)


@cache
def _roles_sql(
    alias: str, with_permissions: bool, facts: tuple[str, ...]
) -> tuple[str, list]:
    """Group names, the user's own and their groups' permissions (as
    ModelBackend reads them) and the facts that hold, each row (kind, name or
    app label, codename); and the parameters, _PK_STAND_IN for the user's pk."""
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
    params = [_PK_STAND_IN] * len(parts)
    for name in facts:
        sql, fact_params = _fact_sql(alias, name)
        parts.append(sql)
        params += fact_params
    return " UNION ALL ".join(parts), params


def _load_roles(user: User) -> tuple[frozenset[str], frozenset[str]]:
    """The user's group names and the facts that hold for them, and in the same
    query their permissions.

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
    sql, params = _roles_sql(connection.alias, with_permissions, role_facts.names())
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [user.pk if param == _PK_STAND_IN else param for param in params]
        )
        rows = cursor.fetchall()
    names, facts = set(), set()
    permissions = {_USER_PERMISSION: set(), _GROUP_PERMISSION: set()}
    for kind, first, second in rows:
        if kind == _GROUP:
            names.add(first)
        elif kind == _FACT:
            facts.add(first)
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
    return frozenset(names), frozenset(facts)


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
