"""The course pages served from caches (courses.routing, courses.content_cache):
what is cached changes as soon as the content does, what belongs to one person is
never shared, and the routing answers as Wagtail's own does."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from accounts import roles
from courses import content_cache, outline_render, selectors, services
from courses.models import ContentVersion, LessonCompletion
from tests.factories import (
    CriterionFactory,
    ImageFactory,
    LearnerFactory,
    LessonPageFactory,
    ModulePageFactory,
    TrainerFactory,
    build_course,
    lesson_body,
)

pytestmark = pytest.mark.django_db

CHECK_ID = "00000000-0000-4000-8000-00000000c0de"  # the factory's knowledge check
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="module")
def course(module_db):
    """Two learner modules (2 + 2 lessons) and a module for trainers (1 lesson),
    built once for the module; each test's changes are rolled back."""
    course, modules, lessons = build_course(
        lessons_per_module=[2, 2], trainer_lessons=1
    )
    return {"course": course, "modules": modules, "lessons": lessons}


@pytest.fixture
def learner():
    return LearnerFactory()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def fresh(page):
    """The page as the database has it: the module's fixture objects are shared
    by its tests, whose changes are rolled back, so a test changes its own
    copy."""
    return type(page).objects.get(pk=page.pk)


def publish_body(lesson, words):
    lesson = fresh(lesson)
    lesson.body = lesson_body(words)
    lesson.save_revision().publish()
    return lesson


def token():
    return ContentVersion.objects.get(pk=ContentVersion.SINGLETON).token


# ---------------------------------------------------------------- invalidation


def test_a_published_revision_shows_at_once(course, learner):
    """The body is cached per revision: a new published revision is what the next
    request shows; a draft is not."""
    lesson = course["lessons"][0]
    client = signed_in(learner)
    assert "Versión uno" not in page_text(client, lesson.url)
    publish_body(lesson, "Versión uno")
    assert "Versión uno" in page_text(client, lesson.url)
    assert "Versión uno" in page_text(client, lesson.url)  # from the cache
    publish_body(lesson, "Versión dos")
    shown = page_text(client, lesson.url)
    assert "Versión dos" in shown
    assert "Versión uno" not in shown
    draft = fresh(lesson)
    draft.body = lesson_body("Borrador")
    draft.save_revision()  # saved, not published
    shown = page_text(client, lesson.url)
    assert "Borrador" not in shown
    assert "Versión dos" in shown


def test_the_course_outline_follows_publishing(course, learner):
    """A lesson published, unpublished or renamed, and modules reordered, show in
    the course page at once (the outline is cached per content token)."""
    client = signed_in(learner)
    url = course["course"].url
    first, second = (fresh(module) for module in course["modules"][:2])
    page_text(client, url)  # cached
    added = LessonPageFactory(parent=first, title="Lección recién publicada")
    assert "Lección recién publicada" in page_text(client, url)
    added.unpublish()
    assert "Lección recién publicada" not in page_text(client, url)
    renamed = fresh(second)
    renamed.title = "Módulo con nombre nuevo"
    renamed.save_revision().publish()
    shown = page_text(client, url)
    assert "Módulo con nombre nuevo" in shown
    assert shown.index(first.title) < shown.index("Módulo con nombre nuevo")
    renamed.move(first, pos="left")
    shown = page_text(client, url)
    assert shown.index("Módulo con nombre nuevo") < shown.index(first.title)


def test_an_edited_criterion_shows_in_the_lesson_at_once(learner):
    """The criteria badges are part of the cached body: editing a criterion
    changes the content token, so the page shows the new text."""
    criterion = CriterionFactory(text="Saluda con cortesía")
    _course, _modules, lessons = build_course(
        lessons_per_module=[1], criteria=[criterion]
    )
    client = signed_in(learner)
    assert "Saluda con cortesía" in page_text(client, lessons[0].url)
    criterion.text = "Saluda por su nombre"
    criterion.save()
    shown = page_text(client, lessons[0].url)
    assert "Saluda por su nombre" in shown
    assert "Saluda con cortesía" not in shown


@pytest.mark.parametrize(
    "change",
    ["publish", "unpublish", "move", "delete", "criterion", "image", "site"],
)
def test_content_changes_replace_the_token(course, change):
    """Everything a cached page shows replaces the content token when it
    changes."""
    lesson = fresh(course["lessons"][0])
    before = token()
    if change == "publish":
        publish_body(lesson, "nuevo")
    elif change == "unpublish":
        lesson.unpublish()
    elif change == "move":
        lesson.move(course["modules"][1], pos="last-child")
    elif change == "delete":
        lesson.delete()
    elif change == "criterion":
        CriterionFactory()
    elif change == "image":
        ImageFactory()
    else:
        site = Site.objects.get(is_default_site=True)
        site.site_name = "Atiende (pruebas)"
        site.save()
    assert token() != before


def test_progress_does_not_replace_the_token(course, learner):
    """Learners' own doings (visits, completions) are not content: the caches
    stay warm while hundreds of people study."""
    before = token()
    services.lesson_complete(user=learner, lesson=course["lessons"][0])
    services.lesson_visit(user=learner, lesson=course["lessons"][1])
    assert token() == before


def test_a_flushed_token_row_comes_back(course):
    """Without the token row (a flushed database) nothing is cached, and the next
    content change makes the row again."""
    ContentVersion.objects.all().delete()
    assert content_cache.content_token() is None
    client = Client()
    assert client.get(course["course"].url).status_code == 200
    publish_body(course["lessons"][0], "de nuevo")
    assert content_cache.content_token() is not None


def _in_request_scope(view):
    """Run ``view`` inside the middleware's per-request scope."""
    return content_cache.RequestScopeMiddleware(lambda request: view())(None)


def test_the_token_is_read_once_per_request_even_without_the_request(course):
    """Code with no request in hand (a service, the selectors it calls) reads
    the token once per request; outside a request every call reads it."""

    def view():
        with CaptureQueriesContext(connection) as queries:
            first = content_cache.content_token()
            again = content_cache.content_token()
        return first, again, len(queries)

    first, again, queries = _in_request_scope(view)
    assert first == again == token()
    assert queries == 1
    with CaptureQueriesContext(connection) as queries:
        content_cache.content_token()
        content_cache.content_token()
    assert len(queries) == 2


def test_a_change_within_the_request_gives_it_the_new_token(course):
    """A page published during the request: what the request reads after it is
    the new content, never cached under the old token."""

    request = RequestFactory().get("/")

    def view():
        before = content_cache.content_token(request)
        publish_body(course["lessons"][0], "cambiado en la misma solicitud")
        return (
            before,
            content_cache.content_token(),
            content_cache.content_token(request),
        )

    before, after, after_by_request = _in_request_scope(view)
    assert before != after
    assert after == after_by_request == token()


def test_each_request_has_its_own_scope(course):
    seen = _in_request_scope(content_cache.content_token)
    publish_body(course["lessons"][0], "entre dos solicitudes")
    assert _in_request_scope(content_cache.content_token) == token() != seen


# ---------------------------------------------------------------- per person


def test_each_learner_sees_their_own_progress_from_a_warm_cache(course, learner):
    """The cached parts carry nothing of one person: a learner who completed the
    lesson sees so, the next one (served from the same caches) sees the button."""
    lesson = course["lessons"][0]
    services.lesson_complete(user=learner, lesson=lesson)
    first = page_text(signed_in(learner), lesson.url)
    assert "Completaste esta lección." in first
    other = page_text(signed_in(LearnerFactory()), lesson.url)
    assert "Completaste esta lección." not in other
    assert 'data-testid="mark-done"' in other


def _module_cards(html) -> list[str]:
    return re.findall(r'<li class="card module-card.*?</ul>', html, re.S)


def test_each_learner_sees_their_own_modules_from_kept_cards(course):
    """The course page's module cards are kept (courses.outline_render), each
    for the lessons of its module the person completed: a learner who did the
    first lesson sees it done, one who did nothing (served after, from warm
    cards) does not, and learners at the same point share the cards."""
    course_page = course["course"]
    done, fresh_learner, like_fresh = (LearnerFactory() for _ in range(3))
    for user in (done, fresh_learner, like_fresh):
        services.course_enrol(user=user, course=course_page)
    services.lesson_complete(user=done, lesson=course["lessons"][0])

    first = _module_cards(page_text(signed_in(done), course_page.url))
    assert "Completada" in first[0]
    assert "1 de 2 lecciones completadas" in first[0]
    assert "0 de 2 lecciones completadas" in first[1]
    after = _module_cards(page_text(signed_in(fresh_learner), course_page.url))
    assert "Completada" not in after[0]
    assert "0 de 2 lecciones completadas" in after[0]
    # The second module's card was the same for both: kept once.
    assert after[1] == first[1]
    kept = len(outline_render.cards)
    same_point = _module_cards(page_text(signed_in(like_fresh), course_page.url))
    assert same_point == after
    assert len(outline_render.cards) == kept


def test_kept_cards_follow_sign_in_enrolment_and_language(course, learner):
    """A card kept for an enrolled, signed-in learner is not shown to a visitor
    (no links to lessons), to someone not enrolled (no progress), nor in the
    other language."""
    course_page = course["course"]
    lesson = course["lessons"][0]
    services.course_enrol(user=learner, course=course_page)
    enrolled = page_text(signed_in(learner), course_page.url)
    assert f'href="{lesson.url}"' in enrolled
    assert "lecciones completadas" in enrolled

    visitor = page_text(Client(), course_page.url)
    assert lesson.title in visitor
    assert f'href="{lesson.url}"' not in visitor
    not_enrolled = page_text(signed_in(LearnerFactory()), course_page.url)
    assert f'href="{lesson.url}"' in not_enrolled
    assert "lecciones completadas" not in not_enrolled

    client = signed_in(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _module_cards(page_text(client, course_page.url))
    assert "2 lessons" in english[0]
    assert "2 lecciones" not in english[0]


def test_a_renamed_lesson_shows_in_its_kept_card_at_once(course, learner):
    """A publish replaces the content token, which every card's key carries."""
    course_page = course["course"]
    client = signed_in(learner)
    page_text(client, course_page.url)  # the cards kept
    renamed = fresh(course["lessons"][0])
    renamed.title = "Lección con nombre nuevo"
    renamed.save_revision().publish()
    assert (
        "Lección con nombre nuevo"
        in _module_cards(page_text(client, course_page.url))[0]
    )


def test_knowledge_checks_get_each_persons_csrf_token(course):
    """The cached body's forms carry the CSRF token of whoever is reading, never
    the placeholder nor another person's: the check works for both."""
    lesson = course["lessons"][0]
    check_url = f"{lesson.url}comprobar/{CHECK_ID}/"
    tokens = []
    for person in (LearnerFactory(), LearnerFactory()):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        html = page_text(client, lesson.url)
        assert content_cache.CSRF_PLACEHOLDER not in html
        form = html[html.index("data-knowledge-check") :]
        token_value = CSRF_FIELD.search(form).group(1)
        tokens.append(token_value)
        response = client.post(
            check_url,
            {"option": "1", "csrfmiddlewaretoken": token_value},
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 200
        assert response.json()["correct"] is True
    assert tokens[0] != tokens[1]


def test_a_checked_answer_is_shown_in_the_body(course, learner):
    """Without JavaScript the check re-renders the lesson with the answer marked:
    that body is rendered for the person, not taken from the cache."""
    lesson = course["lessons"][0]
    client = signed_in(learner)
    page_text(client, lesson.url)  # the body is cached
    response = client.post(f"{lesson.url}comprobar/{CHECK_ID}/", {"option": "0"})
    html = response.content.decode()
    assert "A las 16:00 ya es de tarde." in html  # the feedback of option 0
    assert f'id="kc-{CHECK_ID}-0" value="0" required checked' in html


def test_each_language_has_its_own_cached_body(course, learner):
    """The body's interface strings follow the language chosen: each language
    is cached apart."""
    lesson = course["lessons"][0]
    client = signed_in(learner)
    for _ in range(2):  # the second round comes from the cache
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = page_text(client, lesson.url)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es-mx"
        spanish = page_text(client, lesson.url)
        assert "Check what you learned" in english
        assert "Comprueba lo que aprendiste" not in english
        assert "Comprueba lo que aprendiste" in spanish


def test_a_preview_shows_the_draft_not_the_cached_live_body(course, learner):
    """The editor's preview renders the draft; the live page keeps the cached
    published body."""
    lesson = course["lessons"][0]
    client = signed_in(learner)
    assert "Borrador de prueba" not in page_text(client, lesson.url)
    draft = fresh(lesson)
    draft.body = lesson_body("Borrador de prueba")
    draft.save_revision()
    request = RequestFactory().get(lesson.url)
    request.user = TrainerFactory()
    preview = draft.serve_preview(request, "")
    preview.render()
    assert "Borrador de prueba" in preview.content.decode()
    assert "Borrador de prueba" not in page_text(client, lesson.url)


# ---------------------------------------------------------------- routing


def test_routing_answers_as_wagtail_does(course, learner):
    """Unknown paths and unpublished pages are 404, the lesson's own sub-paths
    work, Wagtail's own views below /_util/ are still reached."""
    client = signed_in(learner)
    lesson = course["lessons"][0]
    assert client.get(course["course"].url + "no-existe/").status_code == 404
    assert client.get(lesson.url + "no-existe/").status_code == 404
    response = client.post(f"{lesson.url}completar/")
    assert response.status_code == 302
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()
    hidden = fresh(course["lessons"][1])
    url = hidden.url
    assert client.get(url).status_code == 200
    hidden.unpublish()
    assert client.get(url).status_code == 404
    assert Client().get("/_util/login/").status_code == 200


def test_modules_for_trainers_stay_closed_after_a_trainer_opened_them(course):
    """A route kept in memory after a trainer's visit does not open the module
    for trainers to a learner (access is checked on every request)."""
    trainer_lesson = course["lessons"][-1]
    assert page_text(signed_in(TrainerFactory()), trainer_lesson.url)
    assert signed_in(LearnerFactory()).get(trainer_lesson.url).status_code == 403


def test_view_restrictions_still_apply(course):
    """A page restricted to signed-in people in the admin sends visitors to sign
    in, also when its route was kept in memory before; lifting it opens it."""
    url = course["course"].url
    visitor = Client()
    assert visitor.get(url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=course["course"], restriction_type=PageViewRestriction.LOGIN
    )
    response = visitor.get(url)
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert visitor.get(course["lessons"][0].url).status_code == 302
    restriction.delete()
    assert visitor.get(url).status_code == 200


def test_a_new_module_is_reachable_at_once(course, learner):
    """A page added under a course is served on the next request."""
    client = signed_in(learner)
    page_text(client, course["course"].url)
    module = ModulePageFactory(parent=course["course"], title="Módulo nuevo")
    assert "Módulo nuevo" in page_text(client, module.url)


# ---------------------------------------------------------------- queries


def test_progress_is_one_query(course, learner):
    """With the outline cached and the roles known, the learner's progress in
    the course (enrolment, lessons done) is one query."""
    lesson = course["lessons"][0]
    services.lesson_complete(user=learner, lesson=lesson)
    request = RequestFactory().get(course["course"].url)
    request.user = learner
    selectors.course_overview(course=course["course"], user=learner, request=request)
    fresh = type(learner).objects.get(pk=learner.pk)
    roles.is_trainer(fresh)
    with CaptureQueriesContext(connection) as captured:
        outline = selectors.course_overview(
            course=course["course"], user=fresh, request=request
        )["outline"]
    assert len(captured.captured_queries) == 1
    assert outline.progress == selectors.Progress(1, 4)
    assert outline.enrolment.last_lesson_id == lesson.pk


def test_roles_read_permissions_as_django_does():
    """The roles query fills Django's permission caches with exactly what
    ModelBackend would read: the user's own and their groups' permissions."""
    trainer = TrainerFactory()
    own = Permission.objects.get(codename="view_lessoncompletion")
    trainer.user_permissions.add(own)
    primed = type(trainer).objects.get(pk=trainer.pk)
    roles.is_trainer(primed)
    plain = type(trainer).objects.get(pk=trainer.pk)
    assert primed.get_all_permissions() == plain.get_all_permissions()
    assert "courses.view_lessoncompletion" in primed.get_all_permissions()
    assert primed.has_perm("wagtailadmin.access_admin")
    learner = type(trainer).objects.get(pk=LearnerFactory().pk)
    assert not roles.can_use_admin(learner)
    assert not roles.can_use_admin(AnonymousUser())


def test_memo_keeps_the_latest_entries():
    """The in-process memo holds at most its size, dropping the least recently
    used."""
    memo = content_cache.Memo(size=2)
    memo.set("a", 1)
    memo.set("b", 2)
    assert memo.get("a") == 1  # now the most recent
    memo.set("c", 3)
    assert memo.get("b") is None
    assert (memo.get("a"), memo.get("c")) == (1, 3)
