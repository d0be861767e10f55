"""The learner's side of a question: what the form shows and what it posts back.

Pure (no Django import). The learner never sees the ids stored in a question's
payload: those ids are derived from the question code (see question_services) and
a match id from its prompt id (see payloads.match_id), so anyone who knows the
scheme could read the key from them. The form uses *tokens* instead: the position
of an option, prompt, match or item in the order this attempt shows them
(``Response.display``), which tells nothing the learner cannot already see.

Posted answers in tokens (JSON body or form fields), per type:

- single, situational: an option token (``"0"``, ``"1"`` ...) or blank;
- true_false: ``"true"`` or ``"false"`` or blank;
- multiple: a list of option tokens (empty: blank);
- matching: ``{prompt token: match token or ""}``;
- ordering: ``{item token: position 1..n or ""}``; either every item has a
  position, each once, or none has.

``from_tokens`` turns them into the payload-id answer that
``attempt_services.attempt_save_answer`` validates and stores; ``question_form``
goes the other way to pre-fill the form with a saved answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .payloads import learner_view

CHOICE_TYPES = frozenset({"single", "situational", "true_false"})
TRUE_FALSE = ("true", "false")
_FIELD = re.compile(r"^q-(\d{1,4})(?:-(\d{1,3}))?$")
_DIGITS = re.compile(r"^\d{1,3}$")


class AnswerFormatError(ValueError):
    """A post that no form of this attempt could have sent (unknown question,
    unknown token, wrong shape): refuse it whole."""


class IncompleteOrdering(ValueError):
    """An ordering where some items have no position or share one: an honest
    mistake in the form, worth a message rather than a 400."""


# ------------------------------------------------------------------ form objects


@dataclass(frozen=True)
class Option:
    token: str
    text: str
    checked: bool


@dataclass(frozen=True)
class Prompt:
    token: str
    text: str
    selected: str  # the match token chosen, or ""


@dataclass(frozen=True)
class Item:
    token: str
    text: str
    position: int | None


@dataclass(frozen=True)
class QuestionForm:
    position: int
    type: str
    stem: str
    options: tuple[Option, ...] = ()
    prompts: tuple[Prompt, ...] = ()
    matches: tuple[Option, ...] = ()
    items: tuple[Item, ...] = ()
    answered: bool = False

    @property
    def field(self) -> str:
        return f"q-{self.position}"

    @property
    def positions(self) -> range:
        return range(1, len(self.items) + 1)


def _token_of(ids: list[str]) -> dict[str, str]:
    return {value: str(index) for index, value in enumerate(ids)}


def question_form(
    *, position: int, payload: dict, display: dict, answer
) -> QuestionForm:
    """The form of one question in display order, pre-filled with ``answer`` (the
    stored answer, in payload ids). Carries no id and nothing of the key."""
    view = learner_view(payload, display)
    kind = view["type"]
    answered = answer not in (None, "", [], {})
    if kind == "true_false":
        options = tuple(Option(value, "", answer == value) for value in TRUE_FALSE)
        return QuestionForm(position, kind, view["stem"], options, answered=answered)
    if kind in ("single", "situational", "multiple"):
        ids = [o["id"] for o in view["options"]]
        chosen = set(answer or ()) if kind == "multiple" else {answer}
        options = tuple(
            Option(str(index), o["text"], ids[index] in chosen)
            for index, o in enumerate(view["options"])
        )
        return QuestionForm(position, kind, view["stem"], options, answered=answered)
    if kind == "matching":
        match_token = _token_of([m["id"] for m in view["matches"]])
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
            kind,
            view["stem"],
            prompts=prompts,
            matches=matches,
            answered=answered,
        )
    # ordering
    placed = {item_id: n for n, item_id in enumerate(answer or (), start=1)}
    items = tuple(
        Item(str(index), item["text"], placed.get(item["id"]))
        for index, item in enumerate(view["items"])
    )
    return QuestionForm(position, kind, view["stem"], items=items, answered=answered)


# ------------------------------------------------------------- tokens -> answer


def _index(token, size: int) -> int:
    if isinstance(token, bool):
        raise AnswerFormatError("token")
    if isinstance(token, int):
        index = token
    elif isinstance(token, str) and _DIGITS.match(token):
        index = int(token)
    else:
        raise AnswerFormatError("token")
    if not 0 <= index < size:
        raise AnswerFormatError("token out of range")
    return index


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def from_tokens(*, kind: str, display: dict, raw):
    """Turn a posted answer in tokens into the payload-id answer (``None`` for a
    blank). Raises AnswerFormatError for a shape no form sends and
    IncompleteOrdering for a half-done ordering."""
    if _blank(raw):
        return None
    if kind == "true_false":
        if raw not in TRUE_FALSE:
            raise AnswerFormatError("true_false")
        return raw
    if kind in ("single", "situational"):
        options = display["options"]
        return options[_index(raw, len(options))]
    if kind == "multiple":
        if not isinstance(raw, list):
            raise AnswerFormatError("multiple")
        options = display["options"]
        indexes = [_index(token, len(options)) for token in raw]
        if len(set(indexes)) != len(indexes):
            raise AnswerFormatError("duplicate option")
        return [options[i] for i in sorted(indexes)]
    if kind == "matching":
        if not isinstance(raw, Mapping):
            raise AnswerFormatError("matching")
        prompts, matches = display["prompts"], display["matches"]
        answer = {}
        for prompt_token, match_token in raw.items():
            prompt = prompts[_index(prompt_token, len(prompts))]
            if _blank(match_token):
                continue
            answer[prompt] = matches[_index(match_token, len(matches))]
        return answer or None
    if kind == "ordering":
        if not isinstance(raw, Mapping):
            raise AnswerFormatError("ordering")
        items = display["items"]
        placed: dict[int, int] = {}
        for item_token, position in raw.items():
            index = _index(item_token, len(items))
            if _blank(position):
                continue
            placed[index] = _index(position, len(items) + 1)
            if placed[index] == 0:
                raise AnswerFormatError("position 0")
        if not placed:
            return None
        if len(placed) != len(items) or len(set(placed.values())) != len(items):
            raise IncompleteOrdering("ordering")
        return [items[i] for i, _ in sorted(placed.items(), key=lambda kv: kv[1])]
    raise AnswerFormatError("type")


# ------------------------------------------------------------------- form posts


def tokens_from_form(*, questions: Mapping[int, tuple[str, dict]], data) -> dict:
    """Read the ``q-...`` fields of a plain form post (a QueryDict-like ``data``
    with ``getlist``) into ``{position: raw tokens}`` for the questions that
    carry a field. ``questions`` maps position -> (type, display). A field no
    form of this attempt has raises AnswerFormatError."""
    found: dict[int, object] = {}
    for name in data:
        if not name.startswith("q-"):
            continue
        match = _FIELD.match(name)
        if match is None:
            raise AnswerFormatError(name)
        position, part = int(match[1]), match[2]
        if position not in questions:
            raise AnswerFormatError(name)
        kind, display = questions[position]
        values = data.getlist(name)
        if kind in ("matching", "ordering"):
            size = len(display["prompts" if kind == "matching" else "items"])
            if part is None or len(values) != 1:
                raise AnswerFormatError(name)
            _index(part, size)
            found.setdefault(position, {})[part] = values[0]
            continue
        if part is not None:
            raise AnswerFormatError(name)
        if kind == "multiple":
            found[position] = list(values)
        elif len(values) != 1:
            raise AnswerFormatError(name)
        else:
            found[position] = values[0]
    return found
