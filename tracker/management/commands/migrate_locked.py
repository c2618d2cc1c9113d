"""
`manage.py migrate_locked`: Django's `migrate`, run by one process at a time.

Every app server (and the Kubernetes migration Job) may run it as it starts: on PostgreSQL the
first takes a session-level advisory lock and migrates; the others wait for the lock, then find
nothing left to apply. Without the lock, three servers starting together would each try to
create the same tables, and two of them would fail half-way. On SQLite (one machine, one
process migrating) it is plain `migrate`.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

# Any fixed 64-bit number, the same in every process of this service: the lock's name.
LOCK_KEY = 0x7472_6163_6B65_72  # "tracker"


class Command(BaseCommand):
    help = "Apply migrations under a PostgreSQL advisory lock, so concurrent starts migrate once."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        # Accepted as `migrate` accepts it; migrate_locked never asks anything anyway.
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive")
        parser.add_argument(
            "--wait", type=float, default=600,
            help="seconds to wait for another process's migration before giving up (600)",
        )

    def handle(self, *args, database, wait, interactive, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            call_command("migrate", database=database, interactive=False,
                         verbosity=options["verbosity"], stdout=self.stdout)
            return
        with connection.cursor() as cursor:
            deadline = time.monotonic() + wait
            waited = False
            # Tried in a loop rather than waited for in one statement, so the wait is bounded
            # and says so.
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"Another process has held the migration lock for {wait:g} s; "
                        "not migrating."
                    )
                if not waited:
                    self.stdout.write("Waiting for another process's migration to finish...")
                    waited = True
                time.sleep(0.2)
            try:
                call_command("migrate", database=database, interactive=False,
                             verbosity=options["verbosity"], stdout=self.stdout)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
