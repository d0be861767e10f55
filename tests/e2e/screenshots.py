"""Screenshots of the site's look for the README (`make screenshots`).

Builds a temporary database with the seeded demo (or copies one already seeded,
``--database db.sqlite3``, which is quicker), serves it with ``runserver`` on a
free local port, signs in demo learners in Chromium at 1280 px wide and saves:

- docs/screenshots/home.png: the home page of `aprendiz`, who enrols and reads
  the first lessons, with their course and its progress;
- docs/screenshots/lesson.png: the lesson `aprendiz` continues with;
- docs/screenshots/result.png: the result of the final `egresada` passed.

Nothing outside the temporary directory is written but the three images; the
server stops when the script ends.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WIDTH = 1280
HEIGHT = 900
LEARNER = "aprendiz"  # half-way through the course
GRADUATE = "egresada"  # passed the final
PASSWORD = "atiende-demo"  # settings.ATIENDE_DEMO_PASSWORD in dev
LESSONS_READ = 6
SERVER_TIMEOUT = 120  # seconds for runserver to answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy, write-ahead log included (SQLite's backup API)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("runserver stopped; see its log above")
        try:
            with urllib.request.urlopen(f"{base}/salud/", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"runserver did not answer within {SERVER_TIMEOUT} s")


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{base}/")


def shoot(base: str) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS
        )
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, locale="es-MX"
        )
        page = context.new_page()

        sign_in(page, base, LEARNER)
        # The learner enrols and reads the first lessons, so the home page shows
        # their course with its progress.
        page.get_by_role("link", name="Conocer el curso").first.click()
        page.get_by_role("button", name="Inscribirme").click()
        page.get_by_role("link", name="Continuar donde me quedé").first.click()
        for _ in range(LESSONS_READ):
            page.get_by_test_id("mark-done").click()
            page.wait_for_load_state()
        page.goto(f"{base}/")
        saved.append(OUT / "home.png")
        page.screenshot(path=saved[-1], full_page=True)

        page.get_by_role("link", name="Continuar donde me quedé").first.click()
        page.wait_for_load_state()
        saved.append(OUT / "lesson.png")
        page.screenshot(path=saved[-1])

        sign_in(page, base, GRADUATE)
        page.goto(f"{base}/mi-avance/")
        history = page.get_by_test_id("my-assessments")
        history.get_by_role("link", name="Ver resultado").first.click()
        page.get_by_test_id("verdict").wait_for()
        saved.append(OUT / "result.png")
        page.screenshot(path=saved[-1])
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        type=Path,
        help="a SQLite file already seeded (make run's db.sqlite3), copied first",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="atiende-screenshots-") as tmp:
        database = Path(tmp) / "db.sqlite3"
        if args.database:
            copy_database(args.database, database)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.e2e.screenshot_settings",
            "ATIENDE_SCREENSHOT_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{database}",
            "ATIENDE_PUBLIC_BASE_URL": base,
            "WAGTAILADMIN_BASE_URL": base,
        }
        env.pop("REDIS_URL", None)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_initial_data", "--demo", "--verbosity", "0")
        with open(Path(tmp) / "server.log", "wb") as log:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", base[7:]],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_until_up(base, server)
                for path in shoot(base):
                    print(f"saved {path.relative_to(ROOT)}")
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
