"""A question version's frozen payload (plain JSON) and what is derived from it:
the answer key for grading and the learner's view, which carries no key at all.

The type-specific parts come from the question's type (assessments/question_types).
"""

import hashlib
import json
import random

from courses.content_cache import Memo

from . import rich_text
from .grading import Key
from .question_types import registry
from .question_types.matching import match_id

__all__ = [
    "answer_key",
    "display_order",
    "frozen_payloads",
    "learner_view",
    "match_id",
    "payload_from_content",
    "payload_hash",
    "payload_of",
    "question_digest",
    "text_format",
]


def payload_from_content(
    *, stem: str, feedback: str, content, text_format: str = rich_text.PLAIN
) -> dict:
    """Build the payload from a question's one-block content StreamValue.

    ``format`` is written only for HTML, so the payloads (and hashes) of plain
    questions stay what they were before formats existed."""
    block = content[0]
    kind = block.block_type
    payload: dict = {"type": kind, "stem": stem, "feedback": feedback}
    if text_format == rich_text.HTML:
        payload["format"] = rich_text.HTML
    payload.update(registry.get(kind).payload(block.value))
    return payload


def payload_of(question) -> dict:
    """The payload of a question as it is now: the one way to build it from a
    ``Question``."""
    return payload_from_content(
        stem=question.stem,
        feedback=question.feedback,
        content=question.content,
        text_format=question.text_format,
    )


def text_format(payload: dict) -> str:
    """The format of a payload's stem and feedback."""
    return payload.get("format", rich_text.PLAIN)


def question_digest(question) -> str:
    """The hash a version of this question, as it is now, carries."""
    return payload_hash(payload_of(question), question.criterion_id)


def payload_hash(payload: dict, criterion_id: int) -> str:
    data = json.dumps([payload, criterion_id], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def answer_key(payload: dict) -> Key:
    return registry.get(payload["type"]).answer_key(payload)


# The keys of frozen versions, by content hash (which covers the payload; read
# and filled by ``frozen_versions.version_keys``): a
# key is a frozen value, and saving or grading a 36-question attempt would
# otherwise build and validate 36 of them on every request (issue 13).
version_keys = Memo(size=4096)


# Frozen versions' payloads, decoded, by content hash (which names one payload,
# criterion included, for ever): a start decodes those it draws to order their
# parts, and the attempt page shows them; learners of one final share the
# versions (issue 13). Shared by every request of the process: read them, never
# change them.
frozen_payloads = Memo(size=4096)


def display_order(payload: dict, *, rng: random.Random, shuffle: bool) -> dict:
    """The order in which a learner sees the parts of a question, frozen per
    attempt (each type decides what it shuffles, and whether always)."""
    return registry.get(payload["type"]).display_order(
        payload, rng=rng, shuffle=shuffle
    )


def learner_view(payload: dict, order: dict) -> dict:
    """Everything the learner needs to answer, and nothing of the key."""
    kind = payload["type"]
    view = {"type": kind, "stem": payload["stem"]}
    view.update(registry.get(kind).learner_view(payload, order))
    return view
