"""
Settings for the super-complaint recommendation tracker.

Everything that differs between a laptop, CI and production comes from the environment
(see `.env.example`). Development defaults are safe; a malformed value fails loudly at start-up
instead of being silently replaced by a default.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

load_dotenv(BASE_DIR / ".env")


def envbool(name, default):
    """Read a boolean variable; anything but true/false (any case) or 1/0 is an error."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envchoice(name, default, choices):
    """Read one of `choices`; anything else is an error."""
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envlist(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name, default=None):
    """Read a secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from None
    return os.environ.get(name) or default


DEBUG = envbool("DEBUG", False)
# Mounts /_bench/bare/, the baseline of scripts/benchmark_http.py. Benchmarks only.
BENCHMARK_VIEWS = envbool("BENCHMARK_VIEWS", False)

# The development key keeps `make run` and the tests zero-config; `manage.py check --deploy`
# refuses it (tracker/checks.py), so a production set-up cannot ship with it.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-never-use-in-production"
SECRET_KEY = envsecret("SECRET_KEY", DEVELOPMENT_SECRET_KEY)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "tracker",
    "recommendations",
    "responses",
    "deadlines",
    "workflow",
    "reporting",
    "imports",
    "evidence",
    "public",
    "reminders",
    "api",
]

MIDDLEWARE = [
    # First, so every log line of the request (redirects and refusals too) carries its id.
    "core.middleware.RequestIdMiddleware",
    # Counts and times every request by view, for /-/metrics.
    "core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the path, the query or the session cookie: a NUL byte is a 400.
    "core.middleware.RejectControlCharactersMiddleware",
    # Compress pages in the app, so it holds behind any proxy: the organisation page and the
    # matrix shrink about 20x. Against BREACH, Django pads each compressed response with random
    # bytes and masks the CSRF token afresh on every response; pages echo no secret from the
    # query string. Above everything that writes the body.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Signed-in responses are never cached (static files were served above, unaffected).
    "core.middleware.NoStoreMiddleware",
    # Ends idle or too-old sessions before anything looks at the user, so a POST from an expired
    # session reaches FormStashMiddleware as signed out and its text is kept.
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Between these two: a signed-out POST keeps its text before LoginRequired redirects it.
    "core.formstash.FormStashMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After LoginRequired: a signed-in user owing a two-factor code goes to that step first.
    "accounts.middleware.TwoFactorMiddleware",
    # After authentication: the signed-in user becomes the actor of every audit log entry.
    "core.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

# A failed CSRF check on a long form shows the form again with the text kept.
CSRF_FAILURE_VIEW = "core.formstash.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.service",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# SQLite is the embedded default; DATABASE_URL (postgres://...) selects PostgreSQL.
# Connections persist (checked before reuse): opening one per request cost PostgreSQL about 5x in
# throughput on a signed-in page. Each gunicorn worker thread holds one connection; see the README
# for when to put PgBouncer in front.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # Wait for a concurrent writer instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

# The release's name (a commit or a version), in every cache key (core.caching.code_version), so
# a rolling release never serves one release's kept pages from another. Unset: a digest of the
# source files, the same on every server running the same code.
RELEASE = os.environ.get("RELEASE", "")

# Django's cache: a shared Redis (Django's built-in backend) when REDIS_URL is set, as every app
# server must see the same cached figures, login counters and API rates; otherwise this
# process's memory, so `make run` and the tests need nothing else. What is cached is keyed by a
# fingerprint of the data or expires within minutes (see reporting/figures.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tracker"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tracker",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# `manage.py loaddata organisations` finds the reference and demo data in the root fixtures/.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes). Attempts live in the database, so every app server behind the
# load balancer counts the same failures. The lock is on the pair (username, address): a
# stranger cannot lock a colleague out from elsewhere by guessing at their username. A second,
# looser limit counts every username's failures from one address (password spraying); see
# accounts.security.AddressLimitedAxesHandler.
AXES_HANDLER = "accounts.security.AddressLimitedAxesHandler"
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip_address"
AXES_VERBOSE = False
# Axes keeps the posted fields of a failed attempt; never the secrets of these forms.
AXES_SENSITIVE_PARAMETERS = [
    "username", "ip_address", "old_password", "new_password1", "new_password2", "otp_token",
    "token",
]
# Behind a load balancer that appends the client's address to X-Forwarded-For.
USE_X_FORWARDED_FOR = envbool("USE_X_FORWARDED_FOR", False)

# Two-factor sign-in (django-otp): the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = os.environ.get("SERVICE_NAME", "Super-complaint recommendations tracker")

def oidc_providers():
    """
    Read OIDC_PROVIDERS: a JSON list of OpenID Connect providers (single sign-on), each
    {"name", "label", "issuer", "client_id", "client_secret" (or "client_secret_env", the name of
    a variable holding it, read like every secret: NAME or NAME_FILE), "tenants":
    {tenant id: [organisation slugs] or "*"}, optional "tenant_claim" (default "tid", Entra ID's),
    "trust_email" (default false: the email claim counts only with email_verified true),
    "mfa_amr" and "mfa_acr" (the amr and acr values that mean a second factor was used)}.
    Empty: no single sign-on, the sign-in page offers passwords only. See docs/single-sign-on.md.
    """
    raw = os.environ.get("OIDC_PROVIDERS", "").strip()
    if not raw:
        return []
    try:
        providers = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {exc}") from None
    if not isinstance(providers, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of providers")
    names = set()
    for provider in providers:
        missing = {"name", "issuer", "client_id", "tenants"} - set(provider)
        if missing:
            raise ImproperlyConfigured(
                f"OIDC_PROVIDERS: a provider lacks {', '.join(sorted(missing))}"
            )
        if not str(provider["name"]).replace("-", "").isalnum() or provider["name"] in names:
            raise ImproperlyConfigured(
                f"OIDC_PROVIDERS: name {provider['name']!r} must be unique letters, digits, -"
            )
        names.add(provider["name"])
        if "client_secret_env" in provider:
            provider["client_secret"] = envsecret(provider.pop("client_secret_env"))
        if not provider.get("client_secret"):
            raise ImproperlyConfigured(f"OIDC_PROVIDERS: {provider['name']} has no client secret")
        if not isinstance(provider["tenants"], dict) or not provider["tenants"]:
            raise ImproperlyConfigured(
                f"OIDC_PROVIDERS: {provider['name']}'s tenants must map tenant ids to "
                "organisation slugs (or \"*\")"
            )
    return providers


# Single sign-on with organisations' identity providers (accounts/sso.py). Local sign-in
# (password and two-factor) stays for everyone whose organisation allows it.
OIDC_PROVIDERS = oidc_providers()
# Seconds of clock difference allowed when checking an ID token's times.
OIDC_CLOCK_LEEWAY = envint("OIDC_CLOCK_LEEWAY", 60)

# Where people ask for help (the help page, error pages). Shown to everyone.
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "")
# Accounts nobody signed in to for this many days are listed in the account review and
# deactivated by `manage.py deactivate_unused_accounts --apply`.
ACCOUNT_UNUSED_DAYS = envint("ACCOUNT_UNUSED_DAYS", 90)


LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` gathers the static files (production, STATIC_MANIFEST=True).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static" / "build"]
# Uploaded files (evidence) live in MEDIA_ROOT by default. Nothing serves that folder: there is
# no MEDIA_URL route, and every download goes through evidence.views, which checks who asks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")


def evidence_storage_settings():
    """
    Where evidence files are kept: the local media folder, or an S3-compatible bucket
    (django-storages) when EVIDENCE_S3_BUCKET is set, so app servers keep nothing on disk.
    """
    bucket = os.environ.get("EVIDENCE_S3_BUCKET")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # MEDIA_ROOT, read when used (tests point it at a temporary folder).
            "OPTIONS": {},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("EVIDENCE_S3_REGION") or None,
            # Empty: the SDK finds credentials itself (instance role, AWS_* variables).
            "access_key": os.environ.get("EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": envsecret("EVIDENCE_S3_SECRET_ACCESS_KEY"),
            # Private objects, never overwritten, read only through the app.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }


# Largest evidence file accepted, in MiB. Django's own request limit
# (DATA_UPLOAD_MAX_MEMORY_SIZE) counts the form's fields, not its files, so it lets such a file
# through; the upload view stops reading a larger one (evidence.uploads) and says so in the form.
EVIDENCE_MAX_FILE_MB = envint("EVIDENCE_MAX_FILE_MB", 20)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": evidence_storage_settings(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and `make run` serve straight from STATICFILES_DIRS without collectstatic.
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", True)

# Absolute limit of a sign-in (fixed at sign-in, never extended by activity) and the idle limit.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 30 * 60)
# How long browsers and shared caches may keep a public page (signed-in pages are never kept).
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", 300)
# How long the server keeps a rendered page, fragment or figure (core.caching). Every key holds
# the fingerprint of what it is drawn from, so a change shows at once: this only bounds what a
# cache keeps of pages nobody reads any more.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 300)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Behind a TLS-terminating load balancer in production.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG and envbool("HTTPS", False))
# Health checks and metrics are asked for over plain http by the platform (kubelet, the balancer's
# probe, a scraper) straight at the app server: answered, never redirected.
SECURE_REDIRECT_EXEMPT = [r"^-/"]
SESSION_COOKIE_SECURE = envbool("HTTPS", False)
CSRF_COOKIE_SECURE = envbool("HTTPS", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts, styles and images from this site only, no inline
# script, no framing, forms post only here. The Django admin needs nothing more (its scripts are
# files too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

SERVICE_NAME = os.environ.get("SERVICE_NAME", "Super-complaint recommendations tracker")

# The read-only open-data API (api/, Django REST framework). Signed-out callers read open data
# only; sessions (after two-factor when owed) and admin-issued tokens (django-rest-knox, hashed)
# read every published update. Rates: "N/second|minute|hour|day", per address when signed out,
# per user when signed in; counted in the default cache (a shared cache such as Redis when
# several app servers run).
API_ANONYMOUS_RATE = os.environ.get("API_ANONYMOUS_RATE", "60/minute")
API_SIGNED_IN_RATE = os.environ.get("API_SIGNED_IN_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: a refused token is answered 401 with `WWW-Authenticate: Token`.
        "api.authentication.TokenAuthentication",
        "api.authentication.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousThrottle",
        "api.throttling.SignedInThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Super-complaint recommendations: open-data API",
    "DESCRIPTION": (
        "Read-only. Signed-out callers get published, public, non-sensitive updates only; "
        "signed-in callers (session or `Authorization: Token ...`) every published update. "
        "Never drafts."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "SuperComplaintStatusEnum": "recommendations.models.SuperComplaint.Status",
        "ResponseStatusEnum": "responses.choices.Status",
        # An update's as_of_precision and a response's status_on_precision (issue 22).
        "DatePrecisionEnum": "responses.choices.DatePrecision",
    },
}
# API tokens are issued and revoked by admins; they last until revoked unless given an expiry.
REST_KNOX = {"TOKEN_TTL": None, "AUTO_REFRESH": False}

# Email: invitations and password resets. SMTP from the environment; printed to the console when
# DEBUG (nothing is sent from a laptop). Tests use Django's in-memory outbox.
# GOV.UK Notify instead of SMTP: set NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID (an email template
# whose subject is ((subject)) and body ((body))); every email then goes through Notify.
NOTIFY_API_KEY = envsecret("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "core.mail.NotifyEmailBackend"
    if NOTIFY_API_KEY
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach the service at: every absolute link (feeds, the API, emails) starts
# with it, never with a request's Host header (core/site.py; checked in tracker/checks.py).
SITE_URL = os.environ.get("SITE_URL") or "http://127.0.0.1:8000"
# Workflow emails (reminders/notifications.py): a refused send is tried again after
# NOTIFICATION_RETRY_SECONDS, doubled each time, and given up (listed for admins) after
# NOTIFICATION_MAX_ATTEMPTS; a worker holding a row longer than the lease is taken for dead.
NOTIFICATION_RETRY_SECONDS = envint("NOTIFICATION_RETRY_SECONDS", 60)
NOTIFICATION_MAX_ATTEMPTS = envint("NOTIFICATION_MAX_ATTEMPTS", 8)
NOTIFICATION_LEASE_SECONDS = envint("NOTIFICATION_LEASE_SECONDS", 300)
# How long an invitation link works; a password-reset link works for PASSWORD_RESET_TIMEOUT.
INVITATION_TIMEOUT_DAYS = envint("INVITATION_TIMEOUT_DAYS", 7)
# A published position older than this many months, not completed and not closed, is stale.
STALE_AFTER_MONTHS = envint("STALE_AFTER_MONTHS", 6)
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT_HOURS", 2) * 60 * 60
# Password-reset emails asked for within the window: per email address (the rest are answered
# as if sent, and not sent) and per network address (refused with a message).
PASSWORD_RESET_ACCOUNT_LIMIT = envint("PASSWORD_RESET_ACCOUNT_LIMIT", 3)
PASSWORD_RESET_ADDRESS_LIMIT = envint("PASSWORD_RESET_ADDRESS_LIMIT", 10)
PASSWORD_RESET_WINDOW_MINUTES = envint("PASSWORD_RESET_WINDOW_MINUTES", 60)

# Imports (imports/): the largest file an admin or approver may upload, in megabytes. A 5,000-row
# monitoring-portal export is about 15 MB.
IMPORT_MAX_UPLOAD_MB = envint("IMPORT_MAX_UPLOAD_MB", 20)
# The most rows (under the header) and columns an import reads; a larger file is refused with a
# message, whatever size it declares, so reading it is bounded in memory and time.
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 10_000)
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 50)
# An upload larger than this is checked and applied by the task worker, not in the request: the
# page shows its progress. Smaller ones (almost every export) are answered at once.
IMPORT_BACKGROUND_ABOVE_KB = envint("IMPORT_BACKGROUND_ABOVE_KB", 512)

# Background tasks (django-tasks, the backport of Django 6's tasks framework). "immediate" runs a
# task in the process that enqueues it, for one machine and development; "database" keeps it in a
# table, written in the same transaction as the change that asks for it, until a worker
# (`manage.py db_worker`) runs it: production.
TASK_BACKEND = envchoice("TASK_BACKEND", "immediate", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASK_BACKEND],
    }
}

# LOG_FORMAT=json: one JSON object per line (core.logging.JsonFormatter), for a log collector;
# "text" (the default) for a person at a terminal. Either way each line carries the request id.
LOG_FORMAT = envchoice("LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusals_on_one_line": {"()": "core.logging.RefusalsOnOneLine"},
        "request_id": {"()": "core.logging.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "loggers": {
        "django.request": {"filters": ["refusals_on_one_line"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# /-/metrics (Prometheus) answers only a scraper that sends `Authorization: Bearer <token>`;
# without a token it is not served at all (404). The load balancer never passes it on either.
METRICS_TOKEN = envsecret("METRICS_TOKEN", "")
