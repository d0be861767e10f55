"""Changes of state for the question bank: versions, loading, import, re-grading."""

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from standards.models import Criterion

from . import payloads
from .models import Question, QuestionVersion
from .question_types import registry

_ITEM_NAMESPACE = uuid.UUID("3f0b6d8e-2c41-4a55-9f3e-7d6b1a2c9e04")


class QuestionDataError(ValueError):
    """Question data that does not fit the bank's rules; nothing was saved."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class FrozenContent:
    """What a question's next version would hold: its criterion, payload and the
    payload's hash (``payloads.payload_hash``)."""

    criterion_id: int
    payload: dict
    content_hash: str

    @classmethod
    def of(cls, question: Question) -> "FrozenContent":
        payload = payloads.payload_from_content(
            stem=question.stem, feedback=question.feedback, content=question.content
        )
        return cls(
            question.criterion_id,
            payload,
            payloads.payload_hash(payload, question.criterion_id),
        )


def question_versions_existing(
    *, wanted: Mapping[int, FrozenContent]
) -> dict[int, QuestionVersion]:
    """question id -> its existing version holding the wanted content (none for
    the questions that have no such version yet): 1 query."""
    if not wanted:
        return {}
    found = QuestionVersion.objects.filter(
        question_id__in=list(wanted),
        content_hash__in={content.content_hash for content in wanted.values()},
    )
    return {
        v.question_id: v
        for v in found
        if wanted[v.question_id].content_hash == v.content_hash
    }


def _lock_questions(ids: list[int]) -> None:
    """Row-lock these questions in id order: concurrent freezes that lock rows in
    different orders would deadlock each other."""
    list(
        Question.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def question_versions_freeze(
    *, wanted: Mapping[int, FrozenContent]
) -> dict[int, QuestionVersion]:
    """question id -> the version holding the wanted content, made where none
    does yet: 1 query when they all exist, 4 when some must be made, however
    many questions.

    Versions are frozen when a question is first drawn after a change, so an edit
    to a question that was already answered never touches what attempts showed.
    """
    versions = question_versions_existing(wanted=wanted)
    missing = sorted(set(wanted) - set(versions))
    if not missing:
        return versions
    with transaction.atomic():
        # Locked, then read again: two concurrent draws number versions once.
        _lock_questions(missing)
        versions.update(
            question_versions_existing(wanted={pk: wanted[pk] for pk in missing})
        )
        missing = [pk for pk in missing if pk not in versions]
        if missing:
            last = dict(
                QuestionVersion.objects.filter(question_id__in=missing)
                .values("question_id")
                .annotate(number=Max("number"))
                .values_list("question_id", "number")
            )
            made = QuestionVersion.objects.bulk_create(
                QuestionVersion(
                    question_id=pk,
                    number=last.get(pk, 0) + 1,
                    criterion_id=wanted[pk].criterion_id,
                    payload=wanted[pk].payload,
                    content_hash=wanted[pk].content_hash,
                )
                for pk in missing
            )
            versions.update({version.question_id: version for version in made})
    return versions


def question_version_current(*, question: Question) -> QuestionVersion:
    """The version that matches the question as it is now, made if needed."""
    return question_versions_freeze(wanted={question.pk: FrozenContent.of(question)})[
        question.pk
    ]


def _item_id(code: str, kind: str, index: int) -> str:
    return str(uuid.uuid5(_ITEM_NAMESPACE, f"{code}/{kind}/{index}"))


def content_from_data(data: Mapping[str, Any]) -> list[dict]:
    """Turn a bank entry (assessments/content/README.md) into StreamField raw data,
    with item ids derived from the question code so reloads keep them stable."""
    kind, code = data["type"], data["code"]
    try:
        qtype = registry.get(kind)
    except KeyError:
        raise ValueError(f"unknown question type {kind!r}") from None

    def items(key, values):
        return [
            {"type": "item", "value": value, "id": _item_id(code, key, index)}
            for index, value in enumerate(values)
        ]

    value = qtype.content_value(data, items)
    return [{"type": kind, "value": value, "id": _item_id(code, "block", 0)}]


# Stored instead of a fingerprint on a loaded question that a retired entry
# deactivated, so that the retirement happens once: a person may switch it back on.
RETIRED_MARK = "retired"


@dataclass
class BankLoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


def _block_messages(error: ValidationError) -> list[str]:
    """Every message of a (nested) StreamField block validation error, once each,
    in the order the blocks come."""
    messages: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            messages.extend(m for m in node.get("messages", []) if m not in messages)
            children = node.get("blockErrors", {})
            for child in children.values() if isinstance(children, dict) else children:
                if child is not None:
                    walk(child)

    walk(error.as_json_data())
    return messages or [str(error)]


def _model_messages(error: ValidationError) -> list[str]:
    """A model validation error's messages, each after its field's label."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for name, errors in error.message_dict.items():
        label = (
            str(Question._meta.get_field(name).verbose_name)
            if name != "__all__"
            else ""
        )
        messages += [f"{label}: {m}" if label else m for m in errors]
    return messages


def question_problems(question: Question) -> list[str]:
    """What is wrong with an unsaved question, as messages a person can read: the
    rules of its content block (one right option, unique texts ...) and of its
    fields. The one place the bank loader and the GIFT import build them.

    Model.full_clean does not run a StreamField's block rules (the admin form
    does), so they are run here as well."""
    messages: list[str] = []
    try:
        question.content.stream_block.clean(question.content)
    except ValidationError as error:
        messages += _block_messages(error)
    try:
        question.full_clean(exclude=["tags", "content"], validate_unique=False)
    except ValidationError as error:
        messages += _model_messages(error)
    return messages


@transaction.atomic
def question_bank_load(*, entries: Iterable[Mapping[str, Any]]) -> BankLoadReport:
    """Load bank entries by code; a second load of the same data changes nothing.

    A question is kept as it is, and reported in ``kept``, when it was answered
    (attempts show its versions) or when a person edited it since it was loaded
    (its fingerprint no longer matches the one the loader recorded); the rest
    follow the data. Every entry is validated first: one bad entry rejects the
    whole load.

    An entry ``{code: ..., retired: true}`` withdraws a question the bank replaced
    with a new code: a question this loader wrote under that code, and nobody has
    edited since, is deactivated (its answered versions stay for the attempts that
    showed them); a database that never had it gets nothing."""
    criteria = {c.code: c for c in Criterion.objects.all()}
    existing = {q.code: q for q in Question.objects.prefetch_related("tags")}
    answered = set(
        QuestionVersion.objects.filter(responses__isnull=False)
        .values_list("question__code", flat=True)
        .distinct()
    )
    report = BankLoadReport()
    errors: list[str] = []
    pending: list[tuple[Question, list[str], bool]] = []
    seen_codes: set[str] = set()
    retiring: list[str] = []
    for data in entries:
        code = data.get("code", "?")
        if code in seen_codes:
            errors.append(f"{code}: duplicate code")
            continue
        seen_codes.add(code)
        if data.get("retired"):
            retiring.append(code)
            continue
        criterion = criteria.get(data.get("criterion"))
        if criterion is None:
            errors.append(f"{code}: unknown criterion {data.get('criterion')!r}")
            continue
        try:
            content = content_from_data(data)
        except (KeyError, ValueError, TypeError) as error:
            errors.append(f"{code}: {error}")
            continue
        question = existing.get(code)
        is_new = question is None
        if not is_new and (code in answered or _edited_since_loaded(question)):
            report.kept.append(code)
            continue
        question = question or Question(code=code)
        question.criterion = criterion
        question.stem = data.get("stem", "")
        question.feedback = data.get("feedback", "")
        question.difficulty = data.get("difficulty", Question.Difficulty.MEDIUM)
        question.knowledge_level = data.get("level", "")
        question.content = content
        errors.extend(
            f"{question.code}: {message}" for message in question_problems(question)
        )
        pending.append((question, list(data.get("tags", [])), is_new))
    if errors:
        raise QuestionDataError(errors)
    for question, tags, is_new in pending:
        fingerprint = question_fingerprint(question, tags)
        if not is_new and question.loaded_fingerprint == fingerprint:
            report.unchanged += 1
            continue
        question.loaded_fingerprint = fingerprint
        question.save()
        question.tags.set(tags)
        question.save()
        if is_new:
            report.created += 1
        else:
            report.updated += 1
    for code in retiring:
        _retire(existing.get(code), report)
    return report


def _retire(question: Question | None, report: BankLoadReport) -> None:
    # Only a question the loader wrote: one made in the admin or by a GIFT import
    # that happens to share the code is not the bank's to withdraw.
    if question is None or question.loaded_fingerprint in ("", RETIRED_MARK):
        return
    if _edited_since_loaded(question):
        report.kept.append(question.code)
        return
    if question.active:
        report.retired.append(question.code)
    question.active = False
    question.loaded_fingerprint = RETIRED_MARK
    question.save(update_fields=["active", "loaded_fingerprint", "updated_at"])


def question_fingerprint(question: Question, tags: Iterable[str]) -> str:
    """A hash of everything the bank data sets on a question."""
    data = [
        question.stem,
        question.feedback,
        question.criterion_id,
        question.difficulty,
        question.content.get_prep_value(),
        sorted(tags),
    ]
    # Added only when set, so the fingerprints of questions loaded before
    # levels existed still match.
    if question.knowledge_level:
        data.append(question.knowledge_level)
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _edited_since_loaded(question: Question) -> bool:
    # Questions made in the admin or by a GIFT import have no fingerprint: they
    # are not the loader's, and a bank entry with the same code takes them over
    # only if nobody answered them.
    if not question.loaded_fingerprint:
        return False
    tags = [tag.name for tag in question.tags.all()]
    return question_fingerprint(question, tags) != question.loaded_fingerprint
