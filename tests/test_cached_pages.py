"""
No cached page keeps showing what a write changed: for every cached page and every write that
changes what it shows (the table below), the page read after the write is the page drawn from an
empty cache, and differs from the page read before it (so the write does show there).

A page that gains a field, or a write that gains a page, belongs in the table: a scope that does
not read the table the write changes (core.caching) fails here.
"""

import datetime
import difflib
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Membership
from deadlines import services as deadline_services
from evidence import services as evidence_services
from recommendations.models import OfficeHolder
from responses import services
from responses.choices import ReviewOutcome, Status
from tests.conftest import make_user, published_update

D = datetime.date


@pytest.fixture
def scene(world):
    """Force A has published on recommendation 1; recommendation 1 is due on 12 February 2021."""
    world.rec_1.due_on = D(2021, 2, 12)
    world.rec_1.title = "Stop sharing"
    world.rec_1.save()
    OfficeHolder.objects.create(organisation=world.force_a, name="Jane Grey",
                                title="Chief Constable", started_on=D(2019, 1, 1))
    world.first = published_update(world, recommendation=world.rec_1, organisation=world.force_a,
                                   status=Status.IN_PROGRESS, public=True,
                                   narrative="<p>First position.</p>", as_of=D(2021, 1, 5))
    world.response = world.first.response
    # Force B's response exists (with nothing published), so asking for more time writes the
    # request alone.
    services.response_get_or_create(recommendation=world.rec_1, organisation=world.force_b)
    world.second_reviewer = make_user("rory", world.home_office, Membership.Role.REVIEWER)
    return world


# The writes, each as the service (or the admin's save) makes it.

def publish(w):
    published_update(w, w.response, status=Status.COMPLETED, public=True,
                     narrative="<p>Second position, all done.</p>", as_of=D(2021, 3, 1))


def review(w):
    evidence_services.response_review(response=w.response, reviewer=w.reviewer,
                             outcome=ReviewOutcome.CLOSED, comment="Evidence accepted.")


def ask_for_more_time(w):
    """Force B, which has not answered recommendation 1, asks for more time."""
    deadline_services.extension_request(user=w.other_contributor, recommendation=w.rec_1,
                               organisation=w.force_b, requested_due_on=D(2021, 4, 30),
                               reason="Sick leave.", today=D(2021, 2, 12))


def chase(w):
    deadline_services.chaser_send(reviewer=w.reviewer, recommendation=w.rec_5,
                                  organisation=w.force_a, step=1, today=D(2022, 3, 1))


def rename_organisation(w):
    w.force_a.name = "Force A Constabulary"
    w.force_a.short_name = "Force A Con"
    w.force_a.save()


def unpair_organisation(w):
    """Force A's office no longer answers beside it: its dashboard shows it alone."""
    w.lpb_a.paired = None
    w.lpb_a.save()
    w.force_a.paired = None
    w.force_a.save()


def rename_super_complaint(w):
    w.super_complaint.short_title = "Safe to share? (2020)"
    w.super_complaint.save()


def retitle_recommendation(w):
    w.rec_1.title = "Stop sharing data with immigration enforcement"
    w.rec_1.save()


PAGES = {
    "super-complaint list": lambda w: ("contributor", reverse("responses:supercomplaint_list")),
    "super-complaint": lambda w: ("contributor", w.super_complaint.get_absolute_url()),
    "comparison": lambda w: ("contributor", w.rec_1.get_absolute_url()),
    "matrix": lambda w: ("contributor", reverse("responses:matrix", args=["safe-to-share"])),
    "organisation list": lambda w: ("contributor", reverse("responses:organisation_list")),
    "organisation": lambda w: ("other_contributor", w.force_a.get_absolute_url()),
    "response": lambda w: ("other_contributor", w.response.get_absolute_url()),
    "response not yet answered": lambda w: ("contributor", reverse(
        "workflow:response_detail", args=["safe-to-share", "1", "force-b"])),
    "dashboard": lambda w: ("opcc_contributor", reverse("reporting:dashboard")),
    "overview": lambda w: ("second_reviewer", reverse("reporting:overview")),
    "public recommendation": lambda w: (None, reverse(
        "public:recommendation_detail", args=["safe-to-share", "1"])),
    "public organisation": lambda w: (None, reverse("public:organisation_detail",
                                                    args=["force-a"])),
    "public organisation feed": lambda w: (None, reverse("public:organisation_feed",
                                                         args=["force-a"])),
    # Staff read the public pages too: kept for signed-in readers apart from visitors.
    "public recommendation signed in": lambda w: ("contributor", reverse(
        "public:recommendation_detail", args=["safe-to-share", "1"])),
    "public organisation signed in": lambda w: ("reviewer", reverse(
        "public:organisation_detail", args=["force-a"])),
    "public response signed in": lambda w: ("other_contributor", reverse(
        "public:response_detail", args=["safe-to-share", "1", "force-a"])),
    "public overview document signed in": lambda w: ("contributor", reverse(
        "public:overview", args=["force-a"])),
    "public organisation feed signed in": lambda w: ("contributor", reverse(
        "public:organisation_feed", args=["force-a"])),
}

# Which writes change what each page shows.
AFFECTS = {
    "super-complaint list": [publish],
    "super-complaint": [publish, retitle_recommendation, rename_super_complaint],
    "comparison": [publish, review, rename_organisation, rename_super_complaint],
    "matrix": [publish, review, rename_organisation, rename_super_complaint],
    "organisation list": [rename_organisation],
    "organisation": [publish, review, rename_organisation, retitle_recommendation],
    "response": [publish, review, rename_organisation],
    "response not yet answered": [ask_for_more_time],
    "dashboard": [publish, rename_organisation, unpair_organisation],
    "overview": [publish, ask_for_more_time, chase],
    "public recommendation": [publish, rename_organisation],
    "public organisation": [publish, retitle_recommendation],
    "public organisation feed": [publish],
    "public recommendation signed in": [publish, rename_organisation],
    "public organisation signed in": [publish, retitle_recommendation],
    "public response signed in": [publish, rename_organisation],
    "public overview document signed in": [publish, rename_organisation],
    "public organisation feed signed in": [publish],
}

CASES = [(page, write) for page, writes in AFFECTS.items() for write in writes]

# What differs between two readings of the same page whatever the data: masked CSRF tokens, the
# nonces of the Content-Security-Policy, and the dashboard's words on the reader's last visit
# (which an emptied cache forgets).
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=|nonce=)"[^"]*"')
LAST_VISIT = re.compile(r"(This is your first visit|Published since you last opened)[^<]*")


def read(client, path):
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return LAST_VISIT.sub("", VOLATILE.sub(r'\1""', page.content.decode()))


@pytest.mark.parametrize("page, write", CASES,
                         ids=[f"{page}-{write.__name__}" for page, write in CASES])
def test_a_write_shows_at_once_on_every_cached_page_it_changes(client, scene, page, write):
    reader, path = PAGES[page](scene)
    if reader:
        client.force_login(getattr(scene, reader))
    read(client, path)  # the reader's first visit (a dashboard remembers it)
    before = read(client, path)  # kept

    write(scene)

    kept = read(client, path)
    cache.clear()
    fresh = read(client, path)
    if kept != fresh:
        diff = "\n".join(line for line in difflib.unified_diff(
            kept.splitlines(), fresh.splitlines(), lineterm="", n=0) if line[:1] in "+-")
        pytest.fail(f"{page} kept what {write.__name__} changed:\n{diff[:3000]}")
    assert fresh != before, f"{write.__name__} does not change {page}: remove it from AFFECTS"
