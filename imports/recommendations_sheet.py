"""
Planning a load of a super-complaint's recommendations from a spreadsheet (CSV or XLSX).

Columns, in any order: number, order, title, text, notes, recipient groups (names, one per line
or separated by ";"), depends on (numbers, separated by "," or ";"), due date. A row whose number
exists updates that recommendation; a new number creates one; recommendations missing from the
file are left alone. `recommendations_plan()` checks the whole file and writes nothing;
`imports.services.recommendations_import` applies the plan. Each row is checked by a
RecommendationRowForm: the recommendation it creates or updates, by the model's own fields and
rules.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError

from core.richtext import plain_text_to_html, sanitise_html
from recommendations.models import RecipientGroup, Recommendation
from responses.choices import DatePrecision

from .dates import BadDate, parse_date
from .portal import PROGRESS_EVERY, file_sha256
from .readers import UnreadableFile, read_table
from .rows import Problem, RowFormMixin

NUMBER = "number"
ORDER = "order"
TITLE = "title"
TEXT = "text"
NOTES = "notes"
GROUPS = "recipient groups"
DEPENDS_ON = "depends on"
DUE = "due date"
COLUMNS = (NUMBER, ORDER, TITLE, TEXT, NOTES, GROUPS, DEPENDS_ON, DUE)
REQUIRED = (NUMBER, TEXT, GROUPS)
ALIASES = {"recipients": GROUPS, "recipient group": GROUPS, "due": DUE, "depends": DEPENDS_ON,
           "due on": DUE, "no": NUMBER, "no.": NUMBER, "recommendation": NUMBER}
# A template row, for the downloadable template: obviously made up (issue 22), so uploading the
# template unchanged can never overwrite a real recommendation (its first row used to be
# Safe to share?'s recommendation 1). A row numbered like it is refused with a word of why.
EXAMPLE_NUMBER = "example-1"
EXAMPLE = {
    NUMBER: EXAMPLE_NUMBER,
    ORDER: "1",
    TITLE: "Example only: replace this row with the report's recommendations",
    TEXT: "Example text: the recommendation's words as the report prints them.",
    NOTES: "Example notes: the report's notes to the recommendation, if any.",
    GROUPS: "Chief constables",
    DEPENDS_ON: "",
    DUE: "2025-03-27",
}
EXAMPLE_ROW_LEFT = (
    "This is the template's example row: replace it with a recommendation of the report, or "
    "delete it"
)

NUMBER_MAX_LENGTH = Recommendation._meta.get_field("number").max_length
NUMBER_PATTERN = re.compile(rf"[0-9A-Za-z][0-9A-Za-z.\-]{{0,{NUMBER_MAX_LENGTH - 1}}}")
NUMBER_RULE = (
    f"A number is letters, digits, dots and dashes, {NUMBER_MAX_LENGTH} characters at most"
)
# Fields compared to say what a row changes.
COMPARED = ("order", "title", "text", "notes", "due_on")


def normalise_header(cell):
    name = " ".join(cell.replace("\ufeff", "").lower().split())
    return ALIASES.get(name, name)


def rich_text(value):
    """A cell as sanitised HTML: HTML as it is, plain text as paragraphs and bullets."""
    if re.search(r"<[a-zA-Z/][^>]*>", value):
        return sanitise_html(value)
    return plain_text_to_html(value)


@dataclass
class RecommendationRow:
    row: int
    number: str
    order: int
    title: str
    text: str
    notes: str
    groups: list
    depends_on: list
    due_on: object
    existing: Recommendation | None
    changed: list = field(default_factory=list)

    @property
    def action(self):
        if self.existing is None:
            return "Create"
        return "Update" if self.changed else "No change"


@dataclass
class RecommendationsPlan:
    super_complaint: object
    sha256: str
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.problems

    @property
    def rows_to_write(self):
        return [row for row in self.rows if row.action != "No change"]


def _split(value, pattern):
    return [part.strip() for part in re.split(pattern, value) if part.strip()]


def _number_of(cell):
    """A recommendation's number as a cell gives it: "Recommendation 3a" is "3a"."""
    return re.sub(r"^recommendation\s+", "", (cell or "").strip(), flags=re.IGNORECASE)


class NumberCellField(forms.CharField):
    def to_python(self, value):
        return _number_of(value)


class SpacedTextField(forms.CharField):
    """Text on one line, its runs of spaces and line breaks made single spaces."""

    def to_python(self, value):
        return " ".join((value or "").split())


class PlainOrRichTextField(forms.CharField):
    """A cell as rich text: HTML as it is, plain text as paragraphs and bullets (`rich_text`)."""

    def to_python(self, value):
        return rich_text(value or "")


class DueDateCellField(forms.DateField):
    """A day ("27 March 2025", "27/03/2025", "2025-03-27", "by 27 March 2025"), not a month."""

    def to_python(self, value):
        text = re.sub(r"^by\s+", "", (value or "").strip(), flags=re.IGNORECASE)
        if not text:
            return None
        try:
            parsed = parse_date(text)
        except BadDate:
            parsed = None
        if parsed is None or parsed[1] != DatePrecision.DAY:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed[0]


@dataclass
class RecommendationRowContext:
    """What every row of one spreadsheet is checked against, looked up once for the file."""

    super_complaint: object
    existing: dict  # {number in lower case: Recommendation}
    groups: dict  # {name or slug in lower case: RecipientGroup}
    first_row_of: dict  # {number in lower case: the first row of the file that gives it}

    @property
    def known_numbers(self):
        return set(self.existing) | set(self.first_row_of)


class RecommendationRowForm(RowFormMixin, forms.ModelForm):
    """
    One row of a recommendations spreadsheet, checked as the recommendation it creates or
    updates: the model's fields, lengths and rules (`full_clean()`), and the recipient groups
    and dependencies it names. `row` is the row's number in the file and `index` its place
    among the rows, the order a new recommendation takes when the row gives none.

    The form only checks: the plan compares what it found with the recommendation as it is,
    and the import service writes it.
    """

    columns = {
        "number": NUMBER,
        "order": ORDER,
        "title": TITLE,
        "text": TEXT,
        "notes": NOTES,
        "recipient_groups": GROUPS,
        "depends_on": DEPENDS_ON,
        "due_on": DUE,
    }
    field_order = list(columns)

    recipient_groups = forms.CharField(required=False)
    depends_on = forms.CharField(required=False)

    class Meta:
        model = Recommendation
        fields = ["number", "order", "title", "text", "notes", "due_on"]
        field_classes = {
            "number": NumberCellField,
            "title": SpacedTextField,
            "text": PlainOrRichTextField,
            "notes": PlainOrRichTextField,
            "due_on": DueDateCellField,
        }
        error_messages = {
            "number": {
                "required": "Enter the recommendation's number, for example 1 or 3a",
                "max_length": NUMBER_RULE,
            },
            "order": {
                "invalid": "The order must be a whole number, for example 3",
                "min_value": "The order must be a whole number, for example 3",
            },
            "title": {"max_length": "The title must be %(limit_value)d characters or fewer"},
            "text": {"required": "Enter the recommendation's text"},
            "due_on": {
                "invalid": "The due date must be a real date, for example 27 March 2025 or "
                           "2025-03-27",
            },
        }

    def __init__(self, cells, *, context, row, index):
        self.context = context
        self.row = row
        number = _number_of(cells.get(NUMBER, ""))
        self.existing = context.existing.get(number.lower())
        # Checked on a copy: the plan compares the row with the recommendation as it is.
        instance = Recommendation(super_complaint=context.super_complaint)
        # No order given: an existing recommendation keeps its place, a new one takes its row's.
        self.default_order = self.existing.order if self.existing is not None else index
        super().__init__(cells, instance=instance)
        self.fields["order"].required = False

    def clean_number(self):
        number = self.cleaned_data["number"]
        if not NUMBER_PATTERN.fullmatch(number):
            raise ValidationError(NUMBER_RULE)
        if number.lower() == EXAMPLE_NUMBER:
            raise ValidationError(EXAMPLE_ROW_LEFT)
        first = self.context.first_row_of[number.lower()]
        if first != self.row:
            raise ValidationError(f"Recommendation {number} is already in row {first}")
        return number

    def clean_order(self):
        order = self.cleaned_data["order"]
        return self.default_order if order is None else order

    def clean_recipient_groups(self):
        names = _split(self.cleaned_data["recipient_groups"], r"[;\n]")
        if not names:
            raise ValidationError(
                "Name at least one recipient group, for example Chief constables"
            )
        groups, errors = [], []
        for name in names:
            group = self.context.groups.get(" ".join(name.lower().split()))
            if group is None:
                errors.append(f"There is no recipient group called “{name}”")
            elif group not in groups:
                groups.append(group)
        if errors:
            # Name the valid groups once, after the last unknown one (issue 22).
            valid = sorted({g.pk: g for g in self.context.groups.values()}.values(),
                           key=lambda g: (g.order, g.name))
            errors[-1] += ". Use one of: " + "; ".join(g.name for g in valid)
            raise ValidationError(errors)
        return groups

    def clean_depends_on(self):
        own = _number_of(self.data["number"]).lower()
        numbers, errors = [], []
        for other in _split(self.cleaned_data["depends_on"], r"[,;\s]+|\band\b"):
            other = re.sub(r"^recommendation\s*", "", other, flags=re.IGNORECASE)
            if not other:
                continue
            if other.lower() == own:
                errors.append("A recommendation cannot depend on itself")
            elif other.lower() not in self.context.known_numbers:
                errors.append(f"There is no recommendation {other} in "
                              f"{self.context.super_complaint} or in this file")
            elif other.lower() not in numbers:
                numbers.append(other.lower())
        if errors:
            raise ValidationError(errors)
        return numbers


def recommendations_plan(*, content, super_complaint, progress=None):
    plan = RecommendationsPlan(super_complaint=super_complaint, sha256=file_sha256(content))
    try:
        table = read_table(content, normalise_header=normalise_header)
    except UnreadableFile as error:
        plan.problems.append(Problem(str(error)))
        return plan
    problems = plan.problems
    for name in sorted({h for h in table.headers if h and table.headers.count(h) > 1}):
        problems.append(Problem("The header row names this column twice", row=table.header_row,
                                column=name))
    for name in REQUIRED:
        if name not in table.headers:
            problems.append(Problem(f"The header row has no “{name}” column",
                                    row=table.header_row))
    if problems:
        return plan
    if not table.rows:
        problems.append(Problem("The file has a header row but no rows under it"))
        return plan

    first_row_of = {}
    for number, cells in table.rows:
        value = _number_of(cells.get(NUMBER, ""))
        if value:
            first_row_of.setdefault(value.lower(), number)
    groups = {}
    for group in RecipientGroup.objects.all():
        groups[" ".join(group.name.lower().split())] = group
        groups[group.slug.lower()] = group
    context = RecommendationRowContext(
        super_complaint=super_complaint,
        existing={
            r.number.lower(): r
            for r in Recommendation.objects.filter(
                super_complaint=super_complaint
            ).prefetch_related("recipient_groups", "depends_on")
        },
        groups=groups,
        first_row_of=first_row_of,
    )

    for index, (number, cells) in enumerate(table.rows, start=1):
        if progress and index % PROGRESS_EVERY == 1:
            progress(index - 1, len(table.rows))
        form = RecommendationRowForm(cells, context=context, row=number, index=index)
        if not form.is_valid():
            problems.extend(form.problems(number))
            continue
        row = form.cleaned_data
        current = form.existing
        planned = RecommendationRow(
            row=number, number=row["number"], order=row["order"], title=row["title"],
            text=row["text"], notes=row["notes"], groups=row["recipient_groups"],
            depends_on=row["depends_on"], due_on=row["due_on"], existing=current,
        )
        if current is not None:
            planned.number = current.number  # keep the number as first printed
            planned.changed = [
                name for name in COMPARED if getattr(current, name) != getattr(planned, name)
            ]
            if {g.pk for g in current.recipient_groups.all()} != {g.pk for g in planned.groups}:
                planned.changed.append("recipient groups")
            if {r.number.lower() for r in current.depends_on.all()} != set(planned.depends_on):
                planned.changed.append("depends on")
        plan.rows.append(planned)
    return plan
