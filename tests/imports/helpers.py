"""Portal exports and recommendation spreadsheets built for the import tests."""

import io
from pathlib import Path

from openpyxl import Workbook

# A copy of ../shared/seeds/000_dd9dd8bc5c1c113c.txt: South Yorkshire Police's real export.
SEED_000 = str(Path(__file__).parent / "data" / "portal_export_000.txt")
HEADERS = ["REF", "SUPER-COMPLAINT RECOMMENDATION", "FORCE POSITION PROVIDED BY", "FA RESPONSE"]


def portal_row(number, reference, position="", narrative="<p>Work under way.</p>"):
    return [
        reference,
        f"<p><b>Recommendation {number}</b> <b>To chief constables</b></p><p>Text.</p>",
        position,
        narrative,
    ]


def portal_file(rows, headers=None, *, encoding="utf-8", order=None):
    """A tab-separated portal export; `order` lists the column indexes in the order to write."""
    headers = headers or HEADERS
    order = order or range(len(headers))
    lines = ["\t".join(headers[i] for i in order)]
    lines += ["\t".join(row[i] for i in order) for row in rows]
    return ("\n\n" + "\n".join(lines) + "\n").encode(encoding)


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
