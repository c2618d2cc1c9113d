"""
What the tests of the responses pages share: the workflow pages' URLs, the update form's data as
a browser posts it, the data the query pins grow, and the browse pages' pinned query counts.
"""

import datetime

from django.urls import reverse

from evidence import services as evidence_services
from responses.choices import Marking, ReviewOutcome, Status, WorkflowState
from responses.models import Response, ResponseReview, ResponseUpdate
from tests.conftest import write_update


def response_url(world, organisation=None, recommendation=None):
    recommendation = recommendation or world.rec_1
    organisation = organisation or world.force_a
    return reverse(
        "workflow:response_detail",
        args=[world.super_complaint.slug, recommendation.number, organisation.slug],
    )


def create_url(world, organisation=None, recommendation=None):
    recommendation = recommendation or world.rec_1
    organisation = organisation or world.force_a
    return reverse(
        "workflow:update_create",
        args=[world.super_complaint.slug, recommendation.number, organisation.slug],
    )


def review_url(world, organisation=None):
    return reverse(
        "workflow:response_review",
        args=[world.super_complaint.slug, world.rec_1.number, (organisation or world.force_a).slug],
    )


def form_data(**overrides):
    data = {
        "as_of_day": "1",
        "as_of_month": "5",
        "as_of_year": "2021",
        "status": Status.IN_PROGRESS,
        "awaiting": "",
        "narrative": "Training has begun.",
        "position_provided_by": "DCI Smith, in consultation with OPCC",
        "marking": Marking.OFFICIAL,
        "lead": "",
        "portal_reference": "",
        "action": "draft",
    }
    data.update(overrides)
    return data


def sign_off_data(update, action="approve", **fields):
    """
    What an approver's sign-off form posts: the action and the version of the update it shows
    (the version stored now, or the one given for an update deleted meanwhile).
    """
    stored = ResponseUpdate.objects.filter(pk=update.pk).values_list("version", flat=True).first()
    return {"action": action, "version": stored or update.version, **fields}


def row_counts():
    return (Response.objects.count(), ResponseUpdate.objects.count(),
            ResponseReview.objects.count())


def add_updates(world, response, count):
    """
    Write `count` updates: odd days published, the others drafts but for one awaiting sign-off
    (day 4: only one may wait at a time, so it is written last).
    """
    days = sorted(range(1, count + 1), key=lambda day: day == 4)
    for day in days:
        if day % 2 == 1:
            state = "published"
        elif day == 4:
            state = "submitted"
        else:
            state = "draft"
        write_update(world, response, state=state, as_of=datetime.date(2021, 1, day),
                     narrative=f"<p>Update {day}.</p>")
    evidence_services.response_review(response=response, reviewer=world.reviewer,
                             outcome=ReviewOutcome.RETURNED, comment="More.")


def answer_in_bulk(recommendation, organisation, as_of):
    """
    Give `organisation` a published "in progress" answer, written straight to the tables:
    the services would be slow for the hundreds of rows the query pins need.
    """
    response = Response.objects.create(recommendation=recommendation, organisation=organisation)
    update = ResponseUpdate.objects.create(
        response=response, as_of=as_of, status=Status.IN_PROGRESS,
        narrative="<p>Work under way.</p>", state=WorkflowState.PUBLISHED,
    )
    Response.objects.filter(pk=response.pk).update(
        current_update=update, current_status=update.status, current_status_on=update.as_of,
        first_published_on=update.as_of,
    )


# The browse pages' queries: session + user, then the page's own. The same whatever the size of
# the data, on the test world (test_browse_views.py) and on the demo data
# (test_browse_views_on_demo_data.py).
QUERY_COUNTS = {
    # + the organisation's responses awaiting guidance (responses.selectors.guidance); the one
    # more query that checks whether it landed runs only when some response awaits something.
    # On an empty cache; + the fingerprint of the data (core.caching), under which
    # what every member of an organisation sees the same is cached (QUERY_COUNTS_CACHED).
    # The reader's work lists (updates to sign off, drafts) are read only when one light query
    # finds something unpublished in their organisations (HOME_WORK_LIST_QUERIES more).
    # + the decisions on their organisations' requests for more time, a task of every writer
    # (workflow.selectors.tasks; kept under the organisations' fingerprint: not once cached).
    "home": 11,
    # On an empty cache: + the fingerprint of the data the page's table or body is kept under
    # (core.caching's "data" scope); the detail also reads the super-complaint for
    # its title.
    "supercomplaint_list": 9,
    "supercomplaint_detail": 12,
    # + the user's memberships and their own organisation's row, shown first (own_positions);
    # + the recommendation and its super-complaint alone for the title, and the fingerprint its
    # body and table are kept under (a scope of core.caching: SQL, as the same
    # subqueries compiled by the ORM cost more time than a round trip).
    "recommendation_detail": 13,
    # + the reader's memberships: whose OFFICIAL-SENSITIVE text they may read (need-to-know).
    "recommendation_export": 10,
    "recommendation_compare": 9,
    # + the fingerprint its rendering is cached under (a scope of core.caching); the heat map
    # (the default) + the reader's memberships, their own organisations' rows first.
    "matrix": 11,
    "matrix_table": 10,
    "matrix_export": 9,
    # On an empty cache: + the fingerprint of the data (core.caching).
    "organisation_list": 5,
    # On an empty cache: + the organisation for the title and the fingerprint of the data its
    # rows are kept and rendered under (core.caching).
    "organisation_detail": 9,
    # The downloads of the pages (any format): the page's queries, all pages of the organisation
    # at once (+ the reader's memberships: whose sensitive text they may read), and one more
    # for the super-complaint's markings.
    "organisation_export": 7,
    "supercomplaint_export": 11,
    # The dashboards + the shown organisations' responses awaiting guidance, the overview + the
    # organisations waiting per awaited recommendation (responses.selectors.guidance); each one
    # query more when something is awaited (test_guidance.py pins those too).
    # On an empty cache: + the recommendations' fingerprint (the figures' source is kept under
    # it, not under the responses'), and the dashboards' counts and completions are 4 queries,
    # not 2: the organisations' own and the national and regional ones every dashboard shares,
    # kept per super-complaint so a publication recounts only its own; + the fingerprint of
    # the data the "what changed" list and the rest of the page are kept under
    # (QUERY_COUNTS_CACHED), and the organisation read again for the kept part.
    # + 2 for the organisations' answers to priority recommendations (issue 14), read fresh so
    # a new mark shows at once: the organisations shown and the priority recommendations (2
    # more, their recipients and the answers, when some recommendation is a priority).
    "dashboard": 22,
    "dashboard_organisation": 21,
    "dashboard_export": 14,
    # + the requests for more time awaiting a reviewer's decision (issue 14), + the reader's
    # memberships: whether they are a national reviewer, who alone see the chasing ladder
    # (LADDER_QUERIES more for them); + the fingerprint of the data the body is kept under.
    "overview": 16,
}

# The home page's work lists, each read when there is something unpublished it could hold.
HOME_WORK_LIST_QUERIES = 2

# A national reviewer's overview also lists the chasing ladder (issue 14, section 2), kept
# under the overview's fingerprint: on a cache miss the expected answers (4 queries) and the
# steps each has reached (1).
LADDER_QUERIES = 5

# The same pages once what every reader sees the same is in the cache (the fingerprints still
# run: a publication shows at once): the home page's organisation summaries (3 queries), its
# latest positions of others and its landed guidance (1 query each) and the organisation page's
# rows (3 queries) come from the cache; the super-complaint list, its pages and the
# organisation list are rendered from the cache (session, user, the fingerprint of the data;
# the super-complaint or organisation for the title is kept under its address and checked
# against that fingerprint: core.caching.found_by_address).
QUERY_COUNTS_CACHED = {
    "home": 5,
    "supercomplaint_list": 3,
    "supercomplaint_detail": 3,
    "organisation_list": 3,
    "organisation_detail": 3,
    # The matrix's page (filters, links and cells) comes from the cache under its fingerprint
    # (the super-complaint's scope of core.caching, which reads its row, so the super-complaint
    # is kept under its address too): the super-complaint, recommendations, recipients,
    # organisations and responses (5) and the filter form's regions do not run.
    # The heat map (the default) + the reader's memberships: their own organisations' rows,
    # kept per set of organisations, go first.
    "matrix": 4,
    "matrix_table": 3,
    # The comparison's body (its own positions, rows, deadlines, texts, and their rendering)
    # comes from the cache under the recommendation's fingerprint, the reader's organisations,
    # roles and need to know, and the filters: session, user, the fingerprint (the
    # recommendation for the title is kept under its address, checked against it) and the
    # reader's memberships.
    "recommendation_detail": 4,
    # The dashboards: everything but what changed since the reader's last visit is kept under
    # the fingerprint of the data, and the latest changes too (each reader's visit filters
    # them), and who is shown under the organisations table's fingerprint: session, user, (the
    # reader's memberships, for their own dashboard,) the last visit (written again only a
    # minute after it) and the fingerprints.
    "dashboard": 5,
    "dashboard_organisation": 4,
    # The overview's body (league table, requests for more time, awaited recommendations and,
    # for a national reviewer, the chasing ladder) is kept under the filters, whether the
    # reader is a reviewer and the fingerprint of the data: session, user, the reader's
    # memberships and the fingerprint.
    "overview": 4,
}


def tasks_of(page):
    """The home page's tasks (workflow.selectors.tasks) by their key."""
    return {task.key: task for task in page.context["tasks"]}
