"""The competence judgement: a verdict per element and the evidence it rests on.

Certificates are issued from a competent judgement, never straight from an
attempt. Today the evidence is the final questionnaire (an assessment attempt);
observations and product checklists join it as instruments are added.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.fields import FractionField


class Judgement(models.Model):
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
    # Evidence: the questionnaire attempt.
    attempt = models.ForeignKey(
        "assessments.Attempt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="judgements",
        verbose_name=_("cuestionario"),
    )

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


class ElementVerdict(models.Model):
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
