"""Competence evaluation as EC0305 does it: instruments (guía de observación,
lista de cotejo, cuestionario) with items tied to criteria, evaluation scenarios,
evaluators, a plan per candidate, observation records signed by evaluator and
candidate with their evidence files, and the judgement: a verdict per element and
the evidence it rests on. Certificates are issued from a competent judgement,
never straight from an attempt.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from accounts.audit import AuditedRecords, Undeletable
from accounts.private_files import private_storage
from assessments.fields import FractionField

# --- instruments --------------------------------------------------------------


class Instrument(index.Indexed, ClusterableModel):
    """A guía de observación (what the candidate does), a lista de cotejo (what
    they produce), a cuestionario (what they know: an assessment page) or a
    lista de impartición (how a future multiplicador delivers a session: its
    items are grouped in parts, not tied to criteria, and it is used by the
    trainer sign-off in rollout, never in an evaluation plan). Items are frozen
    into an InstrumentVersion when an observation starts."""

    class Kind(models.TextChoices):
        OBSERVATION = "observation", _("guía de observación")
        CHECKLIST = "checklist", _("lista de cotejo")
        QUESTIONNAIRE = "questionnaire", _("cuestionario")
        DELIVERY = "delivery", _("lista de impartición")

    code = models.CharField(_("código"), max_length=40, unique=True)
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        related_name="instruments",
        verbose_name=_("estándar"),
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("título"), max_length=255)
    instructions = models.TextField(_("instrucciones"), blank=True)
    assessment = models.ForeignKey(
        "assessments.AssessmentPage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluación (cuestionario)"),
        help_text=_("Solo para el cuestionario: la evaluación final que lo aplica."),
    )
    pass_percent = models.PositiveSmallIntegerField(
        _("porcentaje requerido por elemento"),
        default=100,
        help_text=_(
            "De los reactivos aplicables de cada elemento, qué porcentaje debe "
            "cumplirse. Los reactivos críticos se exigen siempre."
        ),
    )
    keep_passed_months = models.PositiveSmallIntegerField(
        _("vigencia de elementos aprobados (meses)"),
        default=6,
        help_text=_(
            "Al reevaluar solo los elementos no aprobados, los aprobados se "
            "conservan durante este tiempo."
        ),
    )
    active = models.BooleanField(_("activo"), default=True)
    # Set by the content loader: a hash of the data it wrote, so a later load can
    # tell that a person edited the instrument since, and leave it alone.
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Edits of the instrument and (InstrumentItem.history) of its items. Like
    # question versions, InstrumentVersion rows are frozen copies made when an
    # observation starts, never edited: their created_at and the observation
    # that froze them are their record.
    history = AuditedRecords(excluded_fields=["loaded_fingerprint"])

    panels = [
        FieldPanel("code"),
        FieldPanel("standard"),
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("instructions"),
        FieldPanel("assessment"),
        MultiFieldPanel(
            [FieldPanel("pass_percent"), FieldPanel("keep_passed_months")],
            heading=_("Regla de aprobación"),
        ),
        FieldPanel("active"),
        InlinePanel("items", label=_("Reactivos")),
    ]
    search_fields = [index.SearchField("code"), index.SearchField("title")]

    class Meta:
        ordering = ["standard", "kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_percent__gte=1) & Q(pass_percent__lte=100),
                name="instrument_pass_percent_1_to_100",
            )
        ]
        verbose_name = _("instrumento de evaluación")
        verbose_name_plural = _("instrumentos de evaluación")

    def __str__(self):
        return f"{self.code} {self.title}"


class InstrumentItem(Orderable):
    """A reactivo: observable wording tied to one criterion (an item of a lista
    de impartición belongs to a part instead)."""

    class Part(models.TextChoices):
        PREPARE = "preparar", _("preparar")
        DELIVER = "conducir", _("conducir")
        EVALUATE = "evaluar", _("evaluar")

    instrument = ParentalKey(Instrument, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(
        "standards.Criterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instrument_items",
        verbose_name=_("criterio"),
        help_text=_("Obligatorio salvo en la lista de impartición."),
    )
    part = models.CharField(
        _("parte"),
        max_length=20,
        choices=Part.choices,
        blank=True,
        help_text=_("Solo en la lista de impartición: preparar, conducir o evaluar."),
    )
    text = models.TextField(_("reactivo"))
    critical = models.BooleanField(
        _("crítico"), default=False, help_text=_("Sin cumplirlo no hay competencia.")
    )
    # The admin's inline editor saves every item of the instrument on each save:
    # only the items that changed get a history row.
    history = AuditedRecords(skip_unchanged=True)

    panels = [
        FieldPanel("criterion"),
        FieldPanel("part"),
        FieldPanel("text"),
        FieldPanel("critical"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("reactivo")
        verbose_name_plural = _("reactivos")

    def __str__(self):
        return self.text[:80]


class InstrumentVersion(models.Model):
    """An instrument as it was used: frozen items, so a later edit never changes
    a signed record."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="instrument_version_number"
            ),
            models.UniqueConstraint(
                fields=["instrument", "content_hash"],
                name="instrument_version_content",
            ),
        ]
        verbose_name = _("versión de instrumento")
        verbose_name_plural = _("versiones de instrumento")

    def __str__(self):
        return f"{self.instrument.code} v{self.number}"

    @property
    def kind(self) -> str:
        return self.payload["kind"]

    @property
    def items(self) -> list[dict]:
        return self.payload["items"]


class Scenario(index.Indexed, ClusterableModel):
    """A simulation for evaluating outside the real workplace: the situation and
    the script for whoever acts the customer."""

    code = models.CharField(_("código"), max_length=40, unique=True)
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        related_name="scenarios",
        verbose_name=_("estándar"),
    )
    title = models.CharField(_("título"), max_length=255)
    customer_type = models.CharField(_("tipo de cliente"), max_length=40, blank=True)
    situation = models.TextField(_("situación"))
    script = models.TextField(_("guion de quien actúa como cliente"))
    criteria = ParentalManyToManyField(
        "standards.Criterion",
        blank=True,
        related_name="scenarios",
        verbose_name=_("criterios que ejercita"),
    )
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    panels = [
        FieldPanel("code"),
        FieldPanel("standard"),
        FieldPanel("title"),
        FieldPanel("customer_type"),
        FieldPanel("situation"),
        FieldPanel("script"),
        FieldPanel("criteria"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("situation")]

    class Meta:
        ordering = ["standard", "code"]
        verbose_name = _("escenario de evaluación")
        verbose_name_plural = _("escenarios de evaluación")

    def __str__(self):
        return self.title


# --- evaluators and plans ------------------------------------------------------


class LeadEvaluator(models.Model):
    """The first wave: an administrator designates who may evaluate a standard
    without holding its certificate yet."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.CASCADE, related_name="+"
    )
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("designado por"),
    )
    designated_at = models.DateTimeField(_("designado"), auto_now_add=True)
    note = models.TextField(_("motivo"), blank=True)
    # A role assignment (who may evaluate without a certificate).
    history = AuditedRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "standard"], name="one_lead_designation_per_standard"
            )
        ]
        verbose_name = _("evaluador líder")
        verbose_name_plural = _("evaluadores líderes")

    def __str__(self):
        return f"{self.user} · {self.standard.code}"


class EvaluationPlan(models.Model):
    class Setting(models.TextChoices):
        WORKPLACE = "workplace", _("lugar de trabajo real")
        SIMULATION = "simulation", _("simulación")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planeada")
        IN_PROGRESS = "in_progress", _("en curso")
        JUDGED = "judged", _("con juicio")
        CANCELLED = "cancelled", _("cancelada")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluation_plans",
        verbose_name=_("candidato"),
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluations_to_do",
        verbose_name=_("evaluador"),
    )
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField(_("fecha y hora"))
    place = models.CharField(_("lugar"), max_length=255, blank=True)
    online = models.BooleanField(_("en línea"), default=False)
    setting = models.CharField(
        _("contexto"), max_length=20, choices=Setting.choices, default=Setting.WORKPLACE
    )
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("escenario"),
    )
    instruments = models.ManyToManyField(
        Instrument, related_name="plans", verbose_name=_("instrumentos")
    )
    # Empty: every element of the standard. A re-evaluation names the failed ones.
    elements = models.ManyToManyField(
        "standards.Element",
        blank=True,
        related_name="+",
        verbose_name=_("elementos a evaluar"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("aceptado por el candidato"), null=True)

    class Meta:
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(candidate=models.F("evaluator")),
                name="nobody_evaluates_themself",
            )
        ]
        verbose_name = _("plan de evaluación")
        verbose_name_plural = _("planes de evaluación")

    def __str__(self):
        return f"{self.candidate} · {self.standard.code} · {self.scheduled_at:%Y-%m-%d}"


class PlanChange(models.Model):
    """Who changed a plan, when, and what (field: [before, after])."""

    plan = models.ForeignKey(
        EvaluationPlan, on_delete=models.CASCADE, related_name="changes"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["plan", "at", "pk"]

    def __str__(self):
        return f"{self.plan_id} · {self.at:%Y-%m-%d %H:%M}"


# --- observation records ---------------------------------------------------------


class Observation(Undeletable):
    """One filled-in instrument (guía or lista de cotejo) of a plan. Frozen once
    both evaluator and candidate signed; a correction is a new record that
    replaces it."""

    class Status(models.TextChoices):
        OPEN = "open", _("en captura")
        SIGNED = "signed", _("firmado")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        EvaluationPlan, on_delete=models.PROTECT, related_name="observations"
    )
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="observations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default="open")
    started_at = models.DateTimeField(_("inicio"))
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    evaluator_signed_name = models.CharField(max_length=200, blank=True)
    evaluator_signed_at = models.DateTimeField(null=True, blank=True)
    evaluator_signed_ip = models.GenericIPAddressField(null=True, blank=True)
    candidate_signed_name = models.CharField(max_length=200, blank=True)
    candidate_signed_at = models.DateTimeField(null=True, blank=True)
    candidate_signed_ip = models.GenericIPAddressField(null=True, blank=True)
    history = AuditedRecords()

    class Meta:
        ordering = ["plan", "started_at"]
        verbose_name = _("registro de observación")
        verbose_name_plural = _("registros de observación")

    def __str__(self):
        return f"{self.plan} · {self.version}"

    @property
    def signed(self) -> bool:
        return self.status == self.Status.SIGNED


class ObservationAnswer(Undeletable):
    class Outcome(models.TextChoices):
        MET = "met", _("cumple")
        NOT_MET = "not_met", _("no cumple")
        NOT_APPLICABLE = "na", _("no aplica")

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.CharField(max_length=40)  # the frozen item's id in the version
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    note = models.TextField(blank=True)
    saved_at = models.DateTimeField()
    # Each item's outcome as it changed while the record was open.
    history = AuditedRecords()

    class Meta:
        ordering = ["observation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "item"], name="one_answer_per_item"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="na") | ~Q(reason=""),
                name="not_applicable_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.observation_id} · {self.item}: {self.outcome}"


# What evidence may be: a photo or scan of a paper record, or a PDF.
EVIDENCE_SUFFIXES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
}


def _evidence_path(instance, filename):
    return f"evidence/{instance.observation.uuid}/{instance.token}{instance.suffix}"


class EvidenceFile(Undeletable):
    """A photo or scan (of the filled-in service record, say) attached to an
    observation: private storage, served only through an access check, hashed."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    observation = models.ForeignKey(
        Observation, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(
        upload_to=_evidence_path, storage=private_storage, max_length=255
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = AuditedRecords()

    class Meta:
        ordering = ["observation", "uploaded_at"]
        verbose_name = _("evidencia")
        verbose_name_plural = _("evidencias")

    def __str__(self):
        return self.original_name

    @property
    def suffix(self) -> str:
        return {
            "image/jpeg": ".jpg",
            "image/png": ".png",
            "application/pdf": ".pdf",
        }.get(self.content_type, "")


# --- judgement --------------------------------------------------------------------


class Judgement(Undeletable):
    class Method(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("cuestionario calificado")
        EVALUATOR = "evaluator", _("juicio de un evaluador")

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="judgements",
        verbose_name=_("candidato"),
    )
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        related_name="judgements",
        verbose_name=_("estándar"),
    )
    competent = models.BooleanField(_("competente"))
    decided_at = models.DateTimeField(_("fecha del juicio"))
    method = models.CharField(
        _("cómo se decidió"), max_length=20, choices=Method.choices
    )
    # Empty when the verdict follows from the evidence by rule (the questionnaire).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quién decidió"),
    )
    # Evidence: the plan (its signed observations) and the questionnaire attempt.
    plan = models.ForeignKey(
        EvaluationPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="judgements",
        verbose_name=_("plan de evaluación"),
    )
    feedback = models.TextField(_("retroalimentación"), blank=True)
    feedback_acknowledged_at = models.DateTimeField(null=True, blank=True)
    attempt = models.ForeignKey(
        "assessments.Attempt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="judgements",
        verbose_name=_("cuestionario"),
    )
    # Its verdicts per element (ElementVerdict) are written with it, in the same
    # transaction, and never changed: the judgement's own history row dates them.
    history = AuditedRecords()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            # A questionnaire yields one judgement by rule, however often it is
            # submitted or re-graded.
            models.UniqueConstraint(
                fields=["attempt"],
                condition=Q(method="questionnaire"),
                name="one_questionnaire_judgement_per_attempt",
            ),
            models.CheckConstraint(
                condition=~Q(method="questionnaire") | Q(attempt__isnull=False),
                name="questionnaire_judgement_has_attempt",
            ),
        ]
        indexes = [models.Index(fields=["candidate", "standard", "decided_at"])]
        verbose_name = _("juicio de competencia")
        verbose_name_plural = _("juicios de competencia")

    def __str__(self):
        verdict = _("competente") if self.competent else _("todavía no competente")
        return f"{self.candidate} · {self.standard.code} · {verdict}"

    @property
    def evidence_since(self):
        """When gathering its evidence began: a judgement renews a certificate
        only when all of its evidence is newer than the certified judgement."""
        return self.attempt.started_at if self.attempt_id else self.decided_at


class ElementVerdict(Undeletable):
    judgement = models.ForeignKey(
        Judgement, on_delete=models.CASCADE, related_name="verdicts"
    )
    element = models.ForeignKey(
        "standards.Element", on_delete=models.PROTECT, related_name="+"
    )
    competent = models.BooleanField(_("competente"))
    # The questionnaire's score for the element, when it was part of the evidence.
    earned = FractionField(null=True, blank=True)
    possible = FractionField(null=True, blank=True)
    # Items met of those that applied, per instrument kind (None: not observed).
    performance_met = models.PositiveSmallIntegerField(null=True, blank=True)
    performance_total = models.PositiveSmallIntegerField(null=True, blank=True)
    product_met = models.PositiveSmallIntegerField(null=True, blank=True)
    product_total = models.PositiveSmallIntegerField(null=True, blank=True)
    # Kept from an earlier judgement (a re-evaluation of the failed elements only).
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What failed: [{"item": ..., "criterion": ..., "text": ..., "critical": ...}]
    failures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["judgement", "element__order", "element__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["judgement", "element"], name="one_verdict_per_element"
            )
        ]
        verbose_name = _("dictamen por elemento")
        verbose_name_plural = _("dictámenes por elemento")

    def __str__(self):
        return f"{self.judgement_id} · {self.element.code}"
