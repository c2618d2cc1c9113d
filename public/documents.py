"""
The documents people used to write by hand (`../shared/seeds/` 001-003), built from the data:

- the OPCC's public response page: one organisation (and its paired body) on one super-complaint;
- the current overview: one force, every super-complaint, a one-line STATUS each;
- the PCC's letter to the Home Secretary, signed by whoever held the office on its date.

A builder takes the published updates it may use (`ResponseUpdate.objects.public()` for a
document made for publication, `ResponseUpdate.objects.readable_by(user)` otherwise) and returns a
`Document`, which the HTML template and the Word writer (`public/docx.py`) both render. The
document's marking is that of the most sensitive update it includes.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import get_object_or_404

from recommendations.models import Organisation, Recommendation, SuperComplaint
from recommendations.selectors import audiences_by_recommendation
from responses.choices import (
    Marking,
    ReviewOutcome,
    Status,
    marking_label,
    most_sensitive_marking,
    status_label,
)
from responses.models import Response, ResponseUpdate

from .selectors import latest_updates

PUBLICATION_NOTE = (
    "Made for publication: only published updates cleared for public pages are included. "
    "OFFICIAL-SENSITIVE content is left out."
)


@dataclass
class Answer:
    """One organisation's answer to one recommendation: its first update, then later ones."""

    organisation: Organisation
    updates: list  # oldest first

    @property
    def first(self):
        return self.updates[0]

    @property
    def later(self):
        return self.updates[1:]

    @property
    def latest(self):
        return self.updates[-1]

    @property
    def status_label(self):
        return status_label(self.latest.status)


@dataclass
class Item:
    """A recommendation in a document, with the answers shown under it."""

    recommendation: Recommendation
    applies: bool = True
    answers: list = field(default_factory=list)

    @property
    def addressees(self):
        return "; ".join(g.name for g in self.recommendation.recipient_groups.all())


@dataclass
class Section:
    """A super-complaint in a document (the overview has several, the others one)."""

    super_complaint: SuperComplaint
    items: list
    status_line: str = ""


@dataclass
class Document:
    kind: str  # "response_page", "overview", "letter"
    title: str
    organisation: Organisation
    sections: list
    for_publication: bool
    marking: str = Marking.OFFICIAL
    date: datetime.date | None = None
    reference: str = ""
    addressee: str = ""
    office_holder: object = None
    paired: Organisation | None = None

    @property
    def marking_label(self):
        return marking_label(self.marking)

    @property
    def updates(self):
        return [u for s in self.sections for i in s.items for a in i.answers for u in a.updates]

    @property
    def redacted(self):
        return any(u.marking == Marking.OFFICIAL_REDACTED for u in self.updates)

    @property
    def publication_note(self):
        return PUBLICATION_NOTE if self.for_publication else ""


def _finish(document):
    """Set the document's marking from what it includes; 404 a public document with nothing."""
    updates = document.updates
    if document.for_publication and not updates:
        raise Http404("Nothing in this document is public")
    document.marking = most_sensitive_marking(u.marking for u in updates)
    return document


def _answers(updates, organisations):
    """{(recommendation id, organisation id): Answer}, each answer's updates oldest first."""
    grouped = defaultdict(list)
    for update in updates:
        grouped[(update.response.recommendation_id, update.response.organisation_id)].append(update)
    by_id = {o.pk: o for o in organisations}
    return {
        key: Answer(by_id[key[1]], sorted(rows, key=lambda u: (u.as_of, u.created_at, u.pk)))
        for key, rows in grouped.items()
    }


def _pair(organisation):
    return [o for o in (organisation, organisation.paired) if o is not None]


def _organisation(slug):
    return get_object_or_404(Organisation.objects.select_related("paired"), slug=slug)


def response_page(*, organisation_slug, super_complaint_slug, updates, for_publication):
    """
    Seed 001's shape: every recommendation of the super-complaint, in order; under each that
    applies to the organisation or its paired body, each one's first update as the response,
    later ones as dated "Update:" paragraphs and the status; others are listed as addressed to
    other bodies, without a response. A fixed number of queries
    (tests/public/test_public_queries.py).
    """
    organisation = _organisation(organisation_slug)
    super_complaint = get_object_or_404(SuperComplaint, slug=super_complaint_slug)
    pair = _pair(organisation)
    recommendations = list(super_complaint.recommendations.with_recipients())
    audiences = audiences_by_recommendation(recommendations)
    answers = _answers(
        updates.filter(
            response__recommendation__super_complaint=super_complaint,
            response__organisation__in=pair,
        ).select_related("response"),
        pair,
    )
    items = []
    for recommendation in recommendations:
        recommendation.super_complaint = super_complaint
        found = [
            answers[(recommendation.pk, o.pk)] for o in pair if (recommendation.pk, o.pk) in answers
        ]
        applies = bool(found) or any(
            audiences[recommendation.pk].includes(o.pk, o.kind) for o in pair if o.active
        )
        items.append(Item(recommendation, applies, found))
    return _finish(
        Document(
            kind="response_page",
            title=f"Response to {super_complaint.short_title}",
            organisation=organisation,
            paired=organisation.paired,
            sections=[Section(super_complaint, items)],
            for_publication=for_publication,
        )
    )


def overview_status(*, answers, expected, awaiting_sign_off, closed):
    """
    The one-line STATUS of a super-complaint in a force's overview (seed 002), from the data:
    an update awaiting sign-off comes first (only its organisation sees that), then closed,
    evidence with HMICFRS, progress or nothing yet.
    """
    if awaiting_sign_off:
        return "Update awaiting sign-off before it is published."
    if not answers:
        return "No response yet."
    completed = sum(1 for a in answers if a.latest.status == Status.COMPLETED)
    if expected and closed >= expected:
        return "Closed: HMICFRS accepted the evidence."
    if expected and completed + closed >= expected:
        return "Evidence submitted to HMICFRS for review. Awaiting feedback."
    return f"In progress: {completed} of {expected} recommendations completed."


def overview(*, organisation_slug, updates, for_publication, member_organisation_ids=()):
    """
    Seed 002's shape: for one organisation, every super-complaint that applies to it (date and
    title), a STATUS line, then each recommendation with its latest position. Updates awaiting
    sign-off count only for a reader who is a member of the organisation (they alone see them),
    never in a document made for publication. A fixed number of queries.
    """
    organisation = _organisation(organisation_slug)
    show_sign_off = organisation.pk in member_organisation_ids
    recommendations = list(
        Recommendation.objects.select_related("super_complaint").with_recipients().in_order()
    )
    audiences = audiences_by_recommendation(recommendations)
    # The latest update of each response only: a force answers ~900 recommendations, six
    # updates each, at national scale.
    answers = _answers(
        latest_updates(Response.objects.filter(organisation=organisation), updates),
        [organisation],
    )
    awaiting = set()
    closed = set()
    if show_sign_off and not for_publication:
        awaiting = set(
            ResponseUpdate.objects.awaiting_sign_off()
            .filter(response__organisation=organisation)
            .values_list("response__recommendation__super_complaint_id", flat=True)
        )
    closed = set(
        organisation.responses.filter(review_outcome=ReviewOutcome.CLOSED).values_list(
            "recommendation_id", flat=True
        )
    )
    by_super_complaint = defaultdict(list)
    for recommendation in recommendations:
        answer = answers.get((recommendation.pk, organisation.pk))
        applies = organisation.active and audiences[recommendation.pk].includes(
            organisation.pk, organisation.kind
        )
        if applies or answer:
            by_super_complaint[recommendation.super_complaint].append(
                Item(recommendation, True, [answer] if answer else [])
            )
    sections = []
    for super_complaint, items in by_super_complaint.items():
        shown = [a for i in items for a in i.answers]
        sections.append(
            Section(
                super_complaint,
                items,
                overview_status(
                    answers=shown,
                    expected=len(items),
                    awaiting_sign_off=super_complaint.pk in awaiting,
                    closed=sum(
                        1 for i in items if i.answers and i.recommendation.pk in closed
                    ),
                ),
            )
        )
    sections.sort(key=lambda s: s.super_complaint.report_published_on or datetime.date.max)
    return _finish(
        Document(
            kind="overview",
            title="Super-complaints current overview",
            organisation=organisation,
            sections=sections,
            for_publication=for_publication,
        )
    )


HOME_SECRETARY = "The Home Secretary"


def letter(*, organisation_slug, super_complaint_slug, updates, for_publication, date,
           reference=""):
    """
    Seed 003's shape: a local policing body's letter to the Home Secretary on one
    super-complaint, dated `date`: the position of its force (and its own) on each
    recommendation addressed to them, as of that date, with its status, signed by whoever held
    the office on that date. A fixed number of queries.
    """
    organisation = _organisation(organisation_slug)
    if organisation.kind != Organisation.Kind.LOCAL_POLICING_BODY:
        raise Http404("Letters to the Home Secretary are written by local policing bodies")
    document = response_page(
        organisation_slug=organisation_slug,
        super_complaint_slug=super_complaint_slug,
        updates=updates.filter(as_of__lte=date),
        for_publication=for_publication,
    )
    for section in document.sections:
        section.items = [i for i in section.items if i.answers]
        for item in section.items:
            # A letter gives the position on its date: the latest update, force first.
            item.answers = sorted(
                (Answer(a.organisation, [a.latest]) for a in item.answers),
                key=lambda a: a.organisation.kind != Organisation.Kind.POLICE_FORCE,
            )
    document.kind = "letter"
    document.title = f"Letter to the Home Secretary: {document.sections[0].super_complaint.title}"
    document.date = date
    document.reference = reference
    document.addressee = HOME_SECRETARY
    document.office_holder = organisation.office_holder_on(date)
    return _finish(document)
