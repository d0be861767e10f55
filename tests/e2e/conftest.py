"""Browser-test fixtures: a browser that asks for Mexican Spanish, as staff do."""

import pytest


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Chromium would otherwise send Accept-Language: en-US, and LocaleMiddleware
    # would serve English before the user chose anything.
    return {**browser_context_args, "locale": "es-MX"}
