"""
Reading an uploaded table: CSV, tab-separated text or XLSX, into header names and rows of text.

The csv module reads text files and openpyxl reads XLSX: the importers need the raw cells with
their row numbers to plan, preview and report errors row by row, which a dataset library's
import layer (tablib, django-import-export) would hide behind its own model of a "resource".
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

XLSX_MAGIC = b"PK\x03\x04"

NOT_A_TABLE = (
    "The file must be a spreadsheet: CSV, tab-separated text (.txt or .tsv) or Excel (.xlsx)"
)
NO_HEADER = "The file has no header row"


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
    return [[cell.strip() for cell in record] for record in reader]


def _raw_rows_xlsx(content):
    """
    The first sheet's rows. XML entities are refused, not expanded (openpyxl parses with
    defusedxml when it is installed), so a "billion laughs" file cannot exhaust the memory.
    """
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return [
                [cell_text(value).strip() for value in row]
                for row in workbook.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, SyntaxError):
        # defusedxml's refusals are ValueErrors; a broken XML part is a SyntaxError (ParseError).
        raise UnreadableFile(NOT_A_TABLE) from None


def read_table(content, *, normalise_header):
    """
    Read `content` (bytes) into a Table. The header is the first non-blank row; blank rows after
    it are dropped, keeping the row numbers of the others. `normalise_header` turns a header cell
    into the name the importer looks for.
    """
    if content.startswith(XLSX_MAGIC):
        raw = _raw_rows_xlsx(content)
    else:
        raw = _raw_rows_text(content)
    header_index = next((i for i, row in enumerate(raw) if any(row)), None)
    if header_index is None:
        raise UnreadableFile(NO_HEADER)
    headers = [normalise_header(cell) for cell in raw[header_index]]
    rows = []
    for index in range(header_index + 1, len(raw)):
        record = raw[index]
        if not any(record):
            continue
        padded = record + [""] * (len(headers) - len(record))
        rows.append((index + 1, dict(zip(headers, padded, strict=False))))
    return Table(headers=headers, rows=rows, header_row=header_index + 1)
