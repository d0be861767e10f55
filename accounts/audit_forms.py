"""The filters of the "Historial de cambios" list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .audit_selectors import TrailFilters, model_choices


class TrailFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Qué"), required=False)
    who = forms.CharField(
        label=_("Quién"),
        required=False,
        max_length=150,
        help_text=_("Parte del usuario o del nombre de quien hizo el cambio."),
    )
    since = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds of record this person may read are offered.
        self.fields["model"].choices = [("", _("Todo"))] + model_choices(user)

    def clean_who(self):
        return self.cleaned_data["who"].strip()

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("La fecha final es anterior a la inicial."))
        return cleaned

    def filters(self) -> TrailFilters:
        """The valid filters (a field with an error filters nothing)."""
        data = self.cleaned_data if self.is_valid() else {}
        return TrailFilters(
            model=data.get("model") or "",
            who=data.get("who") or "",
            since=data.get("since"),
            until=data.get("until"),
        )
