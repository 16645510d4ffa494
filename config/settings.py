"""Settings, read from the environment (django-environ).

Nothing set: SQLite in the project folder, Celery tasks run inline, e-mail to the
console, DEBUG on. ``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis as
Celery broker and cache. ``DJANGO_ENV=production`` refuses to start without a real
``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every transport-security setting.
"""

import importlib.util
import ipaddress
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

# --- Core -------------------------------------------------------------------------

if PRODUCTION:
    # env.str() without a default raises ImproperlyConfigured when the variable is unset.
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be a random string of 50 characters or more.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts that serve the product.")
    DEBUG = False
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-local-development-only-never-in-production"
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DEBUG", default=True)

INSTALLED_APPS = [
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "web",
    "accounts",
    "conventions",
    "tracker",
]
# The benchmark lab (bench/, its management commands) where the checkout carries it; the
# distribution does not package it.
if importlib.util.find_spec("bench") is not None:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # First: times every request, and gives it the id its log lines and tasks carry.
    "web.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a logged-in user's stored language beats cookie and browser.
    "accounts.language.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must come last: it turns lockouts raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the lock instead of failing when the dev server and a task write at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    # Keep each worker's connection between requests: opening one costs PostgreSQL a new
    # backend process with cold catalog caches (a cost on every page otherwise). The
    # health check replaces a connection the server closed since the last request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Signed documents and uploaded files live outside the web root; views serve them after
# checking that the user may see the object they belong to. Every file goes through
# Django's storage API: local disk by default, or (FILE_STORAGE=s3) a private bucket of
# an S3-compatible object store that every web server and worker reads, so a worker on
# another host reads what a web server received. Nothing is ever given a public URL.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
if FILE_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("FILE_STORAGE must be 'local' or 's3'.")
if FILE_STORAGE == "s3":
    DEFAULT_FILE_STORAGE_CONFIG: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            # Empty: boto3's own chain (instance role, AWS_* variables, ~/.aws).
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            # Private: objects get no ACL of their own (the bucket's, which must block
            # public access), never a public URL, and two uploads never share a name.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="") or None,
        },
    }
else:
    DEFAULT_FILE_STORAGE_CONFIG = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }
STORAGES = {
    "default": DEFAULT_FILE_STORAGE_CONFIG,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production, serve straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Users and authentication ---------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's partner organisation with the user.
    "accounts.auth_backends.PartnerAwareModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Twelve characters at least (ANSSI's and NIST's advice for passwords alone).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The proxies (addresses or networks) whose X-Forwarded-For header is believed: the client
# address of a request from one of them is read from that header (web/client_address.py).
# Requests from anywhere else are taken at their own address, whatever header they carry.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from None

# Login rate limiting: after AXES_FAILURE_LIMIT wrong passwords for one username from one
# client address, that username is locked for that address only, for AXES_COOLOFF_TIME
# hours, and the lockout page says so (a stranger elsewhere cannot lock anyone out; the
# user can also recover by the password-reset e-mail, which lifts the lock).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "web.client_address.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Security ---------------------------------------------------------------------

# With Redis (shared by every worker), sessions are read from the cache and written
# through to the database: a page costs no session query. Without it, each process's
# local cache would keep a session alive there after a logout elsewhere: database only.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_HTTPONLY = True
# An expired form explained in the layout and the language, not Django's English page.
CSRF_FAILURE_VIEW = "web.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    # Load balancers probe the health URLs over plain HTTP, behind the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Everything the pages need is served from this host: no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation ---------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("ar", _("العربية")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Separators and date formats per language (web/formats/<lang>/formats.py), read by
# web.formatting and Django's own date/floatformat/intcomma filters.
FORMAT_MODULE_PATH = ["web.formats"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

# --- E-mail -----------------------------------------------------------------------

if env.str("EMAIL_URL", default="") or PRODUCTION:
    # smtp://user:password@host:587 (django-environ), e.g. EMAIL_URL=smtp+tls://...
    EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
    vars().update(EMAIL_CONFIG)
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@offshoring.gov.ma")
# Invitations (accounts app): the link is valid this long; a notification e-mail refused
# by the SMTP server is tried again after this many seconds, doubled at each attempt.
INVITATION_TTL_HOURS = env.int("INVITATION_TTL_HOURS", default=72)
NOTIFICATION_EMAIL_RETRY_SECONDS = env.float("NOTIFICATION_EMAIL_RETRY_SECONDS", default=30)
# Password reset: the link in the e-mail is valid this long (seconds); requests are limited
# per client address and per e-mail address within PASSWORD_RESET_RATE_WINDOW seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)
PASSWORD_RESET_RATE_PER_ADDRESS = env.int("PASSWORD_RESET_RATE_PER_ADDRESS", default=10)
PASSWORD_RESET_RATE_PER_EMAIL = env.int("PASSWORD_RESET_RATE_PER_EMAIL", default=3)
PASSWORD_RESET_RATE_WINDOW = env.int("PASSWORD_RESET_RATE_WINDOW", default=60 * 60)

# --- Celery -----------------------------------------------------------------------

# (memory://localhost: the eager path opens a producer; without a host kombu warns.)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL) or "memory://localhost/"
# No broker configured: run every task inline, through the same code path.
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or env.str("CELERY_BROKER_URL", default=""))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task lost with its worker is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A message whose worker died unacknowledged is delivered again after this many seconds:
# longer than the longest task (the nightly full rollup takes seconds).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
# Separate queues, so that a million-row import never delays a rollup or an e-mail: each
# has its own workers (README, "With PostgreSQL, Redis, a worker and beat"). Routed by
# task name (first matching pattern wins): a new task lands on its queue by its name alone.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUE_NAMES = ("default", "imports", "figures", "email")
CELERY_TASK_ROUTES = {
    "tracker.import_*": {"queue": "imports"},
    "tracker.rollup_*": {"queue": "figures"},
    "tracker.figures_*": {"queue": "figures"},
    "tracker.operator_consistency": {"queue": "figures"},  # the nightly rollup's precheck
    "tracker.*alert*": {"queue": "email"},
    "tracker.*email*": {"queue": "email"},
    "tracker.*mail*": {"queue": "email"},
    "tracker.*notif*": {"queue": "email"},
    "accounts.*email*": {"queue": "email"},
}
# One beat sends the schedule, however many are started (config/beat.py): it holds a
# lock in Redis, renewed at every tick, and writes its own heartbeat.
CELERY_BEAT_SCHEDULER = "config.beat:SingleBeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 30
BEAT_LOCK_TTL_SECONDS = env.int("BEAT_LOCK_TTL_SECONDS", default=90)
BEAT_HEARTBEAT_SECONDS = 60
# /readyz and the admin home call a worker or beat silent after this long (3 heartbeats).
HEARTBEAT_STALE_AFTER_SECONDS = env.int("HEARTBEAT_STALE_AFTER_SECONDS", default=900)
# /readyz waits this long for the broker before calling it unreachable.
READYZ_TIMEOUT_SECONDS = env.float("READYZ_TIMEOUT_SECONDS", default=2.0)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # One heartbeat per queue: each proves that some worker consumes that queue.
    **{
        f"heartbeat-{queue}": {
            "task": "tracker.heartbeat",
            "schedule": 300.0,
            "options": {"queue": queue},
        }
        for queue in CELERY_TASK_QUEUE_NAMES
    },
    # The figures' change log swept: what a lost broker message left uncounted.
    "rollup-sweep": {
        "task": "tracker.rollup_sweep",
        "schedule": env.float("ROLLUP_SWEEP_INTERVAL_SECONDS", default=60.0),
        # The age travels with the message: every worker sweeps what beat asks.
        "kwargs": {"older_than_seconds": env.float("ROLLUP_SWEEP_AGE_SECONDS", default=60.0)},
    },
    # The match of hires against CNSS declarations rebuilt when its rows moved.
    "verification-sweep": {
        "task": "tracker.figures_verification_sweep",
        "schedule": 60.0,
        "kwargs": {"older_than_seconds": 60.0},
    },
    # The operator copied on enrollments and hires checked against the cohorts' (02:15).
    "operator-consistency-nightly": {
        "task": "tracker.operator_consistency",
        "schedule": crontab(hour=2, minute=15),
    },
    # Rebuild every figure and report any drift (nightly, 02:30 Casablanca time).
    "rollup-full-nightly": {
        "task": "tracker.rollup_full",
        "schedule": crontab(
            hour=env.int("ROLLUP_FULL_HOUR", default=2),
            minute=env.int("ROLLUP_FULL_MINUTE", default=30),
        ),
    },
    # Idempotency-Keys older than API_IDEMPOTENCY_HOURS forgotten (hourly).
    "idempotency-keys-purge": {"task": "tracker.idempotency_purge", "schedule": 3600.0},
    # Notification e-mails a lost broker message left pending, queued again.
    "notification-email-sweep": {
        "task": "accounts.notification_email_sweep",
        "schedule": 600.0,
    },
    # Lagging conventions, e-mailed to their managers once per period (Mondays 07:00).
    "lagging-alerts-weekly": {
        "task": "tracker.lagging_alerts",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
}

# --- Product settings -------------------------------------------------------------

# Contract types that count as a stable job (DESIGN.md, "jobs created").
STABLE_CONTRACT_TYPES = env.list("STABLE_CONTRACT_TYPES", default=["cdi"])
# A convention lags when its figure to date is under this share of its pro-rated commitment.
LAGGING_THRESHOLD = env.float("LAGGING_THRESHOLD", default=0.8)
# A hire's gross monthly salary is refused below the legal minimum wage for a full-time
# month and above a ceiling (tracker.rules.check_salary). Default: the SMIG of the
# non-agricultural sectors from 1 January 2026, 17.92 MAD an hour (decree no. 2-25-983,
# second step of the social agreement of 29 April 2024; see e.g.
# https://fr.le360.ma/economie/voici-de-combien-vont-augmenter-le-smig-et-le-smag-au-maroc-en-2026_SHYRCHOG2NET3N524YQCDMNIQE)
# x 191 hours, the legal full-time month = 3,422.72 MAD. Update it with each decree.
SALARY_MIN_MONTHLY_MAD = env.float("SALARY_MIN_MONTHLY_MAD", default=3422.72)
SALARY_MAX_MONTHLY_MAD = env.float("SALARY_MAX_MONTHLY_MAD", default=200000)
# Where the product is served: the links in e-mails (lagging-convention alerts) start here.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
# The dashboard warns that its figures are stale when the last computation is older.
ROLLUP_STALE_AFTER_HOURS = env.float("ROLLUP_STALE_AFTER_HOURS", default=26)
# A rollup request is skipped when a run started this long after it covered it (seconds of
# tolerance for clocks that differ between the web and worker hosts).
ROLLUP_DEDUP_CLOCK_MARGIN = env.float("ROLLUP_DEDUP_CLOCK_MARGIN", default=1.0)
# The sweep (tracker.rollup_sweep) recomputes change-log entries older than this; pages
# say "N changes not yet counted" for entries waiting longer (tests shorten both).
ROLLUP_SWEEP_AGE_SECONDS = env.float("ROLLUP_SWEEP_AGE_SECONDS", default=60.0)
# Memory for the rollup's GROUP BYs on PostgreSQL (per sort/hash, rollup transaction only).
ROLLUP_WORK_MEM = env.str("ROLLUP_WORK_MEM", default="256MB")
# CNSS matching (tracker/verification): when only hires changed, the sweep rebuilds the
# match at most this often (a declarations import rebuilds it at once).
VERIFICATION_REBUILD_EVERY_SECONDS = env.float("VERIFICATION_REBUILD_EVERY_SECONDS", default=600.0)
# Fault injection for the worker tests only (a worker killed mid-rollup): keep at 0.
ROLLUP_FAULT_PAUSE_SECONDS = env.float("ROLLUP_FAULT_PAUSE_SECONDS", default=0)
# Declaration number at the CNDP (law 09-08), shown on the privacy page.
CNDP_DECLARATION_NUMBER = env.str("CNDP_DECLARATION_NUMBER", default="D-GC-000/2026")
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="dpo@offshoring.gov.ma")
# Upper bound on uploaded signed documents.
MAX_DOCUMENT_BYTES = env.int("MAX_DOCUMENT_BYTES", default=10 * 1024 * 1024)

DJANGO_TABLES2_TEMPLATE = "django_tables2/tracker.html"  # bootstrap5-responsive, fast body
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# One line per request and per task (web/request_log.py), with the request id that
# ties a request to the tasks it queued; LOG_FORMAT=json for a log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "web.request_log.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "web.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # tracker.requests and tracker.tasks write these lines, with duration and user id.
        "django.server": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
    },
}
# Workers and beat log through LOGGING above (same format) instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Bulk imports (tracker.imports) -------------------------------------------------

# Files above this size are refused before anything is read.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=400 * 1024 * 1024)
# An XLSX whose zip directory declares more than this once uncompressed is refused
# (zip bomb), as is any part compressed more than IMPORT_MAX_COMPRESSION_RATIO to one.
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=1024 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=200)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1_500_000)
# The header row must be found within this many first rows.
IMPORT_HEADER_SCAN_ROWS = env.int("IMPORT_HEADER_SCAN_ROWS", default=10)
# Rows validated and written per chunk (a few queries per chunk).
IMPORT_CHUNK_ROWS = env.int("IMPORT_CHUNK_ROWS", default=5000)
# Errors listed on the preview page (all of them are in the annotated file).
# The most rows a list page shows, whatever ?per_page= asks (exports hold every row).
LIST_MAX_PER_PAGE = env.int("LIST_MAX_PER_PAGE", default=100)
IMPORT_PREVIEW_ERRORS = env.int("IMPORT_PREVIEW_ERRORS", default=200)

# --- Partner API (tracker.api, docs/api.md) ------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A token first: a request carrying one never falls back on a browser session.
        "tracker.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # Before any body is read: a viewer's write is 403 whatever it sends.
        "tracker.api.permissions.ApiWritePermission",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.throttling.UserRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tracker.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Offshoring talent tracker — API partenaires",
    "DESCRIPTION": (
        "Inscriptions, diplômations, embauches et figures des partenaires de l'Offre "
        "Offshoring Maroc. Mêmes règles et même périmètre que l'application web. "
        "Guide : docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracker.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CohortStatusEnum": "tracker.models.cohorts.Cohort.Status",
        "EnrollmentStatusEnum": "tracker.models.people.Enrollment.Status",
        "ConventionStatusEnum": "conventions.models.Convention.Status",
    },
}
# Requests per user, all its tokens and its browser session together (429 beyond):
# DRF's "N/second|minute|hour|day".
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="3000/hour")
# How long an Idempotency-Key's first answer is kept and replayed (hours).
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)
# Records per POST /api/v1/batch/ (validated and written synchronously, in one request).
API_BATCH_MAX_RECORDS = env.int("API_BATCH_MAX_RECORDS", default=5000)
