"""Side effects of signing in and of deactivating a user."""

import datetime
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.middleware import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
from accounts.models import Membership

from . import twofactor
from .services import user_sessions_end


@receiver(user_logged_in)
def start_session_clocks(sender, request, user, **kwargs):
    """
    Start the idle and absolute clocks and decide the two-factor step for a new sign-in.

    The absolute limit is a fixed expiry date, so saving the session later (activity) cannot push
    it back.
    """
    session = request.session
    now = int(time.time())
    session[SIGNED_IN_AT_KEY] = now
    session[LAST_SEEN_KEY] = now
    session.set_expiry(timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    twofactor.remember_state(session, user)


@receiver(pre_save, sender=get_user_model())
def note_deactivation(sender, instance, **kwargs):
    if instance.pk is None or instance.is_active:
        instance._deactivated = False
    else:
        instance._deactivated = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if instance.pk is not None and (instance.is_staff or instance.is_superuser):
        # Staff must use two-factor sign-in: a session already signed in decides again.
        twofactor.requirement_changed(instance.pk)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def decide_two_factor_again(sender, instance, **kwargs):
    """A role granted (or changed) mid-session takes effect on the user's next request."""
    twofactor.requirement_changed(instance.user_id)


@receiver(post_save, sender=get_user_model())
def end_sessions_of_deactivated_user(sender, instance, **kwargs):
    """Setting is_active=False anywhere (admin, shell, service) ends the user's sessions."""
    if getattr(instance, "_deactivated", False):
        user_sessions_end(user=instance)
        instance._deactivated = False
