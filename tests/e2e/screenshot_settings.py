"""Settings for `make screenshots` (tests/e2e/screenshots.py): development's,
with uploaded and private files in the script's temporary directory."""

import os
from pathlib import Path

from config.settings.dev import *  # noqa: F403

_scratch = Path(os.environ["ATIENDE_SCREENSHOT_DIR"])
MEDIA_ROOT = _scratch / "media"
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        **STORAGES["private"],  # noqa: F405
        "OPTIONS": {
            **STORAGES["private"]["OPTIONS"],  # noqa: F405
            "location": _scratch / "private",
        },
    },
}
