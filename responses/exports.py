"""CSV exports: one column definition per export, written from the same rows the page shows."""

import csv

from django.http import HttpResponse

from tracker.richtext import html_excerpt

from .choices import ReviewOutcome, status_label
from .selectors.dashboard import dashboard_rows

REVIEW_LABELS = dict(ReviewOutcome.choices)

COMPARISON_CSV_COLUMNS = [
    ("Organisation", lambda row: row.name),
    ("Kind", lambda row: row.get_kind_display()),
    ("Region", lambda row: row.region),
    ("Status", lambda row: status_label(row.response_status)),
    ("As of", lambda row: row.response_status_on.isoformat() if row.response_status_on else ""),
    ("Due date", lambda row: row.due_on.isoformat() if row.due_on else ""),
    ("Deadline", lambda row: row.deadline.label),
    ("Lead", lambda row: row.response_lead or ""),
    ("Portal reference", lambda row: row.response_reference or ""),
    ("Position provided by", lambda row: row.response_provided_by or ""),
    ("Review", lambda row: REVIEW_LABELS.get(row.response_review, "")),
    ("Protective marking", lambda row: row.response_marking or ""),
    ("Latest published update", lambda row: html_excerpt(row.response_narrative, words=100000)),
]


def _neutralise(value):
    """Stop a spreadsheet treating a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel needs the BOM to read UTF-8 (en dashes in status labels).
    writer = csv.writer(response)
    writer.writerow([_neutralise(value) for value in header])
    for row in rows:
        writer.writerow([_neutralise(value) for value in row])
    return response


def comparison_csv(*, comparison):
    recommendation = comparison.recommendation
    filename = f"{recommendation.super_complaint.slug}-recommendation-{recommendation.number}.csv"
    return csv_response(
        filename,
        [name for name, _ in COMPARISON_CSV_COLUMNS],
        ([value(row) for _, value in COMPARISON_CSV_COLUMNS] for row in comparison.rows),
    )


def matrix_csv(*, matrix):
    """The matrix as on screen: a row per recommendation, a column per organisation."""
    header = ["Recommendation", *(o.name for o in matrix.organisations)]
    rows = (
        [recommendation.number, *(cell.label if cell.applicable else "Not applicable"
                                  for cell in cells)]
        for recommendation, cells in matrix.rows
    )
    return csv_response(f"{matrix.super_complaint.slug}-matrix.csv", header, rows)


def dashboard_csv(*, dashboard):
    """Every figure of a dashboard, as `selectors.dashboard.dashboard_rows` lays them out."""
    header, rows = dashboard_rows(dashboard)
    day = dashboard.today.isoformat()
    return csv_response(f"{dashboard.organisation.slug}-dashboard-{day}.csv", header, rows)
