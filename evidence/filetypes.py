"""
Which files may be attached as evidence, decided from their content as well as their name.

The name's extension chooses a type from ALLOWED_TYPES; the content must then be that type:
the magic numbers of PDF, images and legacy Office files (the `filetype` library), a ZIP with the
right members for Word and Excel documents, and text that decodes and holds no HTML for plain
text and CSV. An HTML page renamed `.pdf`, or a script renamed `.csv`, is refused.
A name with no allowed extension (none, another, or one a client mangled while writing a quote
or a line break into the form) is not held against a good file: when its content alone shows
an allowed type beyond doubt (PDF, PNG, JPEG, GIF, Word or Excel), it is that type.
The content type a download is served with comes from this table, never from the browser, and
the name a file is kept under is made safe (`safe_file_name`).
"""

import codecs
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str
    # How the content is checked: "magic" (filetype's guess must give `extension`),
    # "ooxml" (a ZIP holding `ooxml_member`), "ole" (an OLE2 compound file, as Office 97-2003
    # saves; filetype's own test for these looks for bytes many real files lack) or "text".
    check: str
    ooxml_member: str = ""


ALLOWED_TYPES = {
    t.extension: t
    for t in (
        FileType("pdf", "application/pdf", "PDF", "magic"),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document", "ooxml", "word/document.xml",
        ),
        FileType("doc", "application/msword", "Word 97-2003 document", "ole"),
        FileType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel spreadsheet", "ooxml", "xl/workbook.xml",
        ),
        FileType("xls", "application/vnd.ms-excel", "Excel 97-2003 spreadsheet", "ole"),
        FileType("csv", "text/csv", "CSV", "text"),
        FileType("txt", "text/plain", "Plain text", "text"),
        FileType("png", "image/png", "PNG image", "magic"),
        FileType("jpg", "image/jpeg", "JPEG image", "magic"),
        FileType("gif", "image/gif", "GIF image", "magic"),
    )
}
# Other spellings of the same types.
EXTENSION_ALIASES = {"jpeg": "jpg"}

ALLOWED_DESCRIPTION = "PDF, Word, Excel, CSV, plain text, PNG, JPEG or GIF"

# How much of a file to read for the checks: magic numbers sit at the start; a text file is
# checked in full up to this size (beyond it, the start).
TEXT_SAMPLE_BYTES = 1024 * 1024
MAGIC_SAMPLE_BYTES = 8192
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Markup that a browser would treat as a page: refused in text files, which are downloads only
# but may be opened by someone's tools.
_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta)\b",
                     re.IGNORECASE)


def extension_of(name):
    """The lower-case extension of a file name, without the dot ("" if none)."""
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." not in base:
        return ""
    extension = base.rsplit(".", 1)[1].lower()
    return EXTENSION_ALIASES.get(extension, extension)


def _read_start(uploaded, size):
    uploaded.seek(0)
    data = uploaded.read(size)
    uploaded.seek(0)
    return data


def _is_ooxml(uploaded, member):
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded.seek(0)
    return "[Content_Types].xml" in names and member in names


def _is_text(data):
    if b"\x00" in data:
        return False
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        # A multibyte character cut at the end of the sample is fine.
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")  # older Excel saves CSV in Windows-1252
        except UnicodeDecodeError:
            return False
    return not _MARKUP.search(data)


def _type_shown_by_content(uploaded):
    """
    The allowed type the content alone proves, or None: a magic number (PDF, PNG, JPEG, GIF) or
    an Office Open XML package (Word, Excel). Text and Office 97-2003 files cannot tell their
    types apart (CSV or plain text, Word or Excel) and need their name.
    """
    guess = filetype.guess(_read_start(uploaded, MAGIC_SAMPLE_BYTES))
    if guess is not None:
        file_type = ALLOWED_TYPES.get(EXTENSION_ALIASES.get(guess.extension, guess.extension))
        if file_type is not None and file_type.check == "magic":
            return file_type
    for file_type in ALLOWED_TYPES.values():
        if file_type.check == "ooxml" and _is_ooxml(uploaded, file_type.ooxml_member):
            return file_type
    return None


def check_file_type(uploaded):
    """
    Return the FileType of an uploaded file, or raise ValidationError with the GOV.UK message.

    `uploaded` is a Django UploadedFile (or any file object with `name`); it is left at its start.
    """
    file_type = ALLOWED_TYPES.get(extension_of(uploaded.name))
    if file_type is None:
        file_type = _type_shown_by_content(uploaded)
        if file_type is None:
            raise ValidationError(f"The selected file must be a {ALLOWED_DESCRIPTION}",
                                  code="file_type")
        return file_type
    if file_type.check == "magic":
        guess = filetype.guess(_read_start(uploaded, MAGIC_SAMPLE_BYTES))
        ok = guess is not None and EXTENSION_ALIASES.get(guess.extension, guess.extension) == (
            file_type.extension
        )
    elif file_type.check == "ole":
        ok = _read_start(uploaded, len(OLE2_SIGNATURE)) == OLE2_SIGNATURE
    elif file_type.check == "ooxml":
        ok = _is_ooxml(uploaded, file_type.ooxml_member)
    else:
        ok = _is_text(_read_start(uploaded, TEXT_SAMPLE_BYTES))
    if not ok:
        raise ValidationError(
            f"The selected file is not a real {file_type.label}: its content does not match "
            f"its name. Save it again as a {file_type.label} and choose it again",
            code="file_content",
        )
    return file_type


# A browser writes a quote or a line break of a file's name into the form percent-encoded (the
# HTML standard's multipart/form-data encoding); Django leaves them so.
_FORM_ESCAPES = {"%22": '"', "%0D": "\r", "%0A": "\n"}
_FORM_ESCAPED = re.compile(r"%(22|0D|0A)", re.IGNORECASE)
_QUOTES = "\"'`"
# As EvidenceFile.original_name.
MAX_NAME_LENGTH = 255


def safe_file_name(name, file_type):
    """
    The name a file is kept and shown under: its uploader's name, without what could break or
    mislead a page, a header or a file system (control characters such as line breaks, invisible
    formatting such as a right-to-left override, quotes and path separators), ending in an
    extension of its checked type, added when the name has none or another.
    """
    name = _FORM_ESCAPED.sub(lambda escape: _FORM_ESCAPES[escape.group(0).upper()], name or "")
    kept = "".join(
        " " if unicodedata.category(character).startswith("C") or character in "/\\"
        else character
        for character in name
        if character not in _QUOTES
    )
    kept = " ".join(kept.split())
    if extension_of(kept) == file_type.extension:
        stem, extension = kept.rsplit(".", 1)
    else:
        stem, extension = kept, file_type.extension
    # No name of dots alone, nothing hidden (".pdf"), no space before the extension.
    stem = stem.strip(" .")[:MAX_NAME_LENGTH - len(extension) - 1].strip(" .") or "file"
    return f"{stem}.{extension}"
