"""
Time a monitoring-portal import of 5,000 generated rows (under 30 s, under 300 MiB), and the
pages around it: the upload request, the worker's check and the preview.

Builds a fresh database with the real organisations and one generated super-complaint of 100
recommendations to chief constables, writes a portal export for South Yorkshire Police with 50
monthly positions per recommendation (5,000 rows, HTML cells the size of seed 000's), then runs
the import as `manage.py import_portal` does: plan (read, check every row) and write, in one
transaction, with the audit log on. Prints the file size, the time of the plan alone and of the
whole import, the peak of Python allocations during the import (tracemalloc) and the process's
peak resident memory. A second run of the same file must add nothing.

    .venv/bin/python scripts/benchmark_import.py                    # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \\
        .venv/bin/python scripts/benchmark_import.py

The database named is dropped and rebuilt (SQLite file removed; PostgreSQL: migrated and
flushed).
"""

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/tracker-benchmark-import.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts import twofactor  # noqa: E402
from imports.models import ImportFile  # noqa: E402
from imports.portal import portal_plan  # noqa: E402
from imports.services import portal_import  # noqa: E402
from recommendations.models import (  # noqa: E402
    Organisation,
    RecipientGroup,
    Recommendation,
    SuperComplaint,
)
from responses.models import ResponseUpdate  # noqa: E402

RECOMMENDATIONS = 100
MONTHS = 50
NARRATIVE = (
    "<p>Current policy and Standard Operating Procedures will be updated to encompass the "
    "recommendations from this report once the College of Policing guidance is received. It "
    "will be circulated to all staff and monitored for compliance through PVP Governance.</p> "
    "<p>Victim safety is the absolute priority regardless of immigration status and there are "
    "several examples where this is evidenced.</p>"
) * 4


def build():
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        Path(database["NAME"]).unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
    else:
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", "organisations", "recipient_groups", verbosity=0)
    super_complaint = SuperComplaint.objects.create(
        slug="bench-import", title="Benchmark import", short_title="Bench import",
        complainants="Generated", report_published_on=datetime.date(2018, 1, 1),
        status=SuperComplaint.Status.REPORT_PUBLISHED,
    )
    chief_constables = RecipientGroup.objects.get(kind=RecipientGroup.Kind.POLICE_FORCES)
    for n in range(1, RECOMMENDATIONS + 1):
        recommendation = Recommendation.objects.create(
            super_complaint=super_complaint, number=str(n), order=n, text=f"<p>Text {n}.</p>"
        )
        recommendation.recipient_groups.add(chief_constables)
    return super_complaint, Organisation.objects.get(slug="south-yorkshire")


def portal_export():
    lines = ["REF\tSUPER-COMPLAINT RECOMMENDATION\tFORCE POSITION PROVIDED BY\tSYP RESPONSE"]
    for month in range(MONTHS):
        day = datetime.date(2019 + month // 12, month % 12 + 1, 1)
        for n in range(1, RECOMMENDATIONS + 1):
            position = f"<p>DCI Lead {n}, in consultation with OPCC</p> <p>{day:%B %Y}</p>"
            lines.append(
                f"#{10000 + n}\t<p><b>Recommendation {n}</b> <b>To chief constables</b></p> "
                f"<p>Text of recommendation {n}.</p>\t{position}\t<p>Month {month + 1}.</p> "
                f"{NARRATIVE}"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", action="store_true", help="print where the import's time goes")
    profile = parser.parse_args().profile
    super_complaint, organisation = build()
    content = portal_export()
    rows = content.count(b"\n") - 1
    print(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"File: {rows:,} rows, {len(content) / 1024 / 1024:.1f} MiB")

    started = time.perf_counter()
    plan = portal_plan(content=content, organisation=organisation,
                       super_complaint=super_complaint)
    print(f"Plan only (read and check every row): {time.perf_counter() - started:.2f} s")
    assert plan.is_valid, plan.problems[:5]
    del plan

    # The pages a person uses: the upload answers at once and hands the file to the task worker
    # (the database backend, run here by `db_worker --batch`); the preview, once checked, reads
    # the kept plan (first page of rows).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    admin = get_user_model().objects.create_superuser("bench-admin", is_staff=True)
    client = Client()
    client.force_login(admin)
    session = client.session
    session[twofactor.VERIFIED] = "benchmark"  # as the tests' force_login: signed in fully
    session.save()
    started = time.perf_counter()
    page = client.post("/imports/portal/", {
        "organisation": organisation.pk, "super_complaint": super_complaint.pk,
        "file": SimpleUploadedFile("export.txt", content),
    })
    print(f"Upload request: HTTP {page.status_code}, {time.perf_counter() - started:.2f} s "
          "(the file is checked by the worker)")
    import_file = ImportFile.objects.get()
    started = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    print(f"Worker's check of the file: {time.perf_counter() - started:.2f} s")
    for view in ("first", "second"):
        started = time.perf_counter()
        page = client.get(f"/imports/portal/{import_file.pk}/")
        print(f"Preview page, {view} view: HTTP {page.status_code}, "
              f"{len(page.content) / 1024:.0f} KB, {time.perf_counter() - started:.2f} s")

    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    result = portal_import(content=content, organisation=organisation,
                           super_complaint=super_complaint, user=None, by_command=True)
    elapsed = time.perf_counter() - started
    if profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"Import: {result.created_updates:,} updates published in {elapsed:.2f} s "
          "(target under 30 s)")
    print(f"Peak resident memory of the process (Django, the file, the plan and the import): "
          f"{peak_rss:.0f} MiB (target under 300 MiB)")

    started = time.perf_counter()
    again = portal_import(content=content, organisation=organisation,
                          super_complaint=super_complaint, user=None, by_command=True)
    print(f"Second import of the same file: {again.created_updates} updates, "
          f"{again.skipped:,} rows already there, {time.perf_counter() - started:.2f} s")
    assert ResponseUpdate.objects.count() == rows
    ok = elapsed < 30 and peak_rss < 300
    print("Within target" if ok else "OUTSIDE TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
