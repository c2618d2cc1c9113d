"""
Two-factor sign-in with django-otp: an authenticator app (TOTP) and ten one-time recovery codes.

Who must use it: staff and superusers (the Django admin), and anyone holding an approver or
reviewer membership, because they publish official positions and close responses. Others may turn
it on from their account page.

What a session knows is kept in the session itself, decided once at sign-in, so an ordinary page
costs no extra query:

- `VERIFIED` (django-otp's own session key, set by `django_otp.login`): a code was entered.
- `STATE_KEY`: "verify" (has a device, must enter a code), "set_up" (must set one up) or
  "optional" (neither). An "optional" answer is checked again on the next request once the
  user's requirement may have changed (a role that needs two-factor granted, staff status
  given: `requirement_changed`, a counter in the shared cache), and every few minutes anyway.
"""

import base64
import io
import time

import django_otp
import qrcode
import qrcode.image.svg
from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership

VERIFIED = django_otp.DEVICE_ID_SESSION_KEY
STATE_KEY = "two_factor_state"
CHECKED_KEY = "two_factor_checked_at"
RECOVERY_CODES_KEY = "two_factor_new_recovery_codes"

VERIFY = "verify"
SET_UP = "set_up"
OPTIONAL = "optional"

RECOVERY_CODE_COUNT = 10
RECHECK_OPTIONAL_SECONDS = 300
REQUIRED_ROLES = (Membership.Role.APPROVER, Membership.Role.REVIEWER)
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def is_required(user):
    """Return whether `user` must use two-factor sign-in."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=REQUIRED_ROLES).exists()


def has_app(user):
    """Return whether `user` has a confirmed authenticator app."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def decide_state(user):
    """Return what a signed-in, unverified session of `user` must do: verify, set up or nothing."""
    if has_app(user):
        return VERIFY
    if is_required(user):
        return SET_UP
    return OPTIONAL


def is_verified(request):
    """Return whether this session entered a two-factor code (no database query)."""
    return bool(getattr(request, "session", {}).get(VERIFIED))


REQUIREMENT_KEY = "two-factor-requirement:{}"
REQUIREMENT_SEEN_KEY = "two_factor_requirement_seen"


def requirement_changed(user_id):
    """
    Say that whether `user_id` must use two-factor sign-in may have changed, so every session of
    theirs decides again on its next request (a cache entry read per request: no query).
    """
    cache.set(REQUIREMENT_KEY.format(user_id), time.time_ns(), None)


def _requirement_marker(user_id):
    return cache.get(REQUIREMENT_KEY.format(user_id), 0)


def remember_state(session, user):
    """Decide and store the session's state; called at sign-in and when it may have changed."""
    session[REQUIREMENT_SEEN_KEY] = _requirement_marker(user.pk)
    session[STATE_KEY] = decide_state(user)
    session[CHECKED_KEY] = int(time.time())


def session_state(request):
    """
    Return the session's state, deciding an "optional" answer again when the user's
    requirement changed since (`requirement_changed`) or after a few minutes.
    """
    session = request.session
    state = session.get(STATE_KEY)
    if state is None or (state == OPTIONAL and (
        time.time() - session.get(CHECKED_KEY, 0) > RECHECK_OPTIONAL_SECONDS
        or _requirement_marker(request.user.pk) != session.get(REQUIREMENT_SEEN_KEY, 0)
    )):
        remember_state(session, request.user)
        state = session[STATE_KEY]
    return state


def pending_app(user):
    """Return the user's unconfirmed authenticator app, creating one with a new secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_typing(device):
    """The secret in base32, in groups of four, as authenticator apps ask for it."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device):
    """
    Return the device's otpauth:// link as an inline SVG QR code.

    Inline SVG is markup, not script or a style sheet, so the Content-Security-Policy allows it;
    the drawing uses presentation attributes only.
    """
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg"):]  # drop the XML declaration, invalid inside HTML
    svg = svg.replace(
        "<svg ",
        '<svg role="img" aria-label="QR code for your authenticator app" '
        'class="app-qr-code" ',
        1,
    )
    return mark_safe(svg)  # noqa: S308 - made here from a URL of letters and digits only


@transaction.atomic
def app_confirm(*, request, device, token):
    """
    Confirm a new authenticator app with its first code; return new recovery codes, or None.

    On success every other app of the user is removed (one app per person), ten recovery codes
    replace any earlier ones, and this session counts as verified.
    """
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = recovery_codes_replace(user=device.user)
    django_otp.login(request, device)
    request.session[STATE_KEY] = VERIFY
    return codes


@transaction.atomic
def recovery_codes_replace(*, user):
    """Replace the user's recovery codes with ten new ones and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_turn_off(*, request):
    """Remove the user's app and recovery codes; refused for those who must use two factors."""
    user = request.user
    if is_required(user):
        raise PermissionError("Two-factor sign-in is required for your role.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session.pop(VERIFIED, None)
    request.session[STATE_KEY] = OPTIONAL
    request.session[CHECKED_KEY] = int(time.time())


def verify(*, request, token):
    """
    Check a code from the app or a recovery code; on success mark the session verified and
    return the device, else None. Each device throttles its own failures (django-otp).
    """
    device = django_otp.match_token(request.user, token)
    if device is None:
        return None
    django_otp.login(request, device)
    return device
