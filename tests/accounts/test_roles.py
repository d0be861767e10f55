"""The three roles as groups with their permissions, and self-signup as a learner."""

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from django.urls import reverse
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

from accounts import role_permissions, roles
from accounts.role_permissions import sync_roles

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/accounts/signup/"

# What the brief of each role requires at least; role_permissions may grant more
# (the exact sets are checked against role_permissions below).
TRAINER_MODEL_MINIMUM = {
    ("wagtailadmin", "access_admin"),
    *{
        ("standards", f"{action}_{model}")
        for model in ("standard", "element", "criterion")
        for action in ("add", "change", "delete", "view")
    },
}
TRAINER_PAGE_MINIMUM = {"add_page", "change_page", "publish_page"}
TRAINER_COLLECTION_MINIMUM = {
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("courses", "add_privatedocument"),
    ("courses", "choose_privatedocument"),
}


def model_permissions(group: Group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def page_permissions(group: Group) -> set[tuple[int, str]]:
    return set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", "permission__codename"
        )
    )


def collection_permissions(group: Group) -> set[tuple[int, str, str]]:
    return set(
        GroupCollectionPermission.objects.filter(group=group).values_list(
            "collection_id",
            "permission__content_type__app_label",
            "permission__codename",
        )
    )


def home_page() -> Page:
    return Page.objects.get(depth=2, content_type__app_label="courses")


def snapshot() -> dict:
    """Every grant of every role, to compare before and after."""
    return {
        name: (
            model_permissions(group),
            page_permissions(group),
            collection_permissions(group),
        )
        for name, group in (
            (g.name, g) for g in Group.objects.filter(name__in=roles.ALL_GROUPS)
        )
    } | {
        "_counts": (
            Group.objects.count(),
            GroupPagePermission.objects.count(),
            GroupCollectionPermission.objects.count(),
        )
    }


def test_the_three_role_groups_exist_after_migration():
    """Migrating creates Aprendices, Instructores and Recursos humanos."""
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Aprendices",
        "Instructores",
        "Recursos humanos",
    }
    assert set(roles.ALL_GROUPS) == {
        "Aprendices",
        "Instructores",
        "Recursos humanos",
        "Evaluadores",
    }


def test_learners_have_no_permission_at_all():
    """Learners get nothing: no model, page or collection permission, so no admin
    access."""
    learners = Group.objects.get(name=roles.LEARNERS)
    assert model_permissions(learners) == set()
    assert page_permissions(learners) == set()
    assert collection_permissions(learners) == set()
    user = User.objects.create_user("solo-aprendiz", password="x")
    user.groups.add(learners)
    assert not roles.can_use_admin(User.objects.get(pk=user.pk))


def test_trainers_have_exactly_their_model_permissions():
    """Trainers may use the admin and add/change/delete/view the standard, its
    elements and criteria: exactly what role_permissions grants."""
    trainers = Group.objects.get(name=roles.TRAINERS)
    granted = model_permissions(trainers)
    assert granted == set(role_permissions.TRAINER_MODEL_PERMISSIONS)
    assert granted >= TRAINER_MODEL_MINIMUM


def test_trainers_edit_the_course_tree_from_the_home_page():
    """Trainers hold the page permissions on the home page, and on no other page."""
    trainers = Group.objects.get(name=roles.TRAINERS)
    home = home_page()
    granted = page_permissions(trainers)
    assert granted == {
        (home.pk, codename) for codename in role_permissions.TRAINER_PAGE_PERMISSIONS
    }
    assert {codename for _, codename in granted} >= TRAINER_PAGE_MINIMUM


def test_trainers_add_and_choose_images_and_documents_in_the_root_collection():
    """Trainers hold the image and document permissions on the root collection."""
    trainers = Group.objects.get(name=roles.TRAINERS)
    root = Collection.get_first_root_node()
    granted = collection_permissions(trainers)
    assert granted == {
        (root.pk, app_label, codename)
        for app_label, codename in role_permissions.TRAINER_COLLECTION_PERMISSIONS
    }
    assert {(a, c) for _, a, c in granted} >= TRAINER_COLLECTION_MINIMUM


def test_hr_enters_the_admin_but_not_the_standard_or_the_pages():
    """HR has admin access and exactly what role_permissions grants it, but no
    permission on the standard, its elements or criteria, and no page or collection
    permission."""
    hr = Group.objects.get(name=roles.HR)
    granted = model_permissions(hr)
    assert granted == set(role_permissions.HR_MODEL_PERMISSIONS)
    assert ("wagtailadmin", "access_admin") in granted
    assert not {
        codename
        for app_label, codename in granted
        if app_label == "assessments"
        and codename.endswith(("_standard", "_element", "_criterion"))
    }
    assert page_permissions(hr) == set()
    assert collection_permissions(hr) == set()


def test_sync_roles_is_idempotent():
    """Running sync_roles again adds no group and no grant, and removes none."""
    before = snapshot()
    sync_roles(django_apps)
    sync_roles(django_apps)
    assert snapshot() == before


def test_sync_roles_restores_roles_on_an_emptied_database():
    """After the role groups are deleted (a flushed database), sync_roles recreates
    them with the same grants as the migration gave."""
    before = snapshot()
    Group.objects.filter(name__in=roles.ALL_GROUPS).delete()
    assert not Group.objects.filter(name__in=roles.ALL_GROUPS).exists()
    sync_roles(django_apps)
    after = snapshot()
    # Group ids changed, the grants themselves did not.
    assert after == before


def signup_data(**overrides) -> dict:
    return {
        "username": "nueva.aprendiz",
        "first_name": "Nora",
        "last_name": "Nava",
        "email": "nora.nava@example.com",
        "password1": "Tortuga-Azul-2931",
        "password2": "Tortuga-Azul-2931",
        **overrides,
    }


def test_signup_creates_a_learner_and_signs_them_in(client):
    """Self-signup creates an active learner (group Aprendices only, not staff) and
    signs them in."""
    response = client.post(SIGNUP_URL, signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="nueva.aprendiz")
    assert set(user.groups.values_list("name", flat=True)) == {roles.LEARNERS}
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert user.email == "nora.nava@example.com"
    assert user.get_full_name() == "Nora Nava"
    assert user.check_password("Tortuga-Azul-2931")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signup_page_renders_the_form(client):
    """The signup page shows the form to anonymous visitors."""
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_signup_rejects_an_e_mail_already_in_use(client):
    """An e-mail already in use (in any letter case) is refused with a message and
    no account is created."""
    User.objects.create_user("existente", email="ocupado@example.com", password="x")
    users_before = User.objects.count()
    response = client.post(SIGNUP_URL, signup_data(email="  Ocupado@Example.COM "))
    assert response.status_code == 200
    assert "Ya existe una cuenta con este correo." in response.content.decode()
    assert User.objects.count() == users_before
    assert "_auth_user_id" not in client.session


def test_signup_is_404_when_disabled(client, settings):
    """With ATIENDE_ALLOW_SIGNUP off, signup is not found (GET and POST), creates
    nobody, and the login page does not offer it."""
    settings.ATIENDE_ALLOW_SIGNUP = False
    assert client.get(SIGNUP_URL).status_code == 404
    assert client.post(SIGNUP_URL, signup_data()).status_code == 404
    assert not User.objects.filter(username="nueva.aprendiz").exists()
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert SIGNUP_URL not in login_page


def test_login_page_offers_signup_when_enabled(client):
    """The login page links to signup while self-registration is allowed."""
    assert SIGNUP_URL in client.get(reverse("accounts:login")).content.decode()
