"""
What both importers share to check a file row by row: a Problem (where and what), and the part
of a row form that reads a row's cells and reports its errors by row and column.

Each kind of file has a form for one of its rows (`imports.portal.PortalRowForm`,
`imports.recommendations_sheet.RecommendationRowForm`): its fields read the cells of the columns
they name, with the lengths, choices and rules of the model the row becomes. A planner runs the
form on every row and collects the problems of the whole file before anything is written.
"""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS


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


class RowFormMixin:
    """
    A form for one row of a file, given the row's cells ({column name: text}).

    `columns` maps each field to the column it reads; a field whose column the file lacks reads
    "" (the planners refuse a file without its required columns before reading any row).
    """

    columns = {}

    def __init__(self, cells, *args, **kwargs):
        data = {name: cells.get(column, "") for name, column in self.columns.items()}
        super().__init__(data, *args, **kwargs)

    def problems(self, row):
        """The form's errors as Problems of row `row`: field by field in the form's order."""
        errors = self.errors
        found = []
        for name in [*self.fields, NON_FIELD_ERRORS]:
            for message in errors.get(name, ()):
                found.append(Problem(message, row=row, column=self.columns.get(name, "")))
        return found
