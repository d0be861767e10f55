"""The YAML course loader: idempotent, respectful of people's edits, all-or-nothing,
and the shipped EC0305 course is complete."""

import shutil

import pytest
from django.contrib.auth.models import User
from wagtail.models import Page, Revision

from courses import content_loader
from courses.content_loader import CONTENT_DIR, ContentError
from courses.models import ContentSource, CoursePage, LessonPage, ModulePage
from portal.content import course_load as load_course
from standards.models import Criterion

pytestmark = pytest.mark.django_db

COURSE_KEY = "ec0305-atencion-a-clientes"
FIRST_MODULE = "01_e1-atender-requerimientos.yaml"
LESSON_KEY = f"{COURSE_KEY}/e1-atender-requerimientos/habilitar-area-de-servicio"
LESSON_TITLE = "Habilitar el área de servicio"


@pytest.fixture
def home(initial_data):
    return content_loader.home_page()


@pytest.fixture
def course_dir(tmp_path):
    """A private copy of the course data that a test may change."""
    target = tmp_path / "ec0305"
    shutil.copytree(CONTENT_DIR / "ec0305", target)
    return target


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "sources": ContentSource.objects.count(),
        "lessons": LessonPage.objects.count(),
        "titles": dict(Page.objects.values_list("pk", "title")),
        "latest": dict(Page.objects.values_list("pk", "latest_revision_id")),
    }


def lesson_page() -> LessonPage:
    return ContentSource.objects.get(key=LESSON_KEY).page.specific


# ---------------------------------------------------------------- idempotence


def test_loading_again_creates_nothing_new(home):
    """Loading the same data again (twice) creates no page, revision or record."""
    before = snapshot()

    first = load_course(CONTENT_DIR / "ec0305", home=home)
    second = load_course(CONTENT_DIR / "ec0305", home=home)

    assert snapshot() == before
    for report in (first, second):
        assert report.counts["created"] == 0
        assert report.counts["updated"] == 0
        assert report.counts["unchanged"] == before["sources"]
        assert report.kept == []


def test_changed_data_updates_an_unedited_page(home, course_dir):
    """A lesson whose data changed, and that nobody edited, gets the new data in a
    new published revision; nothing else changes."""
    replace_in(
        course_dir / FIRST_MODULE,
        f'title: "{LESSON_TITLE}"',
        'title: "Preparar el área de servicio"',
    )
    before = snapshot()
    lesson = lesson_page()

    report = load_course(course_dir, home=home)

    assert report.counts["updated"] == 1
    assert report.counts["created"] == 0
    assert report.kept == []
    lesson.refresh_from_db()
    assert lesson.title == "Preparar el área de servicio"
    assert lesson.live and not lesson.has_unpublished_changes
    source = ContentSource.objects.get(key=LESSON_KEY)
    assert source.revision_id == lesson.latest_revision_id
    assert lesson.latest_revision_id != before["latest"][lesson.pk]
    assert Revision.objects.count() == before["revisions"] + 1
    after = snapshot()
    assert after["pages"] == before["pages"]
    changed = {
        pk for pk, title in after["titles"].items() if before["titles"][pk] != title
    }
    assert changed == {lesson.pk}

    # And loading the changed data once more is a no-op.
    again = load_course(course_dir, home=home)
    assert again.counts["updated"] == 0
    assert snapshot() == after


def test_a_page_edited_by_a_person_is_kept(home, course_dir):
    """Once a trainer saved a revision of a page, the loader leaves it alone, even
    when its data changes, and reports it as kept."""
    trainer = User.objects.get(username="instructor")
    lesson = lesson_page()
    lesson.title = "Título del instructor"
    lesson.save_revision(user=trainer).publish(user=trainer)
    replace_in(
        course_dir / FIRST_MODULE,
        f'title: "{LESSON_TITLE}"',
        'title: "Título de los datos"',
    )
    before = snapshot()

    report = load_course(course_dir, home=home)

    assert report.kept == [LESSON_KEY]
    assert report.counts["updated"] == 0
    lesson.refresh_from_db()
    assert lesson.title == "Título del instructor"
    assert snapshot() == before


def test_a_draft_by_a_person_is_kept_too(home, course_dir):
    """An unpublished draft saved by a person also protects the page."""
    trainer = User.objects.get(username="instructor")
    lesson = lesson_page()
    lesson.title = "Borrador del instructor"
    draft = lesson.save_revision(user=trainer)
    replace_in(
        course_dir / FIRST_MODULE,
        f'title: "{LESSON_TITLE}"',
        'title: "Título de los datos"',
    )

    report = load_course(course_dir, home=home)

    assert report.kept == [LESSON_KEY]
    lesson.refresh_from_db()
    assert lesson.latest_revision_id == draft.pk
    assert lesson.title == LESSON_TITLE  # the live page is untouched too


def test_a_deleted_page_is_not_recreated(home):
    """A lesson a person deleted stays deleted, and is reported as kept."""
    lesson = lesson_page()
    module = lesson.get_parent()
    lesson.delete()
    before = snapshot()

    report = load_course(CONTENT_DIR / "ec0305", home=home)

    assert LESSON_KEY in report.kept
    assert report.counts["created"] == 0
    assert not module.get_children().filter(slug="habilitar-area-de-servicio").exists()
    assert snapshot() == before
    assert ContentSource.objects.get(key=LESSON_KEY).page_id is None


def test_a_page_made_by_a_person_with_the_same_slug_is_not_overwritten(home):
    """When a page with the data's slug exists but the loader never made it, it is
    the person's: kept, not replaced."""
    ContentSource.objects.filter(key=LESSON_KEY).delete()
    lesson = LessonPage.objects.get(slug="habilitar-area-de-servicio")
    latest = lesson.latest_revision_id

    report = load_course(CONTENT_DIR / "ec0305", home=home)

    assert report.kept == [LESSON_KEY]
    lesson.refresh_from_db()
    assert lesson.latest_revision_id == latest
    assert LessonPage.objects.filter(slug="habilitar-area-de-servicio").count() == 1


# ---------------------------------------------------------------- invalid data


def _break_late_file_and_change_early_one(course_dir, breakage):
    # An early, valid change that must be rolled back with the rest.
    replace_in(
        course_dir / FIRST_MODULE,
        f'title: "{LESSON_TITLE}"',
        'title: "No debe quedar"',
    )
    breakage(course_dir / "07_casos-protocolos-de-atencion.yaml")


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(
            lambda path: path.write_text(
                path.read_text(encoding="utf-8") + "\n  - [sin cerrar: {\n",
                encoding="utf-8",
            ),
            id="invalid-yaml",
        ),
        pytest.param(
            lambda path: replace_in(path, "criteria: [", "criteria: [ZZ-99, "),
            id="unknown-criterion",
        ),
        pytest.param(
            lambda path: replace_in(path, "type: heading", "type: carrusel"),
            id="unknown-block",
        ),
        pytest.param(
            lambda path: replace_in(path, "correct: true", "correct: false"),
            id="check-without-right-option",
        ),
        pytest.param(
            lambda path: replace_in(path, "  - slug: ", "  - sin_slug: "),
            id="lesson-without-slug",
        ),
    ],
)
def test_invalid_data_raises_content_error_and_changes_nothing(
    home, course_dir, breakage
):
    """Invalid data anywhere raises ContentError, and nothing loaded before the
    error is kept."""
    _break_late_file_and_change_early_one(course_dir, breakage)
    before = snapshot()

    with pytest.raises(ContentError):
        load_course(course_dir, home=home)

    assert snapshot() == before
    assert lesson_page().title == LESSON_TITLE


def test_unknown_criterion_names_the_code(home, course_dir):
    """The error message says which criterion code is unknown."""
    replace_in(course_dir / FIRST_MODULE, "criteria: [E1-D1", "criteria: [ZZ-99, E1-D1")
    with pytest.raises(ContentError, match="ZZ-99"):
        load_course(course_dir, home=home)


def test_command_reports_invalid_content_cleanly(home, monkeypatch, course_dir):
    """load_initial_data turns a ContentError into a CommandError."""
    from django.core.management import CommandError, call_command

    (course_dir / FIRST_MODULE).write_text("lessons: [\n", encoding="utf-8")
    monkeypatch.setattr(content_loader, "CONTENT_DIR", course_dir.parent)
    with pytest.raises(CommandError, match="invalid"):
        call_command("load_initial_data", verbosity=0)


# ---------------------------------------------------------------- the shipped course


def learner_lessons():
    trainer_paths = ModulePage.objects.filter(
        audience=ModulePage.Audience.TRAINERS
    ).values_list("path", flat=True)
    lessons = LessonPage.objects.live().descendant_of(
        CoursePage.objects.get(slug=COURSE_KEY)
    )
    for path in trainer_paths:
        lessons = lessons.exclude(path__startswith=path)
    return lessons


def test_course_has_at_least_24_lessons(initial_data):
    """The course teaches at least 24 lessons to learners."""
    assert learner_lessons().count() >= 24


def test_every_ec0305_criterion_is_taught_by_a_learner_lesson(initial_data):
    """Each of the 36 criteria of EC0305 (performances, product, knowledge and the
    attitudes A1-A7) is tagged on at least one live lesson for learners."""
    codes = set(
        Criterion.objects.filter(standard__code="EC0305").values_list("code", flat=True)
    )
    assert len(codes) == 36
    assert {f"A{n}" for n in range(1, 8)} <= codes
    taught = set(
        Criterion.objects.filter(lessons__in=learner_lessons()).values_list(
            "code", flat=True
        )
    )
    assert codes - taught == set()


def test_most_lessons_end_with_a_knowledge_check(initial_data):
    """At least three lessons in four end with a knowledge check."""
    lessons = list(
        LessonPage.objects.live().descendant_of(CoursePage.objects.get(slug=COURSE_KEY))
    )
    ending = [
        lesson
        for lesson in lessons
        if len(lesson.body) and lesson.body[-1].block_type == "knowledge_check"
    ]
    assert len(ending) * 4 >= len(lessons) * 3, f"{len(ending)}/{len(lessons)}"


def test_every_loaded_body_is_valid_and_complete(initial_data):
    """Every lesson body validates as its editor would (required fields filled in,
    one right option per check), so a trainer can save it unchanged; list items
    keep their values."""
    for lesson in LessonPage.objects.all():
        body = lesson.body
        body.stream_block.clean(body)  # raises on any missing required value
        for block in body:
            if block.block_type == "knowledge_check":
                options = block.value["options"]
                assert all(o["text"] and o["feedback"] for o in options), lesson
                assert sum(bool(o["correct"]) for o in options) == 1, lesson
            if block.block_type == "step_flow":
                assert all(step["text"] for step in block.value["steps"]), lesson


def test_list_items_render_their_text(initial_data, client):
    """The options of a loaded knowledge check and the steps of a loaded step flow
    show their own text on the lesson page."""
    client.force_login(User.objects.get(username="aprendiz"))
    html = client.get(lesson_page().url).content.decode()
    assert "Despeja el mostrador o escritorio." in html
    assert "Reportar la falla, usar el medio alterno autorizado" in html
    assert ">None<" not in html
