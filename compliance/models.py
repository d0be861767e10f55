"""Mexican HR compliance: the DC-3 constancias de competencias o de habilidades
laborales (LFT arts. 153-T, 153-V) and what they print about a course."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from accounts.audit import AuditedRecords, Undeletable
from accounts.private_files import UnguessableName, private_storage

# DC-3 PDFs concern a person: stored where no URL reaches them, under random
# names. (Earlier migrations name compliance.models.private_storage: keep the
# import.)


class ThematicArea(models.Model):
    """An área temática of the STPS catalogue (the DC-3 prints its code)."""

    code = models.CharField(_("clave"), max_length=10, unique=True)
    name = models.CharField(_("nombre"), max_length=250)

    class Meta:
        ordering = ["code"]
        verbose_name = _("área temática")
        verbose_name_plural = _("áreas temáticas")

    def __str__(self):
        return f"{self.code} {self.name}"


class CourseDc3(models.Model):
    """What the DC-3 of a course prints beyond the course itself; trainers edit it
    in the admin. Hours left empty are computed (``documents.course_hours``)."""

    course = models.OneToOneField(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="dc3",
        verbose_name=_("curso"),
    )
    thematic_area = models.ForeignKey(
        ThematicArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("área temática"),
    )
    hours = models.PositiveSmallIntegerField(
        _("duración en horas"),
        null=True,
        blank=True,
        help_text=_(
            "Vacío: la suma de los minutos de las lecciones más las horas de las "
            "sesiones del grupo, redondeada a la hora."
        ),
    )
    agent_name = models.CharField(
        _("nombre del agente capacitador"), max_length=250, blank=True
    )
    online_tutor = models.CharField(
        _("tutor en línea"),
        max_length=200,
        blank=True,
        help_text=_("Firma como instructor cuando el curso se toma sin grupo."),
    )

    panels = [
        FieldPanel("course"),
        FieldPanel("thematic_area"),
        FieldPanel("hours"),
        FieldPanel("agent_name"),
        FieldPanel("online_tutor"),
    ]

    class Meta:
        verbose_name = _("datos DC-3 del curso")
        verbose_name_plural = _("datos DC-3 de los cursos")

    def __str__(self):
        return str(self.course)


class Dc3(Undeletable):
    """An issued DC-3: what it prints is frozen in ``snapshot`` at issue."""

    class Status(models.TextChoices):
        VALID = "vigente", _("vigente")
        REPLACED = "reemplazada", _("reemplazada")

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dc3s",
        verbose_name=_("trabajador"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="dc3s",
        verbose_name=_("curso"),
    )
    cohort = models.ForeignKey(
        "rollout.Cohort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dc3s",
        verbose_name=_("grupo"),
    )
    folio = models.CharField(_("folio"), max_length=40, unique=True)
    code = models.CharField(_("código de verificación"), max_length=64, unique=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.VALID
    )
    snapshot = models.JSONField()
    # The course's end (cohort end, or completion): the 20 business days run
    # from it.
    course_ended_on = models.DateField(_("fin del curso"))
    issued_at = models.DateTimeField(_("emitida"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("emitida por"),
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("reemplaza a"),
    )
    reissue_reason = models.TextField(_("motivo de la reemisión"), blank=True)
    # Rendered after the issuing transaction commits (tasks): empty until then.
    pdf = models.FileField(
        upload_to=UnguessableName("dc3/%Y/%m"),
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    pdf_sha256 = models.CharField(_("SHA-256 del PDF"), max_length=64, blank=True)
    render_error = models.TextField(blank=True)
    # Issue and replacement; the PDF is the rendering task's (see Certificate).
    history = AuditedRecords(excluded_fields=["pdf", "pdf_sha256", "render_error"])

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # One valid DC-3 per worker and course; re-issues replace it.
            models.UniqueConstraint(
                fields=["worker", "course"],
                condition=Q(status="vigente"),
                name="one_valid_dc3_per_worker_course",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(reissue_reason=""),
                name="dc3_reissue_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["issued_at"])]
        verbose_name = _("constancia DC-3")
        verbose_name_plural = _("constancias DC-3")

    def __str__(self):
        return f"{self.folio} · {self.snapshot.get('worker', {}).get('name', '')}"

    def get_absolute_url(self):
        return reverse("compliance:verify", args=[self.code])

    @property
    def pdf_ready(self) -> bool:
        return bool(self.pdf_sha256)
