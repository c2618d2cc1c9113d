from django import forms

from core.models import Event

from .models import FREQUENCY_HINTS, Frequency, Mode


class ReminderPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want reminder emails?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often you want reminder emails"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Read by the `choice_items` filter of partials/_field.html: one hint under each radio.
        self.fields["frequency"].option_hints = {str(k): v for k, v in FREQUENCY_HINTS.items()}


class NotificationPreferencesForm(forms.Form):
    """One GOV.UK radios question per kind of event: at once, in the digest, or never."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for kind, label in Event.Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=f"When {label[0].lower()}{label[1:]}",
                choices=Mode.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select when to be emailed when {label[0].lower()}"
                                            f"{label[1:]}"},
            )
