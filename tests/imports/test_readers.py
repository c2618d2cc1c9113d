"""
Reading an uploaded table is bounded in memory and time whatever the file declares: hostile
spreadsheets are refused with a message, never allowed to exhaust a worker.
"""

import io
import re
import tracemalloc
import zipfile

import pytest

from imports import readers
from imports.readers import UnreadableFile, read_table

from .helpers import xlsx_file

SHEET = "xl/worksheets/sheet1.xml"


def rewrite_sheet(content, rewrite):
    """An XLSX made by openpyxl with its first sheet's XML passed through `rewrite`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == SHEET:
                data = rewrite(data.decode()).encode()
            target.writestr(part.filename, data)
    return buffer.getvalue()


def declaring(dimension):
    """A two-row sheet that declares `dimension` as its size."""
    return rewrite_sheet(
        xlsx_file([["REF", "RESPONSE"], ["#1", "Work under way."]]),
        lambda xml: re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', xml),
    )


def row_with_cells(count):
    """A sheet whose second row holds `count` cells, every one in column A."""
    cells = '<c r="A2" t="inlineStr"><is><t>x</t></is></c>' * count
    return rewrite_sheet(
        xlsx_file([["REF"]]),
        lambda xml: xml.replace("</sheetData>", f'<row r="2">{cells}</row></sheetData>'),
    )


def peak_bytes(read):
    tracemalloc.start()
    try:
        try:
            read()
        except UnreadableFile:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def read(content):
    return read_table(content, normalise_header=str.upper)


def test_a_declared_dimension_does_not_pad_the_rows():
    content = declaring("A1:XFD2000")
    assert len(content) < 10_000

    table = read(content)

    assert table.headers == ["REF", "RESPONSE"]
    assert table.rows == [(2, {"REF": "#1", "RESPONSE": "Work under way."})]
    # openpyxl alone pads 2,000 rows to 16,384 columns: about 300 MB. Bounded, it is a few MB.
    assert peak_bytes(lambda: read(content)) < 8 * 1024 * 1024


def test_a_row_of_a_hundred_thousand_cells_is_refused_before_it_is_built():
    content = row_with_cells(100_000)

    with pytest.raises(UnreadableFile, match="more than 50 columns"):
        read(content)
    assert peak_bytes(lambda: read(content)) < 8 * 1024 * 1024


def test_a_value_past_the_last_column_read_is_refused():
    content = rewrite_sheet(
        xlsx_file([["REF"], ["#1"]]),
        lambda xml: xml.replace(
            "</row></sheetData>",
            '<c r="BA2" t="inlineStr"><is><t>far</t></is></c></row></sheetData>',
        ),
    )

    with pytest.raises(UnreadableFile, match="more than 50 columns"):
        read(content)


def test_formatted_empty_cells_past_the_last_column_count_for_nothing():
    content = rewrite_sheet(
        xlsx_file([["REF"], ["#1"]]),
        lambda xml: xml.replace("</row></sheetData>", '<c r="XFD2" s="0"/></row></sheetData>'),
    )

    assert read(content).rows == [(2, {"REF": "#1"})]


def test_a_sheet_that_skips_to_its_last_row_reads_quickly():
    content = rewrite_sheet(
        xlsx_file([["REF"]]),
        lambda xml: xml.replace(
            "</sheetData>", '<row r="1048576"><c r="A1048576"><v>7</v></c></row></sheetData>'
        ),
    )

    assert read(content).rows == [(1_048_576, {"REF": "7"})]


@pytest.mark.parametrize("make", [
    lambda rows: xlsx_file(rows),
    lambda rows: "\n".join(",".join(row) for row in rows).encode(),
], ids=["xlsx", "csv"])
def test_more_rows_than_the_cap_are_refused_with_the_cap_in_the_message(settings, make):
    settings.IMPORT_MAX_ROWS = 5
    rows = [["REF"]] + [[f"#{n}"] for n in range(6)]

    with pytest.raises(UnreadableFile, match="more than 5 rows"):
        read(make(rows))
    assert len(read(make(rows[:6])).rows) == 5


def test_a_csv_with_more_columns_than_the_cap_is_refused(settings):
    settings.IMPORT_MAX_COLUMNS = 3

    with pytest.raises(UnreadableFile, match="more than 3 columns"):
        read(b"A,B,C,D\n1,2,3,4\n")
    assert read(b"A,B,C,,\n1,2,3,,\n").rows == [(2, {"A": "1", "B": "2", "C": "3"})]


def test_a_workbook_too_large_once_unzipped_is_refused(monkeypatch):
    content = xlsx_file([["REF"], ["x" * 5_000]])
    monkeypatch.setattr(readers, "XLSX_MAX_UNZIPPED_BYTES", 4_000)

    with pytest.raises(UnreadableFile, match="too large once unzipped"):
        read(content)


def test_a_sheet_with_a_document_type_declaration_is_refused():
    content = rewrite_sheet(
        xlsx_file([["REF"]]),
        lambda xml: '<!DOCTYPE x [<!ENTITY a "aaaa">]>' + xml,
    )

    with pytest.raises(UnreadableFile, match="must be a spreadsheet"):
        read(content)
