"""`manage.py import_recommendations FILE --super-complaint SLUG [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.services import ImportRefused, recommendations_import
from recommendations.models import SuperComplaint


class Command(BaseCommand):
    help = (
        "Create or update a super-complaint's recommendations from a CSV or XLSX file (columns: "
        "number, order, title, text, notes, recipient groups, depends on, due date). All or "
        "nothing; recommendations not in the file are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--super-complaint", required=True, help="the super-complaint's slug")
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and say what would change, write nothing")

    def handle(self, *args, **options):
        try:
            content = options["file"].read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from None
        super_complaint = SuperComplaint.objects.filter(slug=options["super_complaint"]).first()
        if super_complaint is None:
            raise CommandError(f"No super-complaint with the slug {options['super_complaint']!r}")
        try:
            result = recommendations_import(
                content=content, super_complaint=super_complaint, user=None,
                dry_run=options["dry_run"], by_command=True,
            )
        except ImportRefused as error:
            for problem in error.plan.problems:
                self.stderr.write(str(problem))
            raise CommandError("Nothing was loaded: the file has the problems above.") from None
        for row in (result.plan.rows
                    if options["verbosity"] >= 2 or options["dry_run"] else []):
            changed = f" ({', '.join(row.changed)})" if row.changed else ""
            self.stdout.write(f"Row {row.row}: recommendation {row.number}: {row.action}{changed}")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing written.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{result.created} recommendations created, {result.updated} updated."
            ))
