"""
Time the staff pages at national scale (DESIGN.md section 7).

Builds a separate database with the 97 real organisations and generated data (100
super-complaints, 1,200 recommendations, 60,000 responses, 360,000 updates), then requests each
page through Django's test client and prints the median and worst time and the query count.

    .venv/bin/python scripts/benchmark_pages.py                    # SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python scripts/benchmark_pages.py

`--reuse` skips the build when the database already holds the data; `--runs N` sets the repeats.
"""

import argparse
import datetime
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/tracker-benchmark.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts import twofactor  # noqa: E402
from accounts.models import Membership  # noqa: E402
from recommendations.models import (  # noqa: E402
    Organisation,
    RecipientGroup,
    Recommendation,
    SuperComplaint,
)
from responses.choices import Status, WorkflowState  # noqa: E402
from responses.models import Response, ResponseUpdate  # noqa: E402

SUPER_COMPLAINTS = 100
RECOMMENDATIONS_EACH = 12
UPDATES_PER_RESPONSE = 6
TARGET_RESPONSES = 60_000
BATCH = 5_000


def build():
    call_command("migrate", verbosity=0)
    call_command("loaddata", "organisations", "recipient_groups", verbosity=0)
    rng = random.Random(2026)
    groups = {g.kind: g for g in RecipientGroup.objects.exclude(kind="organisation")}
    national = list(RecipientGroup.objects.filter(kind="organisation"))
    organisations = list(Organisation.objects.active())
    forces = [o for o in organisations if o.kind == Organisation.Kind.POLICE_FORCE]
    bodies = [o for o in organisations if o.kind == Organisation.Kind.LOCAL_POLICING_BODY]
    statuses = [s for s, _ in Status.choices]

    with transaction.atomic():
        for i in range(SUPER_COMPLAINTS):
            published = datetime.date(2019, 1, 1) + datetime.timedelta(days=20 * i)
            sc = SuperComplaint.objects.create(
                slug=f"bench-{i}", title=f"Benchmark report {i}", short_title=f"Bench {i}",
                complainants="Generated", report_published_on=published,
                status=SuperComplaint.Status.REPORT_PUBLISHED,
            )
            for n in range(1, RECOMMENDATIONS_EACH + 1):
                rec = Recommendation.objects.create(
                    super_complaint=sc, number=str(n), order=n,
                    text=f"<p>Generated recommendation {n} of report {i}.</p>",
                )
                # Most recommendations go to forces and their local policing bodies, as the
                # real ones do; that gives the 60,000 responses of DESIGN.md section 7.
                choice = n % 4
                if choice in (0, 1):
                    rec.recipient_groups.add(
                        groups["police_forces"], groups["local_policing_bodies"]
                    )
                elif choice == 2:
                    rec.recipient_groups.add(groups["police_forces"])
                else:
                    rec.recipient_groups.add(rng.choice(national))

    pairs = []
    for rec in Recommendation.objects.prefetch_related("recipient_groups"):
        kinds = {g.kind for g in rec.recipient_groups.all()}
        if "police_forces" in kinds:
            pairs += [(rec, o) for o in forces]
        if "local_policing_bodies" in kinds:
            pairs += [(rec, o) for o in bodies]
    rng.shuffle(pairs)
    pairs = pairs[:TARGET_RESPONSES]

    for start in range(0, len(pairs), BATCH):
        with transaction.atomic():
            chunk = pairs[start:start + BATCH]
            responses = Response.objects.bulk_create(
                Response(recommendation=rec, organisation=org, lead="Generated lead")
                for rec, org in chunk
            )
            updates = []
            for response, (rec, _) in zip(responses, chunk, strict=True):
                base = rec.super_complaint.report_published_on
                for k in range(UPDATES_PER_RESPONSE):
                    updates.append(ResponseUpdate(
                        response=response, as_of=base + datetime.timedelta(days=60 * (k + 1)),
                        status=rng.choice(statuses), state=WorkflowState.PUBLISHED,
                        narrative=f"<p>Generated update {k} for response {response.pk}.</p>",
                        # Half cleared for the public pages, as real forces publish some.
                        public=k % 2 == 0,
                    ))
            ResponseUpdate.objects.bulk_create(updates)
            latest = {}
            for update in updates:
                latest[update.response_id] = update  # as_of grows with k: the last is latest
            for response in responses:
                update = latest[response.pk]
                response.current_update_id = update.pk
                response.current_status = update.status
                response.current_status_on = update.as_of
                response.first_published_on = base + datetime.timedelta(days=60)
            Response.objects.bulk_update(
                responses,
                ["current_update", "current_status", "current_status_on", "first_published_on"],
            )
        print(f"  responses {start + len(chunk):>6}/{len(pairs)}", flush=True)


def pages():
    sc = SuperComplaint.objects.get(slug="bench-0")
    rec = sc.recommendations.get(number="1")
    return {
        "home": reverse("home"),
        "super-complaint list": reverse("responses:supercomplaint_list"),
        "super-complaint detail": sc.get_absolute_url(),
        "recommendation comparison": rec.get_absolute_url(),
        "comparison filtered": rec.get_absolute_url() + "?region=North+West&sort=status",
        "comparison CSV": reverse("responses:recommendation_export", args=[sc.slug, "1"]),
        "matrix (heat map)": reverse("responses:matrix", args=[sc.slug]),
        "matrix full table": reverse("responses:matrix", args=[sc.slug]) + "?view=table",
        "organisation list": reverse("responses:organisation_list"),
        "organisation": reverse("responses:organisation_detail", args=["south-yorkshire"]),
        "response": reverse("workflow:response_detail", args=[sc.slug, "1", "south-yorkshire"]),
        "dashboard (own)": reverse("reporting:dashboard"),
        "dashboard (other)": reverse("reporting:dashboard_organisation", args=["west-mercia"]),
        "dashboard CSV": reverse("reporting:dashboard_export", args=["south-yorkshire"]),
        "overview": reverse("reporting:overview"),
        "overview filtered": reverse("reporting:overview")
        + "?super_complaint=bench-0&kind=police_force",
    }


def public_pages():
    """The public pages, feeds and documents, read by a visitor (no sign-in)."""
    sc = SuperComplaint.objects.get(slug="bench-0")
    return {
        "public super-complaints": reverse("public:supercomplaint_list"),
        "public super-complaint": reverse("public:supercomplaint_detail", args=[sc.slug]),
        "public recommendation": reverse("public:recommendation_detail", args=[sc.slug, "1"]),
        "public organisation": reverse("public:organisation_detail", args=["south-yorkshire"]),
        "public response": reverse("public:response_detail",
                                   args=[sc.slug, "1", "south-yorkshire"]),
        "public organisation feed": reverse("public:organisation_feed",
                                            args=["south-yorkshire"]),
        "public super-complaint feed": reverse("public:supercomplaint_feed", args=[sc.slug]),
        "document: response page": reverse("public:response_page",
                                           args=[sc.slug, "south-yorkshire-mayor"]),
        "document: overview": reverse("public:overview", args=["south-yorkshire"]),
        "document: letter": reverse("public:letter", args=[sc.slug, "south-yorkshire-mayor"]),
        "document: letter .docx": reverse("public:letter_docx",
                                          args=[sc.slug, "south-yorkshire-mayor"]),
    }


def _time(client, name, url, runs):
    timings = []
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (name, response.status_code)
    print(f"{name:<28}{statistics.median(timings):>10.1f}{max(timings):>10.1f}"
          f"{len(connection.queries):>9}{len(response.content) / 1024:>9.0f}")


def signed_in_client(username, organisation_slug, role):
    """
    A test client signed in as `username`, a member of the organisation with `role`, with its
    two-factor step done: an approver or reviewer owes a code, and the benchmark stands for a
    finished sign-in.
    """
    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(
        user=user, organisation=Organisation.objects.get(slug=organisation_slug),
        defaults={"role": role},
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[twofactor.VERIFIED] = "benchmark"
    session.save()
    return client


@override_settings(DEBUG=True)  # so connection.queries records the queries
def measure(runs):
    client = signed_in_client("bench.contributor", "south-yorkshire", Membership.Role.APPROVER)
    print(f"\n{'page':<28}{'median ms':>10}{'worst ms':>10}{'queries':>9}{'KB':>9}")
    for name, url in pages().items():
        _time(client, name, url, runs)
    # A national reviewer's overview also lists the overdue responses by chasing step (issue
    # 14): the expected answers of every organisation, cached under the progress fingerprint
    # (the worst time is the first, uncached, reading).
    reviewing = signed_in_client("bench.reviewer", "hmicfrs", Membership.Role.REVIEWER)
    _time(reviewing, "overview (reviewer)", reverse("reporting:overview"), runs)
    _time(reviewing, "overview (reviewer) filtered",
          reverse("reporting:overview") + "?super_complaint=bench-0", runs)
    visitor = Client()
    for name, url in public_pages().items():
        _time(visitor, name, url, runs)


def _create_database_if_missing():
    """On a fresh machine the benchmark's PostgreSQL database does not exist yet: create it."""
    import psycopg
    from psycopg import sql

    settings = connection.settings_dict
    try:
        connection.ensure_connection()
        return
    except Exception:  # noqa: BLE001 - a missing database is the one case handled here
        connection.close()
    with psycopg.connect(
        host=settings["HOST"] or None, port=settings["PORT"] or None,
        user=settings["USER"] or None, password=settings["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    ) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))


def national_data(*, reuse):
    """
    Make sure the database named by DATABASE_URL holds the national-scale data, the start of
    every benchmark script: with `reuse`, data already there is kept (migrated to the current
    schema); otherwise, or when there is none, the database is emptied and built afresh. Then
    fresh planner statistics on PostgreSQL.
    """
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if connection.vendor == "postgresql":
        _create_database_if_missing()
    call_command("migrate", verbosity=0)
    if not (reuse and SuperComplaint.objects.filter(slug="bench-0").exists()):
        if connection.vendor == "sqlite":
            connection.close()
            Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        else:
            call_command("flush", interactive=False, verbosity=0)
        print("building the national-scale data (a few minutes)...", flush=True)
        started = time.perf_counter()
        build()
        print(f"built in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        # Fresh statistics and visibility map, as autovacuum keeps them in production: right
        # after a bulk load the planner would think the tables nearly empty, and index-only
        # scans would still visit the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    national_data(reuse=args.reuse)
    print(f"{SuperComplaint.objects.count()} super-complaints, "
          f"{Recommendation.objects.count()} recommendations, "
          f"{Organisation.objects.count()} organisations, {Response.objects.count()} responses, "
          f"{ResponseUpdate.objects.count()} updates")
    measure(args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
