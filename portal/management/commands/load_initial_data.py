from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.role_permissions import sync_roles
from assessments.question_services import QuestionDataError
from compliance.catalogues import load_catalogues
from compliance.models import ThematicArea
from courses import content_loader
from evaluation.content_loader import EvaluationDataError
from rollout.models import Occupation

from ... import content
from ...demo import demo_evaluations_create, demo_units_create, demo_users_create
from ...demo_dc3 import demo_dc3_data_create, demo_dc3_issue
from ...demo_rollout import demo_rollout_create
from ...demo_two_factor import demo_two_factor_create


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
        standard = content.standard_file_load()
        self.stdout.write(
            f"Standard {standard.code}: {standard.criteria.count()} criteria"
        )
        try:
            bank = content.question_file_load()
        except QuestionDataError as error:
            raise CommandError(f"Question bank is invalid: {error}") from error
        self.stdout.write(
            f"Question bank: created {bank.created}, updated {bank.updated}, "
            f"unchanged {bank.unchanged}, kept (answered or edited) {len(bank.kept)}, "
            f"retired {len(bank.retired)}"
        )
        home = content_loader.home_page()
        sync_roles(apps)
        # Also loaded by a migration; again here, as the roles are, so a
        # flushed database (live-server tests) gets the catalogues back.
        load_catalogues(ThematicArea, Occupation)
        try:
            report = content.course_load(home=home)
        except content_loader.ContentError as error:
            raise CommandError(f"Course content is invalid: {error}") from error
        self.stdout.write(f"Course pages: {report}")
        for key in report.kept:
            self.stdout.write(f"  kept (edited by a person): {key}")
        try:
            instruments, scenarios = content.evaluation_content_load()
        except EvaluationDataError as error:
            raise CommandError(f"Evaluation content is invalid: {error}") from error
        self.stdout.write(f"Instruments: {instruments}; scenarios: {scenarios}")
        if demo:
            created = demo_users_create()
            self.stdout.write(
                f"Demo accounts created: {', '.join(created) or 'none (already there)'}"
            )
            units = demo_units_create()
            self.stdout.write(f"Demo units created: {', '.join(units) or 'none'}")
            demo_dc3_data_create()
            certificates = demo_evaluations_create()
            self.stdout.write(
                "Demo certificates: "
                + (
                    ", ".join(c.serial for c in certificates)
                    or "none issued (egresada and evaluadora already hold one)"
                )
            )
            folios = demo_dc3_issue()
            self.stdout.write(f"Demo DC-3: {', '.join(folios) or 'none'}")
            if settings.ATIENDE_DEMO_ROLLOUT:
                cohorts = demo_rollout_create()
                self.stdout.write(
                    "Demo rollout: "
                    + (", ".join(cohorts) or "already there (its first cohort exists)")
                )
            two_factor = demo_two_factor_create()
            self.stdout.write(
                "Demo authenticator app (README's demo secret): "
                + (", ".join(two_factor) or "already set up")
            )
        self.stdout.write(self.style.SUCCESS("Initial data loaded."))
