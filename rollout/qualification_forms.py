"""The sign-off form: the lista de impartición item by item (phone-friendly
radios, grouped by part in the template), the observed session or date and a
comment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.inputs import IdChoiceField
from evaluation.models import InstrumentItem

MET = (("1", _("Cumple")), ("0", _("No cumple")))


def item_field_name(item_id: str) -> str:
    return f"item_{item_id}"


class SignOffForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    session = IdChoiceField(label=_("Sesión observada"), queryset=None, required=False)
    observed_on = forms.DateField(
        label=_("Fecha de la observación"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Si no eliges una sesión del grupo del candidato."),
    )
    comment = forms.CharField(
        label=_("Comentario"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args, version, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument_version = version
        self.fields["version"].initial = version.pk
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.cohort.name} · {s.starts_at:%d/%m/%Y %H:%M}"
        )
        parts = dict(InstrumentItem.Part.choices)
        self.parts: list[tuple[str, list]] = []
        for item in version.items:
            name = item_field_name(item["id"])
            self.fields[name] = forms.ChoiceField(
                label=item["text"],
                choices=MET,
                # Bootstrap's toggle buttons: big targets on a phone.
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": _("Marca este reactivo.")},
            )
            label = parts.get(item.get("part", ""), item.get("part", ""))
            if not self.parts or self.parts[-1][0] != label:
                self.parts.append((label, []))
            self.parts[-1][1].append((self[name], item["critical"]))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") != self.instrument_version.pk:
            # A hidden field: said as a form error, so that it shows.
            raise forms.ValidationError(
                _(
                    "La lista de impartición cambió mientras llenabas el "
                    "formulario; revísala y vuelve a firmar."
                )
            )
        if not cleaned.get("session") and not cleaned.get("observed_on"):
            self.add_error("observed_on", _("Indica la sesión observada o la fecha."))
        return cleaned

    def marks(self) -> dict[str, bool]:
        return {
            item["id"]: self.cleaned_data[item_field_name(item["id"])] == "1"
            for item in self.instrument_version.items
        }
