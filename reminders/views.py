"""Your reminder emails: how often you get the digest, shown and changed on your account."""

from django.contrib import messages
from django.urls import reverse_lazy
from django.views.generic import FormView

from .forms import ReminderPreferenceForm
from .selectors import frequency_of, gets_reminders
from .services import reminder_preference_set


class ReminderPreferenceView(FormView):
    """Choose how often to get the reminder digest: daily, weekly or never. Only your own."""

    template_name = "reminders/reminder_preference.html"
    form_class = ReminderPreferenceForm
    success_url = reverse_lazy("account")

    def get_initial(self):
        return {"frequency": frequency_of(self.request.user)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav_section="account",
            gets_reminders=gets_reminders(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        preference = reminder_preference_set(
            user=self.request.user, frequency=form.cleaned_data["frequency"]
        )
        messages.success(
            self.request, f"Reminder emails: {preference.get_frequency_display().lower()}"
        )
        return super().form_valid(form)
