"""`manage.py migrate_locked`: migrate under a PostgreSQL advisory lock, so servers migrate once."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tracker.management.commands.migrate_locked import LOCK_KEY

pytestmark = pytest.mark.django_db


def test_it_migrates_and_finds_nothing_left_to_apply():
    out = io.StringIO()
    call_command("migrate_locked", stdout=out)
    assert "No migrations to apply." in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lock is PostgreSQL's")
def test_it_waits_for_another_process_holding_the_lock_and_gives_up_when_told():
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
        host=settings["HOST"], port=settings["PORT"] or 5432, autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        out = io.StringIO()
        with pytest.raises(CommandError, match="held the migration lock for 0.5 s"):
            call_command("migrate_locked", wait=0.5, stdout=out)
        assert "Waiting for another process's migration" in out.getvalue()
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        # Released: this one migrates (nothing left), and lets the lock go after.
        call_command("migrate_locked", wait=0.5, stdout=io.StringIO())
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]
    finally:
        other.close()
