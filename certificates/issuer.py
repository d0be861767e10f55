"""Who issues: the certificate settings of the site a course belongs to."""

from __future__ import annotations

from wagtail.models import Site

from courses.models import CoursePage

from .models import CertificateSettings


def _site_for(course: CoursePage | None) -> Site | None:
    site = course.get_site() if course is not None else None
    return site or Site.objects.filter(is_default_site=True).first()


def issuer_settings(course: CoursePage | None = None) -> CertificateSettings:
    """The issuer's settings of the site the course belongs to (defaults when HR
    never edited them)."""
    site = _site_for(course)
    if site is None:
        return CertificateSettings()
    return CertificateSettings.for_site(site)
