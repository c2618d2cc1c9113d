"""
GOV.UK Notify as a Django email backend, chosen by the environment (NOTIFY_API_KEY and
NOTIFY_TEMPLATE_ID, see tracker/settings.py): UK public bodies send their mail through Notify.

Notify sends from templates, so one template carries every email: its subject is
`((subject))` and its body `((body))`, filled with the message's subject and plain text. Notify
writes its own HTML from that text (GOV.UK email style), so the HTML alternative is not sent.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    """Send each recipient of each message through GOV.UK Notify's API."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        if not settings.NOTIFY_API_KEY or not settings.NOTIFY_TEMPLATE_ID:
            raise ImproperlyConfigured("GOV.UK Notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID")
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL
        )

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            try:
                for address in message.recipients():
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=settings.NOTIFY_TEMPLATE_ID,
                        personalisation={"subject": message.subject, "body": message.body},
                        # Notify keeps it: a person can look a message up by it.
                        reference=message.extra_headers.get("Message-ID", "")[:1000] or None,
                    )
                sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return sent
