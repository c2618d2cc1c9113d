"""Files as users upload them, and a shortcut to attach one through the service."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence import services
from responses.choices import Marking

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
CSV = "Month,Officers trained\nJanuary,120\nFebruary,135\nMärz,3\n".encode()
TEXT = b"Training records for March 2025.\nAll response officers completed the course.\n"
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def ooxml(member):
    """A minimal Office Open XML document: a ZIP with its content types and main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<document/>")
    return buffer.getvalue()


DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")


def upload(name="policy.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach(world, update, *, name="policy.pdf", content=PDF, title="Domestic abuse policy",
           marking=Marking.OFFICIAL, user=None):
    """Attach a file to a draft through the service, as the force's contributor by default."""
    return services.evidence_file_add(
        update=update, user=user or world.contributor, uploaded_file=upload(name, content),
        title=title, marking=marking,
    )


def files_url(update):
    return reverse("evidence:files", args=[update.pk])


def download_url(evidence):
    return reverse("evidence:download", args=[evidence.pk])


def remove_url(evidence):
    return reverse("evidence:remove", args=[evidence.pk])


def stored_files(settings):
    """Every file under the test's media folder."""
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
