"""`manage.py import_portal FILE --organisation SLUG --super-complaint SLUG [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.services import ImportRefused, portal_import
from recommendations.models import Organisation, SuperComplaint


class Command(BaseCommand):
    help = (
        "Import an organisation's HMICFRS monitoring-portal export (tab-separated or CSV, cells "
        "of HTML) as published updates. All or nothing; importing a file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("--super-complaint", required=True, help="the super-complaint's slug")
        parser.add_argument("--dry-run", action="store_true",
                            help="check the file and say what would be written, write nothing")

    def handle(self, *args, **options):
        try:
            content = options["file"].read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from None
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['organisation']!r}")
        super_complaint = SuperComplaint.objects.filter(slug=options["super_complaint"]).first()
        if super_complaint is None:
            raise CommandError(f"No super-complaint with the slug {options['super_complaint']!r}")
        try:
            result = portal_import(
                content=content, organisation=organisation, super_complaint=super_complaint,
                user=None, dry_run=options["dry_run"], by_command=True,
            )
        except ImportRefused as error:
            for problem in error.plan.problems:
                self.stderr.write(str(problem))
            raise CommandError("Nothing was imported: the file has the problems above.") from None
        plan = result.plan
        for row in plan.rows if options["verbosity"] >= 2 or options["dry_run"] else []:
            what = row.skip_reason or f"publish ({row.status_label})"
            self.stdout.write(
                f"Row {row.row}: recommendation {row.recommendation.number}, {row.reference}, "
                f"{row.as_of_display}, lead {row.lead or '–'}: {what}"
            )
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {len(plan.new_rows)} updates would be published, "
                              f"{len(plan.skipped_rows)} rows are already there. Nothing written.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"{result.created_updates} updates published, {result.created_responses} "
                f"responses created, {result.skipped} rows already there (file SHA-256 "
                f"{plan.sha256})."
            ))
