"""Matching: pair each prompt with its match; scores the share of pairs right."""

import uuid
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .. import gift
from ..grading import AnswerKey
from . import registry
from .base import (
    AnswerFormatError,
    Option,
    Prompt,
    QuestionForm,
    QuestionType,
    child_ids,
    is_blank,
    token_index,
    token_of,
)
from .blocks import check_unique

_MATCH_NAMESPACE = uuid.UUID("0b9c1f4e-5a77-4b7e-8d1e-6c2a9f0d3b21")


def match_id(pair_id: str) -> str:
    """An opaque id for the right-hand side of a pair: the learner must not be able
    to tell which prompt it belongs to from its id."""
    return str(uuid.uuid5(_MATCH_NAMESPACE, pair_id))


class MatchingPairBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(label=_("enunciado"), max_length=500)
    match = blocks.CharBlock(label=_("pareja"), max_length=500)


class MatchingBlock(blocks.StructBlock):
    pairs = blocks.ListBlock(MatchingPairBlock(), label=_("parejas"), min_num=2)

    class Meta:
        icon = "link"
        label = _("Relacionar columnas")

    def clean(self, value):
        value = super().clean(value)
        check_unique(
            [p["prompt"] for p in value["pairs"]], _("Los enunciados se repiten.")
        )
        check_unique([p["match"] for p in value["pairs"]], _("Las parejas se repiten."))
        return value


@registry.register
class Matching(QuestionType):
    """The answer is ``{prompt id: match id}``; the form posts
    ``{prompt token: match token or ""}``. Matches are always shuffled (in their
    stored order they would give the answer away), prompts when the assessment
    shuffles. GIFT: ``=prompt -> match``."""

    name = "matching"
    block = MatchingBlock
    answer_shape = "parts"

    def content_value(self, data, items):
        return {
            "pairs": items(
                "pairs",
                [{"prompt": p["prompt"], "match": p["match"]} for p in data["pairs"]],
            )
        }

    def payload(self, value):
        return {
            "pairs": [
                {
                    "id": pair_id,
                    "prompt": pair["prompt"],
                    "match": pair["match"],
                    "match_id": match_id(pair_id),
                }
                for pair_id, pair in child_ids(value["pairs"])
            ]
        }

    def answer_key(self, payload):
        return AnswerKey.matching([(p["id"], p["match_id"]) for p in payload["pairs"]])

    def display_order(self, payload, *, rng, shuffle):
        order = {
            "prompts": [p["id"] for p in payload["pairs"]],
            "matches": [p["match_id"] for p in payload["pairs"]],
        }
        if shuffle:
            rng.shuffle(order["prompts"])
        rng.shuffle(order["matches"])
        return order

    def learner_view(self, payload, order):
        prompts = {p["id"]: p["prompt"] for p in payload["pairs"]}
        matches = {p["match_id"]: p["match"] for p in payload["pairs"]}
        return {
            "prompts": [{"id": i, "text": prompts[i]} for i in order["prompts"]],
            "matches": [{"id": i, "text": matches[i]} for i in order["matches"]],
        }

    def form(self, *, position, payload, display, answer):
        view = self.learner_view(payload, display)
        match_token = token_of([m["id"] for m in view["matches"]])
        chosen = answer if isinstance(answer, dict) else {}
        prompts = tuple(
            Prompt(str(index), p["text"], match_token.get(chosen.get(p["id"]), ""))
            for index, p in enumerate(view["prompts"])
        )
        matches = tuple(
            Option(str(index), m["text"], False)
            for index, m in enumerate(view["matches"])
        )
        return QuestionForm(
            position,
            self.name,
            payload["stem"],
            prompts=prompts,
            matches=matches,
            answered=answer not in (None, "", [], {}),
        )

    def parts_count(self, display):
        return len(display["prompts"])

    def decode(self, *, display, raw):
        if not isinstance(raw, Mapping):
            raise AnswerFormatError(self.name)
        prompts, matches = display["prompts"], display["matches"]
        answer = {}
        for prompt_token, match_token in raw.items():
            prompt = prompts[token_index(prompt_token, len(prompts))]
            if is_blank(match_token):
                continue
            answer[prompt] = matches[token_index(match_token, len(matches))]
        return answer or None

    def encode(self, *, display, answer):
        return {
            str(p): str(display["matches"].index(answer[prompt]))
            for p, prompt in enumerate(display["prompts"])
            if prompt in answer
        }

    def answer_texts(self, payload, answer):
        prompts = {p["id"]: p["prompt"] for p in payload["pairs"]}
        matches = {p["match_id"]: p["match"] for p in payload["pairs"]}
        return tuple(
            f"{prompts.get(prompt, '?')} → {matches.get(match, '?')}"
            for prompt, match in answer.items()
        )

    def right_texts(self, payload):
        return tuple(f"{p['prompt']} → {p['match']}" for p in payload["pairs"])

    def to_gift(self, value, common):
        pairs = tuple(gift.GiftPair(p["prompt"], p["match"]) for p in value["pairs"])
        return gift.GiftQuestion(type=self.name, pairs=pairs, **common)

    def from_gift(self, question):
        pairs = [{"prompt": p.prompt, "match": p.match} for p in question.pairs]
        return {"pairs": pairs}, []

    def right_answer(self, key):
        return dict(key.pairs)

    def example_data(self, *, right=0):
        return {
            "type": self.name,
            "pairs": [
                {"prompt": "Dominante", "match": "Firmeza y datos"},
                {"prompt": "Indeciso", "match": "Pocas opciones"},
                {"prompt": "Impaciente", "match": "Rapidez"},
            ],
        }

    def example_answer(self, payload, *, right=True):
        pairs = payload["pairs"]
        shift = 0 if right else 1
        return {
            pair["id"]: pairs[(index + shift) % len(pairs)]["match_id"]
            for index, pair in enumerate(pairs)
        }
