"""Demo accounts for a first run: one per role, all with the public demo password."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction

from . import roles

DEMO_USERS = [
    # username, first name, last name, group (None: superuser)
    ("aprendiz", "Ana", "Aprendiz Gómez", roles.LEARNERS),
    ("instructor", "Iván", "Instructor Ruiz", roles.TRAINERS),
    ("rh", "Rocío", "Hernández Salas", roles.HR),
    ("admin", "Admin", "Atiende", None),
]


@transaction.atomic
def demo_users_create() -> list[str]:
    """Create the demo users that are missing; return the usernames created."""
    created = []
    for username, first, last, group in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@atiende.local",
                "is_superuser": group is None,
                "is_staff": group is None,
            },
        )
        if was_created:
            user.set_password(settings.ATIENDE_DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(username)
        if group is not None:
            user.groups.add(Group.objects.get(name=group))
    return created
