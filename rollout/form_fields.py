"""Form fields the rollout's forms share: choices by id that never overflow
(``accounts.inputs``), people shown by name (imported staff have their CURP as
username)."""

from __future__ import annotations

from accounts.inputs import IdChoiceField, IdMultipleChoiceField


class UnitChoiceField(IdChoiceField):
    def label_from_instance(self, unit):
        return f"{'· ' * (unit.depth - 1)}{unit.name}"


def person_label(person) -> str:
    return person.get_full_name() or person.get_username()


class PersonChoiceField(IdChoiceField):
    def label_from_instance(self, person):
        return person_label(person)


class PeopleChoiceField(IdMultipleChoiceField):
    """Several people, by name."""

    def label_from_instance(self, person):
        return person_label(person)
