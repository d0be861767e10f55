from django.core.management.base import BaseCommand

from assessments import tasks


class Command(BaseCommand):
    help = (
        "Finalise every open attempt past its deadline plus grace, with its last "
        "saved answers. Meant for cron (e.g. every minute); safe to run at any time "
        "and more than once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="enqueue the sweep on the task backend instead of running it here",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = tasks.finalise_overdue_attempts.enqueue()
            self.stdout.write(f"Enqueued finalise_overdue_attempts ({result.id}).")
            return
        count = tasks.finalise_overdue_attempts.call()
        self.stdout.write(f"Finalised {count} overdue attempt(s).")
