from django.conf import settings
from django.utils import translation
from django.utils.translation import check_for_language


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
