from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_graduate_certify, demo_users_create
from accounts.role_permissions import sync_roles
from assessments.question_services import QuestionDataError, question_bank_load
from assessments.services import standard_load
from courses import content_loader

ASSESSMENT_CONTENT = Path(__file__).resolve().parents[3] / "assessments" / "content"
STANDARD_FILE = ASSESSMENT_CONTENT / "ec0305.yaml"
QUESTIONS_FILE = ASSESSMENT_CONTENT / "questions.yaml"


class Command(BaseCommand):
    help = (
        "Load the EC0305 standard and the course content (idempotent). With --demo, "
        "also the demo accounts (refused under production settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help="also create the demo accounts"
        )

    def handle(self, *args, demo=False, **options):
        if demo and not settings.ATIENDE_DEMO_ALLOWED:
            raise CommandError(
                "--demo is refused under production settings: demo accounts have a "
                "public password."
            )
        with STANDARD_FILE.open(encoding="utf-8") as handle:
            standard = standard_load(data=yaml.safe_load(handle))
        self.stdout.write(
            f"Standard {standard.code}: {standard.criteria.count()} criteria"
        )
        with QUESTIONS_FILE.open(encoding="utf-8") as handle:
            try:
                bank = question_bank_load(entries=yaml.safe_load(handle))
            except QuestionDataError as error:
                raise CommandError(f"Question bank is invalid: {error}") from error
        self.stdout.write(
            f"Question bank: created {bank.created}, updated {bank.updated}, "
            f"unchanged {bank.unchanged}, kept (answered or edited) {len(bank.kept)}"
        )
        home = content_loader.home_page()
        sync_roles(apps)
        try:
            report = content_loader.load_course(
                content_loader.CONTENT_DIR / "ec0305", home=home
            )
        except content_loader.ContentError as error:
            raise CommandError(f"Course content is invalid: {error}") from error
        self.stdout.write(f"Course pages: {report}")
        for key in report.kept:
            self.stdout.write(f"  kept (edited by a person): {key}")
        if demo:
            created = demo_users_create()
            self.stdout.write(
                f"Demo accounts created: {', '.join(created) or 'none (already there)'}"
            )
            certificate = demo_graduate_certify()
            self.stdout.write(
                f"Demo certificate: {certificate.serial}"
                if certificate
                else "Demo certificate: none issued (egresada already holds one)"
            )
        self.stdout.write(self.style.SUCCESS("Initial data loaded."))
