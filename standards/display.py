"""Dates and scores as pages show them, in the active language (the rules are in
``formatting``)."""

from datetime import date, datetime

from django.utils import formats, timezone, translation

from .formatting import spanish_date, whole_percent


def long_date(value):
    """A date as the certificate prints it: "2 de marzo de 2026" in Spanish; the
    locale's DATE_FORMAT otherwise. Datetimes are taken in the local time zone."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return value
    if (translation.get_language() or "").startswith("es"):
        return spanish_date(value)
    return formats.date_format(value, "DATE_FORMAT")


def percent_label(earned, possible) -> str:
    """ "81 %" (formatting.whole_percent), or "—" when nothing was possible."""
    value = whole_percent(earned, possible)
    return "—" if value is None else f"{value} %"
