"""``manage.py wagtail_es_gaps [--po] [--strict]``: how much of the installed
Wagtail admin still speaks English to Spanish users (accounts.wagtail_catalogue).

For each domain it prints Wagtail's number of messages, how many its own
``es`` catalogue leaves untranslated, how many the project's supplement
(site/wagtail_locale) still leaves untranslated, and the supplement's stale
messages (no longer in Wagtail) and redundant ones (Wagtail translates them
now): rerun it after every Wagtail upgrade. ``--po`` prints the missing
messages as .po entries to translate and add to the supplement; ``--strict``
exits non-zero when anything is missing, stale or redundant."""

from django.core.management.base import BaseCommand, CommandError

from accounts import wagtail_catalogue


class Command(BaseCommand):
    help = "List the Wagtail admin messages still without Spanish."

    def add_arguments(self, parser):
        parser.add_argument(
            "--po", action="store_true", help="Print the missing messages as .po."
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Fail when a message is missing, stale or redundant.",
        )

    def handle(self, *args, po=False, strict=False, **options):
        problems = 0
        for domain in wagtail_catalogue.DOMAINS:
            report = wagtail_catalogue.report(domain)
            path = wagtail_catalogue.supplement_path(domain)
            self.stdout.write(
                f"{domain}: {report.total} Wagtail messages, "
                f"{len(report.wagtail_gaps)} without Spanish in Wagtail, "
                f"{len(report.remaining)} still without Spanish after {path.name} "
                f"({len(report.stale)} stale, {len(report.redundant)} redundant)"
            )
            for key in report.stale:
                self.stdout.write(f"  stale (no longer in Wagtail): {key!r}")
            for key in report.redundant:
                self.stdout.write(f"  redundant (Wagtail translates it): {key!r}")
            if po and report.remaining:
                self.stdout.write(f"# missing in {path}")
                self.stdout.write(wagtail_catalogue.po_entries(report.remaining))
            elif report.remaining and options["verbosity"] > 1:
                for message in report.remaining:
                    self.stdout.write(f"  missing: {message.key!r}")
            problems += len(report.remaining) + len(report.stale)
            problems += len(report.redundant)
        if strict and problems:
            raise CommandError(f"{problems} message(s) to see to.")
