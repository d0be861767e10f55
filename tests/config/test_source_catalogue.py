"""The source language's catalogue (site/locale/es_MX, written by `make
messages`): every string of the interface translated to itself. It must change
no text, and it must be the catalogue Django looks in first under es-mx, which
is what it is for (a string found there costs no search through the installed
packages' Spanish catalogues)."""

import gettext

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from django.utils.translation import trans_real

LOCALE = settings.SITE_DIR / "locale"


def compiled(language: str) -> dict:
    path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


@pytest.fixture(scope="module")
def source():
    return compiled("es_MX")


def test_every_english_string_is_in_the_source_catalogue(source):
    missing = set(compiled("en")) - set(source)
    assert not missing, f"run `make messages`: {sorted(map(str, missing))[:5]}"


def test_each_string_translates_to_itself(source):
    """(Plural forms: the first here, the second in the next test.)"""
    for key, text in source.items():
        if key == "":
            continue  # the header
        assert text == (key if isinstance(key, str) else key[0]) or key[1] > 0


def test_it_shadows_no_other_catalogue(source):
    """Without it, es-mx gives every one of its strings unchanged too: no
    package translates a string of ours, so putting it first changes nothing."""
    without = [path for path in settings.LOCALE_PATHS if path != LOCALE]
    plurals = {key[0]: text for key, text in source.items() if key[1:] == (1,)}
    with override_settings(LOCALE_PATHS=without), translation.override("es-mx"):
        for key in source:
            if key == "":
                continue
            if isinstance(key, str):
                assert translation.gettext(key) == key
            elif key[1] == 0:
                plural = plurals[key[0]]
                assert translation.ngettext(key[0], plural, 1) == key[0]
                assert translation.ngettext(key[0], plural, 2) == plural


def test_es_mx_finds_its_strings_in_the_first_catalogue(source):
    strings = [key for key in source if isinstance(key, str) and key]
    first = trans_real.translation("es-mx")._catalog._catalogs[0]
    assert all(string in first for string in strings)
