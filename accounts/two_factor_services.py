"""A person's second factor (django-otp devices): setting it up, checking a
code, recovery codes, removing it. Every entry point (the pages, the demo data,
tests) goes through here.

A person has at most one confirmed TOTP device (their authenticator app) and one
static device holding their recovery codes. Codes are checked through
``django_otp.verify_token``, which locks the device row and applies django-otp's
throttling: after each wrong code the device refuses every code, right or wrong,
for 1, 2, 4, 8… seconds (OTP_TOTP_THROTTLE_FACTOR, OTP_STATIC_THROTTLE_FACTOR),
so guessing six digits online is hopeless."""

from __future__ import annotations

import base64
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"


class CodeRefused(Exception):
    """A code did not pass. ``until``: the device refuses every code until then
    (throttling after wrong codes)."""

    def __init__(self, until: datetime | None = None):
        super().__init__(until)
        self.until = until

    def __str__(self):
        if self.until is not None:
            return str(
                _(
                    "Demasiados códigos incorrectos. Espera unos segundos y "
                    "escribe el código que muestre tu aplicación en ese momento."
                )
            )
        return str(_("El código no es correcto."))


# ------------------------------------------------------------------- reads


def totp_device(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def secret_for_display(device: TOTPDevice) -> str:
    """The key as authenticator apps ask for it to be typed: base32, in groups
    of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


# ----------------------------------------------------------------- changes


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed device of a set-up in progress, created on first use: its
    secret stays the same until confirmed, so reloading the page does not
    invalidate a QR code already scanned."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, confirmed=False
        )
    return device


def code_check(*, user, device: Device, code: str) -> Device:
    """Check ``code`` against ``device`` (throttled; a recovery code is used up).
    Raises CodeRefused."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        raise CodeRefused(until=(details or {}).get("locked_until"))
    # verify_token commits the throttling count of a wrong code in its own
    # transaction, so nothing here may roll it back.
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        raise CodeRefused()
    return verified


def second_factor_check(*, user, code: str) -> Device:
    """A code of the person's app (digits) or one of their recovery codes."""
    if code.isdigit():
        device = totp_device(user)
    else:
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        raise CodeRefused()
    return code_check(user=user, device=device, code=code)


def totp_device_confirm(*, user, device: TOTPDevice, code: str) -> list[str]:
    """The first code from the app proves it was set up: the device becomes the
    person's one app (any other is removed) and a new set of recovery codes is
    made and returned, to be shown once."""
    code_check(user=user, device=device, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        return recovery_codes_generate(user=user)


@transaction.atomic
def recovery_codes_generate(*, user) -> list[str]:
    """Replace the person's recovery codes with ``RECOVERY_CODE_COUNT`` new
    random ones (40 bits each, single use) and return them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code) for code in codes]
    )
    return codes


@transaction.atomic
def two_factor_remove(*, user) -> None:
    """Remove the person's app and recovery codes (to turn the second factor
    off, or before setting up another phone)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def totp_device_install(*, user, key: str) -> TOTPDevice:
    """Give ``user`` a confirmed app with a known hex ``key``: the demo accounts
    (the README's demo secret) and tests. Idempotent."""
    device = totp_device(user)
    if device is not None and device.key == key:
        return device
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name=APP_DEVICE_NAME, key=key, confirmed=True
    )
