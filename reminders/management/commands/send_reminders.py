import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.services import digest_message, reminders_send


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Email each contributor and approver one digest for their organisations (due within 14 "
        "days, overdue, stale, updates waiting for their sign-off for over 7 days, awaited "
        "guidance published), as their preference allows. Safe to run twice: a person gets at "
        "most one digest a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Print the digests instead of sending or recording them.")
        parser.add_argument("--today", type=iso_date, default=None,
                            help="Run as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, dry_run=False, today=None, **options):
        today = today or timezone.localdate()
        report = reminders_send(today=today, dry_run=dry_run)
        if dry_run:
            for user, digest in report.sent:
                message = digest_message(digest)
                self.stdout.write(f"To: {user.get_full_name() or 'no name'} <{user.email}>")
                self.stdout.write(f"Subject: {message.subject}\n\n{message.body}\n")
            self.stdout.write(f"Dry run as of {today:%Y-%m-%d}: nothing sent. "
                              f"{report.summary(dry_run=True)}")
        else:
            self.stdout.write(f"As of {today:%Y-%m-%d}: {report.summary()}")
        for user, error in report.failed:
            self.stderr.write(f"Failed for user {user.pk}: {error}")
        if report.failed:
            raise CommandError(f"{len(report.failed)} digest(s) could not be sent")
