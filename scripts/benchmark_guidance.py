"""
Time the awaited-guidance reads and the reminder digests at national scale (issue 8, parts 3
and 4), on the database `benchmark_pages.py` builds (built here first when it is missing).

On top of that data it names what the generated "Awaiting national guidance" positions wait for
(a recommendation of a national body in the same report), has national bodies publish on half of
those recommendations, and gives every organisation a contributor with an email address. Then it
times, through the test client, the pages that show landed guidance (home, response, dashboard,
overview) and the update form (with its select of every recommendation), and one dry run of the
reminder digests for everybody.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python scripts/benchmark_guidance.py

It reuses the generated data when the database already holds it (run `benchmark_pages.py`
without `--reuse` to rebuild).
"""

import argparse
import datetime
import random
import statistics
import time

import benchmark_pages as bench  # sets up Django on the benchmark database
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Membership
from recommendations.models import Organisation, Recommendation, SuperComplaint
from reminders.services import reminders_send
from responses.choices import Status, WorkflowState
from responses.models import Response, ResponseUpdate
from responses.selectors.guidance import guidance_landed
from responses.services import response_record_publication

BATCH = 2_000


def prepare():
    """Name what the awaiting positions wait for; national bodies publish on half of it."""
    if ResponseUpdate.objects.filter(awaited_recommendation__isnull=False).exists():
        return
    rng = random.Random(8)
    national = {}
    for recommendation in Recommendation.objects.filter(
        recipient_groups__kind="organisation"
    ).prefetch_related("recipient_groups"):
        national.setdefault(recommendation.super_complaint_id, []).append(recommendation)
    waiting = list(
        ResponseUpdate.objects.filter(
            pk__in=Response.objects.filter(current_status=Status.AWAITING_NATIONAL)
            .exclude(organisation__kind=Organisation.Kind.NATIONAL_BODY)
            .values("current_update_id")
        ).select_related("response__recommendation")
    )
    said = timezone.now() - datetime.timedelta(days=30)
    changed = []
    for update in waiting:
        candidates = national.get(update.response.recommendation.super_complaint_id)
        if candidates:
            update.awaited_recommendation = rng.choice(candidates)
            update.signed_off_at = said
            changed.append(update)
    for start in range(0, len(changed), BATCH):
        ResponseUpdate.objects.bulk_update(
            changed[start:start + BATCH], ["awaited_recommendation", "signed_off_at"]
        )
    published = timezone.now()
    with transaction.atomic():
        for recommendations in national.values():
            for recommendation in recommendations[::2]:
                body = recommendation.recipient_groups.all()[0].organisation
                response, _ = Response.objects.get_or_create(
                    recommendation=recommendation, organisation=body
                )
                ResponseUpdate.objects.create(
                    response=response, as_of=datetime.date(2026, 1, 1), status=Status.COMPLETED,
                    narrative="<p>National guidance published.</p>",
                    state=WorkflowState.PUBLISHED, signed_off_at=published,
                )
                response_record_publication(response=response,
                                            published_on=timezone.localdate(published))
    print(f"  {len(changed)} positions await a national recommendation")


def people():
    """A contributor with an email address in every active organisation."""
    User = get_user_model()
    for organisation in Organisation.objects.active():
        user, created = User.objects.get_or_create(
            username=f"bench.{organisation.slug}",
            defaults={"email": f"{organisation.slug}@example.org", "first_name": "Bench",
                      "last_name": organisation.short_name},
        )
        if created:
            Membership.objects.create(user=user, organisation=organisation,
                                      role=Membership.Role.CONTRIBUTOR)


def page_urls():
    sc = SuperComplaint.objects.get(slug="bench-0")
    waiting = (
        Response.objects.filter(organisation__slug="south-yorkshire",
                                current_update__awaited_recommendation__isnull=False)
        .select_related("recommendation__super_complaint")
        .first()
    )
    urls = {
        "home": reverse("home"),
        "response (awaiting)": waiting.get_absolute_url(),
        "update form": reverse("workflow:update_create", args=[sc.slug, "1", "south-yorkshire"]),
    }
    try:
        urls["dashboard"] = reverse("reporting:dashboard_organisation", args=["south-yorkshire"])
        urls["overview"] = reverse("reporting:overview")
    except NoReverseMatch:  # before the dashboards exist
        pass
    return urls


@override_settings(DEBUG=True)  # so connection.queries records the queries
def measure(runs):
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench.south-yorkshire"))
    landed = guidance_landed(
        organisation_ids=[Organisation.objects.get(slug="south-yorkshire").pk]
    )
    print(f"South Yorkshire: {len(landed)} responses with landed guidance")
    print(f"\n{'page':<24}{'median ms':>10}{'worst ms':>10}{'queries':>9}{'HTML KB':>9}")
    for name, url in page_urls().items():
        timings = []
        for _ in range(runs):
            reset_queries()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        print(f"{name:<24}{statistics.median(timings):>10.1f}{max(timings):>10.1f}"
              f"{len(connection.queries):>9}{len(response.content) / 1024:>9.0f}")

    reset_queries()
    started = time.perf_counter()
    report = reminders_send(today=timezone.localdate(), dry_run=True)
    elapsed = time.perf_counter() - started
    print(f"\nsend_reminders --dry-run: {len(report.sent)} digests for "
          f"{len(report.sent) + report.empty + report.not_due} people in {elapsed:.1f} s, "
          f"{len(connection.queries)} queries")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench.national_data(reuse=True)  # builds it only if missing
    prepare()
    people()
    measure(args.runs)


if __name__ == "__main__":
    main()
