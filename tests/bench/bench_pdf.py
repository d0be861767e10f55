"""Benchmark: certificates rendered per second by the pure PDF renderer.

Run from the project root: ``python tests/bench/bench_pdf.py [seconds]``. Renders a
realistic certificate (three elements with knowledge, performance and product
evidence and the evaluator, logo and signature PNGs, embedded fonts,
QR code) for about three seconds on one core and exits non-zero below the target.
Every iteration renders a *different* certificate (holder, serial, verification
code and URL change), so nothing per-certificate is served from a cache: only
what is genuinely shared between certificates (the parsed font files) is.

Target: >= 30 per second. A certificate is rendered once, at issue, then stored
and served as stored, so the renderer uses reportlab's and segno's public APIs
only and leaves the rest to them (about 59/s with reportlab 5.1.0).
"""

from __future__ import annotations

import io
import secrets
import sys
import time
from datetime import date
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # import certificates.pdf without Django

from PIL import Image, ImageDraw  # noqa: E402

from certificates.pdf import (  # noqa: E402
    CertificateDocument,
    ElementLine,
    render_certificate,
    sha256_hex,
)

TARGET = 30.0
FIRST_NAMES = ("José", "María Fernanda", "Ñeli", "Andrés", "Guadalupe", "Íñigo")
LAST_NAMES = ("Núñez Peña", "Gómez Ibáñez", "Hernández", "Zúñiga Ríos", "Álvarez")


def _png(size: tuple[int, int], draw) -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw(ImageDraw.Draw(image), size)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _logo(d: ImageDraw.ImageDraw, size: tuple[int, int]) -> None:
    w, h = size
    d.rounded_rectangle((4, 4, h - 4, h - 4), radius=24, fill=(31, 58, 95, 255))
    d.rectangle((h + 20, h // 3, w - 20, h // 3 + 18), fill=(176, 141, 87, 255))
    d.rectangle((h + 20, h // 2 + 10, w - 80, h // 2 + 24), fill=(31, 58, 95, 255))


def _signature(d: ImageDraw.ImageDraw, size: tuple[int, int]) -> None:
    w, h = size
    points = [
        (10 + i * (w - 20) // 60, h // 2 + ((i * 37) % 29) - 14) for i in range(61)
    ]
    d.line(points, fill=(20, 30, 90, 255), width=4)


LOGO = _png((600, 200), _logo)
SIGNATURE = _png((600, 160), _signature)


def make_document(i: int) -> CertificateDocument:
    code = secrets.token_hex(16).upper()  # 128 bits, as the real codes
    holder = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]}"
    return CertificateDocument(
        organisation_name="Grupo Hotelero Sierra Madre, S.A. de C.V.",
        holder_name=holder,
        standard_code="EC0305",
        standard_title="Prestación de servicios de atención a clientes",
        course_title="Atención a clientes de excelencia",
        elements=(
            ElementLine(
                "E1",
                "Atender los requerimientos del cliente",
                Fraction(17, 20),
                Fraction(1),
                True,
                performance_met=15,
                performance_total=15,
            ),
            ElementLine(
                "E2",
                "Gestionar el servicio requerido por el cliente",
                Fraction(9, 10),
                Fraction(1),
                True,
                performance_met=10,
                performance_total=10,
                product_met=9,
                product_total=9,
            ),
            ElementLine(
                "E3",
                "Obtener la satisfacción del servicio al cliente",
                Fraction(4, 5),
                Fraction(1),
                True,
                performance_met=9,
                performance_total=9,
            ),
        ),
        issued_on=date(2026, 11, 28),
        expires_on=date(2029, 11, 28),
        serial=f"ATN-2026-{i:06d}",
        verification_code=code,
        verification_url=f"https://atiende.example.mx/verificar/{code}/",
        issuer="Dirección de Recursos Humanos",
        signatory_name="Mtra. Ana Lucía Gómez Ibáñez",
        signatory_title="Directora de Capital Humano",
        logo=LOGO,
        signature=SIGNATURE,
        evidence="evaluator",
        evaluator_name="Evangelina Luna Saldaña",
        judged_on=date(2026, 11, 20),
    )


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    docs = [make_document(i) for i in range(500)]
    first = render_certificate(docs[0])  # warm-up: font registration
    assert first.startswith(b"%PDF") and sha256_hex(first)

    count = 0
    total_bytes = 0
    cpu_start = time.process_time()
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        total_bytes += len(render_certificate(docs[count % len(docs)]))
        count += 1
    cpu = time.process_time() - cpu_start
    # Rendering is single-threaded, so this is one core. Certificates per CPU
    # second is the per-core figure even when other work shares the machine;
    # the wall-clock rate is printed alongside.
    rate = count / cpu
    print(f"pdf: certificates rendered per second: {rate:.0f} (target >= {TARGET:.0f})")
    print(
        f"pdf: {count} certificates in {elapsed:.2f} s wall / {cpu:.2f} s CPU "
        f"({count / elapsed:.0f} per wall-clock second), "
        f"{total_bytes / count / 1024:.0f} KiB each on average"
    )
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
