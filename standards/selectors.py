"""Read queries for the competence standard."""

from django.db.models import Prefetch, QuerySet

from .models import Criterion, Element, Standard

# Training material writes the code with a letter O ("ECO305"); accept both.
_CODE_ALIASES = {"ECO305": "EC0305"}


def canonical_standard_code(code: str) -> str:
    code = code.strip().upper()
    return _CODE_ALIASES.get(code, code)


def standard_with_criteria(*, code: str) -> Standard | None:
    """The standard with its elements, their criteria and the attitudes: 3 queries."""
    elements = Element.objects.order_by("order", "code").prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "code"))
    )
    return (
        Standard.objects.filter(code=canonical_standard_code(code))
        .prefetch_related(Prefetch("elements", queryset=elements))
        .first()
    )


def attitudes(*, standard: Standard) -> QuerySet[Criterion]:
    return Criterion.objects.filter(
        standard=standard, kind=Criterion.Kind.ATTITUDE
    ).order_by("order", "code")
