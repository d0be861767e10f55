"""Exports of certificate lists (CSV, XLSX) and the bulk ZIP of their PDFs.

* CSV and XLSX hold one row per certificate: serial, holder, standard, course,
  issue date, expiry, status (on the given day), verification code and URL.
  Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
  ``-``, ``@``, tab or CR; holders type their own names at sign-up) are prefixed
  with an apostrophe. CSV is UTF-8 with a BOM, so that Excel reads the accents.
* The bulk ZIP holds each stored PDF as it was issued (``ZIP_STORED``: PDFs are
  already compressed) and ``manifiesto.csv`` (serial, holder, file name, SHA-256,
  verification URL). It is produced as a stream of chunks: ``zipfile`` writes into
  a buffer that holds at most the current entry, and each finished entry is handed
  on and forgotten, so memory stays bounded by the largest PDF (plus ~100 bytes
  per entry for the central directory and the manifest) whatever the number of
  certificates. Local headers carry the real sizes and CRC (no data descriptors),
  which every unzip tool reads, including streaming readers.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from standards.formatting import CSV_BOM, neutralise

from .models import Certificate
from .pdf import sha256_hex

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifiesto.csv"
BATCH_SIZE = 200


# ------------------------------------------------------------------ rows


def holder_name(certificate: Certificate) -> str:
    """The name as certified (frozen in the snapshot)."""
    return certificate.snapshot.get("holder_name") or (
        certificate.holder.get_full_name() or certificate.holder.get_username()
    )


def verification_url(certificate: Certificate) -> str:
    """The full verification URL: the one the certificate's QR code carries."""
    return certificate.snapshot.get("verification_url", "")


def verification_code(certificate: Certificate) -> str:
    """The code as printed on the certificate (grouped, upper case)."""
    return certificate.snapshot.get("verification_code") or certificate.code


def status_label(certificate: Certificate, today: date) -> str:
    return str(Certificate.Status(certificate.status_on(today)).label)


def export_headers() -> list[str]:
    return [
        _("Folio"),
        _("Titular"),
        _("Estándar"),
        _("Curso"),
        _("Fecha de emisión"),
        _("Vigente hasta"),
        _("Estado"),
        _("Código de verificación"),
        _("URL de verificación"),
    ]


def export_row(certificate: Certificate, today: date) -> list:
    """One certificate as a row; dates as ``date`` objects."""
    snapshot = certificate.snapshot
    standard = snapshot.get("standard_code") or certificate.standard.code
    course = snapshot.get("course_title") or (
        certificate.course.title if certificate.course else ""
    )
    return [
        certificate.serial,
        holder_name(certificate),
        standard,
        course,
        timezone.localtime(certificate.issued_at).date(),
        certificate.expires_on,
        status_label(certificate, today),
        verification_code(certificate),
        verification_url(certificate),
    ]


def _text(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralise(value))


def iter_batches(queryset, batch_size: int = BATCH_SIZE) -> Iterator[Certificate]:
    """The queryset's rows, fetched ``batch_size`` at a time by primary key (a
    cursor-free iterator: safe on SQLite while other tables are written)."""
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        found = queryset.in_bulk(chunk)
        for pk in chunk:
            if pk in found:
                yield found[pk]


# ------------------------------------------------------------------ CSV / XLSX


class _Echo:
    def write(self, value):
        return value


def iter_csv(certificates: Iterable[Certificate], *, today: date) -> Iterator[str]:
    """The CSV export, line by line (for a StreamingHttpResponse)."""
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow(export_headers())
    for certificate in certificates:
        yield writer.writerow([_text(v) for v in export_row(certificate, today)])


def write_xlsx(certificates: Iterable[Certificate], fileobj, *, today: date) -> None:
    """The XLSX export (openpyxl's write-only mode: rows are not kept)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Constancias"))
    widths = [18, 36, 10, 40, 16, 16, 12, 46, 70]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in export_headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for certificate in certificates:
        row = []
        for value in export_row(certificate, today):
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                cell.data_type = "s"  # never a formula
            row.append(cell)
        sheet.append(row)
    workbook.save(fileobj)


# ------------------------------------------------------------------ ZIP


class _EntryBuffer(io.RawIOBase):
    """A write-only file that ``zipfile`` takes for seekable, keeping only the
    bytes not yet handed on.

    ``zipfile`` writes an entry's local header, its data, then seeks back to
    rewrite the header with the real CRC and sizes: all of that falls inside the
    buffer. Between entries, ``take()`` returns the buffered bytes and forgets
    them; seeking before that point is an error (zipfile never does it)."""

    def __init__(self):
        super().__init__()
        self._base = 0  # absolute offset of _buffer[0]
        self._buffer = bytearray()
        self._pos = 0  # absolute position

    def writable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._pos

    def seek(self, offset, whence=io.SEEK_SET):
        end = self._base + len(self._buffer)
        target = {io.SEEK_SET: offset, io.SEEK_CUR: self._pos + offset}.get(
            whence, end + offset
        )
        if target < self._base or target > end:
            raise OSError("cannot seek outside the current ZIP entry")
        self._pos = target
        return target

    def write(self, data):
        data = memoryview(data).cast("B")
        start = self._pos - self._base
        self._buffer[start : start + len(data)] = data
        self._pos += len(data)
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        if self._pos != self._base + len(self._buffer):
            raise OSError("take() in the middle of a ZIP entry")
        chunk = bytes(self._buffer)
        self._base += len(chunk)
        self._buffer = bytearray()
        return chunk


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "constancia"


def zip_entry_name(certificate: Certificate) -> str:
    """``<serial>_<holder-name-slug>.pdf``: unique (serials are), ASCII only."""
    slug = slugify(holder_name(certificate))[:60].strip("-")
    name = _safe(certificate.serial)
    return f"{name}_{slug}.pdf" if slug else f"{name}.pdf"


def manifest_headers() -> list[str]:
    return [
        _("Folio"),
        _("Titular"),
        _("Archivo"),
        _("SHA-256"),
        _("URL de verificación"),
    ]


def read_pdf(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def iter_zip(
    entries: Iterable[tuple[str, bytes, bool]],
    *,
    timestamp: Sequence[int] | None = None,
) -> Iterator[bytes]:
    """A ZIP of ``(name, data, compress)`` entries as a stream of byte chunks: one
    per entry, then the central directory. Memory holds at most one entry (see
    the module's docstring); ``entries`` may be a generator that produces each
    file only when it is asked for. Shared by the certificates' bulk ZIP and
    the portfolios' ZIP."""
    buffer = _EntryBuffer()
    timestamp = timestamp or timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data, compress in entries:
            archive.writestr(_zip_info(name, timestamp, compress=compress), data)
            yield buffer.take()
    yield buffer.take()  # the central directory and end records


def iter_bulk_zip(
    certificates: Iterable[Certificate],
    *,
    on_progress: Callable[[int], None] | None = None,
    read: Callable[[Certificate], bytes] = read_pdf,
) -> Iterator[bytes]:
    """The ZIP of the certificates' stored PDFs plus ``manifiesto.csv``, as a
    stream of byte chunks (one per entry, then the central directory).

    ``on_progress(done)`` is called after each PDF. The manifest gives the stored
    SHA-256 (the one the verification page shows); a stored file whose bytes no
    longer match it is logged as an error, and the manifest lets whoever receives
    the ZIP see the mismatch too.
    """

    def entries() -> Iterator[tuple[str, bytes, bool]]:
        manifest = io.StringIO()
        writer = csv.writer(manifest)
        writer.writerow(manifest_headers())
        done = 0
        for certificate in certificates:
            if not certificate.pdf_ready:
                # Issued moments ago, its PDF still rendering: listed, not packed.
                writer.writerow(
                    [
                        neutralise(certificate.serial),
                        neutralise(holder_name(certificate)),
                        "",
                        _("PDF en preparación"),
                        verification_url(certificate),
                    ]
                )
                done += 1
                if on_progress is not None:
                    on_progress(done)
                continue
            data = read(certificate)
            if sha256_hex(data) != certificate.pdf_sha256:
                logger.error(
                    "Stored PDF of certificate %s does not match its SHA-256",
                    certificate.serial,
                )
            name = zip_entry_name(certificate)
            writer.writerow(
                [
                    neutralise(certificate.serial),
                    neutralise(holder_name(certificate)),
                    name,
                    certificate.pdf_sha256,
                    verification_url(certificate),
                ]
            )
            done += 1
            if on_progress is not None:
                on_progress(done)
            yield name, data, False
        yield (
            MANIFEST_NAME,
            (CSV_BOM + manifest.getvalue()).encode("utf-8"),
            True,
        )

    return iter_zip(entries())


def _zip_info(name: str, timestamp: Sequence[int], compress: bool = False):
    info = zipfile.ZipInfo(name, date_time=tuple(timestamp))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def write_bulk_zip(
    certificates: Iterable[Certificate],
    fileobj,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the bulk ZIP to ``fileobj``; returns the number of bytes written."""
    size = 0
    for chunk in iter_bulk_zip(certificates, on_progress=on_progress):
        fileobj.write(chunk)
        size += len(chunk)
    return size
