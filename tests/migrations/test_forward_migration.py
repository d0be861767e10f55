"""A database built by the first release (the commit before the standards app,
judgements and deferred PDFs: demo data, a certificate and its re-issue) migrates
forward with nothing lost, and every certificate still verifies with its stored
hash.

The fixture was made at commit 44a86e7 with ``migrate``, ``load_initial_data
--demo`` and a re-issue of the demo certificate; its media holds the two PDFs.
The migration runs in a subprocess on a copy, against a file database.
"""

import gzip
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "before_standards"
SCRIPT = Path(__file__).parent / "check_forward.py"


def counts(database: Path) -> dict:
    with sqlite3.connect(database) as connection:

        def count(table):
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        return {
            "criteria": count("assessments_criterion"),
            "questions": count("assessments_question"),
            "attempts": count("assessments_attempt"),
            "responses": count("assessments_response"),
            "lessons": count("courses_lessonpage"),
            "certificates": dict(
                connection.execute(
                    "SELECT serial, pdf_sha256 FROM certificates_certificate"
                ).fetchall()
            ),
        }


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    work = tmp_path_factory.mktemp("forward")
    database = work / "db.sqlite3"
    with gzip.open(FIXTURE / "db.sqlite3.gz") as source, database.open("wb") as out:
        shutil.copyfileobj(source, out)
    shutil.copytree(FIXTURE / "media", work / "media")
    before = counts(database)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(database), str(work / "media")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return before, json.loads(done.stdout.strip().splitlines()[-1])


def test_nothing_is_lost(migrated):
    before, after = migrated
    for name in ("criteria", "questions", "attempts", "responses", "lessons"):
        assert after[name] == before[name], name
    assert before["criteria"] == 36 and before["questions"] == 138
    assert [c["serial"] for c in after["certificates"]] == sorted(
        before["certificates"]
    )


def test_every_certificate_still_verifies_with_its_stored_hash(migrated):
    before, after = migrated
    assert len(after["certificates"]) == 2
    for certificate in after["certificates"]:
        assert certificate["hash_matches"], certificate["serial"]
        assert certificate["verify_status"] == 200
        assert certificate["status_shown"]
    statuses = {c["serial"]: c["status"] for c in after["certificates"]}
    assert statuses == {"ATI-2026-000001": "revocado", "ATI-2026-000002": "vigente"}
    assert after["certificates"][1]["replaces"] == "ATI-2026-000001"


def test_certificates_rest_on_the_judgement_of_their_attempt(migrated):
    _, after = migrated
    assert after["judgements"] == 1
    attempts = {c["judgement_attempt"] for c in after["certificates"]}
    assert len(attempts) == 1  # the re-issue rests on the same judgement
    assert all(c["judgement_competent"] for c in after["certificates"])


def test_moved_models_keep_their_content_types_and_permissions(migrated):
    _, after = migrated
    assert after["criterion_content_type"] == "standards"
    assert after["stale_content_types"] == 0
    assert after["trainer_criterion_perms"] == [
        ["standards", "add_criterion"],
        ["standards", "change_criterion"],
        ["standards", "delete_criterion"],
        ["standards", "view_criterion"],
    ]
    assert after["standard_page"] == 200
