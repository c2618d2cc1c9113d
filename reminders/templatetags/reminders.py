"""The account page's reminder row, drawn by the reminders app (accounts know nothing of it)."""

from django import template

from reminders.models import Frequency
from reminders.selectors import frequency_of, gets_reminders

register = template.Library()


@register.simple_tag
def reminder_summary(user):
    """{"frequency": its label, "gets_reminders": whether they are sent to `user` at all}."""
    return {"frequency": Frequency(frequency_of(user)).label,
            "gets_reminders": gets_reminders(user)}
