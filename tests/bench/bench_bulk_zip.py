"""Benchmark: the bulk ZIP of 1,000 certificates (PDFs plus manifest).

Run from the project root: ``python tests/bench/bench_bulk_zip.py [--count N]
[--db PATH]``. Sets Django up with the test settings on a temporary SQLite
database (migrated) and a temporary media directory, issues N certificates
(1,000 by default) through the real issuing service, with a logo and a signature
as an organisation would have (so the PDFs have their real size), and then,
timed, builds the bulk ZIP of all of them with the code the background task uses
(``exports.write_bulk_zip`` over ``exports.iter_batches`` of the HR filter
queryset) into a temporary file.

Reported: wall-clock seconds of the build, and its peak memory measured two ways:
the tracemalloc peak of a second, identical build (Python allocations; tracing
slows the build, so it is not the timed one), and the growth of the process's
peak resident set during the timed build (Linux: VmHWM is reset first through
/proc/self/clear_refs; elsewhere the ru_maxrss delta). Targets: under 15 s and
under 200 MB; exits non-zero if either is missed. The setup is not timed.

``--db PATH`` keeps the database (and the media next to it) for later runs: a
second run with the same path skips the setup.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 15.0
TARGET_MB = 200.0


def _rss_kib(field: str) -> int | None:
    """VmRSS / VmHWM of this process in KiB (Linux), else None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _png(size, colour) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    w, h = size
    for i in range(0, w, 7):
        draw.line((i, h // 2 + (i * 37) % 29 - 14, i + 7, h // 2), fill=colour, width=3)
    draw.rectangle((4, 4, h - 4, h - 4), outline=colour, width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def setup_data(count: int) -> None:
    """Migrate, give the issuer a logo and a signature, issue ``count``
    certificates through the service (one learner each)."""
    from django.core.files.images import ImageFile
    from django.core.management import call_command
    from django.db import connection
    from wagtail.images.models import Image
    from wagtail.models import Site

    from accounts.role_permissions import sync_roles
    from certificates.models import Certificate, CertificateSettings
    from tests.factories import CertificationSetup, issue_certificate

    with connection.cursor() as cursor:  # a throwaway database: skip the fsyncs
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA journal_mode = MEMORY")
    call_command("migrate", verbosity=0, interactive=False)
    from django.apps import apps

    sync_roles(apps)
    if Certificate.objects.count() >= count:
        return
    site = Site.objects.get(is_default_site=True)
    issuer = CertificateSettings.for_site(site)
    issuer.organisation_name = "Grupo Hotelero Sierra Madre, S.A. de C.V."
    issuer.logo = Image.objects.create(
        title="Logotipo",
        file=ImageFile(io.BytesIO(_png((600, 200), (31, 58, 95, 255))), "logo.png"),
    )
    issuer.signature = Image.objects.create(
        title="Firma",
        file=ImageFile(io.BytesIO(_png((600, 160), (20, 30, 90, 255))), "firma.png"),
    )
    issuer.save()
    setup = CertificationSetup(course_title="Atención a clientes de excelencia")
    first = ("José", "María Fernanda", "Ñeli", "Andrés", "Guadalupe", "Íñigo")
    last = ("Núñez Peña", "Gómez Ibáñez", "Hernández", "Zúñiga Ríos", "Álvarez")
    start = time.perf_counter()
    for i in range(Certificate.objects.count(), count):
        issue_certificate(
            setup,
            first_name=first[i % len(first)],
            last_name=f"{last[i % len(last)]} {i}",
        )
        if (i + 1) % 200 == 0:
            elapsed = time.perf_counter() - start
            print(f"setup: {i + 1} certificates issued ({elapsed:.0f} s)")


def build(path: Path, trace: bool = False) -> tuple[float, int, int]:
    """Build the ZIP of every certificate into ``path``; returns (seconds,
    size in bytes, tracemalloc peak in bytes or 0)."""
    from django.utils import timezone

    from certificates import exports
    from certificates.hr_selectors import CertificateFilters, certificate_search

    queryset = certificate_search(
        filters=CertificateFilters(), today=timezone.localdate()
    )
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    with open(path, "wb") as handle:
        size = exports.write_bulk_zip(exports.iter_batches(queryset), handle)
    seconds = time.perf_counter() - start
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return seconds, size, peak


def check(path: Path, count: int) -> None:
    """Not timed: the ZIP has every PDF, each matching its stored SHA-256."""
    from certificates.models import Certificate
    from certificates.pdf import sha256_hex

    stored = dict(Certificate.objects.values_list("serial", "pdf_sha256"))
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.endswith(".pdf")]
        assert len(names) == count == len(stored), (len(names), count, len(stored))
        for name in names:
            serial = name.split("_", 1)[0]
            assert sha256_hex(archive.read(name)) == stored[serial], name
        assert archive.testzip() is None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="atiende-bench-zip-"))
    db_path = args.db or workdir / "bench.sqlite3"
    media = db_path.parent / (db_path.stem + "-media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path.resolve()}"

    import django
    from django.test.utils import override_settings

    django.setup()
    try:
        with override_settings(MEDIA_ROOT=str(media)):
            started = time.perf_counter()
            setup_data(args.count)
            print(f"setup: done in {time.perf_counter() - started:.0f} s (not timed)")
            from certificates.models import Certificate

            count = Certificate.objects.count()
            target = workdir / "constancias.zip"

            rss_start = _rss_kib("VmRSS")
            hwm_reset = _reset_peak_rss()
            maxrss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            seconds, size, _ = build(target)
            if hwm_reset and rss_start is not None:
                rss_growth_mb = (_rss_kib("VmHWM") - rss_start) / 1024
                rss_how = "peak RSS (VmHWM) minus RSS at start"
            else:
                maxrss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                rss_growth_mb = (maxrss_end - maxrss_start) / 1024
                rss_how = "ru_maxrss delta"
            check(target, count)
            _seconds_traced, _size, peak = build(target, trace=True)
            traced_mb = peak / 1024 / 1024
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    memory_mb = max(traced_mb, rss_growth_mb)
    print(
        f"bulk zip: {count} certificates, {size / 1024 / 1024:.1f} MiB, "
        f"built in {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s)"
    )
    print(
        f"bulk zip: peak memory {memory_mb:.1f} MB (target < {TARGET_MB:.0f} MB): "
        f"tracemalloc peak {traced_mb:.1f} MB, {rss_how} {rss_growth_mb:.1f} MB"
    )
    ok = seconds < TARGET_SECONDS and memory_mb < TARGET_MB
    print("bulk zip: OK" if ok else "bulk zip: TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
