"""The organisation's name and logo in the site header, from the issuer settings
(``CertificateSettings``), which HR edits in the admin.

Every page shows them, so they are kept in the Django cache, one entry holding
every host's brand: after the first request a page reads them without a query.
Saving the settings, an image or a site drops the entry (``connect_receivers``),
so the next request reads them afresh, in every process."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.images import get_image_model
from wagtail.models import Site

from .models import CertificateSettings

log = logging.getLogger(__name__)

CACHE_KEY = "certificates.site-brand"
# Twice the height the header shows it at, for sharp logos on dense screens.
LOGO_FILTER = "height-80"


@dataclass(frozen=True)
class Brand:
    name: str
    logo_url: str | None = None


def _read(request) -> Brand:
    """From the database: the settings of the request's site (the default
    site's when none matches), and the logo's rendition."""
    site = Site.find_for_request(request)
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    settings = (
        CertificateSettings.for_site(site)
        if site is not None
        else CertificateSettings()
    )
    logo_url = None
    if settings.logo_id:
        try:
            logo_url = settings.logo.get_rendition(LOGO_FILTER).url
        except Exception:  # a missing or unreadable file: the name alone
            log.warning("The issuer's logo could not be rendered", exc_info=True)
    return Brand(name=settings.organisation_name, logo_url=logo_url)


def site_brand(request) -> Brand:
    """The brand of the site serving the request; no query once cached."""
    host = request.get_host()
    brands = cache.get(CACHE_KEY) or {}
    brand = brands.get(host)
    if brand is None:
        brand = _read(request)
        cache.set(CACHE_KEY, {**brands, host: brand}, timeout=None)
    return brand


def forget(**kwargs) -> None:
    """Drop every cached brand (a receiver: the next request reads them)."""
    cache.delete(CACHE_KEY)


def connect_receivers() -> None:
    """The name and logo change with the settings, their image and the sites
    (a host moved to another site). Called once, from CertificatesConfig.ready()."""
    for sender in (CertificateSettings, get_image_model(), Site):
        uid = f"certificates.brand.forget.{sender._meta.label}"
        post_save.connect(forget, sender=sender, dispatch_uid=uid + ".save")
        post_delete.connect(forget, sender=sender, dispatch_uid=uid + ".delete")
