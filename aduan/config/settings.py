"""Aduan settings, read from the environment.

With nothing set Aduan runs on a SQLite file in ``ADUAN_DATA_DIR`` (``./data``). In production
mode (``DEBUG`` off, the default) it refuses to start without ``SECRET_KEY``.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
DATA_DIR = Path(os.environ.get("ADUAN_DATA_DIR") or Path.cwd() / "data").resolve()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string, "
            "or set DEBUG=true for a local development server."
        )
    # Development only: a fixed key keeps sessions valid across restarts.
    SECRET_KEY = "aduan-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin; the apps' admin modules load when it is first used (not in the pipe).
    "aduan.web.adminapp.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    "aduan.core",
    "aduan.web",
    "aduan.runners",
    "aduan.audit",
    "aduan.organisation",
    "aduan.accounts",
    "aduan.customers",
    "aduan.tickets",
    "aduan.sla",
    "aduan.notifications",
    "aduan.care",
    "aduan.api",
    "aduan.demo",
    "aduan.channels.email",
    "aduan.channels.webhooks",
    "aduan.console",
    "aduan.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's language and the organisation's time zone (after auth).
    "aduan.web.middleware.PreferencesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aduan.web.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aduan.config.urls"
WSGI_APPLICATION = "aduan.config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "aduan.web.context_processors.ui",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        config: dict[str, object] = dict(
            dj_database_url.parse(
                url, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
            )
        )
        if config["ENGINE"] == "django.db.backends.postgresql":
            # Django's, with a health check that costs no round trip (aduan/core/postgresql).
            config["ENGINE"] = "aduan.core.postgresql"
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = _SQLITE_OPTIONS
        elif config["ENGINE"] == "aduan.core.postgresql" and env_bool(
            "DATABASE_PREPARED_STATEMENTS", True
        ):
            # The server binds the parameters, and a statement run five times on a connection
            # is prepared: PostgreSQL then stops parsing (and mostly planning) the same
            # queries again and again (docs/performance.md). Set
            # DATABASE_PREPARED_STATEMENTS=false behind a pooler that cannot keep prepared
            # statements (PgBouncer before 1.21, or without max_prepared_statements).
            options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 5)
            config["OPTIONS"] = options
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "aduan.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
    }


# WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at the
# start of a transaction so two writers queue instead of failing with "database is locked".
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = {"default": _database()}
if DATABASES["default"]["ENGINE"] != "aduan.core.postgresql":
    # Its app loads psycopg; nothing in it works on SQLite (full-text search checks the vendor).
    INSTALLED_APPS.remove("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a login while the username is locked out from that address.
# Its subclass lets the API token endpoint (which has no HTML form) through unchanged.
AUTHENTICATION_BACKENDS = [
    "aduan.web.auth.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login rate limiting (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair waits AXES_COOLOFF_MINUTES; a good login resets the count.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aduan.web.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "aduan.web.auth.client_ip"
AXES_VERBOSE = False
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Mail (portal sign-up verification): printed to the console in development.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "aduan@localhost")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")
MEDIA_URL = "/media/"
# The web UI's CSS and scripts ship inside the package; whitenoise serves them straight from
# the apps' static folders, so `aduan serve` needs no collectstatic step (files found in
# STATIC_ROOT, if someone collected them, still win).
WHITENOISE_USE_FINDERS = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: the limits every attachment is checked against (see tickets/attachments.py).
ADUAN_MAX_ATTACHMENT_BYTES = env_int("ADUAN_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# API tokens live this long after their last use.
ADUAN_TOKEN_TTL_DAYS = env_int("ADUAN_TOKEN_TTL_DAYS", 30)
# The console's queues and inbox ask for changes this often (htmx polling; docs/ui.md).
ADUAN_POLL_SECONDS = env_int("ADUAN_POLL_SECONDS", 20)

# Background work: Celery on Redis or RabbitMQ (docs/sla.md). Without CELERY_BROKER_URL Aduan
# runs embedded: tasks run in the process that queues them (after its transaction commits),
# and `aduan serve` runs the periodic sweeps itself, so one machine needs no extra server.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
ADUAN_EMBEDDED_TASKS = not CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = ADUAN_EMBEDDED_TASKS
# An embedded task that fails must not fail the web request that queued it; it is logged,
# and the periodic sweep picks its work up again.
CELERY_TASK_EAGER_PROPAGATES = False
# A job is acknowledged only when done: a worker killed mid-job leaves it to another one
# (at once if a pool process dies, after the visibility timeout if the whole worker does).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "aduan")
_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    # Redis: how often a worker looks for a dead worker's jobs past the timeout. Kombu's
    # default looks every 100 s (10 s, scanning every 10th time); one small scan every
    # tenth of the timeout (1-10 s) hands the job on soon after the timeout.
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# How often the sweeps run: due times, escalations, overdue promises, webhook retries.
ADUAN_SWEEP_SECONDS = env_int("ADUAN_SWEEP_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    name: {
        "task": task,
        "schedule": float(ADUAN_SWEEP_SECONDS),
        # Missed runs (every worker down for an hour) do not pile up: one sweep catches up.
        "options": {"expires": float(ADUAN_SWEEP_SECONDS)},
    }
    for name, task in (
        ("sla-sweep", "aduan.sla.sweep"),
        ("promise-sweep", "aduan.care.sweep_promises"),
        ("webhook-retry", "aduan.care.retry_webhooks"),
        # Poll the IMAP mailboxes, process interrupted mail, send mail and replies now due.
        ("channels-sweep", "aduan.channels.sweep"),
    )
}
# Tickets one sweep job takes at most; a full batch queues the next job at once, so several
# workers share a backlog.
ADUAN_SWEEP_BATCH = env_int("ADUAN_SWEEP_BATCH", 500)
# Seconds an outbound webhook may take to answer.
ADUAN_WEBHOOK_TIMEOUT = env_int("ADUAN_WEBHOOK_TIMEOUT", 10)

SESSION_COOKIE_SECURE = not DEBUG and env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per login otherwise; lockouts are still logged (as warnings).
        "axes": {"level": "WARNING"},
    },
}

# --- Mail and the other channels (aduan/channels, docs/email.md) -----------------------------
# SMTP for outbound mail is Django's EMAIL_* above, plus these two.
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Message-IDs of mail Aduan sends end in "@" this domain (default: DEFAULT_FROM_EMAIL's).
ADUAN_MAIL_DOMAIN = os.environ.get("ADUAN_MAIL_DOMAIN", "")
# Larger inbound messages are refused with a bounce reason (a 20 MiB file is ~27 MiB encoded).
ADUAN_MAIL_MAX_BYTES = env_int("ADUAN_MAIL_MAX_BYTES", 40 * 1024 * 1024)
# At most this many system mails to one recipient about one ticket in the window: two
# autoresponders answering each other stop here.
ADUAN_MAIL_CAP = env_int("ADUAN_MAIL_CAP", 10)
ADUAN_MAIL_CAP_MINUTES = env_int("ADUAN_MAIL_CAP_MINUTES", 10)
# A sender with more messages than this in the window is held (stored, not processed).
ADUAN_MAIL_FLOOD_LIMIT = env_int("ADUAN_MAIL_FLOOD_LIMIT", 30)
ADUAN_MAIL_FLOOD_MINUTES = env_int("ADUAN_MAIL_FLOOD_MINUTES", 10)
# Mail carrying any of these headers opens a ticket but gets no acknowledgement: the headers
# other tools (issue trackers, CI, monitoring) put on their notifications, which often lack
# RFC 3834's Auto-Submitted. Comma-separated names, case-insensitive; "X-GitLab-*" is a prefix.
ADUAN_MAIL_NO_REPLY_HEADERS = env_list(
    "ADUAN_MAIL_NO_REPLY_HEADERS",
    [
        "X-JIRA-FingerPrint",
        "X-GitHub-*",
        "X-GitLab-*",
        "X-Gitea-*",
        "X-Redmine-*",
        "X-Bugzilla-*",
        "X-Trac-*",
        "X-Phabricator-*",
        "X-Gerrit-*",
        "X-Launchpad-*",
        "X-Jenkins-*",
        "X-Zabbix-*",
        "X-RT-Loop-Prevention",
        "RT-Ticket",
    ],
)
# A customer's message on a closed ticket reopens it (true) or opens a linked follow-up.
ADUAN_REOPEN_CLOSED_ON_REPLY = env_bool("ADUAN_REOPEN_CLOSED_ON_REPLY", False)
# Sending attempts (mail and every webhook) before a delivery is marked failed, and the
# seconds to wait before each next attempt (the last figure repeats): aduan/channels/outbox.py.
ADUAN_DELIVERY_ATTEMPTS = env_int("ADUAN_DELIVERY_ATTEMPTS", 6)
try:
    ADUAN_DELIVERY_BACKOFF = [
        int(item) for item in env_list("ADUAN_DELIVERY_BACKOFF", ["60", "300", "900", "3600"])
    ]
except ValueError as exc:
    raise ImproperlyConfigured(
        "ADUAN_DELIVERY_BACKOFF must be seconds separated by commas, e.g. 60,300,900,3600"
    ) from exc
if ADUAN_DELIVERY_ATTEMPTS < 1 or any(seconds < 1 for seconds in ADUAN_DELIVERY_BACKOFF):
    raise ImproperlyConfigured(
        "ADUAN_DELIVERY_ATTEMPTS and ADUAN_DELIVERY_BACKOFF must be positive"
    )
# How queued mail and webhook posts go out: "celery" (the default: a Celery job after commit,
# run in the same process when Aduan runs embedded without a broker), "inline" (in the process
# that queued it, without Celery) or "worker" (left for the sweep: `aduan mail-worker`).
ADUAN_DELIVERY = os.environ.get("ADUAN_DELIVERY", "")
if ADUAN_DELIVERY not in ("", "celery", "inline", "worker"):
    raise ImproperlyConfigured(
        f"ADUAN_DELIVERY must be celery, inline or worker, got {ADUAN_DELIVERY!r}"
    )
# IMAP mailboxes besides those configured in the database, comma-separated URLs:
# imaps://user:password@imap.example.org:993/INBOX (imap+starttls://, imap:// for tests).
ADUAN_IMAP_MAILBOXES = env_list("ADUAN_IMAP_MAILBOXES", [])
ADUAN_IMAP_POLL_SECONDS = env_int("ADUAN_IMAP_POLL_SECONDS", 60)
