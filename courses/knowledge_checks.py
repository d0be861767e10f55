"""Ungraded knowledge checks inside lessons: the answer is checked on the server so
the right option never has to be sent to the browser."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    chosen: int
    correct: bool
    feedback: str

    def as_json(self) -> dict:
        return {
            "chosen": self.chosen,
            "correct": self.correct,
            "feedback": self.feedback,
        }


def find(body, block_id: str):
    for block in body:
        if block.block_type == "knowledge_check" and block.id == block_id:
            return block
    return None


def check(block, raw_option: str | None) -> CheckResult | None:
    """Return the result for the chosen option index, or None when it is not valid."""
    try:
        index = int(raw_option)
    except (TypeError, ValueError):
        return None
    options = block.value["options"]
    if not 0 <= index < len(options):
        return None
    option = options[index]
    return CheckResult(
        chosen=index, correct=bool(option["correct"]), feedback=option["feedback"]
    )
