"""Benchmark: app CPU and queries of the course, module and lesson pages.

Run from the project root: ``python tests/bench/bench_pages.py [--requests N]``.
Uses DATABASE_URL when set, else a temporary SQLite file, which gets the demo
content (``load_initial_data --demo``: the EC0305 course with its modules and
lessons, and the demo accounts).

Setup (not timed): the demo learner ``aprendiz`` enrolled in the course, with
every other learner lesson completed and a lesson to continue from.

Timed, in this one process through Django's test client (the full middleware
stack and templates, no server): a constant view (returns a fixed
HttpResponse, mounted in the bench's own URLconf) as the floor, then the course,
module and lesson pages for that signed-in learner, and the course and module
pages for an anonymous visitor. Each page is requested a few times to warm the
caches, then in rounds of N requests: app CPU per request is
``time.process_time()`` around ``client.get``, reported as median and p95 of
the round with the lowest median (the machine is shared: the least disturbed
round is the one that measures the code); the queries are those of one more
warm request. The ratios are each page's median over the constant view's.
Target (issue 13): the lesson and course pages at no more than 5 ms of CPU and
10 queries warm; exits non-zero if one misses it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# The same set-up as the dashboards' bench: test settings on DATABASE_URL, else
# a scratch SQLite file.
from tests.bench.bench_dashboards import django_setup  # noqa: E402

TARGET_CPU_MS = 5.0
TARGET_QUERIES = 10
WARM_REQUESTS = 5
CONSTANT_URL = "/bench/constant/"


def mount_constant_view() -> None:
    """The site's URLconf with a constant view in front of it."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    from config import urls as site_urls

    def constant(request):
        return HttpResponse("ok", content_type="text/plain")

    module = types.ModuleType("bench_pages_urls")
    module.urlpatterns = [path(CONSTANT_URL.strip("/") + "/", constant)]
    module.urlpatterns += site_urls.urlpatterns
    for name in ("handler403", "handler404", "handler500"):
        setattr(module, name, getattr(site_urls, name))
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def setup_data():
    """The demo content and a learner with progress; returns the learner and the
    pages to measure."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_initial_data", demo=True, verbosity=0, stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    from courses import services
    from courses.models import CoursePage, LessonPage, ModulePage

    learner = get_user_model().objects.get(username="aprendiz")
    course = CoursePage.objects.live().first()
    modules = list(
        ModulePage.objects.live()
        .child_of(course)
        .filter(audience=ModulePage.Audience.LEARNERS)
    )
    lessons = [
        lesson for module in modules for lesson in LessonPage.objects.child_of(module)
    ]
    services.course_enrol(user=learner, course=course)
    for lesson in lessons[::2]:
        services.lesson_complete(user=learner, lesson=lesson)
    # The lesson measured: one with the most blocks, and one not yet done (it
    # shows the completion form).
    lesson = max(lessons[1::2], key=lambda page: len(page.body))
    services.lesson_visit(user=learner, lesson=lesson)
    module = lesson.get_parent()
    print(
        f"course: {course.title!r}, {len(modules)} learner modules, "
        f"{len(lessons)} lessons, {len(lessons[::2])} completed; lesson measured: "
        f"{lesson.title!r} ({len(lesson.body)} blocks)"
    )
    return learner, course.url, module.url, lesson.url


def measure(
    client, url: str, requests: int, rounds: int, show_queries: bool = False
) -> tuple[float, float, int]:
    """Median and p95 app CPU (ms) of ``requests`` warm GETs, from the round of
    ``rounds`` with the lowest median (on a shared machine, the least disturbed
    one), and the queries of one more warm GET (printed with ``show_queries``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_REQUESTS):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    best = None
    for _ in range(rounds):
        samples = []
        for _ in range(requests):
            started = time.process_time()
            response = client.get(url)
            samples.append((time.process_time() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        samples.sort()
        median = statistics.median(samples)
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        if best is None or median < best[0]:
            best = (median, p95)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    if show_queries:
        for query in captured.captured_queries:
            print(f"    {query['sql'][:300]}")
    return best[0], best[1], len(captured.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--show-queries", action="store_true", help="print each page's SQL"
    )
    args = parser.parse_args()
    django_setup()
    from django.db import connection
    from django.test import Client, override_settings

    override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-media-")).enable()
    mount_constant_view()
    learner, course_url, module_url, lesson_url = setup_data()
    learner_client = Client()
    learner_client.force_login(learner)
    anonymous = Client()
    rows = [
        ("constant view", anonymous, CONSTANT_URL, False),
        ("course, learner", learner_client, course_url, True),
        ("module, learner", learner_client, module_url, False),
        ("lesson, learner", learner_client, lesson_url, True),
        ("course, anonymous", anonymous, course_url, True),
        ("module, anonymous", anonymous, module_url, False),
    ]
    print(
        f"database: {connection.vendor}, {args.rounds} rounds of {args.requests} "
        "requests a page (the round with the lowest median shown)"
    )
    print(f"{'page':20} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'ratio':>7}")
    failed = False
    constant_ms = None
    for label, client, url, budgeted in rows:
        if args.show_queries:
            print(f"{label}:")
        median, p95, queries = measure(
            client, url, args.requests, args.rounds, args.show_queries
        )
        constant_ms = constant_ms or median
        verdict = ""
        if budgeted:
            ok = median <= TARGET_CPU_MS and queries <= TARGET_QUERIES
            failed |= not ok
            verdict = "ok" if ok else "OVER"
        print(
            f"{label:20} {median:10.2f} {p95:8.2f} {queries:8d} "
            f"{median / constant_ms:6.1f}x {verdict}"
        )
    print(
        f"budget: course and lesson pages <= {TARGET_CPU_MS:g} ms median CPU and "
        f"<= {TARGET_QUERIES} queries"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
