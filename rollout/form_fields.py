"""Form fields the rollout's forms share: choices by id that never overflow,
people shown by name (imported staff have their CURP as username)."""

from __future__ import annotations

from django import forms

MAX_ID = 2**63


def _id_in_range(value) -> bool:
    try:
        number = int(str(value))
    except ValueError:
        return False
    return 0 < number < MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A choice by id that refuses ids no database column holds (a 30-digit
    number) with the usual "not a valid choice" instead of an overflow."""

    def to_python(self, value):
        if value not in self.empty_values and not _id_in_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class UnitChoiceField(IdChoiceField):
    def label_from_instance(self, unit):
        return f"{'· ' * (unit.depth - 1)}{unit.name}"


def person_label(person) -> str:
    return person.get_full_name() or person.get_username()


class PersonChoiceField(IdChoiceField):
    def label_from_instance(self, person):
        return person_label(person)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Several people, by name; ids out of range are "not a valid choice"."""

    def label_from_instance(self, person):
        return person_label(person)

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else [value]:
            if not _id_in_range(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
