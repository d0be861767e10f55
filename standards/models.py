"""The competence standard: Standard -> Element -> Criterion.

The bottom domain layer: courses, assessments, evaluation and certificates all
point here. The tables keep the names they had when the models lived in
``assessments`` (moved with SeparateDatabaseAndState; nothing was copied).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Standard(index.Indexed, models.Model):
    code = models.CharField(_("código"), max_length=20, unique=True)
    title = models.CharField(_("título"), max_length=255)
    level = models.PositiveSmallIntegerField(_("nivel"), default=1)
    version = models.CharField(_("versión"), max_length=40, blank=True)
    purpose = models.TextField(_("propósito"), blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("level"),
        FieldPanel("version"),
        FieldPanel("purpose"),
    ]
    search_fields = [index.SearchField("code"), index.SearchField("title")]

    class Meta:
        db_table = "assessments_standard"
        ordering = ["code"]
        verbose_name = _("estándar de competencia")
        verbose_name_plural = _("estándares de competencia")

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("standards:standard_detail", args=[self.code])


class Element(index.Indexed, models.Model):
    standard = models.ForeignKey(
        Standard,
        on_delete=models.CASCADE,
        related_name="elements",
        verbose_name=_("estándar"),
    )
    code = models.CharField(
        _("código"), max_length=20, help_text=_("Código de trabajo, p. ej. E1.")
    )
    official_code = models.CharField(
        _("código oficial"),
        max_length=20,
        blank=True,
        help_text=_("Código oficial del elemento (E0xxx), cuando se confirme."),
    )
    title = models.CharField(_("título"), max_length=255)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    panels = [
        FieldPanel("standard"),
        FieldPanel("code"),
        FieldPanel("official_code"),
        FieldPanel("title"),
        FieldPanel("order"),
    ]
    search_fields = [index.SearchField("code"), index.SearchField("title")]

    class Meta:
        db_table = "assessments_element"
        ordering = ["standard", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "code"], name="element_code_unique_per_standard"
            )
        ]
        verbose_name = _("elemento")
        verbose_name_plural = _("elementos")

    def __str__(self):
        return f"{self.code} {self.title}"


class Criterion(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        PERFORMANCE = "performance", _("desempeño")
        PRODUCT = "product", _("producto")
        KNOWLEDGE = "knowledge", _("conocimiento")
        ATTITUDE = "attitude", _("actitud, hábito o valor")

    class KnowledgeLevel(models.TextChoices):
        KNOWLEDGE = "knowledge", _("conocimiento")
        COMPREHENSION = "comprehension", _("comprensión")
        APPLICATION = "application", _("aplicación")

    standard = models.ForeignKey(
        Standard,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("estándar"),
    )
    element = models.ForeignKey(
        Element,
        on_delete=models.PROTECT,
        related_name="criteria",
        null=True,
        blank=True,
        verbose_name=_("elemento"),
        help_text=_("Vacío para actitudes que se observan en todos los elementos."),
    )
    code = models.CharField(_("código"), max_length=20)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("texto"))
    knowledge_level = models.CharField(
        _("nivel de conocimiento"),
        max_length=20,
        choices=KnowledgeLevel.choices,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    panels = [
        FieldPanel("standard"),
        FieldPanel("element"),
        FieldPanel("code"),
        FieldPanel("kind"),
        FieldPanel("text"),
        FieldPanel("knowledge_level"),
        FieldPanel("order"),
    ]
    search_fields = [
        index.SearchField("code"),
        index.SearchField("text"),
        index.FilterField("kind"),
    ]

    class Meta:
        db_table = "assessments_criterion"
        ordering = ["standard", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "code"], name="criterion_code_unique_per_standard"
            ),
            # Only knowledge criteria carry a knowledge level, and they must.
            models.CheckConstraint(
                condition=(Q(kind="knowledge") & ~Q(knowledge_level=""))
                | (~Q(kind="knowledge") & Q(knowledge_level="")),
                name="criterion_knowledge_level_iff_knowledge",
            ),
        ]
        verbose_name = _("criterio")
        verbose_name_plural = _("criterios")

    def __str__(self):
        return f"{self.code} {self.text[:60]}"
