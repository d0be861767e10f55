"""Template filters for certificate pages."""

from django import template

from standards import display

register = template.Library()

register.filter("long_date", display.long_date)
