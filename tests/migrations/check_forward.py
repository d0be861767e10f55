"""Run in a subprocess by test_forward_migration: migrate a copied database to
the current code and print what a person would check, as JSON.

argv: database path, media root.
"""

import hashlib
import json
import os
import sys
from pathlib import Path

import django

database, media = sys.argv[1], sys.argv[2]
os.environ["DATABASE_URL"] = f"sqlite:///{database}"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from django.conf import settings  # noqa: E402

settings.MEDIA_ROOT = media
django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)

from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.test import Client  # noqa: E402

from assessments.models import Attempt, Question, Response  # noqa: E402
from certificates.models import Certificate  # noqa: E402
from courses.models import LessonPage  # noqa: E402
from evaluation.models import Judgement  # noqa: E402
from standards.models import Criterion  # noqa: E402

client = Client()
certificates = []
for certificate in Certificate.objects.select_related("judgement").order_by("pk"):
    with certificate.pdf.open("rb") as handle:
        stored = hashlib.sha256(handle.read()).hexdigest()
    page = client.get(f"/verificar/{certificate.code}/")
    certificates.append(
        {
            "serial": certificate.serial,
            "hash_matches": stored == certificate.pdf_sha256,
            "verify_status": page.status_code,
            "status": certificate.status,
            "status_shown": str(Certificate.Status(certificate.status).label)
            in page.content.decode(),
            "judgement_competent": certificate.judgement.competent,
            "judgement_attempt": str(certificate.judgement.attempt.uuid),
            "replaces": certificate.replaces.serial if certificate.replaces else None,
        }
    )
trainers = Group.objects.get(name="Instructores")
print(
    json.dumps(
        {
            "certificates": certificates,
            "criteria": Criterion.objects.count(),
            "questions": Question.objects.count(),
            "attempts": Attempt.objects.count(),
            "responses": Response.objects.count(),
            "lessons": LessonPage.objects.count(),
            "judgements": Judgement.objects.count(),
            "criterion_content_type": ContentType.objects.get_for_model(
                Criterion
            ).app_label,
            "stale_content_types": ContentType.objects.filter(
                app_label="assessments", model__in=["standard", "element", "criterion"]
            ).count(),
            "trainer_criterion_perms": sorted(
                trainers.permissions.filter(
                    content_type__model="criterion"
                ).values_list("content_type__app_label", "codename")
            ),
            "standard_page": client.get("/estandar/EC0305/").status_code,
        }
    )
)
