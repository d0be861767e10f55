"""``{% session_keepalive %}``: the attributes that make an element keep the
session alive while its page is open (site/static/js/session_keepalive.js)."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()

# Pings per idle period: three, so one lost ping does not end the session.
PINGS_PER_IDLE_PERIOD = 3


@register.simple_tag
def session_keepalive():
    seconds = max(60, settings.SESSION_COOKIE_AGE // PINGS_PER_IDLE_PERIOD)
    return format_html(
        'data-session-keepalive="{}" data-session-keepalive-seconds="{}"',
        reverse("accounts:session_keepalive"),
        seconds,
    )
