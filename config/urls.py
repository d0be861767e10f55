from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import routing as course_routing

from . import health

urlpatterns = [
    path("salud/", health.health, name="health"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("", include("accounts.urls_notifications")),
    path("", include("portal.urls")),
    path("", include("standards.urls")),
    path("", include("assessments.urls")),
    path("", include("courses.urls")),
    path("", include("compliance.urls")),
    path("", include("certificates.urls")),
    path("", include("evaluation.urls")),
    path("", include("rollout.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last; the course
# pages go through courses.routing first (the same pattern as Wagtail's, but
# its own "_util/" views).
urlpatterns += [
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", course_routing.serve),
    path("", include(wagtail_urls)),
]

handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
