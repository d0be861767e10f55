"""The site's public address, for links that leave the site (QR codes, e-mails).

One place reads it: ATIENDE_PUBLIC_BASE_URL, or WAGTAILADMIN_BASE_URL when that is
not set, without a trailing slash. Dev takes both from the environment `make run`
sets (its HOST and PORT), production from the deployment's environment.
"""

from django.conf import settings
from django.urls import reverse


def public_base_url() -> str:
    """The public base URL, e.g. "https://atiende.example.org" (no trailing /)."""
    base = getattr(settings, "ATIENDE_PUBLIC_BASE_URL", "") or (
        settings.WAGTAILADMIN_BASE_URL
    )
    return base.rstrip("/")


def public_url(viewname: str, *args) -> str:
    """The absolute public URL of a named view."""
    return public_base_url() + reverse(viewname, args=args)
