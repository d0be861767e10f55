"""Walk the running site as new learners do, and count server errors.

Each walk signs up a new learner, opens the catalogue and the course, enrols,
reads and completes lessons, starts the final assessment, saves answers both
ways the page does (background JSON saves and a plain form post), submits, reads
the result, opens /mi-avance/ and, when the learner passed, downloads the
certificate. Walks run a few at a time against a server started with
``make run`` (its task worker alongside, the SQLite default), so that the
worker's polling competes with the learners' writes.

    python tests/load/walk_site.py --base http://127.0.0.1:8000 --walks 20 --parallel 4

Prints one line per walk and a summary; exits 1 when any response was a 5xx.
It only talks to the address given (keep it on this machine).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape

import requests

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HREF_RE = re.compile(r'href="(/[^"#?]*)"')
SECTION_RE = re.compile(
    r'<section class="card mb-3 question"[^>]*data-position="(\d+)"[^>]*'
    r'data-answer-shape="(\w+)"(.*?)</section>',
    re.S,
)
CHOICE_RE = re.compile(r'type="(?:radio|checkbox)" name="([^"]+)" value="([^"]+)"')
SELECT_RE = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION_RE = re.compile(r'<option value="([^"]+)"')
PASSWORD = "Caminata-de-prueba-2026"


@dataclass
class Walk:
    number: int
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    passed: bool | None = None
    seconds: float = 0.0


class Walker:
    def __init__(self, base: str, course: str, walk: Walk):
        self.base = base.rstrip("/")
        self.course = course
        self.walk = walk
        self.session = requests.Session()

    def _record(self, method: str, path: str, response) -> requests.Response:
        self.walk.requests += 1
        if response.status_code >= 500:
            self.walk.errors.append(f"{response.status_code} {method} {path}")
        elif response.status_code >= 400:
            self.walk.refused.append(f"{response.status_code} {method} {path}")
        return response

    def get(self, path: str, **kwargs):
        response = self.session.get(self.base + path, timeout=60, **kwargs)
        return self._record("GET", path, response)

    def post(self, path: str, data=None, *, referer: str | None = None, **kwargs):
        headers = {"Referer": self.base + (referer or path)}
        headers.update(kwargs.pop("headers", {}))
        if "json" not in kwargs:
            data = {"csrfmiddlewaretoken": self.csrf(), **(data or {})}
        else:
            headers["X-CSRFToken"] = self.csrf()
        response = self.session.post(
            self.base + path, data=data, headers=headers, timeout=60, **kwargs
        )
        return self._record("POST", path, response)

    def csrf(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def run(self) -> None:
        started = time.monotonic()
        username = f"caminante-{uuid.uuid4().hex[:10]}"
        self.get("/accounts/signup/")
        self.post(
            "/accounts/signup/",
            {
                "username": username,
                "first_name": "Camila",
                "last_name": f"Caminante {self.walk.number}",
                "email": f"{username}@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        home = self.get("/").text
        course = self.course
        if f'href="{course}"' not in home:
            self.walk.errors.append(f"{course} is not on the catalogue")
            return
        page = self.get(course).text
        enrol = re.search(r'action="(/cursos/\d+/inscripcion/)"', page)
        if enrol:
            self.post(enrol.group(1), referer=course)
            page = self.get(course).text
        lessons = [
            link
            for link in dict.fromkeys(HREF_RE.findall(page))
            if link.startswith(course) and link.count("/") == 4
        ]
        # Every lesson: the final opens only then (its completion rule).
        for lesson in lessons:
            self.get(lesson)
            self.post(lesson + "completar/", referer=lesson)
        final = next(
            (link for link in HREF_RE.findall(page) if "evaluacion-final" in link),
            None,
        )
        if final is None:
            self.walk.errors.append("no final assessment on the course page")
            return
        self.get(final)
        attempt = self.post(final + "comenzar/", referer=final)
        attempt_path = attempt.url.removeprefix(self.base)
        body = attempt.text
        form = {}
        for position, shape, section in SECTION_RE.findall(body):
            choices = CHOICE_RE.findall(section)
            if shape == "one" and choices:
                self.post(
                    attempt_path + "guardar/",
                    json={"position": int(position), "answer": choices[0][1]},
                    referer=attempt_path,
                )
            for name, value in choices[:1]:
                form[name] = unescape(value)
            for index, (name, options) in enumerate(SELECT_RE.findall(section)):
                values = OPTION_RE.findall(options)
                if values:
                    form[name] = values[index % len(values)]
        self.post(
            attempt_path + "guardar/", {**form, "save": "1"}, referer=attempt_path
        )
        result = self.post(
            attempt_path + "enviar/",
            {**form, "submit-attempt": "1"},
            referer=attempt_path,
        )
        self.walk.passed = (
            "Conocimientos acreditados" in result.text and "todavía" not in result.text
        )
        dashboard = self.get("/mi-avance/").text
        for link in set(re.findall(r'href="(/constancias/[^"]+)"', dashboard)):
            self.get(link)
        self.walk.seconds = time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--walks", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--course", default="/ec0305-atencion-a-clientes/")
    args = parser.parse_args()
    walks = [Walk(number) for number in range(1, args.walks + 1)]

    def run(walk: Walk) -> Walk:
        try:
            Walker(args.base, args.course, walk).run()
        except requests.RequestException as error:
            walk.errors.append(f"request failed: {error}")
        return walk

    with ThreadPoolExecutor(max_workers=args.parallel) as pool:
        for walk in pool.map(run, walks):
            status = "ok" if not walk.errors else "; ".join(walk.errors)
            if walk.refused:
                status += " (4xx: " + "; ".join(walk.refused) + ")"
            print(
                f"walk {walk.number:2d}: {walk.requests} requests, "
                f"{walk.seconds:.1f} s, passed={walk.passed}, {status}"
            )
    total = sum(walk.requests for walk in walks)
    failed = [walk for walk in walks if walk.errors]
    print(f"{len(walks)} walks, {total} requests, {len(failed)} with errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
