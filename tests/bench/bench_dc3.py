"""Benchmark: a ZIP of 1,000 DC-3 constancias, each rendered on the way in, with
its manifest.

Run from the project root: ``python tests/bench/bench_dc3.py [--count N]``. Pure
code, no database: builds N different DC-3 documents (worker, CURP, folio and
verification URL change, so nothing per document comes from a cache), then,
timed, renders each one and writes it into a ZIP in a temporary file with
``compliance.exports.dc3_zip`` over a generator (the way a background job
would). The ZIP is then checked: N PDFs and a manifest line with the SHA-256 of
each.

Reported: wall-clock seconds of the build, and its peak memory measured two ways:
the growth of the process's peak resident set during the timed build (Linux:
VmHWM is reset first through /proc/self/clear_refs; elsewhere the ru_maxrss
delta), and the tracemalloc peaks of two more builds, of N/20 and N/5 documents
(Python allocations; tracing is slow, so they are neither timed nor full size):
their difference per entry is what memory grows by per worker, the ZIP's
central-directory record and the manifest line (~1-2 KiB), never a PDF (~45
KiB). Issue 11's target: under 30 s, memory bounded; exits non-zero at 30 s or
more, or at MAX_KIB_PER_ENTRY or more per entry.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # import the pure compliance modules without Django

from compliance.exports import MANIFEST_NAME, dc3_entry, dc3_zip  # noqa: E402
from tests.compliance.samples import document, worker  # noqa: E402

TARGET_SECONDS = 30.0
# A PDF is ~45 KiB: a build that kept the PDFs would grow by that much per entry.
MAX_KIB_PER_ENTRY = 4.0
FIRST = ("José", "María Fernanda", "Ñeli", "Andrés", "Guadalupe", "Íñigo")
LAST = ("Núñez", "Gómez", "Hernández", "Zúñiga", "Álvarez", "Ibáñez", "Peña")


def documents(count: int):
    for i in range(count):
        curp = f"HEZM{900101 + i % 900000:06d}MDFRXR{i % 100:02d}"
        yield document(
            i + 1,
            worker=worker(
                apellido_paterno=LAST[i % len(LAST)],
                apellido_materno=LAST[(i // 7) % len(LAST)],
                nombres=FIRST[i % len(FIRST)],
                curp=curp,
            ),
        )


def build(count: int, path: Path) -> int:
    with path.open("wb") as handle:
        return dc3_zip(
            handle,
            (dc3_entry(doc) for doc in documents(count)),
            timestamp=(2026, 11, 28, 9, 0, 0),
        )


def _rss_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def traced_peak(count: int, path: Path) -> float:
    tracemalloc.start()
    try:
        build(count, path)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def check(path: Path, count: int) -> None:
    with zipfile.ZipFile(path) as archive:
        pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
        manifest = archive.read(MANIFEST_NAME).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(manifest)))[1:]
        assert len(pdfs) == count == len(rows), (len(pdfs), len(rows))
        for name in (pdfs[0], pdfs[-1]):
            digest = hashlib.sha256(archive.read(name)).hexdigest()
            assert [r[5] for r in rows if r[4] == name] == [digest]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dc3.zip"
        build(2, path)  # warm-up: font registration
        reset = _reset_peak_rss()
        rss_before = _rss_kib("VmHWM" if reset else "VmRSS")
        maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        written = build(args.count, path)
        seconds = time.perf_counter() - start
        if reset and rss_before is not None:
            rss_growth = (_rss_kib("VmHWM") - rss_before) / 1024
        else:
            rss_growth = (
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss_before
            ) / 1024
        size = path.stat().st_size
        check(path, args.count)
        small_n, large_n = max(1, args.count // 20), max(2, args.count // 5)
        small = traced_peak(small_n, path)
        large = traced_peak(large_n, path)
    print(
        f"dc3 zip: {written} DC-3 PDFs rendered and zipped in {seconds:.1f} s "
        f"({written / seconds:.0f}/s; target < {TARGET_SECONDS:.0f} s), "
        f"ZIP {size / 2**20:.1f} MB"
    )
    per_entry_kib = (large - small) * 1024 / (large_n - small_n)
    print(
        f"dc3 zip: peak RSS growth {rss_growth:.1f} MB; tracemalloc peak "
        f"{small:.1f} MB for {small_n} and {large:.1f} MB for {large_n}: "
        f"{per_entry_kib:.2f} KiB more per entry (directory and manifest)"
    )
    bounded = per_entry_kib < MAX_KIB_PER_ENTRY
    return 0 if seconds < TARGET_SECONDS and bounded else 1


if __name__ == "__main__":
    sys.exit(main())
