from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Cursos")

    def ready(self):
        # Imported here: it needs the models, which are not loaded before ready().
        from . import content_cache

        content_cache.connect_receivers()
