"""
Planning an import of the HMICFRS monitoring-portal export (DESIGN.md, seed 000).

The export is a table with a header row `REF`, `SUPER-COMPLAINT RECOMMENDATION`, `FORCE POSITION
PROVIDED BY` and a response column named after the force (`SYP RESPONSE`), in any order; its
cells hold HTML. `portal_plan()` reads the whole file without writing anything, checks each row
with a PortalRowForm (the update it will be published as, by the update's own rules) and
returns a PortalPlan: per row the recommendation matched, the response (found or to create), the
update to publish or the reason it is skipped, and the lead and reference the response will have;
or the list of problems, by row and column. `imports.services.portal_import` applies a plan.
"""

import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.richtext import sanitise_html
from recommendations.models import Organisation, Recommendation
from recommendations.selectors import audiences_by_recommendation
from responses.choices import DatePrecision, Status, WorkflowState, format_as_of, status_label
from responses.models import Response, ResponseUpdate

from .dates import BadDate, parse_date
from .readers import UnreadableFile, read_table
from .rows import Problem, RowFormMixin

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
    # The published update of the same response and month the row is taken to be, if any.
    held_update: ResponseUpdate | None = None

    @property
    def skip_reason_in_sentence(self):
        """The skip reason after "Nothing: ", its first letter lowered (dates keep capitals)."""
        return self.skip_reason[:1].lower() + self.skip_reason[1:]

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


class CellTextField(forms.CharField):
    """A cell's text: its HTML read as lines, joined by spaces ("<p>#17527</p>" is "#17527")."""

    def to_python(self, value):
        return " ".join(html_lines(value))


class RichTextCellField(forms.CharField):
    """A cell of rich text, sanitised as every rich text is; one with no text at all is empty."""

    def to_python(self, value):
        return sanitise_html(value or "")

    def validate(self, value):
        if self.required and not html_lines(value):
            raise ValidationError(self.error_messages["required"], code="required")


class StatusCellField(forms.Field):
    """A status by its label or code ("In progress", "in_progress"); empty, the default one."""

    default_error_messages = {
        "invalid_choice": "Use one of the statuses: " + ", ".join(Status.labels),
    }

    def to_python(self, value):
        if not (value or "").strip():
            return DEFAULT_STATUS
        status = _parse_status(value)
        if status is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return status


class Position(NamedTuple):
    """What a position cell says: its lead and date, and the row it came from if not its own."""

    lead: str
    as_of: object
    precision: str
    from_row: int | None = None


@dataclass
class PortalRowContext:
    """What every row of one export is checked against, looked up once for the whole file."""

    organisation: Organisation
    super_complaint: object
    response_column: str
    names: set
    recommendations: dict
    audiences: dict
    today: object

    @classmethod
    def load(cls, *, organisation, super_complaint, response_column):
        """Look up what the rows are checked against, once for the whole file."""
        recommendations = {
            r.number.lower(): r
            # With the super-complaint: the audit log names each new response by it.
            for r in Recommendation.objects.filter(
                super_complaint=super_complaint
            ).select_related("super_complaint")
        }
        return cls(
            organisation=organisation, super_complaint=super_complaint,
            response_column=response_column, names=organisation_names(organisation),
            recommendations=recommendations,
            audiences=audiences_by_recommendation(recommendations.values()),
            today=timezone.localdate(),
        )


def _update_field(name, **kwargs):
    """A form field for a field of the update, with the model's length and rules."""
    return ResponseUpdate._meta.get_field(name).formfield(**kwargs)


class PortalRowForm(RowFormMixin, forms.Form):
    """
    One row of a monitoring-portal export, checked as the update it will be published as.

    Each field reads one column. The position cell gives several fields of the update (the
    lead, who provided it, the date and its precision), so rather than a ModelForm the form
    builds the update in `clean()` and checks it with the model's own rules (`full_clean()`),
    reporting each error under the column it came from.

    `position_above` is the last position read from a row above (its `from_row` that row): the
    portal writes the lead and month once for a run of rows, so an empty cell means "as the row
    above". `own_position` is the one this row's own cell gives, for the rows below it.
    """

    columns = {
        "organisation": ORGANISATION,
        "portal_reference": REF,
        "recommendation": RECOMMENDATION,
        "position": POSITION,
        "narrative": "",  # the export's response column, named after the organisation
        "status": STATUS,
        "awaiting": AWAITING,
    }
    # Where the update's own rules find a problem: the field of the form that gave its value.
    update_fields = {
        "portal_reference": "portal_reference",
        "lead": "position",
        "position_provided_by": "position",
        "as_of": "position",
        "as_of_precision": "position",
        "narrative": "narrative",
        "status": "status",
        "awaiting": "awaiting",
    }

    organisation = forms.CharField(required=False)
    portal_reference = _update_field(
        "portal_reference", form_class=CellTextField, required=True, error_messages={
            "required": "Enter the portal reference, for example #17527",
            "max_length": "The reference must be %(limit_value)d characters or fewer",
        },
    )
    recommendation = forms.CharField(required=False, strip=False)
    position = forms.CharField(required=False, strip=False)
    narrative = _update_field(
        "narrative", form_class=RichTextCellField, required=True,
        error_messages={"required": "The response is empty"},
    )
    status = StatusCellField(required=False)
    awaiting = _update_field("awaiting", form_class=CellTextField)

    def __init__(self, cells, *, context, position_above=None):
        self.context = context
        self.position_above = position_above
        self.own_position = None
        self.columns = {**self.columns, "narrative": context.response_column}
        super().__init__(cells)

    def clean_organisation(self):
        named = " ".join(self.cleaned_data["organisation"].upper().split())
        if named and named not in self.context.names:
            raise ValidationError(f"This row is for {self.cleaned_data['organisation']}, not "
                                  f"{self.context.organisation.name}")
        return named

    def clean_recommendation(self):
        lines = html_lines(self.cleaned_data["recommendation"])
        match = _RECOMMENDATION_NUMBER.match(lines[0]) if lines else None
        if match is None:
            raise ValidationError("The cell must start with the recommendation's number, "
                                  "for example “Recommendation 1”")
        recommendation = self.context.recommendations.get(match[1].lower())
        if recommendation is None:
            raise ValidationError(f"{self.context.super_complaint} has no recommendation "
                                  f"{match[1]}")
        organisation = self.context.organisation
        if not self.context.audiences[recommendation.pk].includes(organisation.pk,
                                                                  organisation.kind):
            raise ValidationError(f"Recommendation {recommendation.number} is not addressed "
                                  f"to {organisation.name}")
        return recommendation

    def clean_position(self):
        cell = self.cleaned_data["position"]
        if html_lines(cell):
            try:
                lead, as_of, precision = _parse_position(cell)
            except BadDate:
                raise ValidationError("The date cannot be read: give a month and year, for "
                                      "example “May 2021”, or a full date") from None
            if as_of is None:
                raise ValidationError("Give the month of this position, for example “May 2021”")
            position = self.own_position = Position(lead, as_of, precision)
        elif self.position_above is not None:
            position = self.position_above
        else:
            raise ValidationError("Give the lead and the month of this position, for example "
                                  "“DCI Smith / May 2021”")
        errors = []
        if len(position.lead) > LEAD_MAX_LENGTH:
            errors.append(f"The lead must be {LEAD_MAX_LENGTH} characters or fewer")
        if position.as_of > self.context.today:
            errors.append("The date cannot be in the future")
        if errors:
            raise ValidationError(errors)
        return position

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        # The rules of a valid update (the model's clean()), checked now rather than when
        # writing, so they are reported with the rest.
        position = cleaned_data["position"]
        try:
            ResponseUpdate(
                as_of=position.as_of, as_of_precision=position.precision,
                status=cleaned_data["status"], narrative=cleaned_data["narrative"],
                awaiting=cleaned_data["awaiting"], lead=position.lead,
                position_provided_by=position.lead,
                portal_reference=cleaned_data["portal_reference"],
                state=WorkflowState.PUBLISHED,
            ).full_clean(exclude=["response"], validate_unique=False,
                         validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(self.update_fields.get(name), messages)
        return cleaned_data


PROGRESS_EVERY = 250


def held_updates_by_month(*, organisation, super_complaint):
    """
    The published updates of `organisation` for `super_complaint`, keyed by (response pk, year,
    month) of their date: the months the tracker already holds a position for.
    """
    held = {}
    updates = ResponseUpdate.objects.published().filter(
        response__organisation=organisation,
        response__recommendation__super_complaint=super_complaint,
    ).only("response_id", "as_of", "as_of_precision", "status").order_by("as_of", "pk")
    for update in updates:
        held.setdefault((update.response_id, update.as_of.year, update.as_of.month), []).append(
            update
        )
    return held


def held_update_for(updates, *, as_of, precision):
    """
    Which of `updates` (held for one response and month) a row dated `as_of` is already: when
    either side gives only the month, any update of that month (the latest); when both give the
    day, one of the same day. None when the row is a new position.
    """
    if precision == DatePrecision.MONTH:
        matches = list(updates)
    else:
        matches = [u for u in updates
                   if u.as_of_precision == DatePrecision.MONTH or u.as_of == as_of]
    return matches[-1] if matches else None


def portal_plan(*, content, organisation, super_complaint, progress=None):
    """
    Read and check a whole portal export for `organisation` and `super_complaint`, writing
    nothing: each row with a PortalRowForm. Returns a PortalPlan; it is valid only if it has no
    problems. `progress(done, total)` is told how many rows are checked every PROGRESS_EVERY
    rows.
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

    context = PortalRowContext.load(organisation=organisation, super_complaint=super_complaint,
                                    response_column=response_column)
    responses = {
        r.recommendation_id: r
        for r in Response.objects.filter(
            organisation=organisation, recommendation__super_complaint=super_complaint
        )
    }
    # What is already published, to skip rows imported (or written) before: re-importing a file
    # changes nothing. An update is held "for a month" whatever precision it was entered with:
    # a row dated "May 2021" is the update already held as of "1 May 2021" (or "May 2021"),
    # and is never published again beside it, with another status (issue 22).
    held = held_updates_by_month(organisation=organisation, super_complaint=super_complaint)
    seen = {}
    position_above = None  # the last position given by a row's own cell

    for index, (number, cells) in enumerate(table.rows):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, len(table.rows))
        form = PortalRowForm(cells, context=context, position_above=position_above)
        valid = form.is_valid()
        if form.own_position is not None:
            position_above = form.own_position._replace(from_row=number)
        if not valid:
            problems.extend(form.problems(number))
            continue
        row = form.cleaned_data
        recommendation, position = row["recommendation"], row["position"]
        response = responses.get(recommendation.pk)
        planned = PortalRow(
            row=number, reference=row["portal_reference"], recommendation=recommendation,
            lead=position.lead, as_of=position.as_of, as_of_precision=position.precision,
            narrative=row["narrative"], status=row["status"], awaiting=row["awaiting"],
            response=response, position_from_row=position.from_row,
        )
        key = (recommendation.pk, position.as_of, position.precision, row["narrative"])
        already = response is not None and held_update_for(
            held.get((response.pk, position.as_of.year, position.as_of.month), ()),
            as_of=position.as_of, precision=position.precision,
        )
        if already:
            held_on = format_as_of(already.as_of, already.as_of_precision)
            planned.skip_reason = (
                f"Already held: the update as of {held_on} ({status_label(already.status)})"
            )
            planned.held_update = already
        elif key in seen:
            planned.skip_reason = f"Same as row {seen[key]}"
        else:
            seen[key] = number
        plan.rows.append(planned)
    return plan
