"""manage.py import_roster FILE [--commit] [--course SLUG]: the same import as
the HR screen, for every unit. Without --commit it only previews (lists the rows
with errors). People are enrolled in the course with that slug, by default the
only live course when there is exactly one."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from rollout import selectors, services
from rollout.roster import MAX_BYTES, parse_roster


class Command(BaseCommand):
    help = "Imports the staff roster (CSV or XLSX); --commit saves it."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true")
        parser.add_argument(
            "--course",
            metavar="SLUG",
            help="the course to enrol people into (default: the only live course)",
        )

    def _course(self, slug):
        if slug:
            course = selectors.roster_course_by_slug(slug)
            if course is None:
                raise CommandError(
                    _("No hay un curso publicado con el slug «%(slug)s».")
                    % {"slug": slug}
                )
            return course
        course = selectors.default_roster_course()
        if course is None and selectors.roster_courses().exists():
            raise CommandError(
                _("Hay varios cursos publicados: elige uno con --course SLUG.")
            )
        return course

    def handle(self, *args, file, commit, course=None, **options):
        course = self._course(course)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No existe el archivo %(path)s.") % {"path": path})
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        parsed = parse_roster(path.name, data)
        if parsed.file_errors:
            raise CommandError(" ".join(parsed.file_errors))
        rows = services.roster_check(rows=parsed.rows)
        bad = [row for row in rows if row.errors]
        for row in bad:
            self.stderr.write(
                _("Fila %(line)s (%(curp)s): %(errors)s")
                % {"line": row.line, "curp": row.curp, "errors": " ".join(row.errors)}
            )
        if bad:
            raise CommandError(
                _("%(count)s filas con errores; no se guardó nada.")
                % {"count": len(bad)}
            )
        if not commit:
            self.stdout.write(
                _("%(count)s filas sin errores. Usa --commit para guardarlas.")
                % {"count": len(rows)}
            )
            return
        report = services.roster_import(rows=rows, course=course)
        self.stdout.write(
            _(
                "Nuevas: %(created)s · actualizadas: %(updated)s · "
                "sin cambios: %(unchanged)s · inscritas en el curso: %(enrolled)s · "
                "invitaciones: %(invited)s · sin correo: %(without_email)s"
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "enrolled": report.enrolled,
                "invited": report.invited,
                "without_email": report.without_email,
            }
        )
