"""Read queries for judgements."""

from .models import ElementVerdict, Judgement


def verdicts(*, judgement: Judgement) -> list[ElementVerdict]:
    """The judgement's verdicts in the standard's order, with their elements and
    standard: 1 query."""
    return list(
        judgement.verdicts.select_related("element__standard").order_by(
            "element__order", "element__code"
        )
    )
