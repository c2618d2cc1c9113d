"""
Exports of the pages: one row builder per page and one renderer per format.

A row builder turns what a selector gave the page into a `Table`: headers and rows of typed
values (text, whole numbers, `datetime.date`, or None for an empty cell), exactly the rows the
page shows for the same filters. A renderer turns any `Table` into a download: CSV, XLSX or JSON.
Every table carries a "Protective marking" column: the most sensitive marking among the
published updates its row shows (`choices.most_sensitive_marking`); and every table of
recommendations a "Priority" column, Yes or No (issue 14; the dashboard's figures count the
priority answers instead, and the matrix by organisation marks the priority columns' headings).

Only published positions reach a table: the selectors read `Response.current_*`, which only
publishing sets, so drafts and updates awaiting sign-off never appear in an export.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass, field

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.richtext import html_excerpt

from .choices import (
    WITHHELD_DETAIL,
    WITHHELD_TEXT,
    DatePrecision,
    ReviewOutcome,
    iso_as_of,
    most_sensitive_marking,
    show_redaction_marks,
    status_label,
)

REVIEW_LABELS = dict(ReviewOutcome.choices)
MARKING_HEADER = "Protective marking"
NOT_APPLICABLE = "Not applicable"
# Whether a national reviewer marked the row's recommendation as priority (issue 14).
PRIORITY_HEADER = "Priority"
PRIORITY_SUFFIX = " (priority)"  # on a recommendation's column heading, where rows are not


def _priority(recommendation):
    return "Yes" if recommendation.priority else "No"


@dataclass
class Table:
    """What an export holds: a title, a file name (without extension), headers and rows."""

    title: str
    filename: str
    headers: list
    rows: list = field(default_factory=list)


def _as_of(value, precision):
    """A position's date: a real date, or "2021-05" when only the month is known."""
    if value and precision == DatePrecision.MONTH:
        return iso_as_of(value, precision)
    return value


def _text(html):
    """Rich text as plain text for a cell, whole (never cut to an excerpt), marks shown."""
    return show_redaction_marks(html_excerpt(html, words=100000)) if html else ""


def _detail(row, value):
    """A lead or portal reference, or WITHHELD_DETAIL where the row's text is withheld."""
    return WITHHELD_DETAIL if getattr(row, "withheld", False) else value or ""


# Row builders -------------------------------------------------------------------------------

COMPARISON_COLUMNS = [
    ("Organisation", lambda row: row.name),
    ("Kind", lambda row: row.get_kind_display()),
    ("Region", lambda row: row.region),
    ("Status", lambda row: status_label(row.response_status)),
    ("As of", lambda row: _as_of(row.response_status_on, row.response_status_precision)),
    ("Due date", lambda row: row.due_on),
    # The date before an approved extension (issue 14); blank when the date was not extended.
    ("Due date before extension", lambda row: row.due_before_extension),
    ("Deadline", lambda row: row.deadline.label),
    ("Lead", lambda row: _detail(row, row.response_lead)),
    ("Portal reference", lambda row: _detail(row, row.response_reference)),
    ("Position provided by", lambda row: row.response_provided_by or ""),
    ("Review", lambda row: REVIEW_LABELS.get(row.response_review, "")),
    (MARKING_HEADER, lambda row: row.response_marking or ""),
    ("Latest published update", lambda row: WITHHELD_TEXT if getattr(row, "withheld", False)
     else _text(row.response_narrative)),
]


def comparison_table(*, comparison):
    """
    A recommendation's comparison: a row per organisation shown, as filtered and sorted, each
    saying whether the recommendation is a priority.
    """
    recommendation = comparison.recommendation
    priority = _priority(recommendation)
    # After the deadline, which it qualifies; the long text stays last.
    at = [name for name, _ in COMPARISON_COLUMNS].index("Deadline") + 1
    columns = [
        *COMPARISON_COLUMNS[:at], (PRIORITY_HEADER, lambda row: priority), *COMPARISON_COLUMNS[at:]
    ]
    return Table(
        title=f"{recommendation.super_complaint.short_title} – {recommendation.label}",
        filename=f"{recommendation.super_complaint.slug}-recommendation-{recommendation.number}",
        headers=[name for name, _ in columns],
        rows=[[value(row) for _, value in columns] for row in comparison.rows],
    )


def _matrix_cell(cell):
    return cell.label if cell.applicable else NOT_APPLICABLE


def matrix_table(*, matrix, by_organisation=False):
    """
    The matrix as on screen: a row per recommendation and a column per organisation, or the
    other way round when `by_organisation`. Each row ends with the most sensitive marking of
    the positions in its cells.
    """
    super_complaint = matrix.super_complaint
    if by_organisation:
        # A row per organisation: the priority recommendations' columns say so in their heading.
        headers = ["Organisation", *(
            r.label + (PRIORITY_SUFFIX if r.priority else "") for r in matrix.recommendations
        )]
        lines = [(o.name, [], cells) for o, cells in matrix.transposed()]
    else:
        headers = ["Recommendation", PRIORITY_HEADER, *(o.name for o in matrix.organisations)]
        lines = [(r.number, [_priority(r)], cells) for r, cells in matrix.rows]
    return Table(
        title=f"{super_complaint.short_title} – comparison matrix",
        filename=f"{super_complaint.slug}-matrix",
        headers=[*headers, MARKING_HEADER],
        rows=[
            [first, *priority, *(_matrix_cell(c) for c in cells),
             most_sensitive_marking((c.marking for c in cells), default="")]
            for first, priority, cells in lines
        ],
    )


ORGANISATION_COLUMNS = [
    ("Super-complaint", lambda r: r.super_complaint.short_title),
    ("Recommendation", lambda r: r.number),
    (PRIORITY_HEADER, _priority),
    ("Summary", lambda r: r.summary),
    ("Status", lambda r: status_label(r.status)),
    ("As of", lambda r: _as_of(r.response.current_status_on, r.response.current_status_precision)
     if r.response else None),
    ("Due date", lambda r: r.due),
    ("Due date before extension", lambda r: r.due_before_extension),
    ("Deadline", lambda r: r.deadline.label),
    ("Lead", lambda r: _detail(r.response, r.response.lead) if r.response else ""),
    ("Portal reference", lambda r: _detail(r.response, r.response.portal_reference)
     if r.response else ""),
    ("Review", lambda r: REVIEW_LABELS.get(r.response.review_outcome, "") if r.response else ""),
    (MARKING_HEADER, lambda r: (r.response.marking or "") if r.response else ""),
    ("Latest published update", lambda r: "" if not r.response
     else WITHHELD_TEXT if getattr(r.response, "withheld", False) else _text(r.response.narrative)),
]


def organisation_table(*, organisation, groups):
    """Every recommendation that applies to an organisation (all pages), with its position."""
    return Table(
        title=organisation.name,
        filename=f"{organisation.slug}-recommendations",
        headers=[name for name, _ in ORGANISATION_COLUMNS],
        rows=[
            [value(recommendation) for _, value in ORGANISATION_COLUMNS]
            for _, recommendations in groups
            for recommendation in recommendations
        ],
    )


SUPER_COMPLAINT_COLUMNS = [
    ("Recommendation", lambda r: r.number),
    (PRIORITY_HEADER, _priority),
    ("Priority reason", lambda r: r.priority_reason if r.priority else ""),
    ("Title", lambda r: r.title),
    ("Text", lambda r: _text(r.text)),
    ("Addressed to", lambda r: "; ".join(g.name for g in r.recipient_groups.all())),
    ("Depends on", lambda r: ", ".join(d.number for d in r.depends_on.all())),
    ("Due date", lambda r: r.due_dates[0][0] if r.due_dates else None),
    ("Due dates by kind", lambda r: _due_dates_text(r.due_dates)),
    ("Expected responses", lambda r: r.progress.expected),
    ("Completed", lambda r: r.progress.completed),
    (MARKING_HEADER, lambda r: r.marking),
]


def _due_dates_text(due_dates):
    """ "17 June 2021 (police forces); 11 February 2021 (local policing bodies)" """
    return "; ".join(f"{day.day} {day:%B %Y} ({who})" for day, who in due_dates)


def super_complaint_table(*, super_complaint, recommendations):
    """A super-complaint's recommendations with recipients, deadline and progress."""
    return Table(
        title=super_complaint.short_title,
        filename=f"{super_complaint.slug}-recommendations",
        headers=[name for name, _ in SUPER_COMPLAINT_COLUMNS],
        rows=[[value(r) for _, value in SUPER_COMPLAINT_COLUMNS] for r in recommendations],
    )


DASHBOARD_MARKING = "OFFICIAL"


# Renderers ----------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Stop a spreadsheet treating a text cell as a formula (CSV and XLSX injection)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def _download(content, *, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def render_csv(table):
    """CSV in UTF-8 with a BOM (Excel reads en dashes right only with it); dates as ISO 8601."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in [table.headers, *table.rows]:
        writer.writerow([
            "" if value is None else neutralise(
                value.isoformat() if isinstance(value, datetime.date) else str(value)
            )
            for value in row
        ])
    return _download(buffer.getvalue(), content_type="text/csv; charset=utf-8",
                     filename=f"{table.filename}.csv")


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATE_FORMAT = "d mmm yyyy"
XLSX_MIN_WIDTH, XLSX_MAX_WIDTH = 8, 60
XLSX_WIDTH_SAMPLE = 200  # rows measured for the column widths


def _column_widths(table):
    """Wide enough for the header and the longest of the first rows, within sensible bounds."""
    widths = [len(str(header)) + 2 for header in table.headers]
    for row in table.rows[:XLSX_WIDTH_SAMPLE]:
        for i, value in enumerate(row):
            length = 11 if isinstance(value, datetime.date) else len(str(value or ""))
            widths[i] = max(widths[i], length + 2)
    return [min(max(w, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH) for w in widths]


def _sheet_title(title):
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "Export"


def render_xlsx(table):
    """
    A workbook of one sheet: bold header row, frozen, with filters on; real dates; text that
    would start a formula is neutralised as in CSV. Written in openpyxl's write-only mode, which
    streams rows instead of holding a cell object per value.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(table.title))
    sheet.freeze_panes = "A2"
    for i, width in enumerate(_column_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    header = []
    for value in table.headers:
        cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = XLSX_DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(neutralise(value))
        sheet.append(cells)
    last_column = get_column_letter(max(len(table.headers), 1))
    sheet.auto_filter.ref = f"A1:{last_column}{len(table.rows) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _download(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE,
                     filename=f"{table.filename}.xlsx")


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def render_json(table):
    """{"title", "columns", "rows": [{column: value}]}; dates as ISO 8601 strings."""
    document = {
        "title": table.title,
        "columns": table.headers,
        "rows": [
            {header: _json_value(value) for header, value in zip(table.headers, row, strict=True)}
            for row in table.rows
        ],
    }
    return _download(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
        filename=f"{table.filename}.json",
    )


RENDERERS = {"csv": render_csv, "xlsx": render_xlsx, "json": render_json}
FORMAT_CHOICES = [("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON")]
DEFAULT_FORMAT = "csv"


def export_format(value):
    """The format asked for, if it is one of RENDERERS, else the default (CSV)."""
    return value if value in RENDERERS else DEFAULT_FORMAT


def render(table, export_format_name):
    return RENDERERS[export_format(export_format_name)](table)
