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

from accounts import permissions
from core.people import person_name
from core.richtext import html_excerpt
from deadlines import chasing
from deadlines.selectors import next_chaser
from recommendations.models import Organisation, Recommendation, SuperComplaint
from recommendations.selectors import audiences_by_recommendation
from responses.choices import (
    ChaserStep,
    Marking,
    ReviewOutcome,
    Status,
    counts_as_done,
    format_as_of,
    marking_label,
    most_sensitive_marking,
    status_label,
)
from responses.models import Chaser, Response, ResponseUpdate

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
    # How the document names whoever answered: the organisation's name, or in a letter the
    # office as it was named on the letter's date.
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.organisation.name

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


ALL_RECIPIENTS_PHRASE = "all recipients of recommendations from this investigation"


def _group_phrase(group):
    """One recipient group as a sentence names it: "chief constables", "the NPCC", "HMICFRS"."""
    if group.kind == "all_recipients":
        return ALL_RECIPIENTS_PHRASE
    organisation = group.organisation
    if organisation is None:  # a kind of body: "chief constables"
        return group.name[:1].lower() + group.name[1:]
    short = organisation.short_name
    # A body known by its initials is named by them ("the NPCC"); HMICFRS goes without "the".
    name = short if short.isupper() and len(short) >= 3 else organisation.name
    return name if name == "HMICFRS" else f"the {name}"


def addressee_phrase(groups):
    """Recipient groups joined as a sentence: "chief constables and police and crime ..."."""
    phrases = [_group_phrase(group) for group in groups]
    if len(phrases) <= 1:
        return "".join(phrases) or "no recipient recorded"
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


@dataclass
class Item:
    """A recommendation in a document, with the answers shown under it."""

    recommendation: Recommendation
    applies: bool = True
    answers: list = field(default_factory=list)

    @property
    def label_stop(self):
        """Its label ending a sentence: "Recommendation 1." (a short title cut at "…" as is)."""
        label = self.recommendation.label
        return label if label[-1:] in ".…?!" else f"{label}."

    @property
    def addressees(self):
        """Whom it is addressed to, as people write it: "the Home Office and the NPCC"."""
        return addressee_phrase(self.recommendation.recipient_groups.all())


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
    # Whether the page offers a copy made for publication (a chasing letter has none).
    offers_publication: bool = True
    # A letter's own parts (seed 003): the office's letterhead and address block as on its date,
    # the commissioner's own opening paragraphs, and its closing sentence unless an answer it
    # quotes already says it.
    office_name: str = ""
    # The super-complaint's own introduction (a public response page, seed 001).
    introduction: list = field(default_factory=list)
    # The overview's long form: each position's text under its status (seed 002 has none).
    full_text: bool = False
    letterhead: list = field(default_factory=list)
    opening: list = field(default_factory=list)
    closing: str = ""

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
        """The note printed in the document; a letter carries none (the page says it instead)."""
        return PUBLICATION_NOTE if self.for_publication and self.kind != "letter" else ""

    @property
    def page_note(self):
        """The note the page shows above a letter made for publication, never printed."""
        return PUBLICATION_NOTE if self.for_publication and self.kind == "letter" else ""


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


def super_complaint_introduction(super_complaint):
    """
    The super-complaint's own introduction, as seed 001 opens: who made it and when, then what
    it concerns (its summary).
    """
    paragraphs = []
    if super_complaint.complainants:
        when = (f"On {super_complaint.submitted_on.day} {super_complaint.submitted_on:%B %Y}, "
                if super_complaint.submitted_on else "")
        made = f"{super_complaint.complainants} made a super-complaint to Her Majesty's Chief " \
               "Inspector of Constabulary."
        paragraphs.append(when + made if when else made)
    if super_complaint.summary:
        paragraphs.append(super_complaint.summary)
    return paragraphs


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
            introduction=super_complaint_introduction(super_complaint),
        )
    )


OVERVIEW_STATUS = {
    "awaiting_sign_off": "Update awaiting sign-off before it is published.",
    "returned": "Returned by HMICFRS: more evidence needed.",
    "closed": "Closed: HMICFRS accepted the evidence.",
    "with_hmicfrs": "Evidence submitted to HMICFRS for review. Awaiting feedback.",
    "awaiting_guidance": "Awaiting national guidance before the work can be completed.",
    "in_progress": "In progress: not yet submitted to HMICFRS for review.",
    "none": "No response yet.",
}


def overview_status(*, items, reviews, awaiting_sign_off):
    """
    The one-line STATUS of a super-complaint in a force's overview (seed 002): the workflow
    state people act on, not a count (issue 22). From its `items` (one per recommendation
    expected, with the answer shown), the reviewers' outcomes by recommendation (`reviews`)
    and whether an update awaits sign-off (only its organisation sees that), the first that
    holds of: awaiting sign-off; a response returned by HMICFRS; every one closed; every one
    done (completed or closed, `counts_as_done`): evidence with HMICFRS; a position awaiting
    national guidance with nothing else left to do; work in progress; nothing yet.
    """
    if awaiting_sign_off:
        return OVERVIEW_STATUS["awaiting_sign_off"]
    answered = [item for item in items if item.answers]
    if not answered:
        return OVERVIEW_STATUS["none"]
    outcomes = {item.recommendation.pk: reviews.get(item.recommendation.pk) for item in answered}
    if ReviewOutcome.RETURNED in outcomes.values():
        return OVERVIEW_STATUS["returned"]
    expected = len(items)
    if sum(1 for o in outcomes.values() if o == ReviewOutcome.CLOSED) >= expected:
        return OVERVIEW_STATUS["closed"]
    undone = [
        item for item in answered
        if not counts_as_done(item.answers[0].latest.status, outcomes[item.recommendation.pk])
    ]
    if not undone and len(answered) >= expected:
        return OVERVIEW_STATUS["with_hmicfrs"]
    if len(answered) >= expected and all(
        item.answers[0].latest.status == Status.AWAITING_NATIONAL for item in undone
    ):
        return OVERVIEW_STATUS["awaiting_guidance"]
    return OVERVIEW_STATUS["in_progress"]


def overview(*, organisation_slug, updates, for_publication, member_organisation_ids=(),
             full_text=False):
    """
    Seed 002's shape: for one organisation, every super-complaint that applies to it (date and
    title), a STATUS line, then each recommendation with the status of its latest position; with
    `full_text`, the position's text too (the long form, twice the seed's length). Updates awaiting
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
    if show_sign_off and not for_publication:
        awaiting = set(
            ResponseUpdate.objects.awaiting_sign_off()
            .filter(response__organisation=organisation)
            .values_list("response__recommendation__super_complaint_id", flat=True)
        )
    # The reviewers' outcomes, what the STATUS lines read (closed, returned).
    reviews = dict(
        organisation.responses.exclude(review_outcome=ReviewOutcome.OPEN).values_list(
            "recommendation_id", "review_outcome"
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
        sections.append(
            Section(
                super_complaint,
                items,
                overview_status(items=items, reviews=reviews,
                                awaiting_sign_off=super_complaint.pk in awaiting),
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
            full_text=full_text,
        )
    )


HOME_SECRETARY = "The Home Secretary"
LETTER_CLOSING = "I will continue to monitor progress against these recommendations."
# How long the commissioner's own opening may be (it comes in the query string).
OPENING_MAX_LENGTH = 4000


def opening_paragraphs(text):
    """The commissioner's opening typed as plain text: one paragraph per blank-line block."""
    text = (text or "")[:OPENING_MAX_LENGTH].replace("\r\n", "\n")
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


def letterhead(holder, organisation):
    """The office's letterhead as printed (seed 003): its name, address, telephone, email, site."""
    if holder is None:
        return [organisation.name]
    lines = [holder.title]
    if holder.address:
        lines.append(", ".join(line.strip() for line in holder.address.splitlines()
                               if line.strip()))
    if holder.telephone:
        lines.append(f"Tel: {holder.telephone}")
    if holder.email:
        lines.append(f"Email: {holder.email}")
    if holder.website:
        lines.append(holder.website)
    return lines


def _says(updates, sentence):
    """Whether any of `updates` already says `sentence` (its words, any case or spacing)."""
    words = " ".join(sentence.lower().rstrip(".").split())
    return any(words in " ".join(html_excerpt(u.narrative, 100000).lower().split())
               for u in updates)


def letter(*, organisation_slug, super_complaint_slug, updates, for_publication, date,
           reference="", opening=""):
    """
    Seed 003's shape: a local policing body's letter to the Home Secretary on one
    super-complaint, dated `date`: the office's letterhead and the commissioner's own `opening`
    paragraphs, then the position of its force (and its own) on each recommendation addressed
    to them, as of that date, with its status, signed by whoever held the office on that date
    and naming the office as it was then (South Yorkshire's PCC in 2022, not today's Mayor).
    A fixed number of queries.
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
    holder = organisation.office_holder_on(date)
    office_name = (holder.office_name if holder else "") or organisation.name
    for section in document.sections:
        section.items = [i for i in section.items if i.answers]
        for item in section.items:
            # A letter gives the position on its date: the latest update, force first.
            item.answers = sorted(
                (Answer(a.organisation, [a.latest],
                        office_name if a.organisation == organisation else "")
                 for a in item.answers),
                key=lambda a: a.organisation.kind != Organisation.Kind.POLICE_FORCE,
            )
    document.kind = "letter"
    document.title = f"Letter to the Home Secretary: {document.sections[0].super_complaint.title}"
    document.date = date
    document.reference = reference
    document.addressee = HOME_SECRETARY
    document.office_holder = holder
    document.office_name = office_name
    document.letterhead = letterhead(holder, organisation)
    document.opening = opening_paragraphs(opening)
    # Quoted answers often end with the commissioner's own closing: printed once, not twice.
    document.closing = "" if _says(document.updates, LETTER_CLOSING) else LETTER_CLOSING
    return _finish(document)


# Chasing letters (issue 14, section 2; the rules and their words are deadlines.chasing's).

# Who a letter is addressed to when no office holder is recorded for its date, by kind.
OFFICE_BY_KIND = {
    Organisation.Kind.POLICE_FORCE: ("The Chief Constable", "Dear Chief Constable"),
    Organisation.Kind.LOCAL_POLICING_BODY: (
        "The Police and Crime Commissioner", "Dear Commissioner"
    ),
}


@dataclass
class ChaserLetter:
    """
    One step of the chasing ladder as a letter: from the sender's national body to the
    organisation's office holder on the day it was sent. `paragraphs` are its body, plain text,
    written once here for the page and the Word file alike.
    """

    chaser: Chaser
    previous: list  # the steps sent before it, oldest first
    organisation: Organisation
    recommendation: Recommendation
    office_holder: object
    addressee_lines: list
    salutation: str
    subject: str
    paragraphs: list
    signature: list
    kind: str = "chaser_letter"
    marking: str = Marking.OFFICIAL
    for_publication: bool = False
    offers_publication: bool = False
    publication_note: str = ""

    @property
    def title(self):
        return f"{self.chaser.get_step_display()}: {self.subject}"

    @property
    def date(self):
        return self.chaser.sent_on

    @property
    def marking_label(self):
        return marking_label(self.marking)


def _letter_paragraphs(chaser, previous, organisation, recommendation):
    super_complaint = recommendation.super_complaint
    due = chasing.due_date_words(due_on=chaser.due_on, original_due_on=chaser.original_due_on)
    paragraphs = [
        f"{organisation.name}'s response to {recommendation.label.lower()} of the super-complaint "
        f"report “{super_complaint.title}” was due on {due}. No response has been published "
        "on the super-complaints tracker."
    ]
    if previous:
        sent = "; ".join(
            f"{c.get_step_display().lower()} of {format_as_of(c.sent_on)}" for c in previous
        )
        paragraphs.append(f"We have written to you about it before: {sent}.")
    step = chaser.step
    if step == ChaserStep.REMINDER:
        paragraphs.append(
            "This is a reminder. Please publish your response on the tracker as soon as "
            "possible, or tell us when you will."
        )
    elif step == ChaserStep.SECOND_LETTER:
        paragraphs.append(
            "We have still not seen a response. Please publish it now; if something stands in "
            "the way, tell us what it is and when you expect to publish."
        )
    elif step == ChaserStep.FINAL_LETTER:
        paragraphs.append("This is our final letter before a public statement.")
        paragraphs.append(chasing.FINAL_WARNING.format(organisation=organisation.name))
        paragraphs.append("Please publish your response without delay.")
    else:
        letters = [c for c in previous if not c.is_public_statement]
        words = chasing.public_statement_words(
            times=len(letters), since=letters[0].sent_on if letters else chaser.sent_on
        )
        paragraphs.append(
            f"As our final letter said, {organisation.name}'s non-response is now stated "
            f"publicly: the public pages of the tracker show it as “{words}” for this "
            "recommendation, until its response is published."
        )
    return paragraphs


def chaser_letter(*, super_complaint_slug, number, organisation_slug, step, user):
    """
    The letter of one step sent to an organisation on one recommendation, for a reader who may
    open it (`permissions.can_read_chaser_letters`: national reviewers and the organisation's
    members; anyone else is refused, 403). 404 for a step not sent. Two queries: the steps sent
    up to this one (with the response, the sender and their body), and the office holder on the
    letter's date.
    """
    chasers = list(
        Chaser.objects.filter(
            response__recommendation__super_complaint__slug=super_complaint_slug,
            response__recommendation__number=number,
            response__organisation__slug=organisation_slug,
            step__lte=step,
        )
        .select_related(
            "sent_by", "sent_from", "response__organisation",
            "response__recommendation__super_complaint",
        )
        .order_by("step")
    )
    if not chasers or chasers[-1].step != step:
        raise Http404("No such letter was sent")
    chaser, previous = chasers[-1], chasers[:-1]
    permissions.require_chaser_letter_reader(user, chaser.response.organisation_id)
    return _chaser_letter_document(
        chaser, previous, organisation=chaser.response.organisation,
        recommendation=chaser.response.recommendation,
    )


def chaser_letter_preview(*, target, user, today):
    """
    The letter of the next step of the chasing ladder of `target` as it will be sent today by
    `user`, a national reviewer who may chase (403 otherwise), before it is sent (issue 21,
    item 5). Returns (letter, None), or (None, refusal message) when no step may be sent now.
    Nothing is recorded: sending is `deadlines.services.chaser_send`'s.
    """
    permissions.require_chaser(user, target.organisation.pk)
    chaser, previous, refusal = next_chaser(target=target, reviewer=user, today=today)
    if refusal is not None:
        return None, refusal[0]
    letter = _chaser_letter_document(
        chaser, previous, organisation=target.organisation,
        recommendation=target.recommendation,
    )
    return letter, None


def _chaser_letter_document(chaser, previous, *, organisation, recommendation):
    """The ChaserLetter of `chaser` (sent or about to be), after the steps `previous`."""
    holder = organisation.office_holder_on(chaser.sent_on)
    if holder is not None:
        addressee_lines = [holder.name, holder.title, organisation.name]
        salutation = f"Dear {holder.name}"
    else:
        office, salutation = OFFICE_BY_KIND.get(
            organisation.kind, (organisation.name, "Dear colleague")
        )
        addressee_lines = [office, organisation.name] if office != organisation.name else [office]
    return ChaserLetter(
        chaser=chaser,
        previous=previous,
        organisation=organisation,
        recommendation=recommendation,
        office_holder=holder,
        addressee_lines=addressee_lines,
        salutation=salutation,
        subject=(
            f"{recommendation.super_complaint.short_title}, {recommendation.label.lower()}: "
            f"response overdue from {organisation.name}"
        ),
        paragraphs=_letter_paragraphs(chaser, previous, organisation, recommendation),
        signature=[person_name(chaser.sent_by, "A national reviewer"), chaser.sent_from.name],
    )
