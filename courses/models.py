"""The Wagtail page tree (home -> course -> module -> lesson) and learner progress."""

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import Document as WagtailDocument
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from accounts.private_files import private_storage

from .blocks import LessonStreamBlock, practice_minutes


class RoutedPage:
    """Mixin for the page types courses.routing serves (the home page and the
    pages below it): it finds whether a view restriction applies on the way in the same
    query as the pages, and says so here, sparing Wagtail's two queries to
    look again."""

    # Set by courses.routing on the page it routes to; None: not known.
    view_restricted: bool | None = None

    def get_view_restrictions(self):
        if self.view_restricted is False:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(RoutedPage, Page):
    intro = RichTextField(_("introducción"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("página de inicio")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        courses = selectors.catalogue(home=self, user=request.user, request=request)
        context["courses"] = courses
        # The learner's own courses (with their progress) first, then the rest.
        context["my_courses"] = [outline for outline in courses if outline.enrolment]
        context["other_courses"] = [o for o in courses if not o.enrolment]
        return context


class CoursePage(RoutedPage, Page):
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("estándar que prepara"),
    )
    overview = RichTextField(_("descripción general"))
    objectives = RichTextField(_("objetivos"), blank=True)
    audience = models.TextField(_("a quién va dirigido"), blank=True)
    # No duration field: the course's duration is the sum of its lessons'
    # estimated minutes (selectors.CourseOutline), so it cannot drift from them.

    content_panels = Page.content_panels + [
        FieldPanel("standard"),
        FieldPanel("overview"),
        FieldPanel("objectives"),
        MultiFieldPanel([FieldPanel("audience")], heading=_("Público")),
    ]
    search_fields = Page.search_fields + [index.SearchField("overview")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.ModulePage", "assessments.AssessmentPage"]

    class Meta:
        verbose_name = _("curso")
        verbose_name_plural = _("cursos")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.course_overview(course=self, user=request.user, request=request)
        )
        return context


class ModulePage(RoutedPage, Page):
    class Audience(models.TextChoices):
        LEARNERS = "learners", _("aprendices")
        TRAINERS = "trainers", _("instructores")

    element = models.ForeignKey(
        "standards.Element",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="modules",
        verbose_name=_("elemento del estándar"),
    )
    intro = RichTextField(_("introducción"), blank=True)
    audience = models.CharField(
        _("dirigido a"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.LEARNERS,
        help_text=_("Los módulos para instructores no cuentan en el avance."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("element"),
        FieldPanel("audience"),
        FieldPanel("intro"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("módulo")
        verbose_name_plural = _("módulos")

    @property
    def for_trainers(self) -> bool:
        """A module for trainers: hidden from learners, and its lessons do not
        count for a learner's progress. The one home of that rule."""
        return self.audience == self.Audience.TRAINERS

    def serve(self, request, *args, **kwargs):
        from . import access

        access.require_module_visible(request.user, self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.module_detail(module=self, user=request.user, request=request)
        )
        return context


class LessonPage(RoutedPage, RoutablePageMixin, Page):
    summary = models.CharField(_("resumen"), max_length=300, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("minutos estimados"),
        default=10,
        help_text=_(
            "Tiempo total de la lección: lectura, comprobaciones y actividades de "
            "práctica. La duración del curso es la suma de estos minutos."
        ),
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("contenido"))
    criteria = ParentalManyToManyField(
        "standards.Criterion",
        blank=True,
        related_name="lessons",
        verbose_name=_("criterios que enseña"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("minutes"),
        FieldPanel("criteria", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lección")
        verbose_name_plural = _("lecciones")

    def clean(self):
        super().clean()
        needed = practice_minutes(self.body)
        if self.minutes is not None and self.minutes < needed:
            raise ValidationError(
                {
                    "minutes": _(
                        "Las actividades de práctica de esta lección suman "
                        "%(needed)s minutos: la lección no puede durar menos."
                    )
                    % {"needed": needed}
                }
            )

    def _require_access(self, request):
        from . import access

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access.require_module_visible(request.user, self.get_parent().specific)
        return None

    @path("")
    def lesson(self, request):
        if response := self._require_access(request):
            return response
        from . import content_cache, services

        services.lesson_visit(user=request.user, lesson=self)
        return self.render(
            request,
            context_overrides={
                "lesson_content": content_cache.lesson_content(self, request)
            },
        )

    @path("comprobar/<str:block_id>/", name="check")
    def check_answer(self, request, block_id):
        """Check a knowledge-check answer on the server (ungraded, never stored)."""
        if response := self._require_access(request):
            return response
        if request.method != "POST":
            return redirect(self.url)
        from . import knowledge_checks

        block = knowledge_checks.find(self.body, block_id)
        if block is None:
            raise Http404
        result = knowledge_checks.check(block, request.POST.get("option"))
        if request.headers.get("Accept", "").startswith("application/json"):
            if result is None:
                return JsonResponse({"error": str(_("Elige una opción."))}, status=400)
            return JsonResponse(result.as_json())
        return self.render(
            request,
            context_overrides={"check_result": result, "checked_block_id": block_id},
            status=200 if result is not None else 400,
        )

    @path("completar/", name="complete")
    def complete(self, request):
        if response := self._require_access(request):
            return response
        if request.method != "POST":
            return redirect(self.url)
        from . import services

        services.lesson_complete(user=request.user, lesson=self)
        target = request.POST.get("next")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            return redirect(target)
        return redirect(self.url)

    def serve_preview(self, request, mode_name):
        # Previews render the page only: no visit is recorded.
        return self.render(request)

    def render(self, request, *args, template=None, context_overrides=None, **kwargs):
        status = kwargs.pop("status", 200)
        response = super().render(
            request, *args, template=template, context_overrides=context_overrides
        )
        response.status_code = status
        return response

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.lesson_detail(lesson=self, user=request.user, request=request)
        )
        return context


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_lesson = models.ForeignKey(
        LessonPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="enrolment_unique_user_course"
            )
        ]
        verbose_name = _("inscripción")
        verbose_name_plural = _("inscripciones")

    def __str__(self):
        return f"{self.user} → {self.course}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="completion_unique_user_lesson"
            )
        ]
        verbose_name = _("lección completada")
        verbose_name_plural = _("lecciones completadas")

    def __str__(self):
        return f"{self.user} ✓ {self.lesson}"


class ContentSource(models.Model):
    """Which data file a page was loaded from, and the revision the loader wrote.

    A page whose latest revision is not the loader's was edited by a person since,
    so the loader leaves it alone.
    """

    # Kept when the page is deleted, so a later load does not bring it back.
    page = models.OneToOneField(
        Page, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    key = models.CharField(max_length=255, unique=True)
    content_hash = models.CharField(max_length=64)
    revision_id = models.PositiveBigIntegerField(null=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("origen del contenido")
        verbose_name_plural = _("orígenes del contenido")

    def __str__(self):
        return self.key


class TrainerModuleAccess(models.Model):
    """Someone outside Instructores and HR who may read the modules for trainers:
    a candidate multiplicador, opened by a lead trainer (rollout). Reading only:
    it grants no authoring rights."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="trainer_module_access",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acceso al módulo para formadores")
        verbose_name_plural = _("accesos al módulo para formadores")

    def __str__(self):
        return str(self.user)


class PrivateDocument(AbstractDocument):
    """Wagtail's document with its file in the private storage: a lesson may link
    it, but only signed-in users get it (``wagtail_hooks``), through Wagtail's
    serve view; no /media/ URL ever reaches it."""

    file = models.FileField(
        upload_to="documents", storage=private_storage, verbose_name=_("archivo")
    )

    admin_form_fields = WagtailDocument.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")


class ContentVersion(models.Model):
    """One row whose random token is replaced whenever content that every learner
    sees alike changes: a page saved (publishing, unpublishing and moving all
    save it) or deleted, an image or a document saved, the standard's texts
    edited (courses.content_cache connects the receivers).

    The caches of rendered lesson bodies and course outlines key on the token,
    and every request reads it from the database with the page, so every process
    sees a change at once whatever the cache backend (a per-process memory cache
    included). A random token, never a counter: after a rolled-back transaction
    or a database restore the token in force is again one that was written
    together with the content it stands for."""

    SINGLETON = 1

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("versión del contenido")
        verbose_name_plural = _("versiones del contenido")

    def __str__(self):
        return self.token
