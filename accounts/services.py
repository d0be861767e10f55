"""Changes of state for accounts: every entry point creates users through here."""

from django.contrib.auth.models import Group, User
from django.db import IntegrityError, transaction

from . import invitations, roles


@transaction.atomic
def user_register_learner(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str | None = None,
) -> User:
    """Create a self-registered user, who is always a learner. Without a
    password the account cannot sign in until one is set through a link."""
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    user.groups.add(Group.objects.get(name=roles.LEARNERS))
    return user


def user_sign_up(*, username: str, first_name: str, last_name: str, email: str):
    """A visitor's sign-up. Whatever exists already, the visitor is told the same
    thing ("revisa tu correo"); only the mailbox learns more:

    - the address belongs to an account: its owner gets "ya tienes una cuenta",
      with their username and a link to set a new password; nothing is created;
    - the username is taken (by someone else): the address gets a note asking to
      sign up again with another one; nothing is created;
    - otherwise a learner account without a password is created and the address
      gets the link to set one, which activates it. Nobody can sign in to it
      without reading that mailbox, so an account opened with someone else's
      address is theirs, never the opener's.
    """
    owners = list(User.objects.filter(email__iexact=email))
    if owners:
        for owner in owners:
            invitations.account_exists_message(owner).send()
        return
    user = None
    if not User.objects.filter(username__iexact=username).exists():
        try:
            user = user_register_learner(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=email,
            )
        except IntegrityError:  # the same username signed up a moment ago
            user = None
    if user is None:
        invitations.username_taken_message(email=email, username=username).send()
    else:
        invitations.signup_message(user).send()
