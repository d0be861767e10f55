"""The three roles as groups with their permissions, and self-signup as a learner."""

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
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
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
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


def test_signup_page_renders_the_form(client):
    """The signup page shows the form to anonymous visitors (the rest of
    sign-up: tests/accounts/test_signup.py)."""
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()
