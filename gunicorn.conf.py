"""gunicorn's settings for Atiende, read by gunicorn when it starts in the
project folder (`make load`, docs/deploy.md); command-line options still win.

Each worker moves what lives as long as it does (modules, URL patterns,
compiled templates, the processes' caches) out of the garbage collector's
sight: once when it has loaded the site, and again after its first requests,
which compile the templates and fill the caches. Without that, every full
collection walks about 270,000 objects: 100-140 ms of CPU each, two per worker
in `make load`'s few seconds, both during the storm's starts (issue 13). After
it, a full collection walks the requests' own objects only.
"""

import gc
from importlib import import_module

# Requests after which a worker moves what it has kept so far out of sight.
FREEZE_AFTER_REQUESTS = 10


def freeze_long_lived_objects() -> None:
    """Collect what is garbage now, then keep every surviving object out of
    later collections (``gc.freeze``): a frozen cycle is never freed, so only
    what has just survived a collection is frozen."""
    gc.collect()
    gc.freeze()


def post_worker_init(worker) -> None:
    from django.conf import settings

    # The URLconf (and with it the views) is otherwise imported by the first
    # request, after the freeze.
    import_module(settings.ROOT_URLCONF)
    freeze_long_lived_objects()


def post_request(worker, req, environ, resp) -> None:
    if worker.nr == FREEZE_AFTER_REQUESTS:
        freeze_long_lived_objects()
