"""gunicorn.conf.py: gunicorn finds it in the project folder, and each worker
moves its long-lived objects out of the garbage collector's sight once it has
loaded the site and again after its first requests (issue 13)."""

import gc
import runpy
import subprocess
import sys
import weakref
from types import SimpleNamespace

import pytest
from django.conf import settings

from .test_settings import BASE_DIR

CONF = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    # The rest of the suite runs with a collector that sees everything.
    gc.unfreeze()


def test_gunicorn_reads_the_project_settings_file():
    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "config.wsgi:application"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "config                             = ./gunicorn.conf.py" in printed
    assert "post_worker_init                   = <post_worker_init()>" in printed
    assert "post_request                       = <post_request()>" in printed


def test_a_new_worker_imports_the_urls_then_freezes(unfrozen, monkeypatch):
    monkeypatch.delitem(sys.modules, settings.ROOT_URLCONF, raising=False)
    assert gc.get_freeze_count() == 0

    CONF["post_worker_init"](SimpleNamespace(nr=0))

    assert settings.ROOT_URLCONF in sys.modules
    assert gc.get_freeze_count() > 0


@pytest.mark.parametrize(
    ("served", "frozen"),
    [
        (1, False),
        (CONF["FREEZE_AFTER_REQUESTS"] - 1, False),
        (CONF["FREEZE_AFTER_REQUESTS"], True),
        (CONF["FREEZE_AFTER_REQUESTS"] + 1, False),
        (10 * CONF["FREEZE_AFTER_REQUESTS"], False),
    ],
)
def test_a_worker_freezes_again_after_its_first_requests_only(unfrozen, served, frozen):
    CONF["post_request"](SimpleNamespace(nr=served), None, {}, None)

    assert (gc.get_freeze_count() > 0) is frozen


def test_garbage_is_collected_before_the_freeze(unfrozen):
    class Node:
        pass

    node = Node()
    node.cycle = node
    alive = weakref.ref(node)
    del node
    assert alive() is not None  # a cycle: only the collector frees it

    CONF["freeze_long_lived_objects"]()

    assert alive() is None
    assert gc.get_freeze_count() > 0
