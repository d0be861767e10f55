"""The base class of a question type, and the form objects its widget renders.

A question's data passes through a type's hands in this order:

1. the editor: ``block`` (a StructBlock class) edits and validates the content;
   ``content_value`` turns a question-bank entry into that block's raw value;
2. freezing a version: ``payload`` turns the block's value into plain JSON (the
   common ``type``, ``stem`` and ``feedback`` are added by the caller);
3. grading: ``answer_key`` builds the pure key (``grading.AnswerKey`` or any
   object following ``grading.Key``) from the payload;
4. an attempt: ``display_order`` freezes the order the learner sees the parts
   in; ``form`` builds the widget's ``QuestionForm`` (in *tokens*: displayed
   positions, never payload ids); ``decode`` reads the posted tokens back into an
   answer in payload ids;
5. the review and statistics: ``answer_texts``, ``right_texts``,
   ``option_feedback``, ``countable_options``;
6. GIFT: ``to_gift`` / ``from_gift`` (``to_gift`` returns None for a type GIFT
   cannot express);
7. demo and tests: ``right_answer`` (from a key), ``example_data`` and
   ``example_answer``.

The widget's template is the Jinja2 template
``assessments/jinja2/assessments/question_types/<name>.html`` (or
``template``; why Jinja2: ``assessments.jinja2_env``). It renders inside
``includes/question.html``, which gives the section the data attributes
``attempt.js`` reads generically:

- ``answer_shape`` ``"one"``: one field ``q-<position>`` with one value (radio,
  text, select); ``"list"``: one field with many values (checkboxes);
  ``"parts"``: fields ``q-<position>-<token>``, each with ``data-token``, posted
  as ``{token: value}`` (``parts_count`` says how many tokens there are);
- ``distinct_parts``: each part holds a different value (choosing a value
  another part holds swaps the two), and a half-filled answer is not saved.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from wagtail import blocks

from .. import grading

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
    """One question as its widget shows it, pre-filled with the saved answer.

    Carries no payload id and nothing of the key. Built-in widgets use
    ``options``, ``prompts``, ``matches`` and ``items``; a type may put anything
    else its template needs in ``extra``.
    """

    position: int
    type: str
    stem: str
    options: tuple[Option, ...] = ()
    prompts: tuple[Prompt, ...] = ()
    matches: tuple[Option, ...] = ()
    items: tuple[Item, ...] = ()
    answered: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    #: The format of ``stem`` ("plain" or "html"): ``question_form`` sets it.
    text_format: str = "plain"

    @property
    def field(self) -> str:
        return f"q-{self.position}"

    @property
    def positions(self) -> range:
        return range(1, len(self.items) + 1)

    @property
    def question_type(self) -> QuestionType:
        from . import registry

        return registry.get(self.type)

    @property
    def template(self):
        return self.question_type.template

    @property
    def answer_shape(self) -> str:
        return self.question_type.answer_shape

    @property
    def distinct_parts(self) -> bool:
        return self.question_type.distinct_parts


# ---------------------------------------------------------------------- helpers


def is_blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def token_index(token, size: int) -> int:
    """The index a posted token stands for, in ``range(size)``."""
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


def token_of(ids: list[str]) -> dict[str, str]:
    """id -> token (its displayed position) for ids in display order."""
    return {value: str(index) for index, value in enumerate(ids)}


def child_ids(list_value) -> list[tuple[str, Any]]:
    """(id, value) of the children of a ListBlock value."""
    return [(child.id, child.value) for child in list_value.bound_blocks]


# -------------------------------------------------------------------- the class


class QuestionType:
    """A question type. Subclass it, set ``name`` and ``block``, implement the
    methods that raise NotImplementedError, and ``registry.register`` it."""

    #: The block type in the content StreamField and the payload's ``type``.
    name: ClassVar[str] = ""
    #: The StructBlock class that edits this type's content.
    block: ClassVar[type[blocks.Block]]
    #: How the widget posts its answer: "one", "list" or "parts" (module doc).
    answer_shape: ClassVar[str] = "one"
    #: Whether each part of a "parts" answer must hold a different value.
    distinct_parts: ClassVar[bool] = False
    #: The widget's template (a name, or an object with ``render``); defaults
    #: to ``assessments/question_types/<name>.html``.
    template: Any = None
    #: The knowledge level a question of this type asks at when its editor set
    #: none ("comprehension" or "application"): recalling or recognising is
    #: comprehension; judging a situation is application.
    default_level: ClassVar[str] = "comprehension"

    def __init__(self) -> None:
        if self.template is None:
            self.template = f"assessments/question_types/{self.name}.html"

    def __repr__(self) -> str:
        return f"<question type {self.name}>"

    # -- the editor and the question bank

    @functools.cached_property
    def stream_child(self) -> blocks.Block:
        """The block instance the content StreamField offers for this type."""
        block = self.block()
        block.set_name(self.name)
        return block

    @property
    def label(self) -> str:
        return str(self.stream_child.label)

    def content_value(self, data: dict, items) -> dict:
        """The block's raw value for a question-bank entry ``data``
        (assessments/content/README.md). ``items(key, values)`` makes the raw
        children of a ListBlock with ids stable across reloads."""
        raise NotImplementedError

    # -- the frozen payload and what derives from it

    def payload(self, value) -> dict:
        """The type's part of a version's payload, from the block's value."""
        raise NotImplementedError

    def answer_key(self, payload: dict) -> grading.Key:
        raise NotImplementedError

    def display_order(
        self, payload: dict, *, rng: random.Random, shuffle: bool
    ) -> dict[str, list[str]]:
        """The order the learner sees the parts in, frozen per attempt
        (``shuffle``: the assessment shuffles options)."""
        return {}

    def learner_view(self, payload: dict, order: dict) -> dict:
        """Everything the learner needs to answer (in ids), nothing of the key."""
        return {}

    # -- the learner's widget

    def form(
        self, *, position: int, payload: dict, display: dict, answer
    ) -> QuestionForm:
        """The widget's form pre-filled with ``answer`` (payload ids)."""
        raise NotImplementedError

    def decode(self, *, display: dict, raw):
        """The answer in payload ids for a non-blank posted answer in tokens
        (``None`` if it amounts to a blank). Raises AnswerFormatError for a
        shape no form sends."""
        raise NotImplementedError

    def encode(self, *, display: dict, answer):
        """The tokens a form posts for ``answer`` (payload ids); the inverse of
        ``decode``."""
        raise NotImplementedError

    def parts_count(self, display: dict) -> int:
        """For ``answer_shape == "parts"``: how many part tokens the form has."""
        return 0

    # -- the review and the statistics

    def answer_texts(self, payload: dict, answer) -> tuple[str, ...]:
        """A non-blank answer as text, in the terms the learner was shown."""
        raise NotImplementedError

    def right_texts(self, payload: dict) -> tuple[str, ...]:
        raise NotImplementedError

    def option_feedback(self, payload: dict, answer) -> tuple[str, ...]:
        """The feedback of the options the learner chose."""
        return ()

    def countable_options(self, payload: dict) -> list[dict]:
        """Options whose picks item statistics count: dicts of id, text,
        correct (None: no right or wrong) and credit (None or a percentage)."""
        return []

    # -- GIFT

    @property
    def gift_exportable(self) -> bool:
        return type(self).to_gift is not QuestionType.to_gift

    def to_gift(self, value, common: dict):
        """The question as a ``gift.GiftQuestion`` (``common``: its stem, title,
        feedback and meta), or None when GIFT cannot express this type."""
        return None

    def from_gift(self, question) -> tuple[dict, list[str]]:
        """A parsed ``gift.GiftQuestion`` of this type as the type-specific part
        of a bank entry, and the problems found (messages)."""
        raise NotImplementedError

    # -- demo and tests

    def right_answer(self, key: grading.Key):
        """The raw answer (payload ids) that earns full marks under ``key``."""
        raise NotImplementedError

    def example_data(self, *, right: int = 0) -> dict:
        """A valid bank entry of this type, without code and criterion
        (``right``: which option is the right one, where that means something)."""
        raise NotImplementedError

    def example_answer(self, payload: dict, *, right: bool = True):
        """A raw answer (payload ids) that scores 1 (``right``) or 0."""
        raise NotImplementedError
