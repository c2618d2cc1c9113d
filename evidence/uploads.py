"""
Stop reading an uploaded file as soon as it passes the size limit.

Django's request limit (DATA_UPLOAD_MAX_MEMORY_SIZE) does not count files, so without this a
huge upload would be written to a temporary file in full before the form refused it. The file is
skipped, the rest of the form (its title and marking) is still read, and the view tells the form,
which shows the GOV.UK error with everything else kept.
"""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from .services import max_file_size


class SizeLimitUploadHandler(FileUploadHandler):
    """First in `request.upload_handlers`: skips any file larger than EVIDENCE_MAX_FILE_MB."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_file_size()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.evidence_upload_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_upload_size(request):
    """Put the size limit in front of the request's upload handlers (before anything reads it)."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))


def upload_was_too_large(request):
    return getattr(request, "evidence_upload_too_large", False)
