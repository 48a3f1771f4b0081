"""Django settings for Tiaki, read from environment variables.

Development defaults are safe to run on a laptop (SQLite in ``var/``, console email, demo
mode on). ``TIAKI_ENV=production`` turns the defaults strict and refuses to start with a
development secret key or with demo mode (demo logins may skip two-factor authentication).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from tiaki.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TIAKI_VAR_DIR", str(BASE_DIR / "var")))

TIAKI_ENV = env_str("TIAKI_ENV", "development")
if TIAKI_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"TIAKI_ENV={TIAKI_ENV!r}: use development, test or production")
PRODUCTION = TIAKI_ENV == "production"

DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
# Keys the audit trail's row MACs and seals and signs its checkpoints (tiaki.audit.keys). Held
# outside the database so that someone who can write to it cannot rewrite the trail unseen.
DEV_AUDIT_KEY = "dev-only-audit-key-never-use-in-production"
TIAKI_AUDIT_KEY = env_str("TIAKI_AUDIT_KEY", "" if PRODUCTION else DEV_AUDIT_KEY)
# Demo mode: banner on every page, demo logins may skip the second factor.
TIAKI_DEMO = env_bool("TIAKI_DEMO", not PRODUCTION)
# Debug pages list every URL pattern and settings: never on where people try the product.
DEBUG = env_bool("DEBUG", False)
if DEBUG and TIAKI_DEMO:
    raise ImproperlyConfigured("DEBUG cannot be on in demo mode (set TIAKI_DEMO=false)")

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("production needs SECRET_KEY: at least 40 random characters")
    if TIAKI_DEMO:
        raise ImproperlyConfigured("TIAKI_DEMO cannot be on in production")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG cannot be on in production")
    if not env_str("TIAKI_FIELD_KEYS").strip():
        # Identifying details are encrypted with keys kept outside the database.
        raise ImproperlyConfigured(
            "production needs TIAKI_FIELD_KEYS: comma-separated Fernet keys, newest first "
            "(see tiaki.core.crypto)"
        )
    if len(TIAKI_AUDIT_KEY) < 32 or TIAKI_AUDIT_KEY == DEV_AUDIT_KEY:
        raise ImproperlyConfigured(
            "production needs TIAKI_AUDIT_KEY: at least 32 random characters, kept outside "
            "the database (it keys the audit trail; see tiaki.audit.keys)"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "tiaki.core",
    "tiaki.accounts",
    "tiaki.audit",
    "tiaki.plan",
    "tiaki.intake",
    "tiaki.cases",
    "tiaki.screening",
    "tiaki.investigations",
    "tiaki.administration",
    "tiaki.scheduling",
    "tiaki.retention",
    "tiaki.intelligence",
    "tiaki.privacy",
    "tiaki.translations",
    "tiaki.demo",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it (tiaki.core.limits).
    "tiaki.core.limits.RequestSizeLimitMiddleware",
    # Policy answers read once per request (tiaki.core.memo).
    "tiaki.core.memo.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Django's SessionMiddleware, renewing an unchanged session once a minute rather than
    # writing it on every request (tiaki.core.sessions).
    "tiaki.core.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tiaki.accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tiaki.urls"
WSGI_APPLICATION = "tiaki.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tiaki" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tiaki.core.context.platform",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tiaki.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL + IMMEDIATE lets the web process and the task worker share the file safely.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
        "TIAKI_PG_JIT", False):
    # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost; the
    # measures page's services count (about 8,500 cases a year) is estimated far above it
    # and spent 14 ms compiling to run in 12: 41-99 ms with JIT, 12-15 ms without (EXPLAIN
    # ANALYZE at 100,000 cases). Every query here is a short one (docs/decisions/0022).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, plus an audited INSERT that travels with the COMMIT (docs/decisions/0024).
    DATABASES["default"]["ENGINE"] = "tiaki.core.db.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and proof-of-work replay checks live in the cache. One process needs nothing
# more; several web processes share Redis (REDIS_URL=redis://127.0.0.1:6379/0).
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in through an agency's OpenID Connect provider (tiaki.accounts.oidc).
    "tiaki.accounts.oidc.AgencyOIDCBackend",
]
# The agencies' identity providers: a tiaki.oidc/1 YAML file (none when unset).
TIAKI_OIDC_PROVIDERS = env_str("TIAKI_OIDC_PROVIDERS", "")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (tiaki.accounts.throttle): after this many failures each further one makes
# the account and the client wait, doubling from the delay up to the cap. Nobody is locked out:
# a right password gets in once the window has passed. Failures are forgotten after a while.
TIAKI_SIGNIN_FREE_FAILURES = env_int("TIAKI_SIGNIN_FREE_FAILURES", 5)
TIAKI_SIGNIN_DELAY_SECONDS = env_int("TIAKI_SIGNIN_DELAY_SECONDS", 30)
TIAKI_SIGNIN_MAX_DELAY_SECONDS = env_int("TIAKI_SIGNIN_MAX_DELAY_SECONDS", 15 * 60)
TIAKI_SIGNIN_FORGET_HOURS = env_int("TIAKI_SIGNIN_FORGET_HOURS", 24)
# An administrator's enrolment code for an authenticator app expires after this many hours.
TIAKI_ENROLMENT_CODE_HOURS = env_int("TIAKI_ENROLMENT_CODE_HOURS", 72)
# A browser where someone signed in is exempt from their account-wide window for this long.
TIAKI_SIGNIN_DEVICE_DAYS = env_int("TIAKI_SIGNIN_DEVICE_DAYS", 90)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Tiaki")

# Idle expiry: the session dies after this idle time. It is renewed at most once every
# TIAKI_SESSION_RENEW_SECONDS (tiaki.core.sessions), not written on every request, so it ends
# between IDLE - RENEW and IDLE after the last request.
SESSION_COOKIE_AGE = env_int("TIAKI_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
TIAKI_SESSION_RENEW_SECONDS = env_int("TIAKI_SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# No cookie outlives the browser session (Django's CSRF cookie lasts a year by default): a
# reporter on a shared or watched device must not leave a trace that they used the portal.
CSRF_COOKIE_AGE = None
LANGUAGE_COOKIE_AGE = None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TIAKI_BEHIND_PROXY", False) else None
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "en"
# The staff interface's languages (gettext catalogues in tiaki/locale/). Te reo Māori is an
# official language of New Zealand (Māori Language Act 1987); its catalogue is marked
# unreviewed until a fluent reviewer signs it off (TIAKI_STAFF_UNREVIEWED below). The public
# portal chooses its languages separately, as data (tiaki/intake/i18n.py).
LANGUAGES = [("en", "English"), ("mi", "Te reo Māori")]
# Django ships no language information for te reo Māori; without it the language switch
# cannot name the language in itself.
LANG_INFO.setdefault("mi", {"bidi": False, "code": "mi", "name": "Maori",
                           "name_local": "Te reo Māori"})
LOCALE_PATHS = [BASE_DIR / "tiaki" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Pacific/Auckland")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded evidence is served only through permission-checked views, never as /media/.
TIAKI_MAX_UPLOAD_BYTES = env_int("TIAKI_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Safe statistics (tiaki.plan.statistics): the smallest cell an aggregate table publishes,
# and k for the record-level research file (CTDC publishes with k = 11).
TIAKI_STATS_MIN_CELL = env_int("TIAKI_STATS_MIN_CELL", 3)
TIAKI_STATS_K = env_int("TIAKI_STATS_K", 11)
# Published counts are rounded to this base (1 turns rounding off), the same way in every
# release, keyed by TIAKI_STATS_KEY (derived from SECRET_KEY when unset; keep it stable, or
# releases made before and after a change can be differenced).
TIAKI_STATS_ROUNDING_BASE = env_int("TIAKI_STATS_ROUNDING_BASE", 3)
TIAKI_STATS_KEY = env_str("TIAKI_STATS_KEY", "")
# The free information line printed on victims' information pages and pamphlets (item 27).
TIAKI_VICTIMS_INFO_LINE = env_str("TIAKI_VICTIMS_INFO_LINE", "0800 650 654")
DATA_UPLOAD_MAX_MEMORY_SIZE = TIAKI_MAX_UPLOAD_BYTES + 1024 * 1024
# The largest request body accepted outside the public portal (which has its own, from its
# attachment limits): refused with 413 from Content-Length, before the body is read.
TIAKI_MAX_REQUEST_BYTES = env_int("TIAKI_MAX_REQUEST_BYTES",
                                  TIAKI_MAX_UPLOAD_BYTES + 1024 * 1024)
# Uploads stay in memory up to 2.5 MB, then spool to a temporary file; the capped handler
# stops one that passes the request cap as it streams in.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "tiaki.core.limits.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

TASKS = {
    "default": {
        # Tests run tasks inline; everything else queues them for `tiaki worker`.
        "BACKEND": env_str(
            "TIAKI_TASK_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend"
            if TIAKI_ENV == "test"
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tiaki@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines can carry addresses and agents; Tiaki keeps no network identifiers.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Public reporting portal (tiaki.intake). The receipt key indexes receipt codes; it defaults
# to one derived from SECRET_KEY, and rotating it makes existing receipts unfindable.
TIAKI_RECEIPT_KEY = env_str("TIAKI_RECEIPT_KEY", "")
TIAKI_POW_BITS = env_int("TIAKI_POW_BITS", 16)
TIAKI_POW_WAIT_SECONDS = env_int("TIAKI_POW_WAIT_SECONDS", 20)
TIAKI_POW_WAIT_PATH_PER_MINUTE = env_int("TIAKI_POW_WAIT_PATH_PER_MINUTE", 20)
TIAKI_RECEIPT_FAILURES_PER_MINUTE = env_int("TIAKI_RECEIPT_FAILURES_PER_MINUTE", 60)
TIAKI_REPORTER_MESSAGES_PER_HOUR = env_int("TIAKI_REPORTER_MESSAGES_PER_HOUR", 6)
TIAKI_REPORT_MAX_ATTACHMENTS = env_int("TIAKI_REPORT_MAX_ATTACHMENTS", 3)
TIAKI_REPORT_MAX_ATTACHMENT_BYTES = env_int("TIAKI_REPORT_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024)
# Days a closed public report is kept. 0 (the default) follows the retention schedule
# (data/legal/nz/retention.yaml, class public_reports); a number overrides it.
TIAKI_REPORT_RETENTION_DAYS = env_int("TIAKI_REPORT_RETENTION_DAYS", 0)
# Records disposed of per transaction (and per audit row) by a retention run.
TIAKI_RETENTION_BATCH = env_int("TIAKI_RETENTION_BATCH", 200)

TIAKI_DATA_DIR = BASE_DIR / "data"
TIAKI_PLANS_DIR = BASE_DIR / "plans"

# Error reports (tiaki.core.error_reporting): only when a DSN is set, scrubbed of personal data.
TIAKI_ERROR_DSN = env_str("TIAKI_ERROR_DSN", "")
TIAKI_ERROR_ENVIRONMENT = env_str("TIAKI_ERROR_ENVIRONMENT", TIAKI_ENV)
if TIAKI_ERROR_DSN:
    from tiaki.core.error_reporting import error_reporting_init

    error_reporting_init(dsn=TIAKI_ERROR_DSN, environment=TIAKI_ERROR_ENVIRONMENT,
                         release=env_str("TIAKI_RELEASE", ""))
