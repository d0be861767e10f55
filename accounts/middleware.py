import logging

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import check_for_language
from django.utils.translation import gettext_lazy as _

from .inputs import BIGINT_MAX, BIGINT_MIN, NUL, InputRefused, has_nul, parse_id
from .views import bad_request

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware:
    """Spanish first: the interface is in LANGUAGE_CODE unless the person chose
    another language with the switcher (stored in the language cookie). The
    browser's Accept-Language is deliberately ignored: staff share workstations
    whose browsers are often set to English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = (
            chosen
            if chosen and check_for_language(chosen) and _available(chosen)
            else settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def _available(code: str) -> bool:
    return code in {language for language, _name in settings.LANGUAGES}


NUL_REFUSED = _("La dirección o el formulario contienen un carácter nulo.")
NUMBER_TOO_WIDE = _("Un número de la solicitud es demasiado grande.")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputGuardMiddleware:
    """Input no view should have to think about, stopped at the door (the rules
    live in ``accounts.inputs``):

    - a NUL character (raw or %00) in the path, the query string, a cookie or a
      form field answers 400: PostgreSQL refuses NUL in text, so it would
      otherwise be a 500 wherever the value reaches a query;
    - a NUL in a header is dropped instead: headers such as the User-Agent are
      stored (sessions list, django-axes' access log) but are not the person's
      input to refuse;
    - an ``<int:…>`` URL part wider than 64 bits names nothing: 404 (SQLite would
      raise ``OverflowError`` on the lookup); so does a ``pk`` that is not an id
      given to a class-based view of an integer-keyed model;
    - as a last resort, an ``OverflowError`` that still escapes a view is a 400
      and is logged, so that it gets fixed where the number came in.

    It sits after the language middleware, so the 400 page speaks the visitor's
    language, and before anything that reads the session or the user, so a
    poisoned cookie reaches no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._drop_nul_from_headers(request)
        if self._has_nul(request):
            return bad_request(request, InputRefused(NUL_REFUSED))
        return self.get_response(request)

    @staticmethod
    def _drop_nul_from_headers(request) -> None:
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and NUL in value:
                request.META[key] = value.replace(NUL, "")

    @staticmethod
    def _has_nul(request) -> bool:
        if NUL in request.path_info or has_nul(request.COOKIES.values()):
            return True
        for key, values in request.GET.lists():
            if has_nul([key, *values]):
                return True
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            for key, values in request.POST.lists():
                if has_nul([key, *values]):
                    return True
            for _key, uploads in request.FILES.lists():
                if has_nul(upload.name or "" for upload in uploads):
                    return True
        return False

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in [*view_args, *view_kwargs.values()]:
            if isinstance(value, int) and not BIGINT_MIN <= value <= BIGINT_MAX:
                raise Http404
        # Wagtail's generic views take ``<str:pk>`` whatever the key; its chooser
        # looks "x" up in an integer column and gets ValueError, not DoesNotExist.
        pk = view_kwargs.get("pk")
        if isinstance(pk, str) and _keyed_by_integer(view_func) and not parse_id(pk):
            raise Http404
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            logger.error(
                "A number too wide for the database reached a query: %s",
                request.get_full_path(),
                exc_info=exception,
            )
            return bad_request(request, InputRefused(NUMBER_TOO_WIDE))
        return None


def _keyed_by_integer(view_func) -> bool:
    """Whether a class-based view works on a model whose primary key (or the key
    it points to, for a page type) is an integer."""
    view_class = getattr(view_func, "view_class", None)
    initkwargs = getattr(view_func, "view_initkwargs", None) or {}
    model = initkwargs.get("model") or getattr(view_class, "model", None)
    if isinstance(model, str):  # "app_label.Model", as Wagtail's viewsets pass it
        try:
            model = apps.get_model(model)
        except (LookupError, ValueError):
            return False
    if not isinstance(model, type) or not issubclass(model, models.Model):
        return False
    key = model._meta.pk
    key = key.target_field if key.is_relation else key
    return isinstance(key, models.IntegerField)


class PrivateCacheMiddleware:
    """Nothing shown to a signed-in person is kept by the browser or by a proxy:
    every response to a signed-in request is ``Cache-Control: private,
    no-store`` (directives a view set are kept; ``public`` is dropped). One rule
    for every personal page, HR screen and download, because every HTML page
    names the person in its navigation bar: there is no page a signed-in person
    could share with another. Anonymous pages that still show a person (the
    public verification of a certificate or a DC-3) say ``never_cache``
    themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
