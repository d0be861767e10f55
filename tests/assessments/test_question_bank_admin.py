"""The question bank in the Wagtail admin: who may use it, the listing's columns,
filters and search, and per-type validation when a trainer creates or edits a
question."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from accounts import roles
from assessments.attempt_services import attempt_start
from assessments.models import Question
from tests.factories import (
    CriterionFactory,
    HRFactory,
    LearnerFactory,
    QuestionFactory,
    TrainerFactory,
    UserFactory,
    build_assessment,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("wagtailsnippets_assessments_question:list")
ADD_URL = reverse("wagtailsnippets_assessments_question:add")
LOGIN_URL = reverse("wagtailadmin_login")
ADMIN_HOME = reverse("wagtailadmin_home")


def edit_url(question):
    return reverse("wagtailsnippets_assessments_question:edit", args=[question.pk])


def listblock(items):
    """ListBlock form data (like wagtail's ``streamfield`` helper, without types)."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index)}
        for index, value in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def single_form(criterion, *, code="ADM-001", correct=(0,), **fields):
    """The admin form's POST data for a single-choice question."""
    options = ["Saludar por su nombre", "Ignorar al cliente", "Interrumpirlo"]
    return nested_form_data(
        {
            "code": code,
            "criterion": criterion.pk,
            "stem": "¿Cómo se recibe al cliente?",
            "text_format": "plain",
            "content": streamfield(
                [
                    (
                        "single",
                        {
                            "options": listblock(
                                [
                                    {
                                        "text": text,
                                        "correct": "on" if i in correct else "",
                                        "feedback": "",
                                    }
                                    for i, text in enumerate(options)
                                ]
                            )
                        },
                    )
                ]
            ),
            "feedback": "",
            "difficulty": "medium",
            "tags": "",
            "active": "on",
            **fields,
        }
    )


# ------------------------------------------------------------------- permissions


def test_trainers_hold_the_question_permissions():
    """Trainers may add, change, delete and view questions, and view versions and
    re-grade records (frozen history: view only)."""
    granted = set(
        Group.objects.get(name=roles.TRAINERS).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {
        ("assessments", f"{action}_question")
        for action in ("add", "change", "delete", "view")
    } <= granted
    assert ("assessments", "view_questionversion") in granted
    assert ("assessments", "view_regraderecord") in granted
    assert ("assessments", "change_regraderecord") not in granted
    assert (
        not Group.objects.get(name=roles.HR)
        .permissions.filter(content_type__app_label="assessments")
        .exists()
    )


@pytest.fixture
def question():
    return QuestionFactory(code="ADM-Q1")


@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", "login"),
        ("learner", "login"),
        ("hr", "home"),
        ("trainer", 200),
        ("superuser", 200),
    ],
)
@pytest.mark.parametrize("screen", ["list", "add", "edit"])
def test_who_may_use_the_bank(client, question, who, expected, screen):
    """Anonymous users and learners are sent to the admin login, HR is turned away
    to the admin home, trainers and superusers get the listing and forms."""
    login(client, who)
    url = {"list": LIST_URL, "add": ADD_URL, "edit": edit_url(question)}[screen]
    response = client.get(url)
    assert_outcome(response, expected)


def test_hr_and_learners_cannot_create_questions(client):
    """A POST from HR or a learner creates nothing."""
    criterion = CriterionFactory()
    for who in ("hr", "learner"):
        login(client, who)
        client.post(ADD_URL, single_form(criterion, code=f"NO-{who}"))
    assert not Question.objects.filter(code__startswith="NO-").exists()


def login(client, who):
    factories = {
        "learner": LearnerFactory,
        "hr": HRFactory,
        "trainer": TrainerFactory,
    }
    if who == "anonymous":
        client.logout()
    elif who == "superuser":
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
    else:
        client.force_login(factories[who]())


def assert_outcome(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)
    elif expected == "home":
        assert response.status_code == 302
        assert response["Location"] == ADMIN_HOME
    else:
        assert response.status_code == expected


def test_menu_shows_the_bank_to_trainers_only(client):
    """The "Banco de preguntas" and "Resultados de evaluaciones" menu items are in a
    trainer's admin menu and not in HR's."""
    login(client, "trainer")
    html = client.get(ADMIN_HOME).content.decode()
    assert "Banco de preguntas" in html
    assert "Resultados de evaluaciones" in html
    login(client, "hr")
    html = client.get(ADMIN_HOME).content.decode()
    assert "Banco de preguntas" not in html
    assert "Resultados de evaluaciones" not in html


# ------------------------------------------------------------------- listing


@pytest.fixture
def bank():
    """Five questions over two elements, of different types, difficulties and
    states."""
    first = CriterionFactory()
    second = CriterionFactory()
    return {
        "single": QuestionFactory(
            code="LST-1", criterion=first, kind="single", difficulty="easy"
        ),
        "multiple": QuestionFactory(
            code="LST-2", criterion=first, kind="multiple", difficulty="hard"
        ),
        "true_false": QuestionFactory(
            code="LST-3",
            criterion=second,
            kind="true_false",
            stem="Se saluda con una sonrisa genuina.",
        ),
        "matching": QuestionFactory(
            code="LST-4", criterion=second, kind="matching", active=False
        ),
        "ordering": QuestionFactory(code="LST-5", criterion=second, kind="ordering"),
    }


def listed_codes(client, **params) -> set[str]:
    """The bank's LST-n codes the listing shows for these parameters."""
    params.setdefault("q", "LST")
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    return {f"LST-{n}" for n in range(1, 6) if f"LST-{n}" in html}


def test_listing_shows_the_columns(client, bank):
    """Each row shows code, stem, type, criterion, element, difficulty, state and the
    number of versions."""
    login(client, "trainer")
    html = client.get(LIST_URL, {"q": "LST-2"}).content.decode()
    question = bank["multiple"]
    for text in (
        "LST-2",
        question.stem,
        "Respuesta múltiple",
        question.criterion.code,
        question.criterion.element.code,
        "difícil",
    ):
        assert text in html, text
    for header in ("Enunciado", "Tipo", "Criterio", "Elemento", "Versiones"):
        assert header in html


def test_listing_filters(client, bank):
    """The listing filters by element, criterion, type, difficulty and state, and
    searches code and stem."""
    login(client, "trainer")
    first = bank["single"].criterion
    second = bank["matching"].criterion
    assert listed_codes(client, element=first.element.pk) == {"LST-1", "LST-2"}
    assert listed_codes(client, criterion=second.pk) == {"LST-3", "LST-4", "LST-5"}
    assert listed_codes(client, type="multiple") == {"LST-2"}
    assert listed_codes(client, type="ordering") == {"LST-5"}
    assert listed_codes(client, difficulty="easy") == {"LST-1"}
    assert listed_codes(client, active="false") == {"LST-4"}
    assert listed_codes(client, active="true") == {"LST-1", "LST-2", "LST-3", "LST-5"}
    assert listed_codes(client, q="sonrisa genuina") == {"LST-3"}
    assert listed_codes(client, q="LST-4") == {"LST-4"}


def test_listing_query_count_does_not_grow(client):
    """Listing 3 or 12 questions costs the same number of queries."""
    login(client, "trainer")
    criterion = CriterionFactory()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST_URL, {"criterion": criterion.pk}).status_code == 200
        return len(queries)

    for n in range(3):
        QuestionFactory(criterion=criterion, code=f"QC-{n}")
    few = count()
    for n in range(3, 12):
        QuestionFactory(criterion=criterion, code=f"QC-{n}")
    assert count() == few


# ------------------------------------------------------------------- forms


def test_trainer_creates_a_question(client):
    """A valid single-choice question posted by a trainer is saved."""
    criterion = CriterionFactory()
    login(client, "trainer")
    response = client.post(ADD_URL, single_form(criterion))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(code="ADM-001")
    assert question.type == "single"
    assert [o["correct"] for o in question.content[0].value["options"]] == [
        True,
        False,
        False,
    ]


@pytest.mark.parametrize("correct", [(), (0, 1, 2)], ids=["none right", "all right"])
def test_the_form_validates_per_type(client, correct):
    """A single-choice question needs at least one right option and one wrong
    one: otherwise the form shows the block's error and nothing is saved."""
    criterion = CriterionFactory()
    login(client, "trainer")
    response = client.post(ADD_URL, single_form(criterion, correct=correct))
    assert response.status_code == 200
    # The block's error travels in the editor's JSON (accents escaped).
    assert "correcta y al menos una incorrecta" in response.content.decode()
    assert not Question.objects.filter(code="ADM-001").exists()


def test_a_single_choice_may_have_several_right_options(client):
    """Two right options (GIFT's {=a =b ~c}) are accepted: either one earns full
    marks."""
    criterion = CriterionFactory()
    login(client, "trainer")
    response = client.post(ADD_URL, single_form(criterion, correct=(0, 1)))
    assert response.status_code == 302
    question = Question.objects.get(code="ADM-001")
    assert [o["correct"] for o in question.content[0].value["options"]] == [
        True,
        True,
        False,
    ]


def ordering_form(criterion, items, *, code="ADM-ORD"):
    """The admin form's POST data for an ordering question."""
    return nested_form_data(
        {
            "code": code,
            "criterion": criterion.pk,
            "stem": "Ordena los pasos de la atención.",
            "text_format": "plain",
            "content": streamfield([("ordering", {"items": listblock(items)})]),
            "feedback": "",
            "difficulty": "medium",
            "tags": "",
            "active": "on",
        }
    )


def test_an_ordering_needs_three_items_in_the_form(client):
    """Two items are refused with the rule's message and nothing is saved; three
    are saved."""
    criterion = CriterionFactory()
    login(client, "trainer")
    refused = client.post(ADD_URL, ordering_form(criterion, ["Saludar", "Despedir"]))
    assert refused.status_code == 200
    assert "Un ordenamiento necesita al menos 3 elementos." in refused.content.decode()
    assert not Question.objects.filter(code="ADM-ORD").exists()

    saved = client.post(
        ADD_URL, ordering_form(criterion, ["Saludar", "Escuchar", "Despedir"])
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    question = Question.objects.get(code="ADM-ORD")
    assert list(question.content[0].value["items"]) == [
        "Saludar",
        "Escuchar",
        "Despedir",
    ]


def test_trainer_edits_a_question(client):
    """A trainer's edit (here: the key) is saved."""
    criterion = CriterionFactory()
    question = QuestionFactory(code="ADM-002", criterion=criterion)
    login(client, "trainer")
    response = client.post(
        edit_url(question), single_form(criterion, code="ADM-002", correct=(2,))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert [o["correct"] for o in question.content[0].value["options"]] == [
        False,
        False,
        True,
    ]


def test_listing_links_to_gift_and_regrade(client, bank):
    """The listing's header offers GIFT import and export (carrying the filters)
    and each row offers "Recalificar intentos"."""
    login(client, "trainer")
    html = client.get(LIST_URL, {"q": "LST-1", "difficulty": "easy"}).content.decode()
    assert reverse("assessments_gift_import") in html
    assert reverse("assessments_gift_export") + "?q=LST-1&amp;difficulty=easy" in html
    assert reverse("assessments_question_regrade", args=[bank["single"].pk]) in html


def test_a_question_shown_in_attempts_cannot_be_deleted(client):
    """Deleting a question that attempts showed is refused with a message (its
    versions keep what learners saw); an unused question is deleted."""
    assessment, _elements, bank = build_assessment(questions=(1,))
    shown = bank[0][0]
    attempt_start(learner=LearnerFactory(), assessment=assessment)
    unused = QuestionFactory(code="ADM-DEL")
    login(client, "trainer")
    url = reverse("wagtailsnippets_assessments_question:delete", args=[shown.pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"] == LIST_URL
    page = client.get(LIST_URL).content.decode()
    assert "No se puede eliminar la pregunta" in page
    assert Question.objects.filter(pk=shown.pk).exists()
    url = reverse("wagtailsnippets_assessments_question:delete", args=[unused.pk])
    assert client.post(url).status_code == 302
    assert not Question.objects.filter(pk=unused.pk).exists()
