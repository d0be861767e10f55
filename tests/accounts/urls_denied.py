"""The site's URLs plus a page that always refuses access and one that always
fails, to see the 403 and 500 pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as site_urls

DENIED_PATH = "/prohibido-para-pruebas/"
FAILING_PATH = "/falla-para-pruebas/"


def always_denied(request):
    raise PermissionDenied


def always_fails(request):
    raise RuntimeError("falla provocada por la prueba")


urlpatterns = [
    path(DENIED_PATH.strip("/") + "/", always_denied),
    path(FAILING_PATH.strip("/") + "/", always_fails),
    *site_urls,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
