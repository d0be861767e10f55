"""Ordering: put the items in sequence; scores the share of items in place."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..grading import AnswerKey
from . import registry
from .base import (
    AnswerFormatError,
    IncompleteOrdering,
    Item,
    QuestionForm,
    QuestionType,
    child_ids,
    is_blank,
    token_index,
)
from .blocks import check_unique, fail

# With two items a blind guess is right half the time; three make it one in six.
MIN_ITEMS = 3


class OrderingBlock(blocks.StructBlock):
    items = blocks.ListBlock(
        blocks.CharBlock(max_length=500),
        label=_("elementos en el orden correcto"),
        min_num=MIN_ITEMS,
    )

    class Meta:
        icon = "list-ol"
        label = _("Ordenar")

    def clean(self, value):
        # Checked first, in the editor's words (the list's own message is
        # generic).
        if len(value["items"]) < MIN_ITEMS:
            fail(
                _("Un ordenamiento necesita al menos %(count)s elementos.")
                % {"count": MIN_ITEMS}
            )
        value = super().clean(value)
        check_unique(list(value["items"]), _("Los elementos se repiten."))
        return value


@registry.register
class Ordering(QuestionType):
    """The answer is the list of item ids in the learner's order; the form posts
    ``{item token: position 1..n or ""}``, every item placed once or none. The
    items are shown in a uniformly random order, whatever the assessment's
    option shuffling: every order equally likely, the right one included (always
    avoiding it would give the answer away: a two-item question would always
    be shown reversed). At least three items (``MIN_ITEMS``). GIFT cannot
    express it: export skips it and import refuses it."""

    name = "ordering"
    block = OrderingBlock
    answer_shape = "parts"
    distinct_parts = True

    def content_value(self, data, items):
        return {"items": items("items", list(data["items"]))}

    def payload(self, value):
        return {
            "items": [
                {"id": item_id, "text": text}
                for item_id, text in child_ids(value["items"])
            ]
        }

    def answer_key(self, payload):
        return AnswerKey.ordering([item["id"] for item in payload["items"]])

    def display_order(self, payload, *, rng, shuffle):
        items = [item["id"] for item in payload["items"]]
        rng.shuffle(items)  # Fisher-Yates: each permutation equally likely
        return {"items": items}

    def learner_view(self, payload, order):
        texts = {item["id"]: item["text"] for item in payload["items"]}
        return {"items": [{"id": i, "text": texts[i]} for i in order["items"]]}

    def form(self, *, position, payload, display, answer):
        view = self.learner_view(payload, display)
        placed = {item_id: n for n, item_id in enumerate(answer or (), start=1)}
        items = tuple(
            Item(str(index), item["text"], placed.get(item["id"]))
            for index, item in enumerate(view["items"])
        )
        return QuestionForm(
            position,
            self.name,
            payload["stem"],
            items=items,
            answered=answer not in (None, "", [], {}),
        )

    def parts_count(self, display):
        return len(display["items"])

    def decode(self, *, display, raw):
        if not isinstance(raw, Mapping):
            raise AnswerFormatError(self.name)
        items = display["items"]
        placed: dict[int, int] = {}
        for item_token, position in raw.items():
            index = token_index(item_token, len(items))
            if is_blank(position):
                continue
            placed[index] = token_index(position, len(items) + 1)
            if placed[index] == 0:
                raise AnswerFormatError("position 0")
        if not placed:
            return None
        if len(placed) != len(items) or len(set(placed.values())) != len(items):
            raise IncompleteOrdering(self.name)
        return [items[i] for i, _ in sorted(placed.items(), key=lambda kv: kv[1])]

    def encode(self, *, display, answer):
        return {
            str(i): answer.index(item) + 1 for i, item in enumerate(display["items"])
        }

    def answer_texts(self, payload, answer):
        texts = {item["id"]: item["text"] for item in payload["items"]}
        return tuple(texts.get(i, "?") for i in answer)

    def right_texts(self, payload):
        return tuple(item["text"] for item in payload["items"])

    def right_answer(self, key):
        return list(key.order)

    def example_data(self, *, right=0):
        return {
            "type": self.name,
            "items": ["Saludar", "Escuchar", "Resolver", "Despedir"],
        }

    def example_answer(self, payload, *, right=True):
        items = [item["id"] for item in payload["items"]]
        return items if right else items[1:] + items[:1]
