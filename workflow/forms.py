"""
The new update form with its evidence files: chosen on the first screen (issue 22) and attached
when the update is saved, so nobody has to save a draft first to attach anything.
"""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from evidence import services as evidence_services
from evidence.filetypes import ALLOWED_DESCRIPTION, ALLOWED_TYPES, EXTENSION_ALIASES
from responses.forms import ResponseUpdateForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern): a list, empty for none."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class UpdateCreateForm(ResponseUpdateForm):
    """ResponseUpdateForm and files to attach to the update, each checked as the files page does."""

    attachments = MultipleFileField(
        label="Files (optional)",
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in [*ALLOWED_TYPES, *EXTENSION_ALIASES])}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = (
            f"{ALLOWED_DESCRIPTION}, up to "
            f"{evidence_services.max_file_size() // (1024 * 1024)} MB each. Each file is titled "
            "with its name and marked as this update is; change either on the update's files "
            "page while it is a draft."
        )

    def clean_attachments(self):
        """Every file's problem at once, each named ("notes.exe: ..."), as the files page does."""
        attachments = self.cleaned_data.get("attachments") or []
        problems = []
        for uploaded in attachments:
            try:
                evidence_services.check_upload(uploaded)
            except ValidationError as error:
                problems.append(f"{uploaded.name}: {' '.join(error.messages)}")
        if problems:
            raise ValidationError(
                [*problems, "Choose the files again: a browser cannot keep them after an error"]
            )
        return attachments


def attachment_title(uploaded):
    """A file's title until someone gives it another: its name without the extension."""
    return Path(uploaded.name).stem[:200] or uploaded.name[:200]
