"""Run in a child process by test_backup: each process has its own database
(DATABASE_URL) and its own media and private folders (backup_settings), so the
restore lands somewhere really new. Prints what a person would check, as JSON.

argv: ``source ARCHIVE`` (add a document and a media image, then back up),
``restore ARCHIVE TAMPERED`` (try the tampered archive, restore the real one,
try it again, then check every certificate, DC-3 and file).
"""

import hashlib
import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.accounts.backup_settings"
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage, storages  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

DOCUMENT = b"%PDF-1.4 manual del participante"
IMAGE = b"\x89PNG\r\n\x1a\n logotipo"


def sha256(field_file) -> str:
    with field_file.storage.open(field_file.name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def source(archive: str) -> dict:
    from courses.models import PrivateDocument

    document = PrivateDocument.objects.create(
        title="Manual", file=ContentFile(DOCUMENT, name="manual.pdf")
    )
    default_storage.save("images/logo.png", ContentFile(IMAGE))
    call_command("backup", output=Path(archive), verbosity=0)
    name = document.file.name
    if connection.vendor == "postgresql":  # pytest's own database: leave it as found
        document.file.delete(save=False)
        document.delete()
    return {"document": name}


def nothing_here() -> dict:
    tables = connection.introspection.table_names()
    private = Path(storages["private"].location)
    files = [p for p in private.rglob("*") if p.is_file()] if private.exists() else []
    return {"tables": len(tables), "private_files": len(files)}


def refused(archive: str) -> str:
    try:
        call_command("restore", archive, verbosity=0)
    except CommandError as error:
        return str(error)
    return ""


def restore(archive: str, tampered: str) -> dict:
    from certificates import selectors
    from certificates.models import Certificate
    from compliance.models import Dc3
    from courses.models import PrivateDocument

    result = {"tampered_refusal": refused(tampered), "after_tampered": nothing_here()}
    call_command("restore", archive, verbosity=0)
    result["second_refusal"] = refused(archive)
    client = Client()
    result["certificates"] = {}
    for certificate in Certificate.objects.order_by("serial"):
        page = client.get(f"/verificar/{certificate.code}/")
        result["certificates"][certificate.serial] = {
            "found_by_code": selectors.certificate_by_code(certificate.code)
            == certificate,
            "page": page.status_code,
            "hash_on_page": certificate.pdf_sha256 in page.content.decode(),
            "pdf_hash_matches": sha256(certificate.pdf) == certificate.pdf_sha256,
            "pdf_sha256": certificate.pdf_sha256,
        }
    result["dc3"] = {
        dc3.folio: sha256(dc3.pdf) == dc3.pdf_sha256
        for dc3 in Dc3.objects.exclude(pdf_sha256="")
    }
    document = PrivateDocument.objects.get(title="Manual")
    result["document"] = document.file.open("rb").read() == DOCUMENT
    result["image"] = default_storage.open("images/logo.png").read() == IMAGE
    return result


if __name__ == "__main__":
    mode = sys.argv[1]
    output = source(sys.argv[2]) if mode == "source" else restore(*sys.argv[2:4])
    print(json.dumps(output))
