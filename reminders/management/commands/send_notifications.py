from django.core.management.base import BaseCommand

from reminders.notifications import notifications_sweep


class Command(BaseCommand):
    help = (
        "Send the workflow emails that are due: events whose task was lost, retries whose time "
        "has come. Run it every minute from the scheduler; running it twice is harmless."
    )

    def handle(self, *args, **options):
        report = notifications_sweep()
        self.stdout.write(report.summary())
