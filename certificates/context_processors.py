from django.utils.functional import SimpleLazyObject

from . import brand


def site_brand(request):
    """``site_brand``: the organisation's name and logo for the header, read
    only by templates that show them (not by the Wagtail admin's)."""
    return {"site_brand": SimpleLazyObject(lambda: brand.site_brand(request))}
