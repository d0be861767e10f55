"""Changes of state for accounts: every entry point creates users through here."""

from django.contrib.auth.models import Group, User
from django.db import transaction

from . import roles


@transaction.atomic
def user_register_learner(
    *, username: str, password: str, first_name: str, last_name: str, email: str
) -> User:
    """Create a self-registered user, who is always a learner."""
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    user.groups.add(Group.objects.get(name=roles.LEARNERS))
    return user
