from django import forms

from .models import FREQUENCY_HINTS, Frequency


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
