"""The audit trail: who changed what, when, before and after (django-simple-history).

``accounts`` is the lowest layer, so everything the trail needs that is not
about one app lives here:

- ``AuditedRecords``: the ``HistoricalRecords`` every audited model uses. It
  records the actor named by ``acting_as`` (management commands, tasks, services
  that are told who acts) before the signed-in user of the request
  (``HistoryRequestMiddleware``); keeps long change reasons; records a change
  of a many-to-many field seen from either side (``group.user_set.add(user)``
  as well as ``user.groups.add(group)``); and, with ``skip_unchanged``, writes
  no row for a save that changed no tracked field (a login touches only
  ``last_login``; the Wagtail inline editor saves every item of an instrument).
- The registry the "Historial de cambios" admin screens read: each app
  ``track``s its audited models with the section they belong to, and ``allow``s
  who besides superusers may read their history (a rule per role, possibly
  scoped to units by a higher app). Apps register in ``AppConfig.ready()``.
- ``Undeletable``: what certifies someone is never deleted; revocation and
  replacement withdraw it.

Bulk writes (``bulk_create``, ``bulk_update``, ``QuerySet.update``) send no
signals, so a service that changes audited rows that way records them itself
(``simple_history.utils.bulk_create_with_history`` or ``record_bulk``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_init, pre_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from simple_history.models import HistoricalRecords

# --------------------------------------------------------------------- the actor

_UNSET = object()
_actor: ContextVar = ContextVar("atiende_audit_actor", default=_UNSET)
_reason: ContextVar[str] = ContextVar("atiende_audit_reason", default="")


@contextmanager
def acting_as(user):
    """Record ``user`` (None: the system) as the author of the changes made in
    the block. Services that are told who acts (``by=``) run in it
    (``authored``), so that a command or a task records the same author a
    request would."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextmanager
def because(reason: str):
    """Record ``reason`` as the change reason of the changes made in the block
    (their author stays whoever acts)."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


def authored(service):
    """A service whose ``by=`` keyword names who acts (None: the system):
    the changes it makes are recorded as theirs, whoever runs it (a request, a
    command, a task)."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        with acting_as(kwargs.get("by")):
            return service(*args, **kwargs)

    return wrapper


def _history_user(instance=None, request=None, **kwargs):
    actor = _actor.get()
    if actor is not _UNSET:
        if actor is not None and not getattr(actor, "is_authenticated", False):
            return None
        return actor
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


def current_actor():
    """Who ``AuditedRecords`` would record as the author right now (None: the
    system), for services that write history rows themselves."""
    return _history_user(request=getattr(HistoricalRecords.context, "request", None))


# -------------------------------------------------------------- the records class


class AuditedRecords(HistoricalRecords):
    def __init__(self, *args, skip_unchanged: bool = False, **kwargs):
        kwargs.setdefault("get_user", _history_user)
        # Revocation and re-issue reasons are free text: no 100-character cap.
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        super().__init__(*args, **kwargs)
        self.skip_unchanged = skip_unchanged

    def copy_fields(self, model):
        """The library copies a ParentalKey (an inline item's link to its
        parent) as a ParentalKey, which modelcluster refuses without a reverse
        name; in a history table it is a plain reference."""
        fields = super().copy_fields(model)
        for name, copied in fields.items():
            if isinstance(copied, ParentalKey):
                copied.swappable = False  # as the library does: apps not ready
                _name, _path, args, options = copied.deconstruct()
                plain = models.ForeignKey(*args, **options)
                plain.name = copied.name
                fields[name] = plain
        return fields

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if self.skip_unchanged and sender is self.cls:
            post_init.connect(self._remember, sender=sender, weak=False)

    # A snapshot of the tracked values as last loaded or recorded: a save that
    # changes none of them writes no history row. Only for models whose tracked
    # fields are plain values (compared by ==), never JSON edited in place. Read
    # from the instance's __dict__, so a deferred field is never loaded for it.
    def _values(self, instance) -> tuple:
        loaded = instance.__dict__
        return tuple(
            loaded.get(f.attname, _UNSET) for f in self.fields_included(instance)
        )

    def _remember(self, sender, instance, **kwargs):
        instance._audit_values = self._values(instance)

    def post_save(self, instance, created, using=None, **kwargs):
        if (
            self.skip_unchanged
            and not created
            and getattr(instance, "_audit_values", None) == self._values(instance)
        ):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def create_historical_record(self, instance, history_type, using=None):
        super().create_historical_record(instance, history_type, using=using)
        if self.skip_unchanged:
            self._remember(type(instance), instance)

    def get_change_reason_for_object(self, instance, history_type, using):
        return super().get_change_reason_for_object(instance, history_type, using) or (
            _reason.get() or None
        )

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        """A change of the relation from the other side (``group.user_set``)
        is recorded on each tracked object it touched; an add or remove that
        changed nothing (Django signals it all the same) is not recorded."""
        model = kwargs.get("model")
        if not reverse:
            if action in ("post_add", "post_remove") and not pk_set:
                return
            super().m2m_changed(instance, action, attr, pk_set, reverse)
            return
        if action == "pre_clear":
            # The rows are gone by post_clear: note whom the clear touches.
            through = getattr(self.cls, attr).through
            reverse_name = getattr(self.cls, attr).field.m2m_reverse_field_name()
            own_name = getattr(self.cls, attr).field.m2m_field_name()
            instance._audit_cleared = set(
                through.objects.filter(**{reverse_name: instance}).values_list(
                    f"{own_name}_id", flat=True
                )
            )
            return
        if action == "post_clear":
            pk_set = getattr(instance, "_audit_cleared", set())
        elif action not in ("post_add", "post_remove"):
            return
        if not pk_set or model is None:
            return
        for tracked in model.objects.filter(pk__in=pk_set):
            super().m2m_changed(tracked, "post_add", attr, None, False)


def record_bulk(model, objects: Iterable, *, update: bool = False) -> None:
    """History rows for objects written in bulk (no signals), authored by the
    current actor, with their many-to-many values as they are now."""
    objects = list(objects)
    if not objects or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    manager = model.history
    history_model = manager.model
    actor = current_actor()
    now = timezone.now()
    rows = manager.bulk_history_create(
        objects, update=update, default_user=actor, default_date=now
    )
    m2m_fields = getattr(history_model, "_history_m2m_fields", [])
    if not m2m_fields:
        return
    # Backends that return no ids from bulk_create: find the rows just made.
    if any(row.pk is None for row in rows):
        rows = list(
            history_model.objects.filter(
                history_date=now, id__in=[o.pk for o in objects]
            )
        )
    for m2m_field in m2m_fields:
        through = m2m_field.remote_field.through
        own = m2m_field.m2m_field_name()
        m2m_history = HistoricalRecords.m2m_models[m2m_field]
        current: dict[int, list] = {}
        links = through.objects.filter(**{f"{own}_id__in": [o.pk for o in objects]})
        for link in links:
            current.setdefault(getattr(link, f"{own}_id"), []).append(link)
        names = [f.attname for f in through._meta.fields]
        m2m_history.objects.bulk_create(
            [
                m2m_history(history=row, **{n: getattr(link, n) for n in names})
                for row in rows
                for link in current.get(row.id, [])
            ]
        )


# -------------------------------------------------------------------- registry

# A rule says which history rows of a model a user may read besides superusers:
# a filter on the history model (``Q()`` for all of them), or None for none.
Rule = Callable[[object], "Q | None"]


class Section(models.TextChoices):
    CONTENT = "content", _("Preguntas e instrumentos")
    EVALUATION = "evaluation", _("Juicios y evidencias")
    CERTIFICATES = "certificates", _("Constancias")
    ROLES = "roles", _("Roles y permisos")


@dataclass
class Tracked:
    """An audited model as the trail shows it."""

    model: type[models.Model]
    section: str
    # Loaded with each row of a page, for ``describe`` (no query per row).
    related: tuple[str, ...] = ()
    # How a row is named in the list; the historical object's str by default.
    describe: Callable[[object], str] | None = None
    name: str = ""  # the list's name for the model; its verbose name by default

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> str:
        return str(self.name or self.model._meta.verbose_name).capitalize()

    @property
    def history_model(self):
        return self.model.history.model

    def name_of(self, record) -> str:
        if self.describe is not None:
            return self.describe(record)
        return str(record.history_object)

    def visible_filter(self, user) -> Q | None:
        """The filter of the rows ``user`` may read (None: none)."""
        if not user.is_authenticated or not user.is_active:
            return None
        if user.is_superuser:
            return Q()
        rules = _rules.get(self.key, [])
        allowed = [q for rule in rules if (q := rule(user)) is not None]
        if not allowed:
            return None
        combined = allowed[0]
        for q in allowed[1:]:
            combined |= q
        return combined


_tracked: dict[str, Tracked] = {}
# Kept apart from _tracked: an app may grant access to a model that a lower app
# tracks before that app's ready() has run (ready() goes top layer first).
_rules: dict[str, list[Rule]] = {}


def track(
    model,
    *,
    section: str,
    related: Iterable[str] = (),
    describe: Callable[[object], str] | None = None,
    name: str = "",
) -> Tracked:
    """Show ``model``'s history in the trail, under ``section``."""
    entry = Tracked(model, section, tuple(related), describe, name=name)
    _tracked.setdefault(entry.key, entry)
    return _tracked[entry.key]


def allow(model, rule: Rule) -> None:
    """Let the users ``rule`` admits read ``model``'s history (beside
    superusers, who read everything)."""
    rules = _rules.setdefault(model._meta.label_lower, [])
    if rule not in rules:
        rules.append(rule)


def readable_by(predicate: Callable[[object], bool]) -> Rule:
    """A rule that lets the users ``predicate`` admits read every row."""

    def rule(user) -> Q | None:
        return Q() if predicate(user) else None

    return rule


def tracked_models() -> list[Tracked]:
    return sorted(_tracked.values(), key=lambda t: (t.section, t.label))


def tracked(key: str) -> Tracked | None:
    return _tracked.get(key)


def visible_to(user) -> list[tuple[Tracked, Q]]:
    """The audited models whose history ``user`` may read, each with the filter
    of the rows they may."""
    found = []
    for entry in tracked_models():
        condition = entry.visible_filter(user)
        if condition is not None:
            found.append((entry, condition))
    return found


def can_read_trail(user) -> bool:
    return bool(visible_to(user))


# ------------------------------------------------------------ never hard-deleted


class HardDeleteRefused(models.ProtectedError):
    """A record that certifies someone cannot be deleted (revoke or replace it)."""

    def __init__(self, model, objects):
        super().__init__(
            _(
                "%(name)s certifica a alguien y no se puede eliminar; se revoca o "
                "se reemplaza."
            )
            % {"name": str(model._meta.verbose_name).capitalize()},
            objects,
        )


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise HardDeleteRefused(self.model, self)


def _refuse_delete(sender, instance, **kwargs):
    raise HardDeleteRefused(sender, [instance])


class Undeletable(models.Model):
    """A model whose rows certify someone: never hard-deleted; revocation or
    replacement withdraws them. ``delete()`` on a row or a queryset raises
    before anything is touched (as PROTECT does), and ``pre_delete`` refuses
    any other way Django deletes (a cascade from a model that points here)."""

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        pre_delete.connect(
            _refuse_delete,
            sender=cls,
            weak=False,
            dispatch_uid=f"atiende.no_hard_delete.{cls.__module__}.{cls.__qualname__}",
        )

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused(type(self), [self])


def person(user) -> str:
    """How the trail names a person (a related user of a history row)."""
    if user is None:
        return "—"
    return user.get_full_name().strip() or user.get_username()
