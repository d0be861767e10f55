"""Site search over lessons (Wagtail's database search backend).

The test settings run tasks immediately, so a page is indexed when it is saved and
published: no update_index is needed (test_published_lesson_is_indexed_on_save
checks exactly that)."""

import pytest
from wagtail.models import Page

from courses.models import LessonPage
from courses.views import SEARCH_PAGE_SIZE
from tests.factories import (
    HRFactory,
    LearnerFactory,
    LessonPageFactory,
    TrainerFactory,
    build_course,
    lesson_body,
)

pytestmark = pytest.mark.django_db

BODY_WORD = "zarzaparrilla"
TITLE_WORD = "Ornitorrinco"


@pytest.fixture(scope="module")
def tree(module_db):
    """A course with a lesson holding a rare word in its body, one with a rare word
    in its title, a draft with both words, a trainer lesson with the body word, and
    a dozen lessons sharing a common word (for pagination)."""
    course, modules, _ = build_course(lessons_per_module=[0], trainer_lessons=0)
    module = modules[0]
    by_body = LessonPageFactory(
        parent=module, title="Bebidas tradicionales", body=lesson_body(BODY_WORD)
    )
    by_title = LessonPageFactory(parent=module, title=f"El {TITLE_WORD} cordial")
    draft = LessonPageFactory(
        parent=module,
        title=f"Borrador {TITLE_WORD}",
        body=lesson_body(BODY_WORD),
        publish=False,
    )
    _, trainer_modules, trainer_lessons = build_course(
        lessons_per_module=[], trainer_lessons=1
    )
    trainer_lesson = trainer_lessons[0]
    trainer_lesson.title = "Guía para formadores"
    trainer_lesson.body = lesson_body(BODY_WORD)
    trainer_lesson.save_revision().publish()
    many = [
        LessonPageFactory(parent=module, title=f"Tlacuache número {n}")
        for n in range(SEARCH_PAGE_SIZE + 2)
    ]
    return {
        "by_body": by_body,
        "by_title": by_title,
        "draft": draft,
        "trainer_lesson": trainer_lesson,
        "many": many,
    }


def search(client, **params):
    response = client.get("/buscar/", params)
    assert response.status_code == 200
    return response


def found(response) -> set[int]:
    return {page.pk for page in response.context["results"]}


def test_published_lesson_is_indexed_on_save(tree):
    """Saving and publishing a lesson indexes it right away (immediate tasks)."""
    results = LessonPage.objects.live().search(BODY_WORD)
    assert tree["by_body"].pk in {page.pk for page in results}


def test_finds_a_lesson_by_a_word_of_its_body(client, tree):
    """A word that appears only in a lesson's body finds that lesson."""
    client.force_login(LearnerFactory())
    response = search(client, q=BODY_WORD)
    assert found(response) == {tree["by_body"].pk}
    html = response.content.decode()
    assert tree["by_body"].title in html
    assert f'href="{tree["by_body"].url}"' in html


def test_finds_a_lesson_by_a_word_of_its_title(client, tree):
    """A word of a lesson's title finds it, whatever its case."""
    for query in (TITLE_WORD, TITLE_WORD.lower(), TITLE_WORD.upper()):
        assert tree["by_title"].pk in found(search(client, q=query)), query


def test_drafts_are_not_found(client, tree):
    """Unpublished lessons are never in the results."""
    assert tree["draft"].pk not in found(search(client, q=TITLE_WORD))
    assert tree["draft"].pk not in found(search(client, q=BODY_WORD))


@pytest.mark.parametrize("query", ["", "   ", None])
def test_empty_query_shows_no_results(client, tree, query):
    """An empty query lists nothing and shows no result count."""
    params = {} if query is None else {"q": query}
    response = search(client, **params)
    assert list(response.context["results"]) == []
    html = response.content.decode()
    assert "resultado" not in html
    assert tree["many"][0].title not in html


def test_no_match_says_so(client, tree):
    """A query that matches nothing says so."""
    response = search(client, q="inexistentísimo")
    assert found(response) == set()
    assert "No encontramos lecciones" in response.content.decode()


def test_results_are_paginated(client, tree):
    """Results come SEARCH_PAGE_SIZE at a time; the second page has the rest."""
    first = search(client, q="Tlacuache")
    second = search(client, q="Tlacuache", page="2")
    assert len(first.context["results"]) == SEARCH_PAGE_SIZE
    assert len(second.context["results"]) == 2
    assert found(first).isdisjoint(found(second))
    assert found(first) | found(second) == {page.pk for page in tree["many"]}
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize(
    "page_number", ["abc", "-1", "0", "999999", "1.5", "", "2' OR 1=1", "9" * 40, "%00"]
)
def test_pagination_garbage_does_not_fail(client, tree, page_number):
    """A page number that is not a valid page shows a page of results, not an
    error."""
    response = search(client, q="Tlacuache", page=page_number)
    assert 1 <= len(response.context["results"]) <= SEARCH_PAGE_SIZE


def test_a_very_long_query_does_not_fail(client, tree):
    """An absurdly long query is cut, not an error."""
    search(client, q="tlacuache " * 500)


@pytest.mark.parametrize(
    ("user_factory", "visible"),
    [(None, False), (LearnerFactory, False), (TrainerFactory, True), (HRFactory, True)],
    ids=["anonymous", "learner", "trainer", "hr"],
)
def test_trainer_lessons_are_only_found_by_who_may_open_them(
    client, tree, user_factory, visible
):
    """Lessons of modules for trainers are hidden from learners everywhere else, so
    search does not reveal them either; trainers and HR find them."""
    if user_factory is not None:
        client.force_login(user_factory())
    response = search(client, q=BODY_WORD)
    assert (tree["trainer_lesson"].pk in found(response)) is visible
    assert ("Guía para formadores" in response.content.decode()) is visible


def test_search_only_lists_lessons(client, tree):
    """Only lessons are searched (not courses or modules with the same words)."""
    module = tree["by_title"].get_parent()
    Page.objects.filter(pk=module.pk).update(title=f"Módulo {TITLE_WORD}")
    response = search(client, q=TITLE_WORD)
    assert all(isinstance(page, LessonPage) for page in response.context["results"])
