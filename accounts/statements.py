"""Queries composed by the ORM once per database and run again with new values.

Every request of a signed-in person reads their user (``accounts.backends``),
and every request of an attempt (its start, its page, each save, the submit)
makes the same few reads more. Django composes each query anew on every run, and
for these that cost more CPU than the database takes to answer them: 0.3 to 1 ms
a query, against about 0.1 ms to run it (issue 13). A ``Select`` is written as
an ordinary ``values_list`` QuerySet, compiled once with stand-in values where
the real ones go, and then run as SQL with the real values in their places; its
rows are converted exactly as the ORM converts them (the fields' and the
database's converters: JSON, dates on SQLite, flags).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import Field, Model, QuerySet


class StandInNotFound(Exception):
    """A value's stand-in is not among the compiled query's parameters."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    # Where each argument's value goes among the parameters.
    places: tuple[tuple[int, ...], ...]
    converters: tuple


def _stand_in(field: Field, number: int):
    """A value no row holds, of the kind ``field`` compares with."""
    if field.get_internal_type() == "UUIDField":
        return uuid.UUID(int=2**127 + number)
    return -7_654_000 - number


class Select:
    """``build(*values)`` -> a ``values_list`` QuerySet, each value compared with
    the field of the same place in ``fields`` (which prepares it for the
    database, as the ORM would)."""

    def __init__(self, build: Callable[..., QuerySet], fields: Sequence[Field]):
        self._build = build
        self._fields = tuple(fields)
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        stand_ins = [_stand_in(field, n) for n, field in enumerate(self._fields)]
        queryset = self._build(*stand_ins)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        places = []
        for field, stand_in in zip(self._fields, stand_ins, strict=True):
            prepared = field.get_db_prep_value(stand_in, connection)
            found = tuple(i for i, param in enumerate(params) if param == prepared)
            if not found:
                raise StandInNotFound(f"{field} is not compared in: {sql}")
            places.append(found)
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = tuple(
            (position, tuple(convs), expression)
            for position, (convs, expression) in compiler.get_converters(
                columns
            ).items()
        )
        return _Compiled(sql, tuple(params), tuple(places), converters)

    def _for(self, alias: str) -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias)
                if compiled is None:
                    compiled = self._compile(alias)
                    self._compiled[alias] = compiled
        return compiled

    def rows(self, *values, using: str = "default") -> list[list]:
        """The query's rows for ``values`` (each a list, converted)."""
        compiled = self._for(using)
        connection = connections[using]
        params = list(compiled.params)
        for field, value, places in zip(
            self._fields, values, compiled.places, strict=True
        ):
            prepared = field.get_db_prep_value(value, connection)
            for place in places:
                params[place] = prepared
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found = cursor.fetchall()
        rows = [list(row) for row in found]
        for position, convs, expression in compiled.converters:
            for row in rows:
                value = row[position]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[position] = value
        return rows


class ModelSelect(Select):
    """``model``'s rows whose fields ``filter_names`` equal the values given,
    every concrete field read, as instances loaded as the ORM loads them.
    ``for_update``: the rows are locked until the transaction ends (SELECT …
    FOR UPDATE where the database has it, as ``select_for_update()``)."""

    def __init__(
        self, model: type[Model], *filter_names: str, for_update: bool = False
    ):
        self._model = model
        self._names = tuple(field.attname for field in model._meta.concrete_fields)
        filters = [model._meta.get_field(name) for name in filter_names]

        def build(*values) -> QuerySet:
            rows = model.objects.filter(
                **{
                    field.attname: value
                    for field, value in zip(filters, values, strict=True)
                }
            )
            if for_update:
                rows = rows.select_for_update()
            return rows.values_list(*self._names)

        super().__init__(build, fields=filters)

    def instances(self, *values, using: str = "default") -> list:
        return [
            self._model.from_db(using, self._names, row)
            for row in self.rows(*values, using=using)
        ]
