"""Changes of state for the competence standard."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from .models import Criterion, Element, Standard


@transaction.atomic
def standard_load(*, data: Mapping[str, Any]) -> Standard:
    """Create the standard and whatever part of its map is missing.

    Existing rows are matched by code and left as they are: once loaded, the map
    belongs to the administrators who edit it in the admin, so a second load
    changes nothing and never undoes their edits.
    """
    standard, _ = Standard.objects.get_or_create(
        code=data["code"],
        defaults={
            "title": data["title"],
            "level": data.get("level", 1),
            "version": data.get("version", ""),
            "purpose": data.get("purpose", ""),
        },
    )
    order = 0
    for element_order, element_data in enumerate(data["elements"], start=1):
        element, _ = Element.objects.get_or_create(
            standard=standard,
            code=element_data["code"],
            defaults={"title": element_data["title"], "order": element_order},
        )
        for criterion_data in element_data["criteria"]:
            order += 1
            _criterion_get_or_create(standard, element, criterion_data, order)
    for criterion_data in data.get("attitudes", []):
        order += 1
        _criterion_get_or_create(
            standard, None, {**criterion_data, "kind": Criterion.Kind.ATTITUDE}, order
        )
    return standard


def _criterion_get_or_create(standard, element, data, order) -> Criterion:
    kind = data["kind"]
    level = data.get("level", "") if kind == Criterion.Kind.KNOWLEDGE else ""
    criterion, _ = Criterion.objects.get_or_create(
        standard=standard,
        code=data["code"],
        defaults={
            "element": element,
            "kind": kind,
            "text": data["text"],
            "knowledge_level": level,
            "order": order,
        },
    )
    return criterion
