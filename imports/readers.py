"""
Reading an uploaded table: CSV, tab-separated text or XLSX, into header names and rows of text.

The csv module reads text files and openpyxl reads XLSX: the importers need the raw cells with
their row numbers to plan, preview and report errors row by row, which a dataset library's
import layer (tablib, django-import-export) would hide behind its own model of a "resource".
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

XLSX_MAGIC = b"PK\x03\x04"

NOT_A_TABLE = (
    "The file must be a spreadsheet: CSV, tab-separated text (.txt or .tsv) or Excel (.xlsx)"
)
NO_HEADER = "The file has no header row"

# What an XLSX file may hold once unzipped, whatever it declares: its parts are read at most this
# far (zipfile stops at a part's declared size and refuses one that lies about it), so a small
# file cannot unpack into gigabytes. A 5,000-row portal export is about 15 MB unzipped.
XLSX_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024


def too_many_rows():
    return (
        f"The file has more than {settings.IMPORT_MAX_ROWS:,} rows: split it into smaller files"
    )


def too_many_columns():
    return (
        f"The file has more than {settings.IMPORT_MAX_COLUMNS} columns: the import reads at "
        f"most {settings.IMPORT_MAX_COLUMNS}. Remove the columns it does not need"
    )


class UnreadableFile(ValueError):
    """The file is not a table this service can read; the message says why, for the user."""


@dataclass
class Table:
    """A header row and the rows under it, each as (row number in the file, {header: text})."""

    headers: list
    rows: list
    header_row: int


def decode_text(content):
    """
    Decode a text file: UTF-8 (with or without a byte-order mark), else Windows-1252, which is
    what Excel on Windows saves as "CSV" and what older portal exports are.
    """
    if b"\x00" in content[:4096]:
        raise UnreadableFile(NOT_A_TABLE)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFile(NOT_A_TABLE) from None


def cell_text(value):
    """A cell as text: dates as ISO dates, whole numbers without ".0", None as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raw_rows_text(content):
    text = decode_text(content)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Row numbers count every record, blank ones included, as a spreadsheet shows them.
    rows = []
    for number, record in enumerate(reader, start=1):
        cells = [cell.strip() for cell in record]
        if any(cells):
            rows.append((number, _within_caps(cells, len(rows))))
    return rows


def _within_caps(cells, rows_so_far):
    """The cells of one more non-blank row, trailing blanks dropped; refuse past the caps."""
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > settings.IMPORT_MAX_COLUMNS:
        raise UnreadableFile(too_many_columns())
    # The header row plus IMPORT_MAX_ROWS rows under it.
    if rows_so_far > settings.IMPORT_MAX_ROWS:
        raise UnreadableFile(too_many_rows())
    return cells


def _raw_rows_xlsx(content):
    """
    The first sheet's non-blank rows, bounded in memory and time whatever the file declares.

    XML entities are refused, not expanded (openpyxl parses with defusedxml when it is
    installed), so a "billion laughs" file cannot exhaust the memory. The sheet is scanned
    first for the cells that hold something (`_check_sheet_size`), and its declared dimension is
    ignored: openpyxl's read-only mode pads every row to it, so a 1.6 KB file declaring
    `A1:XFD8000` cost a worker over a gigabyte.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(part.file_size for part in archive.infolist()) > XLSX_MAX_UNZIPPED_BYTES:
                raise UnreadableFile(
                    "The spreadsheet is too large once unzipped: save it as CSV, or split it"
                )
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            with workbook._archive.open(sheet._worksheet_path) as source:
                _check_sheet_size(source)
            sheet.reset_dimensions()
            rows = []
            for number, values in enumerate(
                sheet.iter_rows(max_col=settings.IMPORT_MAX_COLUMNS, values_only=True), start=1
            ):
                if values.count(None) == len(values):
                    continue  # cheap: a sheet may skip to row 1,048,576
                cells = [cell_text(value).strip() for value in values]
                if any(cells):
                    rows.append((number, _within_caps(cells, len(rows))))
            return rows
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, SyntaxError,
            expat.ExpatError) as error:
        if isinstance(error, UnreadableFile):
            raise
        # defusedxml's refusals are ValueErrors; a broken XML part is a SyntaxError (ParseError).
        raise UnreadableFile(NOT_A_TABLE) from None


CELL_COLUMN = re.compile(r"[A-Z]+")


def _check_sheet_size(source):
    """
    Stream a sheet's XML once without building it, and refuse it when more rows hold something
    than IMPORT_MAX_ROWS (and a header), or a row holds something past IMPORT_MAX_COLUMNS. Cells
    with a style and no value (Excel writes them for formatted columns) count for nothing.
    openpyxl builds each row's XML in memory before reading it, so a row of a million cells
    must be refused before openpyxl sees it.
    """
    max_columns = settings.IMPORT_MAX_COLUMNS
    max_rows = settings.IMPORT_MAX_ROWS + 1
    state = {"rows": 0, "row_has_value": False, "cells": 0, "cell_column": 0}

    def start(name, attributes):
        if name == "row":
            state["row_has_value"] = False
            state["cells"] = 0
        elif name == "c":
            state["cells"] += 1
            reference = CELL_COLUMN.match(attributes.get("r", ""))
            state["cell_column"] = (
                column_index_from_string(reference.group()) if reference else state["cells"]
            )
        elif name in ("v", "is", "f"):
            if state["cell_column"] > max_columns or state["cells"] > max_columns:
                raise UnreadableFile(too_many_columns())
            if not state["row_has_value"]:
                state["row_has_value"] = True
                state["rows"] += 1
                if state["rows"] > max_rows:
                    raise UnreadableFile(too_many_rows())

    def refuse_declarations(*args):
        raise UnreadableFile(NOT_A_TABLE)

    parser = expat.ParserCreate(namespace_separator=None)
    parser.StartElementHandler = lambda name, attributes: start(name.rpartition(":")[2],
                                                                attributes)
    parser.StartDoctypeDeclHandler = refuse_declarations
    parser.EntityDeclHandler = refuse_declarations
    while chunk := source.read(64 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def read_table(content, *, normalise_header):
    """
    Read `content` (bytes) into a Table. The header is the first non-blank row; blank rows after
    it are dropped, keeping the row numbers of the others. At most IMPORT_MAX_ROWS rows under the
    header and IMPORT_MAX_COLUMNS columns are read: a larger file is refused with UnreadableFile.
    `normalise_header` turns a header cell into the name the importer looks for.
    """
    if content.startswith(XLSX_MAGIC):
        raw = _raw_rows_xlsx(content)
    else:
        raw = _raw_rows_text(content)
    if not raw:
        raise UnreadableFile(NO_HEADER)
    (header_row, header), *records = raw
    headers = [normalise_header(cell) for cell in header]
    rows = []
    for number, record in records:
        padded = record + [""] * (len(headers) - len(record))
        rows.append((number, dict(zip(headers, padded, strict=False))))
    return Table(headers=headers, rows=rows, header_row=header_row)
