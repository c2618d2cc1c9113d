"""
Time the pages that show priority recommendations (issue 14, section 3) at national scale,
before and after national reviewers mark some recommendations as priority.

On the national-scale data of `benchmark_pages.py` (built, or `--reuse`d), times the dashboards,
the matrix (all, and "priority only"), the organisation page (all, and overdue), the home page
and a comparison with no recommendation marked, then marks `--count` recommendations (spread
over the super-complaints, the first of them in the one the pages show) and times them again.
The marks are removed at the end, so the database can be reused.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python scripts/benchmark_priority.py --reuse
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmark_pages  # noqa: E402  (sets up Django)
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership  # noqa: E402
from recommendations.models import Recommendation, SuperComplaint  # noqa: E402


def pages():
    sc = SuperComplaint.objects.get(slug="bench-0")
    matrix = reverse("responses:matrix", args=[sc.slug])
    organisation = reverse("responses:organisation_detail", args=["south-yorkshire"])
    return {
        "home": reverse("home"),
        "super-complaint detail": sc.get_absolute_url(),
        "recommendation comparison": sc.recommendations.get(number="1").get_absolute_url(),
        "matrix": matrix,
        "matrix priority only": matrix + "?priority=yes",
        "organisation": organisation,
        "organisation overdue": organisation + "?deadline=overdue",
        "dashboard (own)": reverse("reporting:dashboard"),
        "dashboard (other)": reverse("reporting:dashboard_organisation", args=["west-mercia"]),
        "dashboard CSV": reverse("reporting:dashboard_export", args=["south-yorkshire"]),
    }


@override_settings(DEBUG=True)  # so connection.queries records the queries
def measure(runs, heading):
    client = benchmark_pages.signed_in_client(
        "bench.contributor", "south-yorkshire", Membership.Role.APPROVER
    )
    print(f"\n{heading}\n{'page':<28}{'median ms':>10}{'worst ms':>10}{'queries':>9}{'KB':>9}")
    for name, url in pages().items():
        benchmark_pages._time(client, name, url, runs)


def mark(count):
    """Mark `count` recommendations as priority, spread over the super-complaints."""
    chosen = list(
        Recommendation.objects.filter(number="1").order_by("super_complaint__slug")[:count]
    )
    Recommendation.objects.filter(pk__in=[r.pk for r in chosen]).update(
        priority=True, priority_reason="Benchmark.", priority_changed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return len(chosen)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=24)
    args = parser.parse_args()
    benchmark_pages.national_data(reuse=args.reuse)
    Recommendation.objects.update(priority=False, priority_reason="")
    measure(args.runs, "no recommendation marked as priority")
    try:
        marked = mark(args.count)
        measure(args.runs, f"{marked} recommendations marked as priority")
    finally:
        Recommendation.objects.update(priority=False, priority_reason="")


if __name__ == "__main__":
    main()
