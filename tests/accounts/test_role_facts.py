"""Facts that higher apps read with the roles (accounts.role_facts):
each holds exactly for the users whose rows exist, and comes in the roles'
one query."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured

from accounts import role_facts, roles
from tests.factories import LearnerFactory, TrainerFactory

pytestmark = pytest.mark.django_db

NAMED_ANA = "tests.named_ana"


@pytest.fixture
def facts(monkeypatch):
    """A registry of this test's own, the real one back afterwards."""
    monkeypatch.setattr(role_facts, "_facts", dict(role_facts._facts))
    monkeypatch.setattr(role_facts, "_names", role_facts._names)


def named_ana(user_pk):
    return User.objects.filter(pk=user_pk, first_name="Ana")


def fresh(user) -> User:
    """The user as a new request loads it: nothing read yet."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("factory", "first_name", "holds"),
    [
        (LearnerFactory, "Ana", True),
        (LearnerFactory, "Beto", False),
        (TrainerFactory, "Ana", True),
        (TrainerFactory, "Beto", False),
    ],
)
def test_a_fact_holds_for_whom_its_rows_exist_and_comes_with_the_roles(
    facts, django_assert_num_queries, factory, first_name, holds
):
    role_facts.register(NAMED_ANA, named_ana)
    user = fresh(factory(first_name=first_name))
    with django_assert_num_queries(1):
        assert roles.has_fact(user, NAMED_ANA) is holds
        assert roles.is_trainer(user) is (factory is TrainerFactory)
        assert roles.has_fact(user, NAMED_ANA) is holds


def test_another_users_rows_do_not_count(facts):
    role_facts.register(NAMED_ANA, named_ana)
    LearnerFactory(first_name="Ana")
    assert not roles.has_fact(fresh(LearnerFactory(first_name="Beto")), NAMED_ANA)


def test_a_fact_registered_after_a_first_read_is_read_too(facts):
    roles.is_trainer(fresh(LearnerFactory()))  # compiles the roles' query
    role_facts.register(NAMED_ANA, named_ana)
    assert roles.has_fact(fresh(LearnerFactory(first_name="Ana")), NAMED_ANA)


def test_an_anonymous_user_has_no_fact_and_costs_no_query(
    facts, django_assert_num_queries
):
    role_facts.register(NAMED_ANA, named_ana)
    with django_assert_num_queries(0):
        assert roles.has_fact(AnonymousUser(), NAMED_ANA) is False


def test_an_unknown_fact_is_an_error(facts):
    with pytest.raises(KeyError):
        roles.has_fact(LearnerFactory(), "tests.never_registered")


@pytest.mark.parametrize("name", ["", "Tests.upper", "tests.quote'", "1tests", "a b"])
def test_a_name_that_is_not_lowercase_dotted_is_refused(facts, name):
    with pytest.raises(role_facts.BadFactName):
        role_facts.register(name, named_ana)


def test_rows_that_ignore_the_user_are_refused(facts):
    role_facts.register("tests.anyone", lambda user_pk: User.objects.all())
    with pytest.raises(ImproperlyConfigured, match="ignore the user"):
        roles.is_trainer(fresh(LearnerFactory()))
