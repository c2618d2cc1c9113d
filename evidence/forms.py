"""Forms for evidence: attaching a file to an update, and the files a reviewer considered."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from responses.choices import Marking, ReviewOutcome, format_as_of
from responses.forms import COMMENT_MAX_LENGTH, Textarea, too_long
from responses.models import ResponseReview

from . import services
from .filetypes import ALLOWED_DESCRIPTION, ALLOWED_TYPES, EXTENSION_ALIASES


class EvidenceUploadForm(forms.Form):
    """
    One file with its title and protective marking. The file is checked here (size and type,
    through evidence.services.check_upload) so every problem shows at once; the service checks
    it again before storing it.
    """

    title = forms.CharField(
        label="Title",
        help_text="What the file shows, for example Training completion figures, March 2025",
        max_length=200,
        error_messages={
            "required": "Enter a title for the file",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    marking = forms.ChoiceField(
        label="Protective marking of the file",
        choices=Marking.choices,
        initial=Marking.OFFICIAL,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the protective marking of the file"},
    )
    file = forms.FileField(
        label="File",
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
        },
        widget=forms.FileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in [*ALLOWED_TYPES, *EXTENSION_ALIASES])}
        ),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        # The upload handler stopped reading a file over the limit (evidence.uploads).
        self.too_large = too_large
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"{ALLOWED_DESCRIPTION}, up to {services.max_file_size() // (1024 * 1024)} MB"
        )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        services.check_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", ValidationError(services.too_large_message()))
        return cleaned


def evidence_label(evidence):
    """How a file is named in the reviewer's list."""
    return (
        f"{evidence.title} ({evidence.original_name}, {filesizeformat(evidence.size)}), "
        f"update as of {format_as_of(evidence.update.as_of, evidence.update.as_of_precision)}"
    )


class ResponseReviewForm(forms.Form):
    """A national reviewer closes a response or asks for more evidence."""

    outcome = forms.ChoiceField(
        label="Your decision",
        choices=[
            (ReviewOutcome.CLOSED, "Close – evidence accepted"),
            (ReviewOutcome.RETURNED, "Return – more evidence needed"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to close or return the response"},
    )
    comment = forms.CharField(
        label="Comment",
        help_text="Required when returning: say what more evidence is needed.",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=Textarea(attrs={"rows": 4}),
        error_messages={"max_length": too_long("Comment", COMMENT_MAX_LENGTH)},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_review_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        """Check the model's rule (a return needs a comment) too, so both errors show at once."""
        cleaned = super().clean()
        if cleaned.get("outcome"):
            candidate = ResponseReview(
                outcome=cleaned["outcome"], comment=cleaned.get("comment", "").strip()
            )
            try:
                candidate.clean()
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ReviewWithEvidenceForm(ResponseReviewForm):
    """The reviewer's decision, plus which of the response's published files they considered."""

    evidence = forms.TypedMultipleChoiceField(
        label="Evidence you considered",
        help_text="Select every file you read before deciding.",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only files of this response's updates"},
    )
    field_order = ["outcome", "evidence", "comment"]

    def __init__(self, *args, evidence_files=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The files already read for the page: no query of their own.
        self.evidence_files = list(evidence_files)
        if not self.evidence_files:
            del self.fields["evidence"]
            return
        field = self.fields["evidence"]
        field.choices = [(f.pk, evidence_label(f)) for f in self.evidence_files]
        # Read by the `choice_items` filter of partials/_field.html: one hint under each box.
        field.option_hints = {
            str(f.pk): f"{f.type_label}, {f.marking}, SHA-256 {f.sha256}"
            for f in self.evidence_files
        }

    def considered(self):
        """The ids of the files ticked (valid data only)."""
        return self.cleaned_data.get("evidence", [])
