"""
Forms for deadlines: a request for more time, its decision, and the priority mark. They check
what was typed; `deadlines.services` decides who may do it.
"""

from django import forms

from responses.choices import ExtensionDecision
from responses.forms import COMMENT_MAX_LENGTH, DateInputField, Textarea, too_long


class ExtensionRequestForm(forms.Form):
    """An organisation asks for a later due date, saying why (`services.extension_request`)."""

    requested_due_on = DateInputField(
        label="New due date",
        help_text="The date by which you will publish your response, for example 30 4 2021.",
        error_messages={"required": "Enter the new due date"},
    )
    reason = forms.CharField(
        label="Why do you need more time?",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=Textarea(attrs={"rows": 5}),
        error_messages={"max_length": too_long("The reason", COMMENT_MAX_LENGTH)},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ExtensionDecisionForm(forms.Form):
    """A national reviewer approves or refuses a request for more time."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            (ExtensionDecision.APPROVED, "Approve – the due date moves to the date asked for"),
            (ExtensionDecision.REFUSED, "Refuse – the due date stays as it is"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to approve or refuse the extension"},
    )
    comment = forms.CharField(
        label="Comment",
        help_text="Required when refusing: say why.",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=Textarea(attrs={"rows": 4}),
        error_messages={"max_length": too_long("Comment", COMMENT_MAX_LENGTH)},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PriorityForm(forms.Form):
    """
    A national reviewer marks a recommendation as priority, saying why (`required`: the model's
    rule, `Recommendation.clean()`, worded once and shown on `reason` from the service), or
    removes the mark, optionally saying why.
    """

    MARK, REMOVE = "mark", "remove"

    # What the reviewer saw and meant: a form opened before a colleague changed the mark must
    # not do the opposite of what it says (the service refuses a change to the same state).
    action = forms.ChoiceField(choices=[(MARK, MARK), (REMOVE, REMOVE)], widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is this recommendation a priority?",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=Textarea(attrs={"rows": 5}),
        error_messages={"max_length": too_long("The reason", COMMENT_MAX_LENGTH)},
    )
    service_error_fields = {"priority_reason": "reason"}

    def __init__(self, *args, removing=False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["action"].initial = self.REMOVE if removing else self.MARK
        if removing:
            self.fields["reason"].label = "Why is it no longer a priority? (optional)"

    @property
    def removing(self):
        return self.cleaned_data["action"] == self.REMOVE
