"""The audit trail's recording (accounts.audit) and its admin screens
"Historial de cambios": who may read what, filters, pagination with a flat
query count, and the field-by-field diff (issue 12, item 8)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import audit, audit_selectors, roles
from assessments.models import Question
from rollout.models import OrgUnit, StaffProfile, UnitScope
from tests.factories import (
    HRFactory,
    LearnerFactory,
    QuestionFactory,
    TrainerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TRAIL = reverse("accounts_audit_trail")


def change_url(key, history_id):
    return reverse("accounts_audit_change", args=[key, history_id])


# ------------------------------------------------------------------ recording


def test_group_membership_is_recorded_from_either_side():
    """Adding a role with user.groups and removing it with group.user_set are
    both recorded on the user, with the groups before and after."""
    user = UserFactory()
    trainers = Group.objects.get_or_create(name=roles.TRAINERS)[0]
    with audit.acting_as(None):
        user.groups.add(trainers)
        trainers.user_set.remove(user)
    added, removed = user.history.order_by("-history_date", "-history_id")[:2][::-1]
    assert [g.group_id for g in added.groups.all()] == [trainers.pk]
    assert list(removed.groups.all()) == []
    changes = audit_selectors.field_changes(
        removed, audit_selectors.previous_record(removed)
    )
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Grupos", roles.TRAINERS, "—")
    ]


def test_an_add_that_changes_nothing_is_not_recorded():
    user = UserFactory()
    learners = Group.objects.get_or_create(name=roles.LEARNERS)[0]
    user.groups.add(learners)
    count = user.history.count()
    user.groups.add(learners)
    assert user.history.count() == count


def test_signing_in_writes_no_history_and_passwords_are_never_copied(client):
    """A sign-in stamps last_login only: no history row. The history tables
    have no password column."""
    user = UserFactory()
    count = user.history.count()
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "password"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == count
    history_fields = {f.name for f in User.history.model._meta.fields}
    assert "password" not in history_fields
    assert "last_login" not in history_fields


def test_the_actor_named_by_a_service_wins_and_none_is_the_system():
    user = UserFactory()
    admin = UserFactory(is_superuser=True)
    with audit.acting_as(admin):
        user.first_name = "Nueva"
        user.save()
    with audit.acting_as(None):
        user.last_name = "Persona"
        user.save()
    by_admin, by_system = user.history.order_by("-history_id")[:2][::-1]
    assert by_admin.history_user == admin
    assert by_system.history_user is None
    assert audit_selectors.Entry(audit.tracked("auth.user"), by_system).author == (
        "Sistema"
    )


def test_a_change_in_the_admin_is_recorded_as_the_signed_in_user(client):
    """HistoryRequestMiddleware: a unit assigned in the Wagtail admin is
    recorded as the administrator's, with no service involved."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    person = HRFactory()
    unit = OrgUnit.add_root(code="AUD-ORG", name="Organización", kind="organisation")
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_rollout_unitscope:add"),
        {"user": person.pk, "unit": unit.pk},
    )
    assert response.status_code == 302
    scope = UnitScope.objects.get(user=person, unit=unit)
    (created,) = scope.history.all()
    assert (created.history_type, created.history_user) == ("+", admin)


# ------------------------------------------------------------ who may read it


def staff_only():
    """Someone who may use the admin and nothing of the trail."""
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    return user


@pytest.mark.parametrize(
    "make",
    [LearnerFactory, staff_only],
    ids=["learner", "admin access without a role"],
)
def test_who_may_not_read_the_trail(client, make):
    user = make()
    client.force_login(user)
    response = client.get(TRAIL)
    assert response.status_code in (302, 403)
    assert b"data-trail" not in response.content
    assert not audit.can_read_trail(user)


def test_evaluators_may_not_read_the_trail(client):
    evaluator = UserFactory()
    evaluator.groups.add(Group.objects.get_or_create(name=roles.EVALUATORS)[0])
    client.force_login(evaluator)
    response = client.get(TRAIL)
    assert response.status_code in (302, 403)
    assert b"data-trail" not in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(TRAIL)
    assert response.status_code == 302
    assert "login" in response["Location"]
    question = QuestionFactory()
    record = question.history.first()
    response = client.get(change_url("assessments.question", record.history_id))
    assert response.status_code == 302
    assert "login" in response["Location"]


def offered(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(TRAIL)
    assert response.status_code == 200
    return {
        key
        for _section, choices in response.context["form"].fields["model"].choices[1:]
        for key, _label in choices
    }


def test_what_each_role_may_read(client):
    """The matrix (README, "Bitácora de cambios"): trainers the content and
    the evaluations; HR the evaluations, certificates, DC-3 and roles;
    superusers everything."""
    content = {
        "assessments.question",
        "evaluation.instrument",
        "evaluation.instrumentitem",
    }
    evaluation = {
        "evaluation.judgement",
        "evaluation.observation",
        "evaluation.observationanswer",
        "evaluation.evidencefile",
        "evaluation.leadevaluator",
    }
    hr_only = {
        "certificates.certificate",
        "compliance.dc3",
        "auth.user",
        "rollout.unitscope",
    }
    assert offered(client, TrainerFactory()) == content | evaluation
    assert offered(client, HRFactory()) == evaluation | hr_only
    everything = offered(client, UserFactory(is_superuser=True, is_staff=True))
    assert everything == content | evaluation | hr_only | {"auth.group"}


def test_a_trainer_reads_question_changes_and_not_role_changes(client):
    trainer = TrainerFactory()
    question = QuestionFactory(stem="¿Qué haces primero?")
    person = UserFactory()
    person.groups.add(Group.objects.get_or_create(name=roles.HR)[0])
    question_change = question.history.first()
    role_change = person.history.first()
    client.force_login(trainer)
    keys = {
        entry.tracked.key
        for entry in client.get(TRAIL, {"model": "assessments.question"}).context[
            "entries"
        ]
    }
    assert keys == {"assessments.question"}
    assert (
        client.get(
            change_url("assessments.question", question_change.history_id)
        ).status_code
        == 200
    )
    assert (
        client.get(change_url("auth.user", role_change.history_id)).status_code == 404
    )
    assert client.get(TRAIL, {"model": "auth.user"}).context["form"].errors["model"]


def test_hr_reads_role_changes_of_their_units_only(client):
    """HR read the role changes of the people of their units, no one else's
    (rollout.access), and no question changes."""
    root = OrgUnit.add_root(code="AUD-R", name="Raíz", kind="organisation")
    mine = root.add_child(code="AUD-A", name="Sucursal A", kind="branch")
    other = root.add_child(code="AUD-B", name="Sucursal B", kind="branch")
    hr = HRFactory()
    UnitScope.objects.create(user=hr, unit=mine)
    insider, outsider = UserFactory(), UserFactory()
    for person, unit in ((insider, mine), (outsider, other)):
        StaffProfile.objects.create(user=person, unit=unit)
        person.groups.add(Group.objects.get_or_create(name=roles.TRAINERS)[0])
    client.force_login(hr)
    names = [
        entry.name
        for entry in client.get(TRAIL, {"model": "auth.user"}).context["entries"]
    ]
    assert any(insider.username in name for name in names)
    assert not any(outsider.username in name for name in names)
    hidden = outsider.history.first()
    assert client.get(change_url("auth.user", hidden.history_id)).status_code == 404
    question = QuestionFactory()
    assert (
        client.get(
            change_url("assessments.question", question.history.first().history_id)
        ).status_code
        == 404
    )


# ------------------------------------------------------- filters and the list


def test_filters_by_model_author_and_dates(client):
    admin = UserFactory(is_superuser=True, is_staff=True, username="jefa-auditoria")
    author = UserFactory(username="autora-de-cambios")
    with audit.acting_as(author):
        question = QuestionFactory()
        question.stem = "Nuevo enunciado"
        question.save()
    client.force_login(admin)
    entries = client.get(TRAIL, {"who": "autora-de"}).context["entries"]
    assert [e.tracked.key for e in entries] == ["assessments.question"] * 2
    assert [e.kind for e in entries] == ["Cambio", "Alta"]  # newest first
    today = timezone.localdate()
    assert client.get(
        TRAIL, {"who": "autora-de", "since": today, "until": today}
    ).context["entries"]
    tomorrow = today + timedelta(days=1)
    assert not client.get(TRAIL, {"who": "autora-de", "since": tomorrow}).context[
        "entries"
    ]
    assert not client.get(TRAIL, {"who": "autora-de", "model": "auth.group"}).context[
        "entries"
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "no-es-fecha"},
        {"since": "2026-05-02", "until": "2026-05-01"},
        {"model": "x.y"},
        {"who": "a" * 300},
        {"p": "999999999999999999999999"},
        {"p": "dos"},
        {"since": "0001-01-01", "until": "9999-12-31"},
    ],
)
def test_bad_filters_get_a_message_never_an_error(client, params):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(TRAIL, params)
    assert response.status_code == 200


def test_a_nul_in_a_filter_is_refused_before_the_view(client):
    """NUL is the request guard's (accounts.middleware): a 400 for any page."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(TRAIL, {"who": "nul\x00byte"}).status_code == 400


def test_a_change_that_does_not_exist_is_404(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(change_url("assessments.question", 999999999)).status_code == 404
    assert client.get(change_url("no.such", 1)).status_code == 404
    too_big = change_url("assessments.question", 1).replace("/1/", "/" + "9" * 30 + "/")
    assert client.get(too_big).status_code == 404


def _page_queries(client, who):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(TRAIL, {"who": who})
    assert response.status_code == 200
    return len(queries), len(response.context["entries"])


def test_the_list_pages_with_a_flat_query_count(client):
    """Three times the changes (of questions, roles and unit scopes) cost the
    same queries; pages hold 50, newest first."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    trainers = Group.objects.get_or_create(name=roles.TRAINERS)[0]
    unit = OrgUnit.add_root(code="AUD-Q", name="Unidad", kind="organisation")

    def make_changes(author, count):
        with audit.acting_as(author):
            for _ in range(count):
                QuestionFactory()
                person = UserFactory()
                person.groups.add(trainers)
                UnitScope.objects.create(user=person, unit=unit)

    few, many = UserFactory(username="pocos"), UserFactory(username="muchos")
    make_changes(few, 2)
    make_changes(many, 6)
    client.force_login(admin)
    client.get(TRAIL)  # warm up per-session caches
    small = _page_queries(client, "pocos")
    large = _page_queries(client, "muchos")
    assert small[1] < large[1]
    assert small[0] == large[0]

    make_changes(many, 10)
    first = client.get(TRAIL, {"who": "muchos"})
    assert first.context["page"].paginator.count == 16 * 4
    assert len(first.context["entries"]) == audit_selectors.PER_PAGE
    dates = [e.record.history_date for e in first.context["entries"]]
    assert dates == sorted(dates, reverse=True)
    second = client.get(TRAIL, {"who": "muchos", "p": 2})
    assert len(second.context["entries"]) == 16 * 4 - audit_selectors.PER_PAGE
    assert second.context["entries"][0].record.history_date <= dates[-1]


def test_the_change_of_a_key_reads_before_and_after(client):
    """A trainer changes the right answer of a question: the diff shows the
    answers' data before and after."""
    trainer = TrainerFactory()
    question = QuestionFactory()
    raw = question.content.get_prep_value()
    options = raw[0]["value"]["options"]
    assert options[0]["value"]["correct"]  # the factory's right option
    options[0]["value"]["correct"], options[1]["value"]["correct"] = False, True
    with audit.acting_as(trainer):
        question.content = raw
        question.save()
    changed = question.history.order_by("-history_id").first()
    client.force_login(trainer)
    response = client.get(change_url("assessments.question", changed.history_id))
    rows = {c.label: c for c in response.context["changes"]}
    assert set(rows) == {"Tipo y respuestas"}
    assert rows["Tipo y respuestas"].block
    assert '"correct": true' in rows["Tipo y respuestas"].before
    assert rows["Tipo y respuestas"].before != rows["Tipo y respuestas"].after
    html = response.content.decode()
    assert "data-diff" in html and audit.person(trainer) in html
    assert Question.history.model.objects.filter(id=question.pk).count() == 2
