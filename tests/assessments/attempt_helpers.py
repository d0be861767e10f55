"""Helpers for tests of the learner's attempt pages: the right answer of a
response in the tokens the attempt form posts (see assessments/learner_answers),
read from the key, as a test may and a learner's browser never can."""

from assessments import payloads
from assessments.models import Attempt, Response
from assessments.question_types import registry


def right_tokens(response: Response):
    """The right answer of ``response`` as the page's form would post it."""
    payload, display = response.version.payload, response.display
    qtype = registry.get(payload["type"])
    answer = qtype.right_answer(payloads.answer_key(payload))
    return qtype.encode(display=display, answer=answer)


def form_fields(position: int, kind: str, tokens) -> dict:
    """The form fields (name -> value or list of values) that post ``tokens``."""
    name = f"q-{position}"
    if registry.get(kind).answer_shape == "parts":
        return {f"{name}-{token}": str(value) for token, value in tokens.items()}
    return {name: tokens}


def right_form(attempt: Attempt) -> dict:
    """A whole form post answering every question of the attempt right."""
    data: dict = {}
    for response in attempt.responses.select_related("version"):
        data.update(
            form_fields(
                response.position,
                response.version.payload["type"],
                right_tokens(response),
            )
        )
    return data
