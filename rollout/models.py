"""The train-the-trainers rollout: organisation units and the people in them,
who may act on which units, cohorts with their sessions and attendance."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from accounts.audit import AuditedRecords


class OrgUnit(MP_Node):
    """A node of the organisation: the organisation, a region, a branch or an
    area. People belong to one unit; access is scoped to a unit and below."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organización")
        REGION = "region", _("región")
        BRANCH = "branch", _("sucursal")
        AREA = "area", _("área")

    code = models.CharField(_("clave"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("unidad")
        verbose_name_plural = _("unidades")

    def __str__(self):
        return f"{self.code} · {self.name}"


class Position(models.Model):
    """A puesto (the roster names them)."""

    name = models.CharField(_("puesto"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("puesto")
        verbose_name_plural = _("puestos")

    def __str__(self):
        return self.name


class Occupation(models.Model):
    """An ocupación específica of the Catálogo Nacional de Ocupaciones (SINCO),
    as the DC-3 prints it; HR edits the catalogue (only its top-level areas are
    shipped)."""

    code = models.CharField(_("clave"), max_length=10, unique=True)
    name = models.CharField(_("nombre"), max_length=250)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ocupación")
        verbose_name_plural = _("ocupaciones (catálogo)")

    def __str__(self):
        return f"{self.code} {self.name}"


class StaffProfile(models.Model):
    """A staff member as the roster knows them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    curp = models.CharField("CURP", max_length=18, unique=True, null=True, blank=True)
    second_last_name = models.CharField(
        _("segundo apellido"), max_length=150, blank=True
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("unidad"),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("puesto"),
    )
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("ocupación específica"),
    )
    hired_on = models.DateField(_("fecha de ingreso"), null=True, blank=True)
    # When the invitation to set a password was last sent: the sending task skips
    # people who have one, so a retried task does not send twice.
    invited_at = models.DateTimeField(_("invitación enviada"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("persona del personal")
        verbose_name_plural = _("personal")

    def __str__(self):
        return f"{self.user} · {self.unit.code}"


class UnitScope(models.Model):
    """An HR person or trainer given a unit: they see and act on the people of
    that unit and below."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_scopes"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    # A role assignment: whom an HR person or trainer acts on.
    history = AuditedRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="one_scope_per_unit")
        ]
        verbose_name = _("unidad asignada")
        verbose_name_plural = _("unidades asignadas")

    def __str__(self):
        return f"{self.user} → {self.unit.code}"


class Cohort(models.Model):
    name = models.CharField(_("nombre"), max_length=200)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("curso"),
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("unidad"),
    )
    starts_on = models.DateField(_("inicio"))
    ends_on = models.DateField(_("fin"))
    capacity = models.PositiveSmallIntegerField(_("cupo"), default=25)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="cohorts_led",
        verbose_name=_("instructores"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="cohort_dates_in_order"
            )
        ]
        verbose_name = _("grupo")
        verbose_name_plural = _("grupos")

    def __str__(self):
        return self.name


class CohortMember(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cohort_memberships",
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="one_membership")
        ]

    def __str__(self):
        return f"{self.cohort} · {self.person}"


class Session(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("inicio"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lugar"), max_length=255, blank=True)
    online_url = models.URLField(_("enlace en línea"), blank=True)
    modules = models.ManyToManyField(
        "courses.ModulePage", blank=True, related_name="+", verbose_name=_("módulos")
    )

    class Meta:
        ordering = ["cohort", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_times_in_order"
            )
        ]
        verbose_name = _("sesión")
        verbose_name_plural = _("sesiones")

    def __str__(self):
        return f"{self.cohort} · {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("asistió"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="one_attendance_per_person"
            )
        ]

    def __str__(self):
        return f"{self.session} · {self.person}: {self.present}"


class Target(models.Model):
    """HR's target for a unit (and everything below it): so many people
    certified by a date."""

    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("unidad"),
    )
    due_on = models.DateField(_("fecha"))
    certified = models.PositiveIntegerField(_("personas certificadas"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "due_on"], name="one_target_per_unit_and_date"
            ),
            models.CheckConstraint(
                condition=Q(certified__gt=0), name="target_is_positive"
            ),
        ]
        verbose_name = _("meta")
        verbose_name_plural = _("metas")

    def __str__(self):
        return f"{self.unit.code} · {self.due_on:%Y-%m-%d}: {self.certified}"


class DeliverySignOff(models.Model):
    """A lead trainer observed a candidate multiplicador deliver a session and
    signed the lista de impartición: each item met or not, frozen against the
    instrument version it was captured on. Written once, never edited; a
    candidate who did not pass is observed again (a new sign-off)."""

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delivery_signoffs",
        verbose_name=_("candidato a multiplicador"),
    )
    lead_trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("instructor líder"),
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sesión observada"),
    )
    observed_on = models.DateField(_("fecha de la observación"))
    version = models.ForeignKey(
        "evaluation.InstrumentVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lista de impartición"),
    )
    # {item id (str): met (bool)} for every item of the frozen version.
    marks = models.JSONField()
    comment = models.TextField(_("comentario"))
    passed = models.BooleanField(_("aprobada"))
    signed_at = models.DateTimeField(_("firmada"), auto_now_add=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(candidate=F("lead_trainer")),
                name="signoff_not_by_candidate",
            )
        ]
        verbose_name = _("observación de impartición")
        verbose_name_plural = _("observaciones de impartición")

    def __str__(self):
        return f"{self.candidate} · {self.observed_on}"
