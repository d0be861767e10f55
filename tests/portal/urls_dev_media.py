"""The site's URLs with media served as `make run` serves it: config/urls.py adds
``static(MEDIA_URL, document_root=MEDIA_ROOT)`` when DEBUG is on. Here the same
pattern (django.views.static.serve under MEDIA_URL) is added whatever DEBUG says,
reading MEDIA_ROOT at request time so a test may point it at a fresh folder."""

import re

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import urlpatterns as site_patterns


def dev_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


MEDIA_PREFIX = re.escape(settings.MEDIA_URL.lstrip("/"))

urlpatterns = [
    re_path(rf"^{MEDIA_PREFIX}(?P<path>.*)$", dev_media),
    *site_patterns,
]
