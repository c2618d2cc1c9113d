"""
Upload forms of the imports. They check the file is one we can read; the row forms
(`imports.portal.PortalRowForm`, `imports.recommendations_sheet.RecommendationRowForm`) check
its rows.
"""

from django import forms
from django.conf import settings
from django.db import models

from accounts import permissions
from recommendations.models import Organisation, SuperComplaint

ACCEPTED_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx")


class UploadField(forms.FileField):
    """A spreadsheet upload: CSV, tab-separated text or XLSX, at most IMPORT_MAX_UPLOAD_MB."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {
            "required": "Select a file to upload",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be uploaded: try again",
        })
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(ACCEPTED_EXTENSIONS)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        limit = settings.IMPORT_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(f"The selected file must be smaller than {limit} MB")
        if not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError(
                "The selected file must be a CSV, a tab-separated text file (.txt or .tsv) or "
                "an Excel spreadsheet (.xlsx)"
            )
        return upload


class SuperComplaintChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.short_title or obj.title


class PortalUploadForm(forms.Form):
    """Upload an organisation's monitoring-portal export for one super-complaint."""

    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose the organisation",
        error_messages={
            "required": "Select the organisation whose export this is",
            "invalid_choice": "Select an organisation you can import for",
        },
    )
    super_complaint = SuperComplaintChoiceField(
        label="Super-complaint",
        queryset=SuperComplaint.objects.order_by("short_title"),
        empty_label="Choose the super-complaint",
        error_messages={"required": "Select the super-complaint the export is about"},
    )
    file = UploadField(
        label="Upload the export",
        help_text=(
            "The file the monitoring portal exports: tab-separated text or CSV with the columns "
            "REF, SUPER-COMPLAINT RECOMMENDATION, FORCE POSITION PROVIDED BY and the force's "
            "RESPONSE column, or the same as an Excel spreadsheet (.xlsx)."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        allowed = permissions.importable_organisation_ids(user)
        organisations = Organisation.objects.exclude(kind=Organisation.Kind.NATIONAL_BODY)
        if allowed is not None:
            organisations = Organisation.objects.filter(pk__in=list(allowed))
        self.fields["organisation"].queryset = organisations.order_by("name")


class RecommendationsUploadForm(forms.Form):
    """Upload a super-complaint's recommendations."""

    super_complaint = SuperComplaintChoiceField(
        label="Super-complaint",
        queryset=SuperComplaint.objects.order_by("short_title"),
        empty_label="Choose the super-complaint",
        error_messages={"required": "Select the super-complaint the recommendations belong to"},
    )
    file = UploadField(
        label="Upload the recommendations",
        help_text=(
            "A CSV or Excel spreadsheet (.xlsx) with the columns of the template: number, order, "
            "title, text, notes, recipient groups, depends on, due date."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ConfirmForm(forms.Form):
    """The confirmation of a preview: names the SHA-256 of the file that was previewed."""

    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


class PortalConfirmForm(ConfirmForm):
    """
    What to do with a previewed portal export: its uploader publishes it alone (with the
    permission, ticking `publish_alone`) or sends it for sign-off; another approver of the
    organisation approves (publishes) it or returns it.
    """

    class Action(models.TextChoices):
        PUBLISH = "publish", "Publish"
        SUBMIT = "submit", "Send for sign-off"
        APPROVE = "approve", "Approve and publish"
        RETURN = "return", "Return"

    action = forms.ChoiceField(choices=Action.choices, widget=forms.HiddenInput)
    publish_alone = forms.BooleanField(
        required=False,
        label=(
            "I have checked these positions and publish them for the organisation without a "
            "second approver"
        ),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("action") == self.Action.PUBLISH and not cleaned_data.get(
            "publish_alone"
        ):
            self.add_error(
                "publish_alone",
                "Confirm that you publish these positions without a second approver",
            )
        return cleaned_data
