"""A question version's frozen payload (plain JSON) and what is derived from it:
the answer key for grading and the learner's view, which carries no key at all."""

import hashlib
import json
import random
import uuid
from fractions import Fraction

from .grading import AnswerKey, QuestionType

_MATCH_NAMESPACE = uuid.UUID("0b9c1f4e-5a77-4b7e-8d1e-6c2a9f0d3b21")


def match_id(pair_id: str) -> str:
    """An opaque id for the right-hand side of a pair: the learner must not be able
    to tell which prompt it belongs to from its id."""
    return str(uuid.uuid5(_MATCH_NAMESPACE, pair_id))


def payload_from_content(*, stem: str, feedback: str, content) -> dict:
    """Build the payload from a question's one-block content StreamValue."""
    block = content[0]
    kind, value = block.block_type, block.value
    payload: dict = {"type": kind, "stem": stem, "feedback": feedback}
    if kind in ("single", "multiple"):
        payload["options"] = [
            {
                "id": child.id,
                "text": child.value["text"],
                "correct": bool(child.value["correct"]),
                "feedback": child.value["feedback"] or "",
            }
            for child in value["options"].bound_blocks
        ]
    elif kind == "situational":
        payload["options"] = [
            {
                "id": child.id,
                "text": child.value["text"],
                "credit": child.value["credit"],
                "feedback": child.value["feedback"] or "",
            }
            for child in value["options"].bound_blocks
        ]
    elif kind == "true_false":
        payload["answer"] = bool(value["answer"])
    elif kind == "matching":
        payload["pairs"] = [
            {
                "id": child.id,
                "prompt": child.value["prompt"],
                "match": child.value["match"],
                "match_id": match_id(child.id),
            }
            for child in value["pairs"].bound_blocks
        ]
    elif kind == "ordering":
        payload["items"] = [
            {"id": child.id, "text": child.value}
            for child in value["items"].bound_blocks
        ]
    return payload


def question_digest(question) -> str:
    """The hash a version of this question, as it is now, carries."""
    payload = payload_from_content(
        stem=question.stem, feedback=question.feedback, content=question.content
    )
    return payload_hash(payload, question.criterion_id)


def payload_hash(payload: dict, criterion_id: int) -> str:
    data = json.dumps([payload, criterion_id], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def answer_key(payload: dict) -> AnswerKey:
    kind = payload["type"]
    if kind == QuestionType.SINGLE:
        options = payload["options"]
        right = next(o["id"] for o in options if o["correct"])
        return AnswerKey.single([o["id"] for o in options], right)
    if kind == QuestionType.MULTIPLE:
        options = payload["options"]
        return AnswerKey.multiple(
            [o["id"] for o in options], [o["id"] for o in options if o["correct"]]
        )
    if kind == QuestionType.TRUE_FALSE:
        return AnswerKey.true_false(payload["answer"])
    if kind == QuestionType.MATCHING:
        return AnswerKey.matching([(p["id"], p["match_id"]) for p in payload["pairs"]])
    if kind == QuestionType.ORDERING:
        return AnswerKey.ordering([item["id"] for item in payload["items"]])
    return AnswerKey.situational(
        [(o["id"], Fraction(o["credit"], 100)) for o in payload["options"]]
    )


def display_order(payload: dict, *, rng: random.Random, shuffle: bool) -> dict:
    """The order in which a learner sees the parts of a question, frozen per
    attempt. Matches and ordering items are always shuffled: in their stored order
    they would give the answer away."""
    kind = payload["type"]
    order: dict[str, list[str]] = {}
    if kind in ("single", "multiple", "situational"):
        order["options"] = [o["id"] for o in payload["options"]]
        if shuffle:
            rng.shuffle(order["options"])
    elif kind == "matching":
        order["prompts"] = [p["id"] for p in payload["pairs"]]
        order["matches"] = [p["match_id"] for p in payload["pairs"]]
        if shuffle:
            rng.shuffle(order["prompts"])
        rng.shuffle(order["matches"])
    elif kind == "ordering":
        order["items"] = [item["id"] for item in payload["items"]]
        while len(order["items"]) > 1 and order["items"] == [
            item["id"] for item in payload["items"]
        ]:
            rng.shuffle(order["items"])
    return order


def learner_view(payload: dict, order: dict) -> dict:
    """Everything the learner needs to answer, and nothing of the key."""
    kind = payload["type"]
    view: dict = {"type": kind, "stem": payload["stem"]}
    if kind in ("single", "multiple", "situational"):
        texts = {o["id"]: o["text"] for o in payload["options"]}
        view["options"] = [{"id": i, "text": texts[i]} for i in order["options"]]
    elif kind == "true_false":
        view["options"] = [{"id": "true", "text": None}, {"id": "false", "text": None}]
    elif kind == "matching":
        prompts = {p["id"]: p["prompt"] for p in payload["pairs"]}
        matches = {p["match_id"]: p["match"] for p in payload["pairs"]}
        view["prompts"] = [{"id": i, "text": prompts[i]} for i in order["prompts"]]
        view["matches"] = [{"id": i, "text": matches[i]} for i in order["matches"]]
    elif kind == "ordering":
        texts = {item["id"]: item["text"] for item in payload["items"]}
        view["items"] = [{"id": i, "text": texts[i]} for i in order["items"]]
    return view
