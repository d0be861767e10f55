"""The demo staff sign in with a second factor, as real staff must: each gets an
authenticator-app device with one published demo secret (README "Sesiones y
segundo factor"), so whoever runs `make run` can add it to any authenticator app
and sign in as any of them. Learners (aprendiz, egresada) have none: for them
the second factor is optional."""

from django.contrib.auth.models import User
from django.db import transaction

from accounts import two_factor_services

from .demo import EVALUATOR
from .demo_rollout import MULTIPLICADOR

# 20 bytes, b"atiende-demo-2fa-key"; in base32, as apps ask for it:
# MF2G SZLO MRSS 2ZDF NVXS 2MTG MEWW WZLZ.
DEMO_TOTP_KEY = "617469656e64652d64656d6f2d3266612d6b6579"
DEMO_TOTP_SECRET = "MF2GSZLOMRSS2ZDFNVXS2MTGMEWWWZLZ"
DEMO_TWO_FACTOR_USERS = ("admin", "instructor", "rh", EVALUATOR, MULTIPLICADOR)


@transaction.atomic
def demo_two_factor_create() -> list[str]:
    """Give the demo staff who have no app yet the demo one; return who got it.
    An app a developer set up on a demo account is left alone."""
    given = []
    for user in User.objects.filter(username__in=DEMO_TWO_FACTOR_USERS).order_by(
        "username"
    ):
        if two_factor_services.totp_device(user) is None:
            two_factor_services.totp_device_install(user=user, key=DEMO_TOTP_KEY)
            given.append(user.username)
    return given
