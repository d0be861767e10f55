"""The question widgets' strings (``assessments.jinja2_env``) are kept per
language: a page in one language never shows another's translation."""

import pytest
from django.utils import translation

from assessments.jinja2_env import cached_gettext
from tests.factories import LearnerFactory, build_assessment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        pytest.param(
            ("es-mx", "en"), ("Marcar para revisar", "Flag for review"), id="es-then-en"
        ),
        pytest.param(
            ("en", "es-mx"), ("Flag for review", "Marcar para revisar"), id="en-then-es"
        ),
        pytest.param(
            ("en", "en"), ("Flag for review", "Flag for review"), id="en-twice"
        ),
    ],
)
def test_each_language_gets_its_own_translation(languages, expected):
    found = []
    for language in languages:
        with translation.override(language):
            found.append(cached_gettext("Marcar para revisar"))
    assert tuple(found) == expected


def test_the_attempt_page_in_english_after_spanish(client, settings):
    """Rendered in Spanish first, the widgets then render in English for an
    English visitor (the page's language cookie)."""
    assessment, _elements, _bank = build_assessment(questions=(2,))
    client.force_login(LearnerFactory())
    url = client.post(assessment.url + "comenzar/")["Location"]
    spanish = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "Marcar para revisar" in spanish
    assert "Flag for review" in english
    assert "Marcar para revisar" not in english
