from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Cursos")

    def ready(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Page, get_page_models

        from standards.models import Criterion, Element, Standard

        from . import content_cache

        # Everything a cached lesson body or course outline shows (page links,
        # images, documents, the criteria badges) changes the content token.
        content_cache.connect_receivers(
            {
                Page,
                *get_page_models(),
                get_image_model(),
                get_document_model(),
                Standard,
                Element,
                Criterion,
            }
        )
