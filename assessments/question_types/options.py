"""What the types with a list of options (single choice, multiple response,
situational judgement) share: the options' display order, the widget's form,
the tokens, the review texts and the option feedback."""

from __future__ import annotations

from .. import gift
from .base import (
    AnswerFormatError,
    Option,
    QuestionForm,
    QuestionType,
    child_ids,
    token_index,
)


class OptionsType(QuestionType):
    """Payload ``options``: ``[{"id", "text", "feedback", ...}]``; the learner
    picks one option (``answer_shape = "one"``) or several (``"list"``)."""

    def option_payload(self, option: dict) -> dict:
        """The type's own fields of one option in the payload."""
        raise NotImplementedError

    def payload(self, value) -> dict:
        return {
            "options": [
                {
                    "id": option_id,
                    "text": option["text"],
                    **self.option_payload(option),
                    "feedback": option["feedback"] or "",
                }
                for option_id, option in child_ids(value["options"])
            ]
        }

    def display_order(self, payload, *, rng, shuffle):
        order = {"options": [o["id"] for o in payload["options"]]}
        if shuffle:
            rng.shuffle(order["options"])
        return order

    def learner_view(self, payload, order):
        texts = {o["id"]: o["text"] for o in payload["options"]}
        return {"options": [{"id": i, "text": texts[i]} for i in order["options"]]}

    def _chosen(self, answer) -> set:
        if self.answer_shape == "list":
            return set(answer or ())
        return {answer}

    def form(self, *, position, payload, display, answer):
        view = self.learner_view(payload, display)
        ids = [o["id"] for o in view["options"]]
        chosen = self._chosen(answer)
        options = tuple(
            Option(str(index), o["text"], ids[index] in chosen)
            for index, o in enumerate(view["options"])
        )
        return QuestionForm(
            position,
            self.name,
            payload["stem"],
            options,
            answered=answer not in (None, "", [], {}),
        )

    def decode(self, *, display, raw):
        options = display["options"]
        if self.answer_shape != "list":
            return options[token_index(raw, len(options))]
        if not isinstance(raw, list):
            raise AnswerFormatError(self.name)
        indexes = [token_index(token, len(options)) for token in raw]
        if len(set(indexes)) != len(indexes):
            raise AnswerFormatError("duplicate option")
        return [options[i] for i in sorted(indexes)]

    def encode(self, *, display, answer):
        options = display["options"]
        if self.answer_shape != "list":
            return str(options.index(answer))
        return [str(options.index(i)) for i in answer]

    def answer_texts(self, payload, answer):
        texts = {o["id"]: o["text"] for o in payload["options"]}
        if self.answer_shape == "list":
            return tuple(texts.get(i, "?") for i in answer)
        return (texts.get(answer, "?"),)

    def option_feedback(self, payload, answer):
        if not answer:
            return ()
        chosen = set(answer) if isinstance(answer, list) else {answer}
        return tuple(
            o["feedback"]
            for o in payload["options"]
            if o["id"] in chosen and o.get("feedback")
        )

    def gift_option(self, option: dict, options: list[dict]) -> gift.GiftOption:
        raise NotImplementedError

    def to_gift(self, value, common):
        options = list(value["options"])
        return gift.GiftQuestion(
            type=self.name,
            options=tuple(self.gift_option(o, options) for o in options),
            **common,
        )


class RightOptionsType(OptionsType):
    """Options marked right or wrong (single choice, multiple response)."""

    def content_value(self, data, items):
        return {
            "options": items(
                "options",
                [
                    {
                        "text": o["text"],
                        "correct": bool(o.get("correct")),
                        "feedback": o.get("feedback", ""),
                    }
                    for o in data["options"]
                ],
            )
        }

    def option_payload(self, option):
        return {"correct": bool(option["correct"])}

    def right_texts(self, payload):
        return tuple(o["text"] for o in payload["options"] if o["correct"])

    def countable_options(self, payload):
        return [
            {"id": o["id"], "text": o["text"], "correct": o["correct"], "credit": None}
            for o in payload["options"]
        ]
