"""Template filters for certificate pages."""

from datetime import date, datetime

from django import template
from django.utils import formats, timezone, translation

from certificates.pdf import format_date

register = template.Library()


@register.filter
def long_date(value):
    """A date as the certificate prints it: "2 de marzo de 2026" in Spanish (the
    month in lower case, as the PDF has it); the locale's DATE_FORMAT otherwise.
    Datetimes are taken in the local time zone."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return value
    if (translation.get_language() or "").startswith("es"):
        return format_date(value)
    return formats.date_format(value, "DATE_FORMAT")
