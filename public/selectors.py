"""
Reads for the public pages and feeds. Only `ResponseUpdate.objects.public()` reaches them:
published, marked public and not OFFICIAL-SENSITIVE. A response's `current_status` is never used
here, because it may come from an update the public must not see; the public position is the
latest public update. Each function runs a fixed number of queries whatever the data size.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, Min, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.richtext import html_excerpt
from deadlines.chasing import public_statement_condition, public_statement_words
from recommendations.models import Organisation, Recommendation, SuperComplaint
from recommendations.selectors import (
    audiences_by_recommendation,
    expected_organisations_by_recommendation,
)
from responses.choices import ChaserStep
from responses.models import Chaser, Response, ResponseUpdate

FEED_LENGTH = 50
# What the lists of every recommendation never show: not loaded (1,200 rows at national scale).
UNSHOWN_RECOMMENDATION_FIELDS = (
    "notes", "created_at", "updated_at", "super_complaint__summary",
    "super_complaint__created_at", "super_complaint__updated_at",
)
SUPER_COMPLAINTS_PER_PAGE = 10


def latest_updates(responses, updates):
    """
    Return the latest of `updates` (a ResponseUpdate queryset) for each of `responses` (a
    Response queryset), with response, organisation and recommendation loaded. One query.
    """
    latest = (
        updates.filter(response=OuterRef("pk"))
        .order_by("-as_of", "-created_at", "-pk")
        .values("pk")
    )
    ids = (
        responses.order_by()  # the default ordering joins two tables for nothing here
        .annotate(latest_id=Subquery(latest[:1]))
        .filter(latest_id__isnull=False)
        .values("latest_id")
    )
    return list(
        ResponseUpdate.objects.filter(pk__in=Subquery(ids))
        .select_related("response__organisation", "response__recommendation__super_complaint")
        .order_by("response__organisation__name")
    )


@dataclass(frozen=True)
class Position:
    """What a list shows of an update: its status and date."""

    status: str
    as_of: object
    as_of_precision: str = "day"


def latest_positions(*, organisation_ids, updates):
    """
    Return {(recommendation id, organisation id): Position} of the latest of `updates` for each
    response of the organisations. One query of a few narrow columns: at national scale an
    organisation has ~900 responses of six updates each, and picking the latest here is cheaper
    than a correlated subquery per response.
    """
    rows = (
        updates.filter(response__organisation_id__in=list(organisation_ids))
        .order_by()
        .values_list("response__recommendation_id", "response__organisation_id", "as_of", "pk",
                     "status", "as_of_precision")
    )
    # Latest by date, then the later written (ids grow with creation, as created_at does).
    latest = {}
    for recommendation_id, organisation_id, as_of, pk, status, precision in rows:
        key = (recommendation_id, organisation_id)
        if key not in latest or (as_of, pk) > latest[key][0]:
            latest[key] = ((as_of, pk), status, precision)
    return {
        key: Position(status, order[0], precision)
        for key, (order, status, precision) in latest.items()
    }


def public_statements(**filters):
    """
    Return {(recommendation id, organisation id): "Not responded, chased 3 times since 1 May
    2026"} for the responses whose public statement stands today (`deadlines.chasing`: step 4
    sent, nothing published since), narrowed by `filters` over Chaser rows
    (`response__recommendation=...`, `response__organisation_id__in=...`). Only these facts
    reach the public: never a letter's text. One query.
    """
    rows = (
        Chaser.objects.filter(step__lt=ChaserStep.PUBLIC_STATEMENT, **filters)
        .filter(public_statement_condition(today=timezone.localdate(), prefix="response__"))
        .order_by()
        .values_list("response__recommendation_id", "response__organisation_id")
        .annotate(times=Count("pk"), since=Min("sent_on"))
    )
    return {
        (recommendation_id, organisation_id): public_statement_words(times=times, since=since)
        for recommendation_id, organisation_id, times, since in rows
    }


def super_complaint_list():
    """Every super-complaint with how many recommendations it made (2 queries)."""
    super_complaints = list(SuperComplaint.objects.all())
    counts = defaultdict(int)
    for super_complaint_id in Recommendation.objects.values_list("super_complaint_id", flat=True):
        counts[super_complaint_id] += 1
    for super_complaint in super_complaints:
        super_complaint.recommendation_count = counts[super_complaint.pk]
    return super_complaints


def super_complaint_detail(*, slug):
    """
    A super-complaint and its recommendations with their recipients; a recommendation whose
    parts a./b. go to different bodies gets `part_letters` (["a", "b"]). 4 queries.
    """
    super_complaint = get_object_or_404(SuperComplaint, slug=slug)
    recommendations = list(super_complaint.recommendations.with_recipients())
    letters = defaultdict(list)
    for recommendation in recommendations:
        recommendation.super_complaint = super_complaint
        if recommendation.part_letter:
            letters[recommendation.part_of_id].append(recommendation.part_letter)
    for recommendation in recommendations:
        recommendation.part_letters = letters.get(recommendation.pk, [])
    return super_complaint, recommendations


def recommendation_get(*, slug, number):
    return get_object_or_404(
        Recommendation.objects.select_related("super_complaint").with_recipients(),
        super_complaint__slug=slug,
        number=number,
    )


@dataclass
class PublicPosition:
    organisation: Organisation
    update: ResponseUpdate | None  # the latest public update; None: "No public response yet"
    # "Not responded, chased 3 times since ..." when the public statement stands, else "".
    statement: str = ""


def recommendation_positions(*, recommendation):
    """
    Every expected organisation's latest public update on `recommendation` (None for a gap),
    plus any organisation that answered publicly without being expected, and the public
    statement of each non-responder the chasing ladder has reached the end of. 4 queries.
    """
    expected = expected_organisations_by_recommendation([recommendation])[recommendation.pk]
    updates = latest_updates(
        Response.objects.filter(recommendation=recommendation), ResponseUpdate.objects.public()
    )
    by_organisation = {u.response.organisation_id: u for u in updates}
    organisations = {o.pk: o for o in expected}
    for update in updates:
        organisations.setdefault(update.response.organisation_id, update.response.organisation)
    statements = public_statements(response__recommendation=recommendation)
    return [
        PublicPosition(
            organisation, by_organisation.get(organisation.pk),
            statements.get((recommendation.pk, organisation.pk), ""),
        )
        for organisation in sorted(organisations.values(), key=lambda o: o.name)
    ]


def organisation_list():
    return list(Organisation.objects.active().forces_first())


@dataclass
class OrganisationAnswers:
    organisation: Organisation
    office_holders: list
    page_obj: object  # a page of (super-complaint, [recommendation with .update])
    groups: list = field(default_factory=list)
    # The documents worth offering: those with something public in them.
    has_public_update: bool = False
    document_super_complaint_ids: set = field(default_factory=set)


def organisation_answers(*, slug, page=None):
    """
    An organisation, who held its office, and a page of the recommendations that apply to it
    (or that it answered publicly), each with its latest public update; and the super-complaints
    on which it or its paired body said something public (its documents), and the public
    statements of the chasing ladder about it. 6 queries.
    """
    organisation = get_object_or_404(Organisation.objects.select_related("paired"), slug=slug)
    office_holders = list(organisation.office_holders.all())
    recommendations = list(
        Recommendation.objects.select_related("super_complaint")
        .defer(*UNSHOWN_RECOMMENDATION_FIELDS)
        .in_order()
    )
    audiences = audiences_by_recommendation(recommendations)
    pair = [organisation.pk] + ([organisation.paired_id] if organisation.paired_id else [])
    positions = latest_positions(organisation_ids=pair, updates=ResponseUpdate.objects.public())
    updates = {
        recommendation_id: position
        for (recommendation_id, organisation_id), position in positions.items()
        if organisation_id == organisation.pk
    }
    statements = public_statements(response__organisation=organisation)
    by_recommendation = {r.pk: r for r in recommendations}
    documents = {by_recommendation[r].super_complaint_id for r, _ in positions}
    groups = defaultdict(list)
    for recommendation in recommendations:
        applies = organisation.active and audiences[recommendation.pk].includes(
            organisation.pk, organisation.kind
        )
        update = updates.get(recommendation.pk)
        if applies or update:
            recommendation.update = update
            recommendation.statement = statements.get((recommendation.pk, organisation.pk), "")
            groups[recommendation.super_complaint].append(recommendation)
    page_obj = Paginator(list(groups.items()), SUPER_COMPLAINTS_PER_PAGE).get_page(page)
    for _, rows in page_obj:
        for recommendation in rows:
            recommendation.summary = recommendation.title or html_excerpt(recommendation.text, 16)
    return OrganisationAnswers(
        organisation, office_holders, page_obj, list(page_obj),
        has_public_update=bool(updates), document_super_complaint_ids=documents,
    )


@dataclass
class PublicResponse:
    recommendation: Recommendation
    organisation: Organisation
    updates: list  # public updates, newest first
    paired: Organisation | None = None
    paired_updates: list = field(default_factory=list)
    statement: str = ""  # the public statement of the chasing ladder, while it stands


def response_history(*, slug, number, organisation_slug):
    """
    One organisation's public updates on one recommendation, newest first, and beside them its
    paired body's (a force and its PCC answering the same recommendation, read together).

    404 unless the organisation has at least one public update on it, or the chasing ladder's
    public statement says it has not responded: a response with only drafts, sensitive or
    unpublished updates does not exist publicly. 5 queries.
    """
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("super_complaint"),
        super_complaint__slug=slug,
        number=number,
    )
    organisation = get_object_or_404(
        Organisation.objects.select_related("paired"), slug=organisation_slug
    )
    organisation_ids = [organisation.pk]
    if organisation.paired_id:
        organisation_ids.append(organisation.paired_id)
    updates = list(
        ResponseUpdate.objects.public()
        .filter(
            response__recommendation=recommendation,
            response__organisation_id__in=organisation_ids,
        )
        .select_related("response")
        .order_by("-as_of", "-created_at", "-pk")
    )
    own = [u for u in updates if u.response.organisation_id == organisation.pk]
    statement = public_statements(
        response__recommendation=recommendation, response__organisation=organisation
    ).get((recommendation.pk, organisation.pk), "")
    if not own and not statement:
        raise Http404("No public response")
    return PublicResponse(
        recommendation=recommendation,
        organisation=organisation,
        updates=own,
        paired=organisation.paired,
        paired_updates=[u for u in updates if u.response.organisation_id != organisation.pk],
        statement=statement,
    )


def feed_updates(*, organisation=None, super_complaint=None):
    """The newest public updates of an organisation or a super-complaint (one query)."""
    updates = ResponseUpdate.objects.public().select_related(
        "response__organisation", "response__recommendation__super_complaint"
    )
    if organisation is not None:
        updates = updates.filter(response__organisation=organisation)
    if super_complaint is not None:
        updates = updates.filter(response__recommendation__super_complaint=super_complaint)
    # Updates loaded without a sign-off (fixtures, imports) go last on every database.
    newest_first = (F("signed_off_at").desc(nulls_last=True), "-as_of", "-pk")
    return list(updates.order_by(*newest_first)[:FEED_LENGTH])
