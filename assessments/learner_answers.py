"""The learner's side of a question: what the form shows and what it posts back.

Pure (no Django import here; the question types' modules hold the per-type
rules). The learner never sees the ids stored in a question's payload: those ids
are derived from the question code (see question_services) and a match id from
its prompt id (see question_types.matching.match_id), so anyone who knows the
scheme could read the key from them. The form uses *tokens* instead: the position
of an option, prompt, match or item in the order this attempt shows them
(``Response.display``), which tells nothing the learner cannot already see.

Posted answers in tokens (JSON body or form fields), per the type's
``answer_shape``:

- ``"one"``: one value (an option token ``"0"``, ``"1"`` ..., ``"true"``, or the
  typed text of a short answer or a number) or blank;
- ``"list"``: a list of values (empty: blank);
- ``"parts"``: ``{part token: value or ""}`` (matching: prompt token -> match
  token; ordering: item token -> position 1..n, every item placed once or none).

``from_tokens`` turns them into the payload-id answer that
``attempt_services.attempt_save_answer`` validates and stores; ``question_form``
goes the other way to pre-fill the form with a saved answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from .payloads import text_format
from .question_types import registry
from .question_types.base import (
    AnswerFormatError,
    IncompleteOrdering,
    Item,
    Option,
    Prompt,
    QuestionForm,
    is_blank,
    token_index,
)

__all__ = [
    "AnswerFormatError",
    "IncompleteOrdering",
    "Item",
    "Option",
    "Prompt",
    "QuestionForm",
    "from_tokens",
    "question_form",
    "tokens_from_form",
]

_FIELD = re.compile(r"^q-(\d{1,4})(?:-(\d{1,3}))?$")


def _type(kind: str):
    try:
        return registry.get(kind)
    except KeyError:
        raise AnswerFormatError("type") from None


def question_form(
    *, position: int, payload: dict, display: dict, answer
) -> QuestionForm:
    """The form of one question in display order, pre-filled with ``answer`` (the
    stored answer, in payload ids). Carries no id and nothing of the key."""
    form = registry.get(payload["type"]).form(
        position=position, payload=payload, display=display, answer=answer
    )
    return dataclasses.replace(form, text_format=text_format(payload))


def from_tokens(*, kind: str, display: dict, raw):
    """Turn a posted answer in tokens into the payload-id answer (``None`` for a
    blank). Raises AnswerFormatError for a shape no form sends and
    IncompleteOrdering for a half-done ordering."""
    qtype = _type(kind)
    if is_blank(raw):
        return None
    return qtype.decode(display=display, raw=raw)


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
        qtype = _type(kind)
        values = data.getlist(name)
        if qtype.answer_shape == "parts":
            if part is None or len(values) != 1:
                raise AnswerFormatError(name)
            token_index(part, qtype.parts_count(display))
            found.setdefault(position, {})[part] = values[0]
            continue
        if part is not None:
            raise AnswerFormatError(name)
        if qtype.answer_shape == "list":
            found[position] = list(values)
        elif len(values) != 1:
            raise AnswerFormatError(name)
        else:
            found[position] = values[0]
    return found
