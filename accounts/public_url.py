"""The site's public address: the one place that builds absolute URLs for links
that leave the site (the certificate's QR code, e-mails)."""

from django.conf import settings
from django.urls import reverse


def public_base_url() -> str:
    """ATIENDE_PUBLIC_BASE_URL, else WAGTAILADMIN_BASE_URL, without a trailing
    slash."""
    base = getattr(settings, "ATIENDE_PUBLIC_BASE_URL", "") or getattr(
        settings, "WAGTAILADMIN_BASE_URL", ""
    )
    return base.rstrip("/")


def public_url(viewname: str, *args) -> str:
    """The absolute public URL of a named view."""
    return public_base_url() + reverse(viewname, args=args)
