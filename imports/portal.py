"""
Planning an import of the HMICFRS monitoring-portal export (DESIGN.md, seed 000).

The export is a table with a header row `REF`, `SUPER-COMPLAINT RECOMMENDATION`, `FORCE POSITION
PROVIDED BY` and a response column named after the force (`SYP RESPONSE`), in any order; its
cells hold HTML. `portal_plan()` reads and checks the whole file without writing anything and
returns a PortalPlan: per row the recommendation matched, the response (found or to create), the
update to publish or the reason it is skipped, and the lead and reference the response will have;
or the list of problems, by row and column. `imports.services.portal_import` applies a plan.
"""

import hashlib
import html
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.richtext import sanitise_html
from recommendations.models import Organisation, Recommendation
from recommendations.selectors import audiences_by_recommendation
from responses.choices import Status, WorkflowState, format_as_of
from responses.models import Response, ResponseUpdate

from .dates import BadDate, parse_date
from .readers import UnreadableFile, read_table

REF = "REF"
RECOMMENDATION = "SUPER-COMPLAINT RECOMMENDATION"
POSITION = "FORCE POSITION PROVIDED BY"
STATUS = "STATUS"
AWAITING = "AWAITING"
ORGANISATION = "FORCE"
RESPONSE_SUFFIX = "RESPONSE"
# Other names the same columns go by in older exports.
ALIASES = {
    "REFERENCE": REF,
    "RECOMMENDATION": RECOMMENDATION,
    "POSITION PROVIDED BY": POSITION,
    "PROVIDED BY": POSITION,
    "ORGANISATION": ORGANISATION,
}
REQUIRED = (REF, RECOMMENDATION, POSITION)

# The update's own limits, so the import refuses what the update form would.
LEAD_MAX_LENGTH = ResponseUpdate._meta.get_field("lead").max_length
REFERENCE_MAX_LENGTH = ResponseUpdate._meta.get_field("portal_reference").max_length
DEFAULT_STATUS = Status.IN_PROGRESS

_RECOMMENDATION_NUMBER = re.compile(
    r"^\W*recommendation\s+([0-9]+(?:\.[0-9]+)*[a-z]?)\b", re.IGNORECASE
)
_BLOCK_BREAK = re.compile(r"<\s*(?:br\s*/?|/p|/li|/div)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def normalise_header(cell):
    name = " ".join(cell.replace("\ufeff", "").upper().split())
    return ALIASES.get(name, name)


def html_lines(value):
    """The lines of text of an HTML cell: one per paragraph, list item or line break."""
    text = _TAG.sub(" ", _BLOCK_BREAK.sub("\n", value or ""))
    lines = (" ".join(html.unescape(line).split()) for line in text.split("\n"))
    return [line for line in lines if line]


def _initials(name):
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in {"and", "of", "the"}]
    return "".join(w[0] for w in words).upper()


def organisation_names(organisation):
    """How a file may name an organisation: "SYP", "SOUTH YORKSHIRE", "SOUTH YORKSHIRE POLICE"."""
    names = {organisation.name, organisation.short_name, organisation.slug.replace("-", " ")}
    names = {" ".join(n.upper().split()) for n in names if n}
    return names | {_initials(organisation.name)}


@dataclass
class Problem:
    """One reason the file is refused: where (row and column, when known) and what."""

    message: str
    row: int | None = None
    column: str = ""

    def __str__(self):
        where = ", ".join(
            part for part in (f"Row {self.row}" if self.row else "",
                              f"column {self.column}" if self.column else "") if part
        )
        if not where:
            return self.message
        return f"{where[0].upper()}{where[1:]}: {self.message}"


@dataclass
class PortalRow:
    """One row of the file, as it will be written."""

    row: int
    reference: str
    recommendation: Recommendation
    lead: str
    as_of: object
    as_of_precision: str
    narrative: str
    status: str
    awaiting: str
    response: Response | None
    # Why nothing is written for this row ("" when an update will be published).
    skip_reason: str = ""
    # The row whose position cell gave this row its lead and date, when its own was empty.
    position_from_row: int | None = None

    @property
    def as_of_display(self):
        return format_as_of(self.as_of, self.as_of_precision)

    @property
    def status_label(self):
        return Status(self.status).label


@dataclass
class ResponseChange:
    """What one response will look like after the import."""

    recommendation: Recommendation
    response: Response | None
    reference: str
    lead: str
    new_updates: int = 0
    # The date of its earliest new position: the day the portal published it, so the day the
    # response first answered unless it already holds an earlier one.
    earliest_new_as_of: object = None

    @property
    def reference_changes(self):
        return self.response is None or self.response.portal_reference != self.reference

    @property
    def lead_changes(self):
        return self.response is None or self.response.lead != self.lead


@dataclass
class PortalPlan:
    organisation: Organisation
    super_complaint: object
    sha256: str
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    response_column: str = ""

    @property
    def is_valid(self):
        return not self.problems

    @property
    def new_rows(self):
        return [row for row in self.rows if not row.skip_reason]

    @property
    def skipped_rows(self):
        return [row for row in self.rows if row.skip_reason]

    @property
    def changes(self):
        """One ResponseChange per response the file touches, in recommendation order."""
        changes = {}
        for row in self.rows:
            change = changes.get(row.recommendation.pk)
            if change is None:
                response = row.response
                change = changes[row.recommendation.pk] = ResponseChange(
                    recommendation=row.recommendation,
                    response=response,
                    reference=response.portal_reference if response else "",
                    lead=response.lead if response else "",
                )
            if not row.skip_reason:
                change.new_updates += 1
                if change.earliest_new_as_of is None or row.as_of < change.earliest_new_as_of:
                    change.earliest_new_as_of = row.as_of
        for row, is_current in self._newest_rows():
            change = changes[row.recommendation.pk]
            # The newest position sets the details; an older one only fills an empty one.
            if is_current or not change.reference:
                change.reference = row.reference
            if row.lead and (is_current or not change.lead):
                change.lead = row.lead
        return sorted(changes.values(), key=lambda c: (c.recommendation.order,
                                                       c.recommendation.number))

    def _newest_rows(self):
        """
        Each response's newest imported row, and whether it will be the response's current
        position (at least as new as the current one): an old export never overwrites what a
        newer update said.
        """
        newest = {}
        for row in self.rows:
            if row.skip_reason:
                continue
            best = newest.get(row.recommendation.pk)
            if best is None or row.as_of >= best.as_of:
                newest[row.recommendation.pk] = row
        for row in newest.values():
            response = row.response
            current_on = response.current_status_on if response else None
            yield row, current_on is None or row.as_of >= current_on


def file_sha256(content):
    return hashlib.sha256(content).hexdigest()


def _find_response_column(headers, organisation, problems):
    candidates = [h for h in headers if h.endswith(RESPONSE_SUFFIX) and h not in REQUIRED]
    if not candidates:
        problems.append(Problem(
            f"The file has no response column: a column named like “SYP {RESPONSE_SUFFIX}”"
        ))
        return None
    if len(candidates) > 1:
        problems.append(Problem(
            "The file has more than one response column ("
            + ", ".join(f"“{c}”" for c in candidates)
            + "): an export holds one organisation's responses"
        ))
        return None
    column = candidates[0]
    named = column.removesuffix(RESPONSE_SUFFIX).strip()
    if named and named not in {"FORCE", "ORGANISATION"} | organisation_names(organisation):
        other = _other_organisation_named(named, organisation)
        if other is not None:
            problems.append(Problem(
                f"This file holds {other.name}'s responses, not {organisation.name}'s",
                column=column,
            ))
            return None
    return column


def _other_organisation_named(named, organisation):
    for other in Organisation.objects.exclude(pk=organisation.pk).only("pk", "name", "short_name",
                                                                       "slug"):
        if named in organisation_names(other):
            return other
    return None


def _parse_position(cell):
    """
    Split a position cell into (lead, date, precision). The date is the line that is a date
    ("May 2021"); the other lines are the lead. Raises BadDate for a line that is meant as a date
    but is not one, and returns a None date when there is no date at all.
    """
    lead_lines, found = [], None
    for line in html_lines(cell):
        parsed = parse_date(line)
        if parsed is None:
            lead_lines.append(line)
        else:
            found = parsed
    lead = " ".join(lead_lines)
    if found is None:
        return lead, None, None
    return lead, found[0], found[1]


STATUS_BY_WORDS = {
    " ".join(words.lower().replace("–", "-").split()): code
    for code, label in Status.choices
    for words in (code.replace("_", " "), label)
}


def _parse_status(value):
    key = " ".join(value.lower().replace("–", "-").split())
    return STATUS_BY_WORDS.get(key)


PROGRESS_EVERY = 250


def portal_plan(*, content, organisation, super_complaint, progress=None):
    """
    Read and check a whole portal export for `organisation` and `super_complaint`, writing
    nothing. Returns a PortalPlan; it is valid only if it has no problems. `progress(done,
    total)` is told how many rows are checked every PROGRESS_EVERY rows.
    """
    plan = PortalPlan(organisation=organisation, super_complaint=super_complaint,
                      sha256=file_sha256(content))
    try:
        table = read_table(content, normalise_header=normalise_header)
    except UnreadableFile as error:
        plan.problems.append(Problem(str(error)))
        return plan
    problems = plan.problems
    duplicates = sorted({h for h in table.headers if h and table.headers.count(h) > 1})
    for name in duplicates:
        problems.append(Problem("The header row names this column twice", row=table.header_row,
                                column=name))
    for name in REQUIRED:
        if name not in table.headers:
            problems.append(Problem(f"The header row has no “{name}” column",
                                    row=table.header_row))
    response_column = _find_response_column(table.headers, organisation, problems)
    if problems:
        return plan
    plan.response_column = response_column
    if not table.rows:
        problems.append(Problem("The file has a header row but no rows under it"))
        return plan

    recommendations = {
        r.number.lower(): r
        # With the super-complaint: the audit log names each new response by it.
        for r in Recommendation.objects.filter(super_complaint=super_complaint).select_related(
            "super_complaint"
        )
    }
    audiences = audiences_by_recommendation(recommendations.values())
    responses = {
        r.recommendation_id: r
        for r in Response.objects.filter(
            organisation=organisation, recommendation__super_complaint=super_complaint
        )
    }
    # What is already published, to skip rows imported (or written) before: re-importing a file
    # changes nothing.
    published = {
        (u.response_id, u.as_of, u.as_of_precision, u.narrative)
        for u in ResponseUpdate.objects.published().filter(
            response__organisation=organisation,
            response__recommendation__super_complaint=super_complaint,
        ).only("response_id", "as_of", "as_of_precision", "narrative")
    }
    today = timezone.localdate()
    names = organisation_names(organisation)
    seen = {}
    last_position = None  # (row, lead, as_of, precision) of the last row with a position cell

    for index, (number, cells) in enumerate(table.rows):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, len(table.rows))
        row_problems = []

        def problem(message, column, number=number, row_problems=row_problems):
            row_problems.append(Problem(message, row=number, column=column))

        named = " ".join(cells.get(ORGANISATION, "").upper().split())
        if named and named not in names:
            problem(f"This row is for {cells[ORGANISATION]}, not {organisation.name}",
                    ORGANISATION)

        reference = " ".join(html_lines(cells[REF]))
        if not reference:
            problem("Enter the portal reference, for example #17527", REF)
        elif len(reference) > REFERENCE_MAX_LENGTH:
            problem(f"The reference must be {REFERENCE_MAX_LENGTH} characters or fewer", REF)

        recommendation = None
        lines = html_lines(cells[RECOMMENDATION])
        match = _RECOMMENDATION_NUMBER.match(lines[0]) if lines else None
        if match is None:
            problem("The cell must start with the recommendation's number, "
                    "for example “Recommendation 1”", RECOMMENDATION)
        else:
            recommendation = recommendations.get(match[1].lower())
            if recommendation is None:
                problem(f"{super_complaint} has no recommendation {match[1]}", RECOMMENDATION)
            elif not audiences[recommendation.pk].includes(organisation.pk, organisation.kind):
                problem(f"Recommendation {recommendation.number} is not addressed to "
                        f"{organisation.name}", RECOMMENDATION)

        position_from = None
        if html_lines(cells[POSITION]):
            try:
                lead, as_of, precision = _parse_position(cells[POSITION])
            except BadDate:
                lead = as_of = precision = None
                problem("The date cannot be read: give a month and year, for example “May "
                        "2021”, or a full date", POSITION)
            else:
                if as_of is None:
                    problem("Give the month of this position, for example “May 2021”", POSITION)
                else:
                    last_position = (number, lead, as_of, precision)
        elif last_position is not None:
            # The portal writes the lead and month once for a run of rows: an empty cell means
            # "as the row above".
            position_from, lead, as_of, precision = last_position
        else:
            lead = as_of = precision = None
            problem("Give the lead and the month of this position, for example “DCI Smith / "
                    "May 2021”", POSITION)
        if lead and len(lead) > LEAD_MAX_LENGTH:
            problem(f"The lead must be {LEAD_MAX_LENGTH} characters or fewer", POSITION)
        if as_of is not None and as_of > today:
            problem("The date cannot be in the future", POSITION)

        narrative = sanitise_html(cells[response_column])
        if not html_lines(narrative):
            problem("The response is empty", response_column)

        status = DEFAULT_STATUS
        if cells.get(STATUS):
            status = _parse_status(cells[STATUS])
            if status is None:
                problem("Use one of the statuses: " + ", ".join(Status.labels), STATUS)

        awaiting = " ".join(html_lines(cells.get(AWAITING, "")))
        if not row_problems:
            # The rules of a valid update (the model's clean()), checked now rather than when
            # writing, so they are reported with the rest.
            try:
                ResponseUpdate(
                    as_of=as_of, as_of_precision=precision, status=status, narrative=narrative,
                    awaiting=awaiting, lead=lead or "", position_provided_by=lead or "",
                    portal_reference=reference, state=WorkflowState.PUBLISHED,
                ).full_clean(exclude=["response"], validate_unique=False,
                             validate_constraints=False)
            except ValidationError as error:
                columns = {"awaiting": AWAITING, "narrative": response_column, "lead": POSITION,
                           "position_provided_by": POSITION, "as_of": POSITION,
                           "portal_reference": REF}
                for name, messages in error.message_dict.items():
                    for message in messages:
                        problem(message, columns.get(name, STATUS))

        problems.extend(row_problems)
        if row_problems:
            continue
        response = responses.get(recommendation.pk)
        planned = PortalRow(
            row=number, reference=reference, recommendation=recommendation, lead=lead or "",
            as_of=as_of, as_of_precision=precision, narrative=narrative, status=status,
            awaiting=awaiting, response=response, position_from_row=position_from,
        )
        key = (recommendation.pk, as_of, precision, narrative)
        if response is not None and (response.pk, as_of, precision, narrative) in published:
            planned.skip_reason = "Already published"
        elif key in seen:
            planned.skip_reason = f"Same as row {seen[key]}"
        else:
            seen[key] = number
        plan.rows.append(planned)
    return plan

