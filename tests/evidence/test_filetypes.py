"""evidence.filetypes: a file's type is decided from its content as well as its name."""

import pytest
from django.core.exceptions import ValidationError

from evidence.filetypes import check_file_type

from .helpers import CSV, DOCX, GIF, HTML_PAGE, JPEG, OLE2, PDF, PNG, SVG, TEXT, XLSX, upload


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("policy.pdf", PDF, "application/pdf"),
        ("Policy.PDF", PDF, "application/pdf"),
        ("training.docx", DOCX,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("figures.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("old-letter.doc", OLE2, "application/msword"),
        ("old-figures.xls", OLE2, "application/vnd.ms-excel"),
        ("figures.csv", CSV, "text/csv"),
        ("notes.txt", TEXT, "text/plain"),
        ("poster.png", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("chart.gif", GIF, "image/gif"),
    ],
)
def test_each_allowed_type_is_accepted_with_its_own_content_type(name, content, content_type):
    assert check_file_type(upload(name, content)).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", HTML_PAGE),  # an HTML page renamed .pdf
        ("figures.csv", HTML_PAGE),
        ("notes.txt", b"Hello <script>alert(1)</script>"),
        ("training.docx", XLSX),  # a workbook renamed .docx
        ("training.docx", PDF),
        ("figures.xlsx", b"PK\x03\x04 not really a zip"),
        ("poster.png", JPEG),
        ("photo.jpg", HTML_PAGE),
        ("old-letter.doc", PDF),
        ("notes.txt", b"\x00\x01\x02binary"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        check_file_type(upload(name, content))
    assert "its content does not match its name" in refused.value.messages[0]


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "run.exe", "README", "archive.zip"])
def test_other_types_are_refused_by_name(name):
    with pytest.raises(ValidationError) as refused:
        check_file_type(upload(name, SVG))
    assert refused.value.messages == [
        "The selected file must be a PDF, Word, Excel, CSV, plain text, PNG, JPEG or GIF"
    ]


def test_a_windows_1252_csv_is_text():
    assert check_file_type(upload("figures.csv", "Caf\xe9,1\n".encode("cp1252"))).extension == "csv"
