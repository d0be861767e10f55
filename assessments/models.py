"""The question bank, assessment pages and attempts."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.contrib.routable_page.models import path as route_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from accounts.audit import AuditedRecords
from standards.formatting import whole_percent
from standards.models import Criterion, Element

from . import blueprint, rich_text
from .fields import FractionField
from .question_blocks import QuestionContentBlock
from .question_types import registry

# The kinds of criterion the cuestionario asks; attitudes are observed during
# performance (shared/ec0305/README.md), never asked by a question.
ASKED_KINDS = (
    Criterion.Kind.PERFORMANCE,
    Criterion.Kind.PRODUCT,
    Criterion.Kind.KNOWLEDGE,
)

# --- Question bank ---------------------------------------------------------------


class TaggedQuestion(TaggedItemBase):
    content_object = ParentalKey(
        "assessments.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(index.Indexed, ClusterableModel):
    """The editable head of a question. What learners are shown is a frozen
    QuestionVersion: editing an answered question makes a new version."""

    class Difficulty(models.TextChoices):
        EASY = "easy", _("fácil")
        MEDIUM = "medium", _("media")
        HARD = "hard", _("difícil")

    class TextFormat(models.TextChoices):
        PLAIN = rich_text.PLAIN, _("texto simple")
        HTML = rich_text.HTML, _("HTML (se limpia)")

    class Level(models.TextChoices):
        """The knowledge level a question asks at (the standard's levels for
        knowledge, minus bare recall, which the bank does not ask for)."""

        COMPREHENSION = "comprehension", _("comprensión")
        APPLICATION = "application", _("aplicación")

    code = models.CharField(_("código"), max_length=40, unique=True)
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("criterio"),
    )
    stem = models.TextField(_("enunciado"))
    text_format = models.CharField(
        _("formato del enunciado y la retroalimentación"),
        max_length=5,
        choices=TextFormat.choices,
        default=TextFormat.PLAIN,
        help_text=_(
            "HTML: se conservan solo negritas, cursivas, listas, tablas, enlaces y "
            "párrafos; lo demás (scripts, estilos, imágenes) se elimina al guardar."
        ),
    )
    content = StreamField(
        QuestionContentBlock(),
        verbose_name=_("tipo y respuestas"),
        help_text=_("Elige un solo tipo de pregunta y captura sus opciones."),
    )
    feedback = models.TextField(_("retroalimentación general"), blank=True)
    difficulty = models.CharField(
        _("dificultad"),
        max_length=10,
        choices=Difficulty.choices,
        default=Difficulty.MEDIUM,
    )
    knowledge_level = models.CharField(
        _("nivel de conocimiento"),
        max_length=20,
        choices=Level.choices,
        blank=True,
        help_text=_(
            "Vacío: según el tipo de pregunta (juicio situacional: aplicación; "
            "los demás tipos: comprensión)."
        ),
    )
    active = models.BooleanField(
        _("activa"), default=True, help_text=_("Solo las activas se sortean.")
    )
    tags = ClusterTaggableManager(through=TaggedQuestion, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by question_bank_load: a hash of the data it wrote, so a later load can
    # tell that a person edited the question since, and leave it alone.
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Who changed the stem, the answers and their key, and how. The frozen
    # QuestionVersion rows need no history of their own: they are never edited,
    # each is made (with its created_at) by the first draw after a change, and a
    # draw's author is a learner, not whoever changed the key; the change that
    # led to a version is this model's history row just before it.
    history = AuditedRecords(excluded_fields=["loaded_fingerprint", "updated_at"])

    panels = [
        FieldPanel("code"),
        FieldPanel("criterion"),
        FieldPanel("stem"),
        FieldPanel("text_format"),
        FieldPanel("content"),
        FieldPanel("feedback"),
        FieldPanel("difficulty"),
        FieldPanel("knowledge_level"),
        FieldPanel("tags"),
        FieldPanel("active"),
    ]
    search_fields = [
        index.SearchField("code"),
        index.SearchField("stem"),
        index.FilterField("active"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("pregunta")
        verbose_name_plural = _("preguntas")

    def __str__(self):
        return f"{self.code}: {self.plain_stem[:70]}"

    def clean(self):
        # HTML is kept only once sanitised (rich_text, the one rule); pages
        # sanitise again when they show it.
        if self.text_format == self.TextFormat.HTML:
            self.stem = rich_text.sanitize(self.stem)
            self.feedback = rich_text.sanitize(self.feedback)

    @property
    def plain_stem(self) -> str:
        """The stem as plain text (for listings and titles)."""
        return rich_text.as_plain(self.stem, self.text_format)

    @property
    def type(self) -> str:
        return self.content[0].block_type if len(self.content) else ""

    def get_type_display(self) -> str:
        block = self.content.stream_block.child_blocks.get(self.type)
        return str(block.label) if block else ""

    get_type_display.short_description = _("tipo")

    @property
    def level(self) -> str:
        """The knowledge level it asks at: the one set, else its type's default
        (``QuestionType.default_level``)."""
        if self.knowledge_level:
            return self.knowledge_level
        try:
            return registry.get(self.type).default_level
        except KeyError:
            return self.Level.COMPREHENSION

    def candidate(self) -> blueprint.Candidate:
        """The question as the draw sees it (needs ``criterion`` loaded)."""
        return blueprint.Candidate(
            str(self.pk),
            str(self.criterion.element_id),
            str(self.criterion_id),
            self.level,
        )


class QuestionVersion(models.Model):
    """A frozen copy of a question as learners saw it; attempts point here."""

    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["question", "content_hash"], name="version_content_unique"
            ),
        ]
        verbose_name = _("versión de pregunta")
        verbose_name_plural = _("versiones de pregunta")

    def __str__(self):
        return f"{self.question.code} v{self.number}"

    @property
    def type(self) -> str:
        return self.payload["type"]


# --- Assessments and attempts ----------------------------------------------------


class AssessmentPage(RoutablePageMixin, Page):
    """An assessment inside a course: a blueprint of rows and the rules of play.

    The page itself is the learner's start page (sign-in required); ``comenzar/``
    starts or resumes an attempt (POST). The attempt pages live under
    ``/evaluaciones/intentos/`` (assessments/urls.py, learner_views).
    """

    class Mode(models.TextChoices):
        FINAL = "final", _("evaluación (calificada)")
        DIAGNOSTIC = "diagnostic", _("diagnóstico (sin calificación)")

    class ReviewAnswers(models.TextChoices):
        NEVER = "never", _("nunca")
        AFTER_PASS = "after_pass", _("después de aprobar")
        AFTER_LAST = "after_last", _("después del último intento")

    class Layout(models.TextChoices):
        ALL = "all", _("todas en una página")
        ONE = "one", _("una pregunta por página")

    class CompletionRule(models.TextChoices):
        NONE = "none", _("ninguno")
        ALL_LESSONS = "all", _("completar todas las lecciones del curso")
        PERCENT = "percent", _("completar al menos un porcentaje de las lecciones")

    mode = models.CharField(
        _("modalidad"), max_length=12, choices=Mode.choices, default=Mode.FINAL
    )
    intro = RichTextField(_("instrucciones"), blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("tiempo límite (minutos)"), default=30, help_text=_("0: sin límite.")
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("intentos permitidos"), default=3, help_text=_("0: sin límite.")
    )
    wait_hours = models.PositiveSmallIntegerField(
        _("espera entre intentos (horas)"), default=0
    )
    shuffle_questions = models.BooleanField(_("barajar preguntas"), default=True)
    shuffle_options = models.BooleanField(_("barajar opciones"), default=True)
    review_answers = models.CharField(
        _("mostrar respuestas correctas"),
        max_length=12,
        choices=ReviewAnswers.choices,
        default=ReviewAnswers.AFTER_LAST,
    )
    grace_seconds = models.PositiveSmallIntegerField(
        _("tolerancia tras el límite (segundos)"), default=30
    )
    layout = models.CharField(
        _("presentación de las preguntas"),
        max_length=8,
        choices=Layout.choices,
        default=Layout.ALL,
    )
    completion_rule = models.CharField(
        _("requisito para comenzar"),
        max_length=8,
        choices=CompletionRule.choices,
        default=CompletionRule.NONE,
        help_text=_(
            "Lecciones del curso que el aprendiz debe completar antes de comenzar "
            "(sin contar el módulo para instructores)."
        ),
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("porcentaje mínimo de lecciones"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Solo con el requisito «al menos un porcentaje de lecciones»."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("mode"),
        FieldPanel("intro"),
        InlinePanel(
            "blueprint_rows", label=_("Filas del plan de evaluación"), min_num=1
        ),
        MultiFieldPanel(
            [
                FieldPanel("time_limit_minutes"),
                FieldPanel("attempts_allowed"),
                FieldPanel("wait_hours"),
                FieldPanel("grace_seconds"),
            ],
            heading=_("Tiempo e intentos"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("layout"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("review_answers"),
            ],
            heading=_("Presentación y revisión"),
        ),
        MultiFieldPanel(
            [FieldPanel("completion_rule"), FieldPanel("completion_percent")],
            heading=_("Requisito para comenzar"),
        ),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("evaluación")
        verbose_name_plural = _("evaluaciones")

    @property
    def is_diagnostic(self) -> bool:
        return self.mode == self.Mode.DIAGNOSTIC

    # How the course page lists it (courses.selectors.course_overview).
    @property
    def listing_badge(self) -> str:
        if self.is_diagnostic:
            return _("Diagnóstico, sin calificación")
        return _("Calificada por elemento")

    @property
    def listing_badge_muted(self) -> bool:
        return self.is_diagnostic

    @route_path("")
    def start_page(self, request):
        from . import learner_views

        return learner_views.assessment_start_page(request, self)

    @route_path("comenzar/", name="begin")
    def begin(self, request):
        from . import learner_views

        return learner_views.assessment_begin(request, self)

    def serve_preview(self, request, mode_name):
        # An editor's preview shows the page only: no attempt is touched.
        return self.render(request)

    def get_context(self, request, *args, **kwargs):
        from . import learner_selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(learner_selectors.start_page(assessment=self, user=request.user))
        return context


class BlueprintRow(Orderable):
    page = ParentalKey(
        AssessmentPage, on_delete=models.CASCADE, related_name="blueprint_rows"
    )
    element = models.ForeignKey(
        Element, on_delete=models.PROTECT, related_name="+", verbose_name=_("elemento")
    )
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("criterio"),
        help_text=_("Vacío: cualquier criterio del elemento."),
    )
    count = models.PositiveSmallIntegerField(_("preguntas a sortear"), default=5)
    cover = models.BooleanField(
        _("cubrir todos los criterios del elemento"),
        default=False,
        help_text=_(
            "Cada intento pregunta al menos una vez cada criterio de desempeño, "
            "producto y conocimiento del elemento; el resto se sortea."
        ),
    )
    knowledge_level = models.CharField(
        _("nivel de conocimiento"),
        max_length=20,
        choices=Question.Level.choices,
        blank=True,
        help_text=_("Vacío: preguntas de cualquier nivel."),
    )
    threshold_percent = models.PositiveSmallIntegerField(
        _("umbral de aprobación (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    panels = [
        FieldPanel("element"),
        FieldPanel("criterion"),
        FieldPanel("count"),
        FieldPanel("cover"),
        FieldPanel("knowledge_level"),
        FieldPanel("threshold_percent"),
    ]

    def draw_row(self) -> blueprint.BlueprintRow:
        """The row as the pure draw reads it, by element and criterion id
        (element codes repeat across standards)."""
        return blueprint.BlueprintRow(
            str(self.element_id),
            str(self.criterion_id) if self.criterion_id else None,
            self.count,
            cover=self.cover,
            level=self.knowledge_level or None,
        )

    def clean(self):
        if self.criterion_id and self.criterion.element_id != self.element_id:
            raise ValidationError(
                {"criterion": _("El criterio no pertenece a ese elemento.")}
            )
        if self.cover and self.element_id:
            self._clean_cover()

    def _clean_cover(self) -> None:
        """A covering row must be able to ask every criterion of its element:
        room for one question each, and a question of each in the bank (of the
        row's level, when it sets one). The same rule as the draw's
        (``blueprint.criteria_without_questions``)."""
        if self.criterion_id:
            raise ValidationError(
                {
                    "cover": _(
                        "Para cubrir todos los criterios del elemento, deja vacío "
                        "el criterio."
                    )
                }
            )
        criteria = list(
            Criterion.objects.filter(
                element_id=self.element_id, kind__in=ASKED_KINDS
            ).order_by("order", "code")
        )
        errors = {}
        if self.count < len(criteria):
            errors["count"] = ngettext(
                "Para cubrir el criterio del elemento se necesita al menos "
                "%(n)d pregunta.",
                "Para cubrir los %(n)d criterios del elemento se necesitan al "
                "menos %(n)d preguntas.",
                len(criteria),
            ) % {"n": len(criteria)}
        questions = Question.objects.filter(
            active=True, criterion__element_id=self.element_id
        ).select_related("criterion")
        missing = set(
            blueprint.criteria_without_questions(
                self.draw_row(),
                [question.candidate() for question in questions],
                [str(criterion.pk) for criterion in criteria],
            )
        )
        if missing:
            codes = ", ".join(c.code for c in criteria if str(c.pk) in missing)
            if self.knowledge_level:
                errors["cover"] = _(
                    "El banco no tiene preguntas activas de nivel %(level)s para "
                    "estos criterios: %(codes)s."
                ) % {"level": self.get_knowledge_level_display(), "codes": codes}
            else:
                errors["cover"] = _(
                    "El banco no tiene preguntas activas para estos criterios: "
                    "%(codes)s."
                ) % {"codes": codes}
        if errors:
            raise ValidationError(errors)


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("en curso")
        SUBMITTED = "submitted", _("enviado")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    assessment = models.ForeignKey(
        AssessmentPage, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_automatically = models.BooleanField(default=False)
    # Each element's pass mark as it was when the attempt started ("4/5"), so a
    # later edit of the blueprint never changes how this attempt is judged.
    thresholds = models.JSONField(default=dict, blank=True)
    competent = models.BooleanField(null=True)
    score = FractionField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "assessment"],
                condition=Q(status="open"),
                name="one_open_attempt_per_learner_and_assessment",
            ),
            models.UniqueConstraint(
                fields=["learner", "assessment", "number"],
                name="attempt_number_unique",
            ),
        ]
        verbose_name = _("intento")
        verbose_name_plural = _("intentos")

    def __str__(self):
        return f"{self.learner} · {self.assessment} #{self.number}"

    def get_absolute_url(self):
        return reverse("assessments:attempt", args=[self.uuid])


class Response(models.Model):
    """One question of an attempt: the version shown, its frozen display order and
    the learner's answer as data."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="responses"
    )
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="responses"
    )
    # The version whose key grades this response: the one shown, unless a trainer
    # corrected the key and re-graded (see RegradeRecord).
    key_version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="+"
    )
    display = models.JSONField(default=dict)
    answer = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    score = FractionField(null=True, blank=True)
    # "Marcar para revisar": the learner's own reminder, saved with the answer.
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="response_position_unique"
            ),
            models.UniqueConstraint(
                fields=["attempt", "version"], name="response_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.attempt} · {self.position}"


class ElementResult(models.Model):
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="element_results"
    )
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="+")
    earned = FractionField()
    possible = FractionField()
    threshold = FractionField()
    passed = models.BooleanField()

    class Meta:
        ordering = ["attempt", "element__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "element"], name="element_result_unique"
            )
        ]

    def __str__(self):
        return f"{self.attempt} · {self.element.code}"

    @property
    def percent(self) -> int:
        """The element's score as a whole percent (whole_percent)."""
        return whole_percent(self.earned, self.possible) or 0


class RegradeRecord(models.Model):
    """A trainer's re-grade of past attempts after correcting a key."""

    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="regrades"
    )
    to_version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    attempts_regraded = models.PositiveIntegerField(default=0)
    verdicts_changed = models.PositiveIntegerField(default=0)
    details = models.JSONField(default=list)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("recalificación")
        verbose_name_plural = _("recalificaciones")

    def __str__(self):
        return f"{self.question.code} → v{self.to_version.number}"
