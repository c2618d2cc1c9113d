"""
Publish updates at a steady rate across the national data set, as force leads and approvers
would, until stopped: the writer that `scripts/benchmark_http.py --churn` runs beside its read
load, so the cached pages are measured while what they show keeps changing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python scripts/publish_churn.py --per-second 1 [--seconds 60]

Each publication writes a new update to a response picked at random (one of the national data's
60,000, or the South Yorkshire response the benchmark reads, one time in ten, so the pages under
load do change), submits it and signs it off through the same services as the pages, as two
bench users (a contributor and an approver of every organisation, made if missing). It prints
one line when it stops: how many it published and its rate.
"""

import argparse
import datetime
import os
import random
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Max, Min  # noqa: E402

from accounts.models import Membership  # noqa: E402
from recommendations.models import Organisation  # noqa: E402
from responses import services  # noqa: E402
from responses.choices import Status  # noqa: E402
from responses.models import Response  # noqa: E402

STATUSES = [Status.IN_PROGRESS, Status.NEARING_COMPLETION, Status.COMPLETED, Status.NOT_STARTED]


def bench_user(username, role):
    """A user with `role` in every organisation, so it may write or sign off for any."""
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Churn", "last_name": role.title()})
    have = set(user.memberships.values_list("organisation_id", flat=True))
    Membership.objects.bulk_create([
        Membership(user=user, organisation_id=pk, role=role)
        for pk in Organisation.objects.exclude(pk__in=have).values_list("pk", flat=True)
    ])
    return get_user_model().objects.get(pk=user.pk)


def publish_one(response, writer, signer, today):
    update = services.response_update_create(
        response=response, author=writer, submit=True, as_of=today,
        status=random.choice(STATUSES),
        narrative=f"<p>Churn update at {datetime.datetime.now():%H:%M:%S.%f}.</p>",
    )
    services.response_update_publish(update=update, approver=signer)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--per-second", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=0, help="0: until stopped (SIGTERM)")
    args = parser.parse_args()

    writer = bench_user("bench.churn.writer", Membership.Role.CONTRIBUTOR)
    signer = bench_user("bench.churn.signer", Membership.Role.APPROVER)
    bounds = Response.objects.aggregate(low=Min("pk"), high=Max("pk"))
    watched = list(Response.objects.filter(
        organisation__slug="south-yorkshire", recommendation__super_complaint__slug="bench-0",
    ).values_list("pk", flat=True))
    today = datetime.date.today()

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    interval = 1 / args.per_second
    started = time.monotonic()
    published = failed = 0
    next_at = started
    while not stopping and (not args.seconds or time.monotonic() - started < args.seconds):
        if watched and random.random() < 0.1:
            pk = random.choice(watched)
        else:
            pk = random.randint(bounds["low"], bounds["high"])
        response = Response.objects.filter(pk=pk).first()
        if response is not None:
            try:
                publish_one(response, writer, signer, today)
                published += 1
            except Exception as error:  # noqa: BLE001 - counted and reported, never fatal
                failed += 1
                print(f"publication failed: {error!r}", file=sys.stderr, flush=True)
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    elapsed = time.monotonic() - started
    print(f"churn: {published} publications in {elapsed:.0f} s "
          f"({published / elapsed if elapsed else 0:.2f}/s), {failed} failed", flush=True)


if __name__ == "__main__":
    main()
