"""factory_boy factories shared by the test suite.

Wagtail pages cannot be saved on their own: they must be added under a parent in
the tree. The page factories therefore take a ``parent`` and add the page with
``parent.add_child`` (and publish a revision, as an editor would).
"""

import io

import factory
from django.contrib.auth.models import Group, User
from django.core.files.images import ImageFile
from django.utils.text import slugify
from wagtail.images.models import Image

from accounts import roles
from assessments.models import AssessmentPage, BlueprintRow, Question
from assessments.question_services import content_from_data
from assessments.question_types import registry
from courses.models import CoursePage, HomePage, LessonPage, ModulePage
from portal.demo import learner_lessons
from standards.models import Criterion, Element, Standard

# ---------------------------------------------------------------- users


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a usable password (``password``); ``groups`` takes group names."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"persona{n}")
    first_name = "Persona"
    last_name = factory.Sequence(lambda n: f"Prueba {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("password")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for name in extracted:
            self.groups.add(Group.objects.get(name=name))


class LearnerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"aprendiz{n}")
    groups = factory.PostGeneration(
        lambda user, create, extracted, **kw: (
            create and user.groups.add(Group.objects.get(name=roles.LEARNERS))
        )
    )


class TrainerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"instructor{n}")
    groups = factory.PostGeneration(
        lambda user, create, extracted, **kw: (
            create and user.groups.add(Group.objects.get(name=roles.TRAINERS))
        )
    )


class HRFactory(UserFactory):
    username = factory.Sequence(lambda n: f"rh{n}")
    groups = factory.PostGeneration(
        lambda user, create, extracted, **kw: (
            create and user.groups.add(Group.objects.get(name=roles.HR))
        )
    )


# ---------------------------------------------------------------- pages


def home_page() -> HomePage:
    """The one home page (created by the migrations, with its Site)."""
    return HomePage.objects.get()


class _PageFactory(factory.django.DjangoModelFactory):
    """Adds the page under ``parent`` and publishes a first revision."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Página {n}")
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.title)}-{n}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, publish=True, **kwargs):
        if parent is None:
            raise TypeError(f"{cls.__name__} needs parent=<page>")
        criteria = kwargs.pop("criteria", None)
        page = model_class(*args, **kwargs)
        if criteria is not None:
            page.criteria = list(criteria)
        parent.add_child(instance=page)
        if publish:
            page.save_revision().publish()
        else:
            page.live = False
            page.save(update_fields=["live"])
            page.save_revision()
        return page


class CoursePageFactory(_PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Curso de prueba {n}")
    overview = "<p>Un curso para las pruebas.</p>"
    objectives = "<ul><li>Aprender.</li></ul>"


class ModulePageFactory(_PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Módulo de prueba {n}")
    intro = "<p>Introducción del módulo.</p>"
    audience = ModulePage.Audience.LEARNERS


def knowledge_check_value(correct: int = 1) -> dict:
    """Raw value of a knowledge check with three options; ``correct`` is its index."""
    return {
        "question": "¿Cómo se saluda a las 16:00?",
        "options": [
            {
                "type": "item",
                "id": f"00000000-0000-4000-8000-{index:012d}",
                "value": {
                    "text": text,
                    "correct": index == correct,
                    "feedback": feedback,
                },
            }
            for index, (text, feedback) in enumerate(
                [
                    ("Buenos días", "A las 16:00 ya es de tarde."),
                    ("Buenas tardes", "Así se saluda por la tarde."),
                    ("Buenas noches", "Todavía no anochece."),
                ]
            )
        ],
    }


def lesson_body(words: str = "") -> list[dict]:
    """A short lesson body: heading, paragraph and a knowledge check."""
    return [
        {"type": "heading", "value": {"text": "Saludo", "level": "h2"}},
        {"type": "paragraph", "value": f"<p>El saludo marca el tono. {words}</p>"},
        {
            "type": "knowledge_check",
            "value": knowledge_check_value(),
            "id": "00000000-0000-4000-8000-00000000c0de",
        },
    ]


class LessonPageFactory(_PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lección de prueba {n}")
    summary = "Resumen de la lección."
    minutes = 5
    body = factory.LazyFunction(lesson_body)


# ---------------------------------------------------------------- trees


def build_course(
    *,
    lessons_per_module: list[int],
    trainer_lessons: int = 0,
    home: HomePage | None = None,
    criteria=(),
    **course_fields,
):
    """A published course under the home page.

    ``lessons_per_module`` gives one learner module per entry with that many
    lessons; ``trainer_lessons`` > 0 adds a final module for trainers. Every lesson
    is tagged with ``criteria``. Returns (course, modules, lessons) with lessons in
    tree order.
    """
    course = CoursePageFactory(parent=home or home_page(), **course_fields)
    modules, lessons = [], []
    plan = [(count, ModulePage.Audience.LEARNERS) for count in lessons_per_module]
    if trainer_lessons:
        plan.append((trainer_lessons, ModulePage.Audience.TRAINERS))
    for count, audience in plan:
        module = ModulePageFactory(parent=course, audience=audience)
        modules.append(module)
        for _ in range(count):
            lessons.append(LessonPageFactory(parent=module, criteria=criteria))
    return course, modules, lessons


# ---------------------------------------------------------------- images


def png_bytes(size=(4, 3), colour=(200, 30, 30)) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


class ImageFactory(factory.django.DjangoModelFactory):
    """A Wagtail image made from a tiny PNG."""

    class Meta:
        model = Image

    title = factory.Sequence(lambda n: f"Imagen {n}")
    file = factory.LazyFunction(
        lambda: ImageFile(io.BytesIO(png_bytes()), name="prueba.png")
    )


# ---------------------------------------------------------------- assessments

# The built-in types; a type registered later is not drawn into these tests.
QUESTION_TYPES = tuple(qtype.name for qtype in registry.all())


def question_data(kind: str = "single", *, right: int = 0) -> dict:
    """A valid question-bank entry of ``kind`` (assessments/content/README.md),
    without code and criterion. ``right`` is the index of the correct option of a
    single-choice question and of the full-credit option of a situational one."""
    try:
        qtype = registry.get(kind)
    except KeyError:
        raise ValueError(f"unknown question type {kind!r}") from None
    return qtype.example_data(right=right)


def answer_for(payload: dict, *, right: bool = True):
    """A raw answer to a question version's ``payload`` that scores 1 (``right``)
    or 0 (every choice, pair or place wrong)."""
    return registry.get(payload["type"]).example_answer(payload, right=right)


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard

    code = factory.Sequence(lambda n: f"PRUEBA{n:04d}")
    title = factory.Sequence(lambda n: f"Estándar de prueba {n}")


class ElementFactory(factory.django.DjangoModelFactory):
    """An element with a code of its own (never the seeded E1, E2, E3)."""

    class Meta:
        model = Element

    standard = factory.SubFactory(StandardFactory)
    code = factory.Sequence(lambda n: f"PE{n}")
    title = factory.Sequence(lambda n: f"Elemento de prueba {n}")
    order = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    """A knowledge criterion of ``element``."""

    class Meta:
        model = Criterion

    element = factory.SubFactory(ElementFactory)
    standard = factory.SelfAttribute("element.standard")
    code = factory.Sequence(lambda n: f"PK{n}")
    kind = Criterion.Kind.KNOWLEDGE
    knowledge_level = Criterion.KnowledgeLevel.COMPREHENSION
    text = factory.Sequence(lambda n: f"Criterio de prueba {n}")
    order = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A valid question of ``kind`` (see question_data); ``data`` replaces the whole
    bank entry. Item ids derive from the code, as in the bank loader."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    class Params:
        kind = "single"
        right = 0
        data = factory.LazyAttribute(lambda o: question_data(o.kind, right=o.right))

    code = factory.Sequence(lambda n: f"PQ-{n:05d}")
    criterion = factory.SubFactory(CriterionFactory)
    stem = factory.Sequence(lambda n: f"Pregunta de prueba {n}")
    feedback = "Retroalimentación general."
    content = factory.LazyAttribute(
        lambda o: content_from_data({**o.data, "code": o.code})
    )


class AssessmentPageFactory(_PageFactory):
    """An assessment under ``parent`` (a course page). ``blueprint`` takes rows as
    dicts of BlueprintRow fields: element, count, threshold_percent, criterion."""

    class Meta:
        model = AssessmentPage

    title = factory.Sequence(lambda n: f"Evaluación de prueba {n}")
    time_limit_minutes = 30
    attempts_allowed = 3
    wait_hours = 0
    grace_seconds = 30

    @classmethod
    def _create(cls, model_class, *args, blueprint=(), **kwargs):
        kwargs["blueprint_rows"] = [BlueprintRow(**row) for row in blueprint]
        return super()._create(model_class, *args, **kwargs)


def build_assessment(
    *,
    questions=(4,),
    draw=None,
    kinds=("single",),
    threshold_percent: int = 80,
    parent=None,
    **page_fields,
):
    """An assessment over a fresh standard: one element (with one criterion) per
    entry of ``questions``, holding that many questions whose types cycle through
    ``kinds``, and one blueprint row per element drawing ``draw[i]`` of them (all,
    by default). Returns (assessment, elements, questions per element)."""
    standard = StandardFactory()
    elements, bank = [], []
    for order, count in enumerate(questions, start=1):
        element = ElementFactory(standard=standard, order=order)
        criterion = CriterionFactory(element=element)
        elements.append(element)
        bank.append(
            [
                QuestionFactory(criterion=criterion, kind=kinds[n % len(kinds)])
                for n in range(count)
            ]
        )
    draw = questions if draw is None else draw
    assessment = AssessmentPageFactory(
        parent=parent or CoursePageFactory(parent=home_page()),
        blueprint=[
            {"element": e, "count": n, "threshold_percent": threshold_percent}
            for e, n in zip(elements, draw, strict=True)
        ],
        **page_fields,
    )
    return assessment, elements, bank


# ---------------------------------------------------------------- certificates (HR)


class CertificationSetup:
    """A small final assessment (two elements of a fresh standard, in a fresh
    course) to issue certificates against without answering questions."""

    def __init__(self, *, course_title: str | None = None, **page_fields):
        from assessments.models import AssessmentPage as _AssessmentPage

        course_fields = {"title": course_title} if course_title else {}
        self.course = CoursePageFactory(parent=home_page(), **course_fields)
        page_fields.setdefault("mode", _AssessmentPage.Mode.FINAL)
        self.assessment, self.elements, _bank = build_assessment(
            questions=(1, 1), parent=self.course, **page_fields
        )
        self.standard = self.elements[0].standard


def competent_attempt(*, learner, setup: CertificationSetup, submitted_at=None):
    """A submitted, competent attempt at ``setup``'s assessment with a passed
    result in each element (no responses: enough to earn a certificate)."""
    from datetime import timedelta
    from fractions import Fraction

    from django.utils import timezone

    from assessments.models import Attempt, ElementResult

    submitted_at = submitted_at or timezone.now()
    number = (
        Attempt.objects.filter(learner=learner, assessment=setup.assessment).count() + 1
    )
    attempt = Attempt.objects.create(
        learner=learner,
        assessment=setup.assessment,
        number=number,
        status=Attempt.Status.SUBMITTED,
        started_at=submitted_at - timedelta(minutes=20),
        submitted_at=submitted_at,
        competent=True,
        score=Fraction(9, 10),
    )
    ElementResult.objects.bulk_create(
        ElementResult(
            attempt=attempt,
            element=element,
            earned=Fraction(9),
            possible=Fraction(10),
            threshold=Fraction(4, 5),
            passed=True,
        )
        for element in setup.elements
    )
    return attempt


def issue_certificate(
    setup: CertificationSetup, *, learner=None, now=None, **learner_fields
):
    """A certificate issued by the real service (serial, code, snapshot, rendered
    and stored PDF) to ``learner`` (a new learner by default) on ``now``."""
    learner = learner or LearnerFactory(**learner_fields)
    attempt = competent_attempt(learner=learner, setup=setup, submitted_at=now)
    return certificate_issue_for_attempt(attempt=attempt, now=now)


def evaluation_instruments(standard):
    """A guía de observación (the standard's performance criteria and attitudes)
    and a lista de cotejo (its products), made once per standard."""
    from evaluation.models import Instrument, InstrumentItem
    from standards.models import Criterion

    instruments = []
    for kind, criterion_kinds in (
        (Instrument.Kind.OBSERVATION, ("performance", "attitude")),
        (Instrument.Kind.CHECKLIST, ("product",)),
    ):
        instrument, created = Instrument.objects.get_or_create(
            code=f"{standard.code}-TEST-{kind}",
            defaults={"standard": standard, "kind": kind, "title": f"{kind} test"},
        )
        if created:
            criteria = Criterion.objects.filter(
                standard=standard, kind__in=criterion_kinds
            ).order_by("order", "code")
            for order, criterion in enumerate(criteria):
                InstrumentItem.objects.create(
                    instrument=instrument,
                    criterion=criterion,
                    text=f"Cumple {criterion.code}",
                    critical=order == 0,
                    sort_order=order,
                )
        instruments.append(instrument)
    return instruments


def lead_evaluator(standard):
    """A user designated lead evaluator of the standard (the first wave)."""
    from evaluation.services import lead_evaluator_designate

    evaluator = UserFactory(first_name="Eva", last_name="Luadora")
    admin = UserFactory(is_superuser=True, is_staff=True)
    lead_evaluator_designate(user=evaluator, standard=standard, by=admin)
    return evaluator


def evaluate(*, attempt, now=None, outcome="met", evaluator=None):
    """The whole competence evaluation through the real services: a plan with
    the standard's instruments, every item answered ``outcome``, both records
    signed by evaluator and candidate, and the evaluator's judgement on them
    with ``attempt`` as the questionnaire. Returns the judgement."""
    from evaluation import services

    candidate = attempt.learner
    standard = attempt.element_results.select_related("element__standard").first()
    standard = standard.element.standard
    evaluator = evaluator or lead_evaluator(standard)
    plan = services.plan_create(
        candidate=candidate,
        evaluator=evaluator,
        standard=standard,
        scheduled_at=now or attempt.submitted_at,
        instruments=evaluation_instruments(standard),
        by=evaluator,
    )
    for instrument in plan.instruments.all():
        record = services.observation_start(
            plan=plan, instrument=instrument, by=evaluator, now=now
        )
        for item in record.version.items:
            services.observation_save(
                observation=record,
                item=item["id"],
                outcome=outcome,
                reason="No se presentó el caso." if outcome == "na" else "",
                by=evaluator,
                now=now,
            )
        for signer, person in (("evaluator", evaluator), ("candidate", candidate)):
            services.observation_sign(
                observation=record,
                signer=signer,
                typed_name=person.get_username(),
                ip="127.0.0.1",
                by=person,
                now=now,
            )
    return services.judgement_issue(
        plan=plan, by=evaluator, feedback="Buen trabajo.", now=now, attempt=attempt
    )


def certificate_issue_for_attempt(*, attempt, now=None):
    """Evaluate the candidate whose final questionnaire is ``attempt`` and return
    the certificate the judgement earned (or the current one it did not renew);
    the PDF is rendered here by the on-commit callbacks, as a real commit would
    (tests run inside a transaction). Raises CertificateNotIssuable when the
    judgement is not competent."""
    from django.test import TestCase

    from certificates.services import certificate_issue_for_judgement

    with TestCase.captureOnCommitCallbacks(execute=True):
        judgement = evaluate(attempt=attempt, now=now)
        certificate = certificate_issue_for_judgement(judgement=judgement, now=now)
    certificate.refresh_from_db()
    return certificate


def delete_all_certificates() -> None:
    """Remove every certificate and bulk job (e.g. the demo learner's, when the
    session loaded the demo data), for tests that count certificates: newest
    links of re-issue chains first. Certificates are never deleted by the
    application (accounts.audit.Undeletable refuses it), so this test
    helper deletes the rows with SQL, past the model's signals."""
    from certificates.models import BulkDownload, Certificate

    BulkDownload.objects.all().delete()
    while Certificate.objects.exists():
        newest = Certificate.objects.filter(replaced_by__isnull=True)
        newest._raw_delete(newest.db)


# ---------------------------------------------------------------- rollout dashboards


def graded_final(*, learner, assessment, right_elements=None, now=None):
    """A final questionnaire taken through the real services: started, every
    question answered (right for the elements whose codes are in
    ``right_elements``, all of them by default; wrong for the others), submitted
    and graded."""
    from assessments.attempt_services import attempt_save_answer, attempt_start
    from assessments.submission import attempt_submit

    attempt = attempt_start(learner=learner, assessment=assessment, now=now)
    for response in attempt.responses.select_related(
        "version__criterion__element"
    ).order_by("position"):
        code = response.version.criterion.element.code
        right = right_elements is None or code in right_elements
        attempt_save_answer(
            attempt=attempt,
            position=response.position,
            raw_answer=answer_for(response.version.payload, right=right),
            now=now,
        )
    return attempt_submit(attempt=attempt, now=now)


# ---------------------------------------------------------------- trainer qualification
# (multiplicadores and the cascade: rollout.qualification)


def delivery_instrument(standard):
    """A lista de impartición of ``standard`` with one item per part; the
    evaluar item is not required."""
    from evaluation.models import Instrument, InstrumentItem

    instrument, created = Instrument.objects.get_or_create(
        code=f"{standard.code}-TEST-IMP",
        defaults={
            "standard": standard,
            "kind": Instrument.Kind.DELIVERY,
            "title": "Lista de impartición de prueba",
        },
    )
    if created:
        for order, (part, critical) in enumerate(
            (("preparar", True), ("conducir", True), ("evaluar", False))
        ):
            InstrumentItem.objects.create(
                instrument=instrument,
                part=part,
                text=f"Reactivo para {part}",
                critical=critical,
                sort_order=order,
            )
    return instrument


def complete_lessons(user, lessons) -> None:
    from courses.models import LessonCompletion

    for lesson in lessons:
        LessonCompletion.objects.get_or_create(user=user, lesson=lesson)


def meet_completion_rule(user, assessment) -> None:
    """Complete every learner lesson of the assessment's course when its
    completion rule asks for lessons (the seeded final asks for all of them), so
    that ``user`` may start it."""
    if assessment.completion_rule == AssessmentPage.CompletionRule.NONE:
        return
    course = CoursePage.objects.parent_of(assessment).first()
    complete_lessons(user, learner_lessons(course))


def learner_ready_for(assessment):
    """A new learner who meets the assessment's completion rule."""
    user = LearnerFactory()
    meet_completion_rule(user, assessment)
    return user


def delivery_sign_off(*, candidate, by, met=True, observed_on=None, **fields):
    """A sign-off through the real service on the current version of the
    active lista de impartición, every item ``met`` (or only the required ones
    when ``met`` is "required")."""
    from datetime import date

    from rollout import qualification_services

    version = qualification_services.current_version()
    marks = {
        item["id"]: (item["critical"] if met == "required" else bool(met))
        for item in version.items
    }
    return qualification_services.signoff_record(
        candidate=candidate,
        by=by,
        version=version,
        marks=marks,
        comment=fields.pop("comment", "Buena sesión."),
        observed_on=observed_on or date.today(),
        **fields,
    )
