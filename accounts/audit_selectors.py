"""Reading the audit trail: the list of changes, newest first, across every
audited model one may read, and one change field by field (before → after).

The list is one UNION of the history tables one may read (each filtered by its
visibility rule and the filters), counted and sliced by the database; the rows
of a page are then loaded with one query per audited model on the page (with
their author and what ``describe`` needs). So a page costs the same number of
queries however many changes there are: 2 + the models on the page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Q, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.fields import StreamValue

from . import audit

PER_PAGE = 50


def kind_label(history_type: str) -> str:
    return {"+": _("Alta"), "~": _("Cambio"), "-": _("Baja")}.get(history_type, "")


@dataclass(frozen=True)
class TrailFilters:
    model: str = ""  # a Tracked.key
    who: str = ""  # part of the author's username or name
    since: date | None = None
    until: date | None = None


@dataclass
class Entry:
    """One change as the list shows it."""

    tracked: audit.Tracked
    record: object  # the historical row

    @property
    def name(self) -> str:
        return self.tracked.name_of(self.record)

    @property
    def kind(self) -> str:
        return kind_label(self.record.history_type)

    @property
    def author(self) -> str:
        user = self.record.history_user
        return audit.person(user) if user is not None else _("Sistema")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(history_model, condition: Q, filters: TrailFilters):
    queryset = history_model.objects.filter(condition)
    if filters.who:
        authors = get_user_model().objects.filter(
            Q(username__icontains=filters.who)
            | Q(first_name__icontains=filters.who)
            | Q(last_name__icontains=filters.who)
        )
        queryset = queryset.filter(history_user_id__in=authors.values("pk"))
    if filters.since:
        queryset = queryset.filter(history_date__gte=_day_start(filters.since))
    if filters.until and filters.until < date.max:  # the last day has no next
        queryset = queryset.filter(
            history_date__lt=_day_start(filters.until + timedelta(days=1))
        )
    return queryset


def trail(*, user, filters: TrailFilters):
    """The changes ``user`` may read that match ``filters``, newest first, as
    rows of (history_id, history_date, model key): a queryset to paginate."""
    parts = []
    for tracked, condition in audit.visible_to(user):
        if filters.model and tracked.key != filters.model:
            continue
        parts.append(
            _filtered(tracked.history_model, condition, filters)
            .order_by()
            .values(
                "history_id",
                "history_date",
                model=Value(tracked.key, output_field=CharField()),
            )
        )
    if not parts:
        return None
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-history_id", "model")


def trail_page(*, user, filters: TrailFilters, number) -> tuple[Page, list[Entry]]:
    """A page of ``trail`` with each change loaded: the page (for the
    navigation) and its entries, in the same order."""
    rows = trail(user=user, filters=filters)
    paginator = Paginator(rows if rows is not None else [], PER_PAGE)
    page = paginator.get_page(number)
    wanted: dict[str, list[int]] = {}
    for row in page.object_list:
        wanted.setdefault(row["model"], []).append(row["history_id"])
    loaded: dict[tuple[str, int], object] = {}
    for key, ids in wanted.items():
        tracked = audit.tracked(key)
        for record in tracked.history_model.objects.filter(
            history_id__in=ids
        ).select_related("history_user", *tracked.related):
            loaded[(key, record.history_id)] = record
    entries = [
        Entry(audit.tracked(row["model"]), loaded[(row["model"], row["history_id"])])
        for row in page.object_list
    ]
    return page, entries


def change_for(*, user, key: str, history_id: int):
    """The change, if ``user`` may read it (None otherwise, or when there is
    no such change): (tracked, record)."""
    tracked = audit.tracked(key)
    if tracked is None or not 0 < history_id < 2**63:  # past a 64-bit id: none
        return None
    condition = tracked.visible_filter(user)
    if condition is None:
        return None
    record = (
        tracked.history_model.objects.filter(condition)
        .select_related("history_user", *tracked.related)
        .filter(history_id=history_id)
        .first()
    )
    return (tracked, record) if record is not None else None


def previous_record(record):
    """The same object's history row just before ``record`` (None for its
    first)."""
    return (
        type(record)
        .objects.filter(id=record.id)
        .filter(
            Q(history_date__lt=record.history_date)
            | Q(history_date=record.history_date, history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )


# ------------------------------------------------------------------- the diff


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str
    block: bool  # long structured text (JSON): shown preformatted


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def _related_names(fields, records) -> dict[tuple[type, object], str]:
    """str() of every object the records' references point to: one query per
    referenced model."""
    wanted: dict[type, set] = {}
    for field in fields:
        if field.is_relation and field.many_to_one:
            for record in records:
                value = getattr(record, field.attname)
                if value is not None:
                    wanted.setdefault(field.related_model, set()).add(value)
    names = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)
    return names


def _display(field, record, names) -> tuple[str, bool]:
    if record is None:
        return "", False
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "—", False
    if field.is_relation and field.many_to_one:
        return names.get(
            (field.related_model, value), _("#%(id)s (eliminado)") % {"id": value}
        ), False
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)), False
    if isinstance(value, bool):
        return (_("Sí") if value else _("No")), False
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT"), False
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT"), False
    if isinstance(value, StreamValue):
        return _json(value.get_prep_value()), True
    if isinstance(value, dict | list):
        return _json(value), True
    text = str(value)
    return text, "\n" in text


def _m2m_names(record, field) -> list[str]:
    if record is None:
        return []
    related = field.related_model
    target = field.m2m_reverse_field_name()
    ids = list(getattr(record, field.name).values_list(f"{target}_id", flat=True))
    return sorted(str(obj) for obj in related._default_manager.filter(pk__in=ids))


def field_changes(record, previous) -> list[FieldChange]:
    """What ``record`` changed, field by field, in the model's field order. A
    creation shows every field (nothing before); a deletion every field as it
    was (nothing after); a change only the fields that differ, references and
    choices by name."""
    if record.history_type == "-":
        before, after = record, None
    else:
        before, after = previous, record
    fields = [f for f in record.tracked_fields if f.editable and not f.primary_key]
    names = _related_names(fields, [r for r in (before, after) if r is not None])
    changes = []
    for field in fields:
        old, old_block = _display(field, before, names)
        new, new_block = _display(field, after, names)
        if before is not None and after is not None and old == new:
            continue
        changes.append(
            FieldChange(
                str(field.verbose_name).capitalize(), old, new, old_block or new_block
            )
        )
    for field in record._history_m2m_fields:
        old_names = _m2m_names(before, field) if before is not None else []
        new_names = _m2m_names(after, field) if after is not None else []
        if before is not None and after is not None and old_names == new_names:
            continue
        changes.append(
            FieldChange(
                str(field.verbose_name).capitalize(),
                ", ".join(old_names) or ("—" if before is not None else ""),
                ", ".join(new_names) or ("—" if after is not None else ""),
                False,
            )
        )
    return changes


def model_choices(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """The audited models ``user`` may read, grouped by section, for the
    filter."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for tracked, _condition in audit.visible_to(user):
        groups.setdefault(tracked.section, []).append((tracked.key, tracked.label))
    return [
        (str(audit.Section(section).label), sorted(items, key=lambda i: i[1]))
        for section, items in groups.items()
    ]
