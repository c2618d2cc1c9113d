"""
Time the exports at national scale (DESIGN.md section 7), XLSX above all.

Builds (or reuses, `--reuse`) the national-scale data of `benchmark_pages.py`: the 97 real
organisations, 100 super-complaints, 1,200 recommendations, 60,000 responses, 360,000 updates.
Then downloads each page's export through Django's test client as a signed-in reader and prints
the median and worst time, the size, and the peak memory the request allocated (a second pass
under tracemalloc, so the timings are not slowed by it); then times the open-data API's lists
signed out and signed in.

    DATABASE_URL=sqlite:////tmp/tracker-exports-benchmark.sqlite3 \\
        .venv/bin/python scripts/benchmark_exports.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python scripts/benchmark_exports.py --reuse

The target (issue 9): the national-scale matrix as XLSX in under 5 s.
"""

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/tracker-exports-benchmark.sqlite3")

import benchmark_pages  # noqa: E402  (sets Django up on the same database)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Membership  # noqa: E402
from recommendations.models import Organisation, SuperComplaint  # noqa: E402
from responses.models import Response, ResponseUpdate  # noqa: E402


def exports():
    sc = SuperComplaint.objects.get(slug="bench-0")
    return {
        "matrix": reverse("responses:matrix_export", args=[sc.slug]),
        "matrix, organisations as rows": (
            reverse("responses:matrix_export", args=[sc.slug]) + "?orientation=organisations"
        ),
        "comparison": reverse("responses:recommendation_export", args=[sc.slug, "1"]),
        "organisation (all pages)": reverse(
            "responses:organisation_export", args=["south-yorkshire"]
        ),
        "super-complaint": reverse("responses:supercomplaint_export", args=[sc.slug]),
    }


def measure(runs, formats):
    user, _ = get_user_model().objects.get_or_create(username="bench.reader")
    Membership.objects.get_or_create(
        user=user, organisation=Organisation.objects.get(slug="south-yorkshire"),
        defaults={"role": Membership.Role.VIEWER},
    )
    client = Client()
    client.force_login(user)
    print(f"\n{'export':<32}{'format':>7}{'median ms':>11}{'worst ms':>10}{'KiB':>8}"
          f"{'peak MiB':>10}")
    for name, url in exports().items():
        for fmt in formats:
            joiner = "&" if "?" in url else "?"
            target = f"{url}{joiner}format={fmt}"
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(target)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (name, fmt, response.status_code)
            tracemalloc.start()
            client.get(target)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{name:<32}{fmt:>7}{statistics.median(timings):>11.1f}{max(timings):>10.1f}"
                  f"{len(response.content) / 1024:>8.0f}{peak / 2**20:>10.1f}")


def measure_api(runs):
    """The API's lists and one response, signed out and signed in, at the same scale."""
    user = get_user_model().objects.get(username="bench.reader")
    signed_in = Client()
    signed_in.force_login(user)
    one = Response.objects.select_related("recommendation__super_complaint", "organisation").filter(
        recommendation__super_complaint__slug="bench-0"
    ).order_by("pk").first()
    urls = {
        "responses (first page)": reverse("api:response_list"),
        "responses of a force": reverse("api:response_list") + "?organisation=south-yorkshire",
        "responses, completed": reverse("api:response_list") + "?status=completed",
        "recommendations": reverse("api:recommendation_list"),
        "one response": reverse(
            "api:response_detail",
            args=["bench-0", one.recommendation.number, one.organisation.slug],
        ),
    }
    print(f"\n{'API':<32}{'caller':>10}{'median ms':>11}{'worst ms':>10}{'KiB':>8}")
    for name, url in urls.items():
        for caller, client in (("anonymous", Client()), ("signed in", signed_in)):
            timings = []
            for _ in range(runs):
                cache.clear()  # the rate limits are not what is measured
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                # Signed out, 404 or empty lists: the generated updates are not public.
                assert response.status_code in (200, 404), (name, response.status_code)
            print(f"{name:<32}{caller:>10}{statistics.median(timings):>11.1f}"
                  f"{max(timings):>10.1f}{len(response.content) / 1024:>8.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", default="xlsx,csv,json")
    args = parser.parse_args()
    benchmark_pages.national_data(reuse=args.reuse)
    print(f"{SuperComplaint.objects.count()} super-complaints, "
          f"{Organisation.objects.count()} organisations, {Response.objects.count()} responses, "
          f"{ResponseUpdate.objects.count()} updates")
    measure(args.runs, args.formats.split(","))
    measure_api(args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process (resident): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
