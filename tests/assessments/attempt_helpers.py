"""Helpers for tests of the learner's attempt pages: the right answer of a
response in the tokens the attempt form posts (see assessments/learner_answers),
read from the key, as a test may and a learner's browser never can."""

from assessments import payloads
from assessments.models import Attempt, Response


def right_tokens(response: Response):
    """The right answer of ``response`` as the page's form would post it."""
    payload, display = response.version.payload, response.display
    key = payloads.answer_key(payload)
    kind = payload["type"]
    if kind == "true_false":
        return next(iter(key.correct))
    if kind in ("single", "multiple"):
        tokens = [str(display["options"].index(i)) for i in sorted(key.correct)]
        return tokens if kind == "multiple" else tokens[0]
    if kind == "situational":
        best = next(o for o, credit in key.credits if credit == 1)
        return str(display["options"].index(best))
    if kind == "matching":
        match_of = dict(key.pairs)
        return {
            str(p): str(display["matches"].index(match_of[prompt]))
            for p, prompt in enumerate(display["prompts"])
        }
    # ordering: the place (1..n) of each shown item in the right order
    return {
        str(i): key.order.index(item) + 1 for i, item in enumerate(display["items"])
    }


def form_fields(position: int, kind: str, tokens) -> dict:
    """The form fields (name -> value or list of values) that post ``tokens``."""
    name = f"q-{position}"
    if kind in ("matching", "ordering"):
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
