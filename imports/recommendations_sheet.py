"""
Planning a load of a super-complaint's recommendations from a spreadsheet (CSV or XLSX).

Columns, in any order: number, order, title, text, notes, recipient groups (names, one per line
or separated by ";"), depends on (numbers, separated by "," or ";"), due date. A row whose number
exists updates that recommendation; a new number creates one; recommendations missing from the
file are left alone. `recommendations_plan()` checks the whole file and writes nothing;
`imports.services.recommendations_import` applies the plan.
"""

import re
from dataclasses import dataclass, field

from core.richtext import plain_text_to_html, sanitise_html
from recommendations.models import RecipientGroup, Recommendation
from responses.choices import DatePrecision

from .dates import BadDate, parse_date
from .portal import PROGRESS_EVERY, Problem, file_sha256
from .readers import UnreadableFile, read_table

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
# A template row, for the downloadable template.
EXAMPLE = {
    NUMBER: "1",
    ORDER: "1",
    TITLE: "Stop sharing victims' details with Immigration Enforcement",
    TEXT: "As an interim measure, pending the outcome of recommendation 2, ...",
    NOTES: "This applies to victims of domestic abuse only.",
    GROUPS: "Chief constables",
    DEPENDS_ON: "2",
    DUE: "2025-03-27",
}

NUMBER_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,19}")
TITLE_MAX_LENGTH = 300
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

    existing = {
        r.number.lower(): r
        for r in Recommendation.objects.filter(super_complaint=super_complaint).prefetch_related(
            "recipient_groups", "depends_on"
        )
    }
    groups = {}
    for group in RecipientGroup.objects.all():
        groups[" ".join(group.name.lower().split())] = group
        groups[group.slug.lower()] = group
    in_file = {}
    for index, (number, cells) in enumerate(table.rows):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, len(table.rows))
        value = cells.get(NUMBER, "").strip()
        value = re.sub(r"^recommendation\s+", "", value, flags=re.IGNORECASE)
        if value:
            in_file.setdefault(value.lower(), number)
    known_numbers = set(existing) | set(in_file)

    for index, (number, cells) in enumerate(table.rows, start=1):
        row_problems = []

        def problem(message, column, number=number, row_problems=row_problems):
            row_problems.append(Problem(message, row=number, column=column))

        rec_number = re.sub(r"^recommendation\s+", "", cells.get(NUMBER, "").strip(),
                            flags=re.IGNORECASE)
        if not rec_number:
            problem("Enter the recommendation's number, for example 1 or 3a", NUMBER)
        elif not NUMBER_PATTERN.fullmatch(rec_number):
            problem("A number is letters, digits, dots and dashes, 20 characters at most",
                    NUMBER)
        elif in_file[rec_number.lower()] != number:
            problem(f"Recommendation {rec_number} is already in row "
                    f"{in_file[rec_number.lower()]}", NUMBER)

        order_text = cells.get(ORDER, "").strip()
        # No order given: an existing recommendation keeps its place, a new one takes its row's.
        current = existing.get(rec_number.lower())
        order = current.order if current is not None else index
        if order_text:
            if order_text.isascii() and order_text.isdigit():
                order = int(order_text)
            else:
                problem("The order must be a whole number, for example 3", ORDER)

        title = " ".join(cells.get(TITLE, "").split())
        if len(title) > TITLE_MAX_LENGTH:
            problem(f"The title must be {TITLE_MAX_LENGTH} characters or fewer", TITLE)
        text = rich_text(cells.get(TEXT, ""))
        if not text:
            problem("Enter the recommendation's text", TEXT)
        notes = rich_text(cells.get(NOTES, ""))

        row_groups = []
        names = _split(cells.get(GROUPS, ""), r"[;\n]")
        if not names:
            problem("Name at least one recipient group, for example Chief constables", GROUPS)
        for name in names:
            group = groups.get(" ".join(name.lower().split()))
            if group is None:
                problem(f"There is no recipient group called “{name}”", GROUPS)
            elif group not in row_groups:
                row_groups.append(group)

        depends_on = []
        for other in _split(cells.get(DEPENDS_ON, ""), r"[,;\s]+|\band\b"):
            other = re.sub(r"^recommendation\s*", "", other, flags=re.IGNORECASE)
            if not other:
                continue
            if other.lower() == rec_number.lower():
                problem("A recommendation cannot depend on itself", DEPENDS_ON)
            elif other.lower() not in known_numbers:
                problem(f"There is no recommendation {other} in {super_complaint} or in this "
                        "file", DEPENDS_ON)
            elif other.lower() not in depends_on:
                depends_on.append(other.lower())

        due_on = None
        due_text = cells.get(DUE, "").strip()
        if due_text:
            try:
                parsed = parse_date(re.sub(r"^by\s+", "", due_text, flags=re.IGNORECASE))
            except BadDate:
                parsed = None
            if parsed is None or parsed[1] != DatePrecision.DAY:
                problem("The due date must be a real date, for example 27 March 2025 or "
                        "2025-03-27", DUE)
            else:
                due_on = parsed[0]

        problems.extend(row_problems)
        if row_problems:
            continue
        planned = RecommendationRow(
            row=number, number=rec_number, order=order, title=title, text=text, notes=notes,
            groups=row_groups, depends_on=depends_on, due_on=due_on, existing=current,
        )
        if current is not None:
            planned.number = current.number  # keep the number as first printed
            planned.changed = [
                name for name in COMPARED if getattr(current, name) != getattr(planned, name)
            ]
            if {g.pk for g in current.recipient_groups.all()} != {g.pk for g in row_groups}:
                planned.changed.append("recipient groups")
            if {r.number.lower() for r in current.depends_on.all()} != set(depends_on):
                planned.changed.append("depends on")
        plan.rows.append(planned)
    return plan
