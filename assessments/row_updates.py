"""Writing many rows in one hand-written statement: a column of many rows, each
its own value (UPDATE), and new rows (INSERT).

``QuerySet.bulk_update`` composes a ``CASE WHEN pk = … THEN Value(…)`` of ORM
expressions per row: for the 36 answers of a saved form or the 36 scores of a
submit, Django spent more CPU composing that statement than everything else
the request did (issue 13). ``QuerySet.bulk_create`` makes and prepares a model
instance per row (1.5 ms for a start's 36 responses, against 1.0 here), and
``create`` composes its INSERT anew each time (``insert_one``). These
write the same statements as SQL text, with each value prepared by its field as
the ORM would save it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connections
from django.db.models import Model


def update_by_pk(
    model: type[Model], name: str, values: Mapping[int, object], **same
) -> None:
    """Set field ``name`` of each row whose pk is a key of ``values`` to its
    value, and each field of ``same`` to one value for all of them: 1 query
    (none without values)."""
    if not values:
        return
    connection = connections[model.objects.db]
    qn = connection.ops.quote_name
    meta = model._meta
    field = meta.get_field(name)
    pk, column = qn(meta.pk.column), qn(field.column)
    params: list = []
    for key, value in values.items():
        params += [key, field.get_db_prep_save(value, connection)]
    branches = " ".join("WHEN %s THEN %s" for _value in values)
    # ELSE keeps the column's own type for the CASE when every value is NULL.
    assignments = [f"{column} = CASE {pk} {branches} ELSE {column} END"]
    for other, value in same.items():
        other_field = meta.get_field(other)
        assignments.append(f"{qn(other_field.column)} = %s")
        params.append(other_field.get_db_prep_save(value, connection))
    params += list(values)
    ids = ", ".join("%s" for _value in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} SET {', '.join(assignments)} "
            f"WHERE {pk} IN ({ids})",
            params,
        )


def insert_rows(model: type[Model], rows: Sequence[Mapping[str, object]]) -> None:
    """Insert ``rows`` ({field attname: value}; a field left out takes its
    default, as a new instance would) in one INSERT, stored as ``bulk_create``
    would store them, without making the instances, sending signals or reading
    the new keys back: 1 query (none without rows)."""
    if rows:
        _insert(model, rows)


def insert_one(model: type[Model], row: Mapping[str, object]) -> Model:
    """``model``'s new instance with ``row``'s values (as ``insert_rows``),
    inserted in one statement that reads its key back, as ``create`` would store
    it, without sending signals: 1 query. ``create`` composed that statement
    through the ORM, about 0.5 ms of a start's CPU (issue 13)."""
    meta = model._meta
    loaded = {
        field.attname: row[field.attname]
        if field.attname in row
        else field.get_default()
        for field in meta.concrete_fields
        if not field.primary_key
    }
    loaded[meta.pk.attname] = _insert(model, [loaded], returning=True)
    names = [field.attname for field in meta.concrete_fields]
    return model.from_db(model.objects.db, names, [loaded[name] for name in names])


def _insert(
    model: type[Model], rows: Sequence[Mapping[str, object]], *, returning=False
):
    connection = connections[model.objects.db]
    qn = connection.ops.quote_name
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    params: list = []
    for row in rows:
        for field in fields:
            value = row[field.attname] if field.attname in row else field.get_default()
            params.append(field.get_db_prep_save(value, connection))
    one = f"({', '.join('%s' for _field in fields)})"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} "
        f"({', '.join(qn(field.column) for field in fields)}) "
        f"VALUES {', '.join(one for _row in rows)}"
    )
    if returning:
        # Both databases the project runs on read keys back (SQLite 3.35+).
        sql += " " + connection.ops.return_insert_columns([meta.pk])[0]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] if returning else None
