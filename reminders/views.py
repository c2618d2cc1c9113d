"""Your reminder emails: how often you get the digest, shown and changed on your account."""

from django.contrib import messages
from django.urls import reverse_lazy
from django.views.generic import FormView

from .forms import NotificationPreferencesForm, ReminderPreferenceForm
from .notifications import notification_preferences_set, preferences_of
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


class NotificationPreferencesView(FormView):
    """Choose, per kind of workflow event, to be emailed at once, in the digest, or never."""

    template_name = "reminders/notification_preferences.html"
    form_class = NotificationPreferencesForm
    success_url = reverse_lazy("notification_preferences")

    def get_initial(self):
        return preferences_of(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav_section="account", frequency=frequency_of(self.request.user), **kwargs
        )

    def form_valid(self, form):
        notification_preferences_set(user=self.request.user, modes=form.cleaned_data)
        messages.success(self.request, "Your email choices have been saved")
        return super().form_valid(form)
