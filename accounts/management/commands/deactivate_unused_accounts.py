"""
List the active accounts nobody signed in to for ACCOUNT_UNUSED_DAYS (90 by default), and with
--apply deactivate them: a dry run first, by default, as the identity standard's account review
expects. Superusers are listed but never deactivated here.
"""

from django.core.management.base import BaseCommand

from accounts import selectors, services


class Command(BaseCommand):
    help = "List accounts unused for ACCOUNT_UNUSED_DAYS days; --apply deactivates them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true",
            help="Deactivate them (without it, only list what would be deactivated).",
        )

    def handle(self, *args, apply=False, **options):
        accounts = selectors.unused_accounts().order_by("username")
        listed = list(accounts)
        for user in listed:
            last = user.last_login.date().isoformat() if user.last_login else "never"
            note = " (superuser: left active)" if user.is_superuser else ""
            self.stdout.write(f"{user.username}\tlast signed in: {last}{note}")
        if not apply:
            self.stdout.write(
                f"Dry run: {sum(not u.is_superuser for u in listed)} account(s) would be "
                "deactivated. Run again with --apply to deactivate them."
            )
            return
        done = services.unused_accounts_deactivate(accounts=accounts)
        self.stdout.write(self.style.SUCCESS(f"Deactivated {len(done)} account(s)."))
