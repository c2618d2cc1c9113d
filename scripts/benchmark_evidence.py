"""
Time the pages evidence files touch at national scale (DESIGN.md section 7).

Builds the national-scale data of scripts/benchmark_pages.py (or reuses it with `--reuse`), then
adds evidence: "evidence submitted to HMICFRS" on one published update in sixty, a review
decision on one response in three, and 20 files on one response. Times, through Django's test
client, the response page with 0 and with 20 files (as an approver of the organisation and as a
national reviewer, whose review form lists every file), a reviewer's home page (the list of
evidence awaiting review) and `evidence_awaiting_review().count()` on its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python scripts/benchmark_evidence.py [--reuse] [--runs N]
"""

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="tracker-benchmark-media-"))

import benchmark_pages as bench  # noqa: E402  (sets Django up)
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts import twofactor  # noqa: E402
from accounts.models import Membership  # noqa: E402
from evidence.models import EvidenceFile  # noqa: E402
from evidence.selectors import evidence_awaiting_review  # noqa: E402
from recommendations.models import Organisation, SuperComplaint  # noqa: E402
from responses.choices import ReviewOutcome  # noqa: E402
from responses.models import Response, ResponseUpdate  # noqa: E402

FILES = 20
CONTENT = b"%PDF-1.4\n%%EOF\n"


def add_evidence():
    """Idempotent: the same flags, reviews and files after every run."""
    ResponseUpdate.objects.annotate(m=F("id") % 60).filter(m=0).update(evidence_submitted=True)
    Response.objects.annotate(m=F("id") % 3).filter(m=0).update(
        review_outcome=ReviewOutcome.RETURNED, reviewed_at=timezone.now()
    )
    with_files = target_response(1)
    EvidenceFile.objects.filter(update__response=with_files).delete()
    update = with_files.updates.published().order_by("-as_of").first()
    digest = hashlib.sha256(CONTENT).hexdigest()
    EvidenceFile.objects.bulk_create(
        EvidenceFile(update=update, title=f"Benchmark file {n}", original_name=f"file-{n}.pdf",
                     extension="pdf", content_type="application/pdf", size=len(CONTENT),
                     sha256=digest, file=f"evidence/benchmark-{n}.pdf")
        for n in range(FILES)
    )


def target_response(number):
    sc = SuperComplaint.objects.get(slug="bench-0")
    organisation = Organisation.objects.get(slug="south-yorkshire")
    response, _ = Response.objects.get_or_create(
        recommendation=sc.recommendations.get(number=str(number)), organisation=organisation
    )
    return response


def signed_in(username, organisation_slug, role):
    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(
        user=user, organisation=Organisation.objects.get(slug=organisation_slug),
        defaults={"role": role},
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[twofactor.VERIFIED] = "benchmark"  # a finished two-factor sign-in
    session.save()
    return client


def timed(runs, call):
    timings = []
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), len(connection.queries)


@override_settings(DEBUG=True)  # so connection.queries records the queries
def measure(runs):
    approver = signed_in("bench.contributor", "south-yorkshire", Membership.Role.APPROVER)
    reviewer = signed_in("bench.reviewer", "hmicfrs", Membership.Role.REVIEWER)
    without_files = target_response(2).get_absolute_url()
    with_files = target_response(1).get_absolute_url()

    def page(client, url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return call

    rows = {
        "response, 0 files (approver)": page(approver, without_files),
        f"response, {FILES} files (approver)": page(approver, with_files),
        "response, 0 files (reviewer)": page(reviewer, without_files),
        f"response, {FILES} files (reviewer)": page(reviewer, with_files),
        "home (reviewer)": page(reviewer, reverse("home")),
        "evidence_awaiting_review().count()": lambda: evidence_awaiting_review().count(),
    }
    print(f"\n{'what':<38}{'median ms':>10}{'worst ms':>10}{'queries':>9}")
    for name, call in rows.items():
        median, worst, queries = timed(runs, call)
        print(f"{name:<38}{median:>10.1f}{worst:>10.1f}{queries:>9}")
    print(f"\n{evidence_awaiting_review().count()} responses with evidence awaiting review")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench.national_data(reuse=args.reuse)
    add_evidence()
    print(f"{Response.objects.count()} responses, {ResponseUpdate.objects.count()} updates, "
          f"{EvidenceFile.objects.count()} files")
    measure(args.runs)


if __name__ == "__main__":
    main()
