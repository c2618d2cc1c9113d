"""
Print the demo accounts loaded from fixtures/demo_accounts.json, so `make run` tells a newcomer
how to sign in. Only accounts that exist in the database are listed.

The demo approver, reviewer and admin must use two-factor sign-in like real ones. This command
gives each a fixed demo authenticator-app key (created if missing; a fixture cannot hold it,
django-otp's devices have no natural key) and prints it to add to an app; `--code USERNAME`
prints the code of the moment for anyone without an app at hand.
"""

import hashlib
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import Membership

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
# Demo accounts whose role requires two-factor sign-in.
TWO_FACTOR_USERNAMES = ["force.approver", "hmicfrs.reviewer", "admin"]
DEMO_DEVICE_NAME = "Authenticator app (demo)"
HEADING = "Demo accounts (demo data only – never load demo_accounts into production)"


class Command(BaseCommand):
    help = "List the demo accounts present in the database, with their organisation and role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--code", metavar="USERNAME",
            help="print the current two-factor code of a demo account, and nothing else",
        )

    def handle(self, *args, **options):
        if options["code"]:
            self.stdout.write(self.current_code(options["code"]))
            return
        self.stdout.write(HEADING)
        self.stdout.write("")
        rows = self.account_rows()
        if not rows:
            self.stdout.write("None loaded. Load them with: manage.py loaddata demo_accounts")
            return
        self.write_table([("Username", "Organisation", "Role"), *rows])
        self.stdout.write("")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        devices = self.demo_devices_ensure()
        if devices:
            self.stdout.write("")
            self.stdout.write("Two-factor sign-in: add a key to an authenticator app, or print the")
            self.stdout.write("code of the moment with: manage.py demo_accounts --code USERNAME")
            for device in devices:
                username = device.user.get_username()
                self.stdout.write(f"  {username}: {twofactor.secret_for_typing(device)}")

    def demo_devices_ensure(self):
        """
        Give each loaded demo account that needs two factors its fixed demo key, unless it
        already has an app; return their devices.
        """
        devices = []
        users = get_user_model().objects.filter(username__in=TWO_FACTOR_USERNAMES)
        by_username = {user.username: user for user in users}
        for username in TWO_FACTOR_USERNAMES:
            user = by_username.get(username)
            if user is None:
                continue
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(
                    user=user, name=DEMO_DEVICE_NAME, confirmed=True, key=demo_key(username)
                )
            devices.append(device)
        return devices

    def current_code(self, username):
        """Return the code the demo account's authenticator app would show now."""
        if username not in DEMO_USERNAMES:
            raise CommandError(f"{username} is not a demo account")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no authenticator app (run demo_accounts first)")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        return f"{totp.token():0{device.digits}d}"

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


def demo_key(username):
    """A fixed 20-byte key per demo account, the same on every machine (demo data only)."""
    return hashlib.sha1(f"demo-two-factor-{username}".encode()).hexdigest()  # noqa: S324
