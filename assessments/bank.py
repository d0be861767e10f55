"""The question bank an assessment draws from, read once and kept in Django's cache.

Starting an attempt must cost neither a query per question nor more as the bank
grows (issue 13). ``blueprint_rows`` reads the assessment's blueprint in one
query, each row with a stamp of its element's questions as the database has
them now: how many are active, the sum of their ids and when one was last saved.
``bank_snapshot`` keeps every active question of the blueprint's elements (its
element, criterion, knowledge level and frozen payload, and its version once one
exists), and the criteria each element asks (for covering rows), under a key
made of the page, its live revision and those stamped rows (stamped too with
the count and id sum of their element's asked criteria). Publishing the
page, editing the blueprint, and saving, adding, deleting, activating or
deactivating a question all make a new key, which every process reads from the
database: there is nothing to invalidate and no signal to miss. (A bulk
``QuerySet.update`` of question content would bypass ``updated_at``: the bank's
own code never does that.)

Versions are still frozen only for the questions drawn: a version means "shown
in an attempt", and the admin refuses to delete those. ``drawn_versions``
freezes the ones a draw needs in bulk and teaches them to the cached snapshot.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import BigIntegerField, DateTimeField, IntegerField, QuerySet
from django.db.models.expressions import RawSQL

from accounts import statements
from courses import content_cache
from standards.models import Criterion

from . import blueprint, payloads
from .models import ASKED_KINDS, AssessmentPage, BlueprintRow, Question
from .question_services import (
    FrozenContent,
    question_versions_existing,
    question_versions_freeze,
)

# Bump when what a snapshot holds changes shape (or payloads are built
# differently), so that a deploy never reads a snapshot an older release wrote.
CACHE_VERSION = 3
CACHE_SECONDS = 24 * 60 * 60


@dataclass
class BankSnapshot:
    """An assessment's bank as drawn from: candidates in question-code order (so
    a seeded draw is reproducible), each question's frozen content (criterion id,
    payload as JSON, content hash), and the version already holding it, where
    one does. Plain tuples and strings: a start reads hundreds back from the
    cache and decodes only the payloads it draws. ``criteria``: element id ->
    the ids of the criteria it asks (``ASKED_KINDS``), in the standard's order,
    as covering rows need them."""

    key: str
    candidates: tuple[blueprint.Candidate, ...]
    contents: dict[int, tuple[int, str, str]]
    versions: dict[int, int] = field(default_factory=dict)
    criteria: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def content(self, question_id: int) -> FrozenContent:
        criterion_id, payload, content_hash = self.contents[question_id]
        decoded = payloads.frozen_payloads.get_or_build(
            content_hash, functools.partial(json.loads, payload)
        )
        return FrozenContent(criterion_id, decoded, content_hash)


@functools.cache
def _stamp_sql(alias: str) -> dict[str, str]:
    """The stamps' correlated subqueries as SQL, made once per database. Written
    by hand: composing them with the ORM cost a start about 2 ms of CPU, ten
    times what the database takes to run them."""
    qn = connections[alias].ops.quote_name

    def table(model) -> str:
        return qn(model._meta.db_table)

    def column(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    row_element = f"{table(BlueprintRow)}.{column(BlueprintRow, 'element')}"
    questions = (
        f"FROM {table(Question)} q INNER JOIN {table(Criterion)} c "
        f"ON q.{column(Question, 'criterion')} = c.{column(Criterion, 'id')} "
        f"WHERE c.{column(Criterion, 'element')} = {row_element}"
    )
    active = f"{questions} AND q.{column(Question, 'active')}"
    kinds = ", ".join("%s" for _kind in ASKED_KINDS)
    criteria = (
        f"FROM {table(Criterion)} k WHERE k.{column(Criterion, 'element')} = "
        f"{row_element} AND k.{column(Criterion, 'kind')} IN ({kinds})"
    )
    question_id = f"q.{column(Question, 'id')}"
    return {
        "bank_count": f"SELECT COUNT(*) {active}",
        "bank_ids": f"SELECT SUM({question_id}) {active}",
        "bank_saved": f"SELECT MAX(q.{column(Question, 'updated_at')}) {questions}",
        "criteria_count": f"SELECT COUNT(*) {criteria}",
        "criteria_ids": f"SELECT SUM(k.{column(Criterion, 'id')}) {criteria}",
    }


_STAMP_FIELDS = {
    "bank_count": IntegerField,
    "bank_ids": BigIntegerField,
    "bank_saved": DateTimeField,
    "criteria_count": IntegerField,
    "criteria_ids": BigIntegerField,
}


def blueprint_rows(assessment: AssessmentPage) -> list[BlueprintRow]:
    """The assessment's blueprint rows in order, with element and criterion, each
    stamped with its element's bank (``bank_count``, ``bank_ids``,
    ``bank_saved``: active questions, the sum of their ids, the last save of
    any) and asked criteria (``criteria_count``, ``criteria_ids``): 1 query.

    Composing this query through the ORM cost a start about 1 ms of CPU, five
    times what the database takes: the rows and their stamps are read by a
    query composed once (``statements.Select``), and their elements and criteria (the
    standard's, which change the content token) come from the rows kept per
    content token (``courses.content_cache``, read once per request anyway). A
    row whose element or criterion is not among those kept is read again through
    the ORM."""
    token = content_cache.content_token()
    if token is None:
        return _read_with_orm(assessment)
    fresh = []

    def read():
        fresh.extend(_read_with_orm(assessment))
        return tuple(fresh)

    kept = content_cache.memo.get_or_build(
        content_cache.key("blueprint-rows", token, assessment.pk), read
    )
    if fresh:  # read just now, stamps and all
        return fresh
    related = {("element", row.element_id): row.element for row in kept} | {
        ("criterion", row.criterion_id): row.criterion for row in kept
    }
    rows = _read_rows(assessment.pk)
    for row in rows:
        wanted = (("element", row.element_id), ("criterion", row.criterion_id))
        if any(key not in related for key in wanted):
            return _read_with_orm(assessment)
        # Each row its own copies: a request may read or cache on them.
        row.element = copy.copy(related[wanted[0]])
        row.criterion = copy.copy(related[wanted[1]])
    return rows


def _stamp_params(name: str) -> tuple:
    return ASKED_KINDS if name.startswith("criteria") else ()


def _read_with_orm(assessment: AssessmentPage) -> list[BlueprintRow]:
    """As ``_read_rows``, with element and criterion: the same rows in the same
    order (rows of one sort order by id), so that both make one bank key."""
    return list(
        _stamped(BlueprintRow.objects.filter(page=assessment)).select_related(
            "element", "criterion"
        )
    )


_ROW_NAMES = tuple(field.attname for field in BlueprintRow._meta.concrete_fields)


def _stamped(rows: QuerySet) -> QuerySet:
    sql = _stamp_sql(rows.db)
    return rows.annotate(
        **{
            name: RawSQL(sql[name], _stamp_params(name), output_field=field())
            for name, field in _STAMP_FIELDS.items()
        }
    ).order_by("sort_order", "pk")


_rows_of_page = statements.Select(
    lambda page_id: _stamped(BlueprintRow.objects.filter(page_id=page_id)).values_list(
        *_ROW_NAMES, *_STAMP_FIELDS
    ),
    fields=[BlueprintRow._meta.get_field("page")],
)


def _read_rows(page_id: int) -> list[BlueprintRow]:
    """The page's rows with their stamps, without element or criterion: 1
    query."""
    rows = []
    width = len(_ROW_NAMES)
    for values in _rows_of_page.rows(page_id):
        row = BlueprintRow.from_db("default", _ROW_NAMES, values[:width])
        for name, value in zip(_STAMP_FIELDS, values[width:], strict=True):
            setattr(row, name, value)
        rows.append(row)
    return rows


def draw_plan(rows: Iterable[BlueprintRow]) -> list[blueprint.BlueprintRow]:
    """The rows as the pure draw reads them (``BlueprintRow.draw_row``)."""
    return [row.draw_row() for row in rows]


def _key(assessment: AssessmentPage, rows: list[BlueprintRow]) -> str:
    stamp = repr(
        [
            (
                row.element_id,
                row.criterion_id,
                row.count,
                row.cover,
                row.knowledge_level,
                row.criteria_count,
                row.criteria_ids,
                row.bank_count,
                row.bank_ids,
                row.bank_saved.isoformat() if row.bank_saved else None,
            )
            for row in rows
        ]
    )
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:32]
    revision = assessment.live_revision_id or 0
    # The page's translation key is a random UUID made with the page: an id that
    # a rolled-back transaction freed (SQLite reuses them) and a later page took
    # never finds the first page's bank.
    page = f"{assessment.pk}:{assessment.translation_key}"
    return f"assessments:bank:{CACHE_VERSION}:{page}:{revision}:{digest}"


def _read(key: str, rows: list[BlueprintRow]) -> BankSnapshot:
    """The snapshot from the database: 2 queries, however many questions (3
    when a row covers its element's criteria)."""
    questions = (
        Question.objects.filter(
            active=True, criterion__element__in={row.element_id for row in rows}
        )
        .select_related("criterion")
        .only(
            "pk",
            "code",
            "stem",
            "text_format",
            "feedback",
            "content",
            "knowledge_level",
            "criterion",
        )
        .order_by("code")
    )
    questions = list(questions)
    contents = {q.pk: FrozenContent.of(q) for q in questions}
    existing = question_versions_existing(wanted=contents)
    criteria = covered_criteria(rows)
    return BankSnapshot(
        key=key,
        candidates=tuple(q.candidate() for q in questions),
        contents={
            pk: (c.criterion_id, json.dumps(c.payload), c.content_hash)
            for pk, c in contents.items()
        },
        versions={pk: version.pk for pk, version in existing.items()},
        criteria=criteria,
    )


def covered_criteria(rows: Iterable[BlueprintRow]) -> dict[str, tuple[str, ...]]:
    """Element id -> the ids of the criteria it asks (``ASKED_KINDS``), in the
    standard's order, for the elements of covering rows, as the draw takes
    them: 1 query, none when no row covers."""
    covered = {row.element_id for row in rows if row.cover}
    criteria: dict[str, tuple[str, ...]] = {}
    if covered:
        for element_id, criterion_id in (
            Criterion.objects.filter(element__in=covered, kind__in=ASKED_KINDS)
            .order_by("order", "code")
            .values_list("element_id", "pk")
        ):
            criteria[str(element_id)] = (
                *criteria.get(str(element_id), ()),
                str(criterion_id),
            )
    return criteria


# The snapshots this process drew from last, as live objects: reading a bank of
# 300 back from the cache (unpickling it) cost every start about 0.7 ms of CPU
# (issue 13). A key names one state of the bank's questions; the versions kept
# may lag those another process froze since, which a draw of such a question
# finds (question_versions_freeze) and keeps. Shared by every request of the
# process: never changed in place.
snapshots = content_cache.Memo(size=200)


def bank_snapshot(
    *, assessment: AssessmentPage, rows: list[BlueprintRow]
) -> BankSnapshot:
    """The bank ``rows`` (from ``blueprint_rows``) draw from: kept in the
    process, else from the cache, else read and cached (no query on a hit).
    Never change it: ``drawn_versions`` keeps a changed copy."""
    key = _key(assessment, rows)
    snapshot = snapshots.get(key)
    if snapshot is None:
        snapshot = cache.get(key)
        if snapshot is None:
            snapshot = _read(key, rows)
            _keep(snapshot)
        else:
            snapshots.set(key, snapshot)
    return snapshot


def _keep(snapshot: BankSnapshot) -> None:
    """Keep the snapshot, in the process and in the cache, once the transaction
    commits: a version it names that a rollback undid must never be drawn."""

    def keep():
        snapshots.set(snapshot.key, snapshot)
        cache.set(snapshot.key, snapshot, CACHE_SECONDS)

    transaction.on_commit(keep)


def drawn_versions(
    *, snapshot: BankSnapshot, question_ids: Iterable[int]
) -> dict[int, int]:
    """question id -> id of the version to show, for drawn questions: no query
    when the snapshot knows them all, else the missing ones frozen in bulk
    (``question_versions_freeze``) and the cached snapshot updated."""
    question_ids = list(question_ids)
    missing = {
        pk: snapshot.content(pk) for pk in question_ids if pk not in snapshot.versions
    }
    if missing:
        made = question_versions_freeze(wanted=missing)
        snapshot = dataclasses.replace(
            snapshot,
            versions={
                **snapshot.versions,
                **{pk: version.pk for pk, version in made.items()},
            },
        )
        _keep(snapshot)
    return {pk: snapshot.versions[pk] for pk in question_ids}
