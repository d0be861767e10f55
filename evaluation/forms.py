"""Forms of the evaluation screens (crispy, Bootstrap 5)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.inputs import IdChoiceField, IdMultipleChoiceField
from standards.models import Element

from . import selectors
from .models import EvaluationPlan, Instrument, Scenario

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class PersonChoiceField(IdChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.Form):
    """A new plan (``plan`` None) or the changes to one. The candidate and the
    elements are chosen once, when the plan is made."""

    candidate = PersonChoiceField(
        label=_("Candidato"), queryset=selectors.candidate_choices()
    )
    evaluator = PersonChoiceField(
        label=_("Evaluador"), queryset=selectors.candidate_choices()
    )
    scheduled_at = forms.DateTimeField(
        label=_("Fecha y hora"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format=DATETIME_FORMAT
        ),
    )
    online = forms.BooleanField(label=_("En línea"), required=False)
    place = forms.CharField(
        label=_("Lugar"),
        required=False,
        max_length=255,
        help_text=_("Dónde: la sucursal, el módulo o la sala. Vacío si es en línea."),
    )
    setting = forms.ChoiceField(
        label=_("Contexto"),
        choices=EvaluationPlan.Setting.choices,
        widget=forms.RadioSelect,
        initial=EvaluationPlan.Setting.WORKPLACE,
    )
    scenario = IdChoiceField(
        label=_("Escenario"),
        required=False,
        queryset=Scenario.objects.none(),
        empty_label=_("Ninguno"),
        help_text=_("Obligatorio en una simulación."),
    )
    instruments = IdMultipleChoiceField(
        label=_("Instrumentos"),
        queryset=Instrument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    elements = IdMultipleChoiceField(
        label=_("Elementos a evaluar"),
        required=False,
        queryset=Element.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Déjalos sin marcar para evaluar todos. Marca solo los no acreditados "
            "para una reevaluación."
        ),
    )

    def __init__(self, *args, standard, user, plan=None, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.standard, self.plan = standard, plan
        fields = self.fields
        candidate_pk = plan.candidate_id if plan else self.initial.get("candidate")
        fields["candidate"].queryset = selectors.candidate_choices(
            search=search, include=getattr(candidate_pk, "pk", candidate_pk)
        )
        fields["evaluator"].queryset = selectors.evaluator_choices(
            standard=standard, include=plan.evaluator_id if plan else None
        )
        fields["scenario"].queryset = Scenario.objects.filter(
            standard=standard
        ).order_by("code")
        fields["instruments"].queryset = (
            Instrument.objects.filter(standard=standard, active=True)
            .exclude(kind=Instrument.Kind.DELIVERY)
            .order_by("kind", "code")
        )
        fields["elements"].queryset = Element.objects.filter(
            standard=standard
        ).order_by("order", "code")
        fields["scenario"].label_from_instance = lambda s: f"{s.code} · {s.title}"
        fields["instruments"].label_from_instance = lambda i: (
            f"{i.code} · {i.title} ({i.get_kind_display()})"
        )
        fields["elements"].label_from_instance = lambda e: f"{e.code} · {e.title}"
        if plan is None:
            fields["instruments"].initial = [
                i.pk
                for i in fields["instruments"].queryset
                if i.kind in selectors.OBSERVED_KINDS
            ]
            if fields["evaluator"].queryset.filter(pk=user.pk).exists():
                fields["evaluator"].initial = user.pk
        else:
            del fields["candidate"]
            del fields["elements"]
            self.initial.update(
                {
                    "evaluator": plan.evaluator_id,
                    "scheduled_at": timezone.localtime(plan.scheduled_at),
                    "online": plan.online,
                    "place": plan.place,
                    "setting": plan.setting,
                    "scenario": plan.scenario_id,
                    "instruments": [i.pk for i in plan.instruments.all()],
                }
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(["candidate"] if plan is None else []),
            "evaluator",
            Row(
                Column("scheduled_at", css_class="col-md-4"),
                Column("place", css_class="col-md-6"),
                Column(Field("online"), css_class="col-md-2 pt-md-4"),
            ),
            Row(
                Column("setting", css_class="col-md-4"),
                Column("scenario", css_class="col-md-8"),
            ),
            "instruments",
            *(["elements"] if plan is None else []),
            Submit(
                "",
                _("Guardar el plan") if plan is None else _("Guardar los cambios"),
                css_class="btn-primary",
            ),
        )

    def clean(self):
        data = super().clean()
        if data.get("setting") == EvaluationPlan.Setting.SIMULATION and not data.get(
            "scenario"
        ):
            self.add_error("scenario", _("Una simulación necesita un escenario."))
        if not data.get("online") and not (data.get("place") or "").strip():
            self.add_error("place", _("Di dónde será, o marca «En línea»."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "evaluator": data["evaluator"],
            "scheduled_at": data["scheduled_at"],
            "place": (data.get("place") or "").strip(),
            "online": bool(data.get("online")),
            "setting": data["setting"],
            "scenario": data.get("scenario"),
            "instruments": list(data["instruments"]),
        }
        if self.plan is None:
            kwargs["candidate"] = data["candidate"]
            kwargs["elements"] = list(data.get("elements") or [])
            kwargs["standard"] = self.standard
        return kwargs


class JudgementForm(forms.Form):
    feedback = forms.CharField(
        label=_("Retroalimentación"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Qué hizo bien, qué le falta y cómo practicarlo. El candidato la lee y "
            "acusa recibo."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "feedback", Submit("", _("Emitir juicio"), css_class="btn-primary")
        )

    def clean_feedback(self):
        feedback = self.cleaned_data["feedback"].strip()
        if not feedback:
            raise forms.ValidationError(_("Escribe la retroalimentación."))
        return feedback


class PlanFilterForm(forms.Form):
    """The evaluations list's filters, read from the query string."""

    status = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[("", _("Todos"))] + list(EvaluationPlan.Status.choices),
    )
    evaluator = PersonChoiceField(
        label=_("Evaluador"),
        required=False,
        queryset=selectors.plan_evaluators(),
        empty_label=_("Todos"),
    )
    date_from = forms.DateField(label=_("Desde"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Hasta"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = selectors.plan_evaluators()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.attrs = {"role": "search", "aria-label": _("Filtrar evaluaciones")}
        self.helper.layout = Layout(
            Row(
                Column("status", css_class="col-md-3"),
                Column("evaluator", css_class="col-md-3"),
                Column("date_from", css_class="col-md-3"),
                Column("date_to", css_class="col-md-3"),
            ),
            Submit("", _("Filtrar"), css_class="btn-primary"),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("La fecha final no puede ser anterior a la inicial.")
            )
        return data

    def to_filters(self) -> selectors.PlanFilters:
        if not self.is_bound or not self.is_valid():
            return selectors.PlanFilters()
        data = self.cleaned_data
        return selectors.PlanFilters(
            status=data.get("status") or "",
            evaluator=data["evaluator"].pk if data.get("evaluator") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
