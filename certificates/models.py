"""Issued certificates, the organisation's certificate settings and bulk jobs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from accounts.audit import AuditedRecords, Undeletable
from accounts.mexican_ids import normalise, rfc_error
from accounts.private_files import UnguessableName, private_storage
from standards.formatting import whole_percent

# Above this many workers the DC-3 carries the signature of the workers'
# representative on the Comisión Mixta (LFT art. 153-E).
COMISION_MIXTA_ABOVE = 50


@register_setting(icon="doc-full")
class CertificateSettings(BaseSiteSetting):
    """What the certificate PDF shows about the issuer; HR edits it in the admin."""

    organisation_name = models.CharField(
        _("nombre de la organización"), max_length=200, default="Atiende"
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logotipo"),
    )
    signatory_name = models.CharField(
        _("nombre de quien firma"), max_length=200, default="Dirección de Capacitación"
    )
    signatory_title = models.CharField(
        _("cargo de quien firma"), max_length=200, default="Responsable del programa"
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imagen de la firma"),
    )
    serial_prefix = models.CharField(
        _("prefijo del folio"), max_length=12, default="ATI"
    )
    # The employer as the DC-3 and the DC-4 print it (DATOS DE LA EMPRESA).
    employer_name = models.CharField(
        _("razón social"), max_length=250, blank=True, default=""
    )
    employer_rfc = models.CharField(
        _("RFC del patrón"),
        max_length=13,
        blank=True,
        default="",
        help_text=_("12 caracteres (persona moral) o 13 (persona física)."),
    )
    employer_representative = models.CharField(
        _("patrón o representante legal"), max_length=200, blank=True, default=""
    )
    workers_count = models.PositiveIntegerField(
        _("número de trabajadores"), null=True, blank=True
    )
    workers_representative = models.CharField(
        _("representante de los trabajadores (Comisión Mixta)"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Obligatorio cuando la empresa tiene más de 50 trabajadores."),
    )

    class TrainingBy(models.TextChoices):
        INTERNAL = "internal", _("interna")
        EXTERNAL = "external", _("agente capacitador externo")

    training_by = models.CharField(
        _("capacitación"),
        max_length=10,
        choices=TrainingBy.choices,
        default=TrainingBy.INTERNAL,
    )
    external_agent_registration = models.CharField(
        _("registro STPS del agente externo"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("Obligatorio cuando la capacitación la da un agente externo."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("logo")],
            heading=_("Organización"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("signatory_name"),
                FieldPanel("signatory_title"),
                FieldPanel("signature"),
            ],
            heading=_("Firma"),
        ),
        FieldPanel("serial_prefix"),
        MultiFieldPanel(
            [
                FieldPanel("employer_name"),
                FieldPanel("employer_rfc"),
                FieldPanel("employer_representative"),
                FieldPanel("workers_count"),
                FieldPanel("workers_representative"),
                FieldPanel("training_by"),
                FieldPanel("external_agent_registration"),
            ],
            heading=_("Patrón (DC-3 y DC-4)"),
        ),
    ]

    class Meta:
        verbose_name = _("constancias: datos del emisor")

    def clean(self):
        super().clean()
        errors = {}
        self.employer_rfc = normalise(self.employer_rfc)
        if self.employer_rfc and (problem := rfc_error(self.employer_rfc)):
            errors["employer_rfc"] = problem
        if self.needs_workers_representative and not self.workers_representative:
            errors["workers_representative"] = _(
                "Con más de %(count)s trabajadores, la DC-3 lleva la firma del "
                "representante de los trabajadores en la Comisión Mixta."
            ) % {"count": COMISION_MIXTA_ABOVE}
        if (
            self.training_by == self.TrainingBy.EXTERNAL
            and not self.external_agent_registration.strip()
        ):
            errors["external_agent_registration"] = _(
                "Indica el número de registro ante la STPS del agente externo."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def needs_workers_representative(self) -> bool:
        return (self.workers_count or 0) > COMISION_MIXTA_ABOVE


class SerialCounter(models.Model):
    """Sequential serial numbers, incremented under a row lock."""

    name = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.name}: {self.last}"


class Certificate(Undeletable):
    class Status(models.TextChoices):
        VALID = "vigente", _("vigente")
        EXPIRED = "vencido", _("vencido")
        REVOKED = "revocado", _("revocado")

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("titular"),
    )
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("estándar"),
    )
    judgement = models.ForeignKey(
        "evaluation.Judgement",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("juicio en que se basa"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("curso"),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("reemplaza a"),
    )
    serial = models.CharField(_("folio"), max_length=40, unique=True)
    code = models.CharField(_("código de verificación"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("emitido"))
    expires_on = models.DateField(_("vigente hasta"))
    revoked_at = models.DateTimeField(_("revocado"), null=True, blank=True)
    revoked_reason = models.TextField(_("motivo de revocación"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revocado por"),
    )
    # What the certificate certifies, frozen at issue: later edits of names, the
    # course or the standard never change an issued certificate.
    snapshot = models.JSONField()
    # Rendered after the issuing transaction commits (certificates.tasks): empty
    # until then ("en preparación"); a failed render is recorded and retried.
    # Private storage, random name (never the serial): served only through the
    # views that check access (accounts.private_files).
    pdf = models.FileField(
        upload_to=UnguessableName("certificates/%Y/%m"),
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    pdf_sha256 = models.CharField(_("SHA-256 del PDF"), max_length=64, blank=True)
    render_failures = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Issue, revocation and re-issue (a new row that replaces this one). The
    # PDF's file, hash and render state are written by the rendering task, not
    # by a person, and the hash is on the row itself: left out of the history.
    history = AuditedRecords(
        excluded_fields=[
            "pdf",
            "pdf_sha256",
            "render_failures",
            "render_error",
            "reminder_sent_at",
        ]
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # A judgement yields one original certificate; re-issues replace it.
            models.UniqueConstraint(
                fields=["judgement"],
                condition=Q(replaces__isnull=True),
                name="one_original_certificate_per_judgement",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="revocation_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["expires_on"])]
        permissions = [
            ("revoke_certificate", _("Puede revocar y reemitir constancias")),
            ("export_certificate", _("Puede exportar y descargar constancias")),
        ]
        verbose_name = _("constancia")
        verbose_name_plural = _("constancias")

    def __str__(self):
        return f"{self.serial} · {self.snapshot.get('holder_name', '')}"

    def get_absolute_url(self):
        return reverse("certificates:verify", args=[self.code])

    def status_on(self, day) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if day > self.expires_on:
            return self.Status.EXPIRED
        return self.Status.VALID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def pdf_ready(self) -> bool:
        return bool(self.pdf_sha256)


class BulkDownload(models.Model):
    """A ZIP of many certificates built in the background, with its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en espera")
        RUNNING = "running", _("en proceso")
        DONE = "done", _("lista")
        FAILED = "failed", _("falló")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    filters = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(
        upload_to=UnguessableName("certificates/bulk"),
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.status}"

    @property
    def percent(self) -> int:
        """Certificates added so far as a whole percent (whole_percent)."""
        return whole_percent(self.done, self.total) or 0
