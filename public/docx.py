"""
Write a `public.documents.Document` as a Word file (python-docx), for people to put on their
letterhead and edit. The marking is in the header and the footer, so it is on every page.
"""

import io
import zipfile
from html.parser import HTMLParser

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from responses.choices import format_as_of, show_redaction_marks

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class _RichText(HTMLParser):
    """
    Add sanitised rich text (p, br, ul, ol, li, strong, b, em, i, a: core/richtext.py) to a
    Word document as paragraphs, bulleted or numbered paragraphs and bold or italic runs.
    """

    def __init__(self, word):
        super().__init__(convert_charrefs=True)
        self.word = word
        self.paragraph = None
        self.lists = []
        self.bold = self.italic = 0

    def _paragraph(self):
        if self.paragraph is None:
            style = None
            if self.lists:
                style = "List Number" if self.lists[-1] == "ol" else "List Bullet"
            self.paragraph = self.word.add_paragraph(style=style)
        return self.paragraph

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li"):
            self.paragraph = None
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self.paragraph = None
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1

    def handle_endtag(self, tag):
        if tag in ("p", "li"):
            self.paragraph = None
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.paragraph = None
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1

    def handle_data(self, data):
        if not data.strip() and self.paragraph is None:
            return
        run = self._paragraph().add_run(_shown(data))
        run.bold = self.bold > 0 or None
        run.italic = self.italic > 0 or None


def _shown(text):
    """Text as printed: a redaction mark reads "[text withheld]"."""
    return show_redaction_marks(text)


def _rich_text(word, html):
    parser = _RichText(word)
    parser.feed(html or "")
    parser.close()


def _marking(section, marking):
    for part in (section.header, section.footer):
        paragraph = part.paragraphs[0]
        paragraph.text = marking
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.runs[0].bold = True


def _date(day):
    return f"{day.day} {day:%B %Y}"


def _update_date(update):
    """An update's date as the pages show it: "May 2021" when only the month is known."""
    return format_as_of(update.as_of, update.as_of_precision)


def _answer(word, item, answer, *, label_organisation, dated_updates=True):
    if label_organisation:
        word.add_paragraph().add_run(f"{answer.name} response:").bold = True
    _rich_text(word, answer.first.narrative)
    if answer.first.marking == "OFFICIAL-REDACTED":
        word.add_paragraph("Some words of this response were withheld (OFFICIAL - REDACTED).")
    if dated_updates:
        for update in answer.later:
            paragraph = word.add_paragraph()
            paragraph.add_run(f"Update ({_update_date(update)}): ").bold = True
            _rich_text(word, update.narrative)
    _status(word, answer)


def _status(word, answer):
    status = word.add_paragraph()
    status.add_run("Status: ").bold = True
    status.add_run(f"{answer.status_label} (as of {_update_date(answer.latest)})")


def _response_page(word, document):
    section = document.sections[0]
    super_complaint = section.super_complaint
    word.add_heading(
        f"Response to super-complaint by {super_complaint.complainants}", level=1
    )
    word.add_paragraph(f"{document.organisation.name}")
    for paragraph in document.introduction:
        word.add_paragraph(paragraph)
    published = super_complaint.report_published_on
    word.add_paragraph(
        f"{super_complaint.investigating_bodies or 'HMICFRS'} published "
        f"“{super_complaint.title}”"
        + (f" on {_date(published)}" if published else "")
        + " and made the following recommendations:"
    )
    for item in section.items:
        word.add_heading(f"{item.label_stop} To {item.addressees}", level=2)
        _rich_text(word, item.recommendation.text)
        if item.recommendation.notes:
            word.add_heading(f"Notes to {item.recommendation.label.lower()}", level=3)
            _rich_text(word, item.recommendation.notes)
        if not item.applies:
            word.add_paragraph(
                "Addressed to other bodies: no response from "
                f"{document.organisation.name} is expected."
            )
            continue
        if not item.answers:
            word.add_paragraph("No public response yet." if document.for_publication
                               else "No response yet.")
        for answer in item.answers:
            _answer(word, item, answer, label_organisation=len(item.answers) > 1
                    or answer.organisation != document.organisation)


def _overview(word, document):
    word.add_heading("Super-complaints current overview", level=1)
    word.add_paragraph(document.organisation.name)
    for section in document.sections:
        super_complaint = section.super_complaint
        published = super_complaint.report_published_on
        word.add_heading(
            (f"{_date(published)}: " if published else "") + super_complaint.title, level=2
        )
        status = word.add_paragraph()
        status.add_run("STATUS – ").bold = True
        status.add_run(section.status_line)
        for item in section.items:
            word.add_heading(f"{item.label_stop} To {item.addressees}", level=3)
            _rich_text(word, item.recommendation.text)
            if not item.answers:
                word.add_paragraph("No response yet.")
            for answer in item.answers:
                if document.full_text:
                    _answer(word, item, answer, label_organisation=False)
                else:
                    _status(word, answer)


def _letter(word, document):
    section = document.sections[0]
    super_complaint = section.super_complaint
    holder = document.office_holder
    for number, line in enumerate(document.letterhead):
        run = word.add_paragraph().add_run(line)
        run.bold = number == 0 or None
    word.add_paragraph(f"To: {document.addressee}")
    word.add_paragraph(_date(document.date))
    if document.reference:
        word.add_paragraph(f"Our reference: {document.reference}")
    word.add_paragraph("Dear Home Secretary")
    author = f"{holder.name}, {document.office_name}" if holder else document.organisation.name
    word.add_paragraph().add_run(
        f"Response from {author}, to the HMICFRS Report: {super_complaint.title}"
    ).bold = True
    for paragraph in document.opening:
        word.add_paragraph(paragraph)
    force = document.paired
    word.add_paragraph(
        "The following information provides an update"
        + (f" from {force.name}" if force else "")
        + " on their work in response to the report's recommendations."
    )
    for item in section.items:
        word.add_heading(f"{item.recommendation.label} – To {item.addressees}", level=2)
        _rich_text(word, item.recommendation.text)
        for answer in item.answers:
            _answer(word, item, answer, label_organisation=len(item.answers) > 1)
    if document.closing:
        word.add_paragraph(document.closing)
    word.add_paragraph("Yours sincerely")
    if holder:
        word.add_paragraph(holder.name)
        word.add_paragraph(holder.title)
    else:
        word.add_paragraph(document.organisation.name)


def _chaser_letter(word, letter):
    """A step of the chasing ladder (public.documents.ChaserLetter): the page's words."""
    word.add_paragraph(f"From: {letter.chaser.sent_from.name}")
    word.add_paragraph(_date(letter.date))
    for line in letter.addressee_lines:
        word.add_paragraph(line)
    word.add_paragraph(letter.salutation)
    word.add_paragraph().add_run(letter.title).bold = True
    word.add_heading(letter.recommendation.label, level=2)
    _rich_text(word, letter.recommendation.text)
    for paragraph in letter.paragraphs:
        word.add_paragraph(paragraph)
    word.add_paragraph("Yours sincerely")
    for line in letter.signature:
        word.add_paragraph(line)


WRITERS = {
    "response_page": _response_page,
    "overview": _overview,
    "letter": _letter,
    "chaser_letter": _chaser_letter,
}


def document_docx(document):
    """Return the document as the bytes of a .docx file."""
    word = WordDocument()
    word.styles["Normal"].font.size = Pt(11)
    word.core_properties.title = document.title
    _marking(word.sections[0], document.marking_label)
    if document.publication_note:
        word.add_paragraph().add_run(document.publication_note).italic = True
    WRITERS[document.kind](word, document)
    out = io.BytesIO()
    word.save(out)
    return _stable_zip(out.getvalue())


def _stable_zip(content):
    """
    The same .docx for the same document: zip entries carry the time they were written, which
    would give each download a new ETag (and defeat caching); write them with a fixed one.
    """
    stable = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(
        stable, "w", zipfile.ZIP_DEFLATED
    ) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry.filename))
    return stable.getvalue()
