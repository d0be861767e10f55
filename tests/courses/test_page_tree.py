"""Where each page type of the course tree may be created."""

import pytest
from wagtail.models import Page

from courses.models import CoursePage, HomePage, LessonPage, ModulePage
from tests.factories import build_course, home_page

pytestmark = pytest.mark.django_db

COURSE_TYPES = [HomePage, CoursePage, ModulePage, LessonPage]

# (parent type, child type) pairs that are allowed; every other pair is refused.
ALLOWED = {
    (Page, HomePage),
    (HomePage, CoursePage),
    (CoursePage, ModulePage),
    (ModulePage, LessonPage),
}


@pytest.mark.parametrize("parent", [Page, *COURSE_TYPES], ids=lambda m: m.__name__)
@pytest.mark.parametrize("child", COURSE_TYPES, ids=lambda m: m.__name__)
def test_allowed_subpage_types(parent, child):
    """Each course page type may only be added under the one type above it."""
    allowed = child in parent.allowed_subpage_models()
    assert allowed == ((parent, child) in ALLOWED)
    assert (parent in child.allowed_parent_page_models()) == (
        (parent, child) in ALLOWED
    )


def test_subpage_and_parent_types_are_exact():
    """Each type lists exactly the expected children and parents. (A course may
    also hold pages of other apps, e.g. assessments; of the course tree's own
    types only modules.)"""
    assert HomePage.allowed_subpage_models() == [CoursePage]
    assert [
        model
        for model in CoursePage.allowed_subpage_models()
        if model._meta.app_label in ("courses", "wagtailcore")
    ] == [ModulePage]
    assert ModulePage.allowed_subpage_models() == [LessonPage]
    assert LessonPage.allowed_subpage_models() == []
    assert HomePage.allowed_parent_page_models() == [Page]
    assert CoursePage.allowed_parent_page_models() == [HomePage]
    assert ModulePage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]


def test_home_page_only_at_root_and_at_most_one():
    """The home page may only sit under the root, and a second one is refused."""
    root = Page.get_first_root_node()
    home = home_page()
    assert home.get_parent().pk == root.pk
    assert HomePage.max_count == 1
    # The migration already created the one home page: no room for another.
    assert not HomePage.can_create_at(root)
    assert not HomePage.can_create_at(home)


def test_can_create_at_real_pages():
    """On real pages of a course tree, only the next level down may be created, and
    nothing under a lesson."""
    course, modules, lessons = build_course(lessons_per_module=[1])
    home, module, lesson = home_page(), modules[0], lessons[0]
    root = Page.get_first_root_node()

    assert CoursePage.can_create_at(home)
    assert not CoursePage.can_create_at(root)
    assert not CoursePage.can_create_at(course)
    assert not CoursePage.can_create_at(module)

    assert ModulePage.can_create_at(course)
    assert not ModulePage.can_create_at(home)
    assert not ModulePage.can_create_at(module)

    assert LessonPage.can_create_at(module)
    assert not LessonPage.can_create_at(course)
    assert not LessonPage.can_create_at(home)
    assert not LessonPage.can_create_at(lesson)

    for page_type in COURSE_TYPES:
        assert not page_type.can_create_at(lesson), page_type
