"""evidence.filetypes: a file's type is decided from its content as well as its name."""

import pytest
from django.core.exceptions import ValidationError

from evidence.filetypes import ALLOWED_TYPES, check_file_type, safe_file_name

from .helpers import (
    CSV,
    DOCX,
    GIF,
    HTML_PAGE,
    JPEG,
    OLE2,
    PDF,
    PNG,
    SVG,
    TEXT,
    XLSX,
    ooxml,
    upload,
)


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


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        # Names a client mangled while writing a quote or a line break into the form.
        ("evil.exe", PDF, "pdf"),
        ('"line', PDF, "pdf"),
        ("scan", PNG, "png"),
        ("photo.heic", JPEG, "jpg"),
        ("chart", GIF, "gif"),
        ("training", DOCX, "docx"),
        ("figures.bin", XLSX, "xlsx"),
    ],
)
def test_a_good_file_whose_name_gives_no_allowed_type_is_known_by_its_content(
        name, content, extension):
    assert check_file_type(upload(name, content)).extension == extension


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes", TEXT),  # text: CSV or plain text? The name must say.
        ("old-letter", OLE2),  # Word or Excel 97-2003? Likewise.
        ("page", HTML_PAGE),
        ("run.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("archive.zip", ooxml("other.xml")),
    ],
)
def test_a_file_whose_name_gives_no_allowed_type_and_content_proves_none_is_refused(
        name, content):
    with pytest.raises(ValidationError) as refused:
        check_file_type(upload(name, content))
    assert refused.value.code == "file_type"


@pytest.mark.parametrize(
    ("name", "extension", "kept"),
    [
        ('a"; filename=evil.exe; x=".pdf', "pdf", "a; filename=evil.exe; x=.pdf"),
        ("a%22; filename=evil.exe; x=%22.pdf", "pdf", "a; filename=evil.exe; x=.pdf"),
        ("line\r\nbreak.pdf", "pdf", "line break.pdf"),
        ("line%0Abreak.pdf", "pdf", "line break.pdf"),
        ("..\\..\\windows/system32.pdf", "pdf", "windows system32.pdf"),
        # A right-to-left override would show "evil\u202efdp.exe" as "evilexe.pdf".
        ("evil\u202efdp.exe", "pdf", "evil fdp.exe.pdf"),
        ("O'Brien `report`.csv", "csv", "OBrien report.csv"),
        ("photo.JPEG", "jpg", "photo.JPEG"),
        ("Ystadegau März.csv", "csv", "Ystadegau März.csv"),
        ('"line', "pdf", "line.pdf"),
        (".pdf", "pdf", "file.pdf"),
        ("", "txt", "file.txt"),
    ],
)
def test_a_kept_name_has_no_control_characters_quotes_or_separators_and_its_extension(
        name, extension, kept):
    assert safe_file_name(name, ALLOWED_TYPES[extension]) == kept


def test_a_long_name_is_cut_to_the_column_keeping_its_extension():
    kept = safe_file_name("x" * 300 + ".xlsx", ALLOWED_TYPES["xlsx"])
    assert len(kept) == 255 and kept.endswith("x.xlsx")
