"""
Print the demo accounts loaded from fixtures/demo_accounts.json, so `make run` tells a newcomer
how to sign in. Only accounts that exist in the database are listed.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Prefetch

from tracker.models import Membership

# The usernames and the password of fixtures/demo_accounts.json, in the order they are listed.
DEMO_USERNAMES = [
    "force.contributor",
    "force.approver",
    "opcc.contributor",
    "hmicfrs.reviewer",
    "other.contributor",
    "admin",
]
DEMO_PASSWORD = "demo-password-2026"
HEADING = "Demo accounts (demo data only – never load demo_accounts into production)"


class Command(BaseCommand):
    help = "List the demo accounts present in the database, with their organisation and role."

    def handle(self, *args, **options):
        self.stdout.write(HEADING)
        self.stdout.write("")
        rows = self.account_rows()
        if not rows:
            self.stdout.write("None loaded. Load them with: manage.py loaddata demo_accounts")
            return
        self.write_table([("Username", "Organisation", "Role"), *rows])
        self.stdout.write("")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")

    def account_rows(self):
        """Return (username, organisation, role) for each demo account, one row per membership."""
        memberships = Prefetch(
            "memberships", queryset=Membership.objects.select_related("organisation")
        )
        users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
        by_username = {user.username: user for user in users.prefetch_related(memberships)}
        rows = []
        for username in DEMO_USERNAMES:
            user = by_username.get(username)
            if user is None:
                continue
            for membership in user.memberships.all():
                org = membership.organisation
                # Keep the table narrow: "HMICFRS" rather than the inspectorate's full name.
                name = org.name if len(org.name) <= 40 else org.short_name
                rows.append((username, name, membership.get_role_display()))
            if not user.memberships.all():
                role = "Administrator (staff, superuser)" if user.is_superuser else "No role"
                rows.append((username, "–", role))
        return rows

    def write_table(self, rows):
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for index, row in enumerate(rows):
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
