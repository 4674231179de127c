"""Settings for gongkai, read from GONGKAI_* environment variables with safe defaults.

Embedded by default (SQLite under var/, local-memory cache, files under var/media, the
database task queue); PostgreSQL, Redis and object storage are switched on by variables only.
"""

import os
import secrets
import socket
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"GONGKAI_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(f"GONGKAI_{name}")
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use GONGKAI_SECRET_KEY, else a key generated once into var/ (never committed)."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
# The demo (make run) is plain HTTP on 127.0.0.1 with known logins; everything else is strict.
DEMO = env_bool("DEMO", False)
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEMO)
SECURE_COOKIES = env_bool("SECURE_COOKIES", not (DEMO or DEBUG))

# The demo serves each site at its own name under .localhost (yingjiang.localhost,
# ouhai.localhost …, which browsers resolve to the loopback address: RFC 6761 6.3).
_DEMO_HOSTS = ",.localhost" if DEMO else ""
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver" + _DEMO_HOSTS)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "gongkai.core.adminsite.StaffAdminConfig",  # django.contrib.admin behind staff login + 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "gongkai.core.apps_thirdparty.OTPConfig",
    "gongkai.core.apps_thirdparty.OTPTOTPConfig",
    "gongkai.core.apps_thirdparty.OTPStaticConfig",
    "treebeard",
    "ninja",
    "django_tasks",
    "gongkai.core.apps_thirdparty.TasksDBConfig",
    "gongkai.core",
    "gongkai.portal",
    "gongkai.catalogue",
    "gongkai.foi",
    "gongkai.records",
    "gongkai.search",
    "gongkai.guides",
    "gongkai.participation",
    "gongkai.oversight",
    "gongkai.legacy",
]

MIDDLEWARE = [
    # --- Faults (issue 16): a database that is down answers 503 with Retry-After.
    "gongkai.core.faults.FaultsMiddleware",
    # --- end faults
    "django.middleware.security.SecurityMiddleware",
    # --- schema (issue 16): a NUL in the address or a JSON body is a 400, not a PostgreSQL 500.
    "gongkai.core.nulbytes.NulBytesMiddleware",
    # --- end schema
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "gongkai.portal.caching.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.core.sites.CurrentSiteMiddleware",
    "gongkai.legacy.middleware.LegacyRedirectMiddleware",
    "gongkai.core.audit.AuditRequestMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gongkai.core.context_processors.site_context",
            ],
        },
    }
]

_sqlite_path = VAR_DIR / "gongkai.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{_sqlite_path}"), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 600  # one connection per worker; the PRAGMAs run once
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the worker writes; IMMEDIATE avoids
        # "database is locked" on upgrade from read to write transactions.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
# --- Read replica (issue 16): a dead PostgreSQL fails fast instead of hanging the worker; with
# GONGKAI_REPLICA_URL, anonymous public reads go to the streaming replica (core/dbrouter.py,
# docs/deploy.md) and fall back to the primary when it is down.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
if env("REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("REPLICA_URL"), conn_max_age=60, conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["gongkai.core.dbrouter.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
        "gongkai.core.dbrouter.ReplicaRoutingMiddleware",
    )
# --- end read replica
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (issue 10): one cache shared by every worker and process, so rate-limit counters,
# the site-host map and the worker heartbeat mean the same thing everywhere. Redis when
# configured, else the database (table `gongkai_cache`, created by core's migration 0004).
if env("REDIS_URL"):
    CACHES = {
        "default": {
            # --- Faults (issue 16): Redis down means cache misses (and rate limits refusing),
            # not a down site; half a second before it counts as down.
            "BACKEND": "gongkai.core.cache.FailSoftRedisCache",
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            # --- end faults
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "gongkai.core.cache.SharedDatabaseCache",
            "LOCATION": "gongkai_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
RATELIMIT_USE_CACHE = "default"
# --- Faults (issue 16): a cache that cannot count refuses the request (429), never waves it on.
RATELIMIT_FAIL_OPEN = False
# --- end faults
# --- end cache

TASK_BACKEND = env("TASK_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[TASK_BACKEND],
        "QUEUES": ["default"],
    }
}
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_tasks_rq")
    # issue 16 (scaled): django_tasks_rq needs django_rq for its `rqworker` command.
    if "django_rq" not in INSTALLED_APPS:
        INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env("REDIS_URL", "redis://127.0.0.1:6379/0")}}

# --- sendonce (issue 16): a database task still 运行中 after this long had its worker die and
# is queued again (core.tasks.requeue_abandoned, a core job every minute).
TASK_LEASE = timedelta(seconds=int(env("TASK_LEASE_SECONDS", "900")))
# --- end sendonce

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "gongkai.core.lockout.LoginThrottleBackend",  # refuses while locked (core/lockout.py)
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "portal:home"

# --- Login lockout and client addresses (issue 10; rules in core/lockout.py, SECURITY.md).
# Per account: LOGIN_FAILURE_LIMIT free failures, then 1, 2, 4 … minutes between attempts, and
# from LOGIN_LOCK_AFTER failures a lock of LOGIN_COOLOFF_MINUTES after the last one. Per
# address: LOGIN_ADDRESS_LIMIT failures an hour. Browsers that completed a login before are
# exempt (trusted-device cookie) so an attacker cannot lock the owner out.
LOGIN_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCK_AFTER = int(env("LOGIN_LOCK_AFTER", "10"))
LOGIN_COOLOFF_MINUTES = int(env("LOGIN_COOLOFF_MINUTES", "30"))
LOGIN_ADDRESS_LIMIT = int(env("LOGIN_ADDRESS_LIMIT", "30"))
# Forwarding headers (X-Forwarded-For, X-Real-IP, X-Forwarded-Proto) are believed only when
# BEHIND_PROXY is on and the request comes from one of TRUSTED_PROXIES (core/clientip.py).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1/32,::1/128")
RATELIMIT_IP_META_KEY = "gongkai.core.clientip.client_ip_or_unknown"

OTP_TOTP_ISSUER = "gongkai 政务公开平台"
# The admin never shows an authenticator's secret or QR code: that would hand over the factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# --- end lockout

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    # --- Faults (issue 16): a full disk leaves no partial file and gives a Chinese message.
    "default": {"BACKEND": "gongkai.core.uploads.CleanFileSystemStorage"},
    # --- end faults
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if env("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security by default.
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"  # nothing of gongkai is shown in a frame, not even its own
# --- HTTPS (issue 10): production (not demo, not debug) is HTTPS only. Behind the proxy that
# terminates TLS, X-Forwarded-Proto tells Django the request was https (nginx.conf sets it and
# the app server listens on loopback only); /healthz stays reachable over plain HTTP for probes.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", SECURE_COOKIES and not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if SECURE_COOKIES and not DEBUG:
    SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", str(365 * 86400)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list binds every subdomain of the government's domain
        # for years; that is the domain owner's decision (GONGKAI_HSTS_PRELOAD=1), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# --- end HTTPS
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
RATELIMIT_VIEW = "gongkai.core.views.rate_limited"
# SMS gateway (gongkai.core.sms): a dotted path to a callable(phone, text). The demo prints
# messages (verification codes too) in its terminal; production needs the county's gateway,
# without one nothing is sent (logged only) and sign-in by phone is not offered.
SMS_SENDER = env("SMS_SENDER", "gongkai.core.sms.console_sender" if DEMO else "")
# The older name, used when SMS_SENDER is empty.
FOI_SMS_SENDER = env("FOI_SMS_SENDER", "")

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "gongkai@localhost")

# Anonymous public pages are kept rendered in the cache this long (0 = render every time);
# any publish on the site changes their key at once (gongkai.portal.caching).
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300"))

# Part of public page ETags: a new release invalidates every cached page.
RELEASE = env("RELEASE", "0.1.0")

# `gongkai bench` serves a minimal view as the floor its page figures are compared with.
BENCH_VIEWS = env_bool("BENCH_VIEWS", False)

DEFAULT_SITE_SLUG = env("DEFAULT_SITE", "yingjiang")

# Full-text search: "fts5" (SQLite, embedded default) or "tantivy" (large sites, PostgreSQL).
SEARCH_BACKEND = env(
    "SEARCH_BACKEND", "fts5" if DATABASES["default"]["ENGINE"].endswith("sqlite3") else "tantivy"
)
SEARCH_PATH = Path(env("SEARCH_PATH", str(VAR_DIR / "search")))

# --- Search outbox (issue 16): each app node keeps its own tantivy index fed from the
# search.IndexChange table (`gongkai search follow`), instead of indexing in the web process.
SEARCH_OUTBOX = env_bool("SEARCH_OUTBOX", False)
SEARCH_NODE = env("SEARCH_NODE", "") or socket.gethostname()
# --- end search outbox

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# A failed CSRF check shows the Chinese 403 page in the site layout (issue 11).
CSRF_FAILURE_VIEW = "gongkai.core.views.csrf_failure"
