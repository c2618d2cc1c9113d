"""Writes for accounts: invitations, their emails, and ending a deactivated user's sessions."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership

from .tokens import invitation_token_generator


def absolute_url(path):
    """An absolute link for an email: SITE_URL plus the path."""
    return settings.SITE_URL.rstrip("/") + path


def send_templated_email(*, to, template, context):
    """
    Send `<template>_subject.txt`, `<template>.txt` and `<template>.html` (plain text and HTML
    parts) from DEFAULT_FROM_EMAIL.
    """
    context = {"service_name": settings.SERVICE_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


def invitation_url(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    return absolute_url(reverse("invitation_accept", args=[uid, token]))


@transaction.atomic
def user_invite(*, email, first_name, last_name, organisation=None, role=None, is_staff=False,
                invited_by=None):
    """
    Create a user who cannot sign in yet (no usable password), give them their membership, and
    email them a one-time link to choose a password. The username is the email address.
    """
    User = get_user_model()
    user = User(username=email.lower(), email=email, first_name=first_name, last_name=last_name,
                is_staff=is_staff)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    if organisation is not None and role:
        membership = Membership(user=user, organisation=organisation, role=role)
        membership.full_clean()
        membership.save()
    transaction.on_commit(lambda: invitation_send(user=user, invited_by=invited_by))
    return user


def invitation_send(*, user, invited_by=None):
    """
    Email `user` a fresh invitation link (also used to send an invitation again). A member of an
    organisation that turned local sign-in off is sent to the sign-in page instead, to use their
    organisation's account: a password would not let them in.
    """
    organisation_account_only = Membership.objects.filter(
        user=user, organisation__local_sign_in_allowed=False
    ).exists()
    send_templated_email(
        to=user.email,
        template="accounts/email/invitation",
        context={
            "user": user,
            "invited_by": invited_by,
            "organisation_account_only": organisation_account_only,
            "url": (absolute_url(reverse("login")) if organisation_account_only
                    else invitation_url(user)),
            "days": settings.INVITATION_TIMEOUT_DAYS,
        },
    )


def user_sessions_end(*, user):
    """
    Delete every stored session of `user`.

    Sessions are looked up by decoding the unexpired ones: deactivating someone is rare, and this
    keeps every ordinary request free of an extra query. Django already refuses an inactive user
    at their next request; deleting the sessions also stops them coming back to life if the user
    is reactivated.
    """
    user_id = str(user.pk)
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def unused_accounts_deactivate(*, accounts):
    """
    Deactivate the given accounts (the account review's unused ones), one save each so the
    audit log records each and their sessions end (accounts.signals). Superusers are left
    alone: deactivating the last of them would lock everybody out of the admin.
    """
    done = []
    for user in accounts.select_for_update():
        if user.is_superuser:
            continue
        user.is_active = False
        user.save(update_fields=["is_active"])
        done.append(user)
    return done
