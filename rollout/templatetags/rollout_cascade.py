"""A person of the cascade by id (the tree holds ids, the page a dict)."""

from django import template

register = template.Library()


@register.simple_tag
def person_of(people: dict, person_id: int):
    return people.get(person_id)
