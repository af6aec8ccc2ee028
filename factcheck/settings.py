"""Settings for the workbench: one file, driven by environment variables.

With nothing set, the workbench runs embedded: a SQLite file in the data directory, and
background jobs run by `manage.py jobs work` beside the web server. Set DATABASE_URL and
REDIS_URL for PostgreSQL and Celery workers woken through Redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Where the SQLite file, exports, archived source snapshots and trained models live.
DATA_DIR = Path(env_str("FACTCHECK_DATA_DIR", str(BASE_DIR / "data")))


def env_secret(name: str, key_file: Path) -> str:
    """The secret from the environment, else from the key file `make run` generates."""
    value = os.environ.get(name) or (key_file.read_text().strip() if key_file.is_file() else "")
    if value:
        return value
    if DEBUG:
        # Only a development server with DEBUG on may run without a configured key.
        return "insecure-development-key-do-not-use-in-production"
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (or write it to {key_file}).")


SECRET_KEY = env_secret("SECRET_KEY", DATA_DIR / "secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_filters",
    "annotations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A database outage is a 503 with Retry-After, never a 500.
    "annotations.outage.DatabaseUnavailableMiddleware",
    # Oversized bodies (413) and NUL characters in the query string (400) are refused
    # before any view reads them; a value the database cannot store is a 400, not a 500.
    "annotations.bad_requests.BadRequestMiddleware",
    # Last, as django-axes asks: turns a login refused during a lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Health checks: a connection the database dropped (it restarted) is replaced before a
    # request uses it, instead of failing that request.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite backend, with writers taking turns (factcheck/sqlite/base.py).
            "ENGINE": "factcheck.sqlite",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                # Writers take the lock when their transaction begins, so one never has to
                # give up halfway (a deferred one upgrading its read lock can only fail),
                # and wait up to 20 s for it instead of failing: annotators save at once.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                # Write-ahead logging: readers never wait for the writer, and a commit
                # appends to the log instead of syncing the database file, so the write
                # lock is held for microseconds rather than an fsync.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "files"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# django-axes counts failed logins first; a username and address pair that failed too often
# is refused before the password is even checked (annotations/lockout.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
# Per username *and* address: nobody can lock a colleague out from elsewhere, and a
# newsroom behind one address is not locked out by one person's typos.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout; attempts during it do not push it back.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "annotations.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "annotations.lockout.client_address"
# Successful logins are not logged row by row; failures are (AccessAttempt, in the admin).
AXES_DISABLE_ACCESS_LOG = True
# Reverse proxies in front of the workbench that append to X-Forwarded-For: the client's
# address, which logins are throttled by, is read that many entries from the right.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotations:project-list"
LOGOUT_REDIRECT_URL = "login"

# Headers on every response. Scripts and styles come only from our own static files: no
# inline <script>, no on* attributes, no javascript: URLs, no inline <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Production behind an HTTPS proxy: HTTPS=true turns on secure cookies, HSTS and the redirect
# of plain HTTP to HTTPS, trusting the proxy's X-Forwarded-Proto header (the proxy must set
# it, and strip it from what clients send). `manage.py check --deploy` is then clean.
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)

# Uploads over this size are refused with 413 and a message, before anything is stored.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Background export files are deleted this many days after they were finished (when a new
# export is requested, and by `manage.py prune_exports`): a million-claim JSONL is 2.4 GB.
EXPORT_RETENTION_DAYS = env_int("FACTCHECK_EXPORT_RETENTION_DAYS", 7)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the API is browsed and tried at /api/docs/ (Swagger UI). DRF's browsable
    # pages need inline styles that the Content-Security-Policy refuses.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.LimitOffset",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "annotations.api.errors.handle_exception",
    # DRF's JSON parser with the nesting of a body bounded (annotations.json_input).
    "DEFAULT_PARSER_CLASSES": [
        "annotations.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # `?format=` names an export format (jsonl, csv, ...), not a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-checking workbench API",
    "DESCRIPTION": "Projects, documents, claims, annotations, reviews and exports.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc come from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation's error answers (400, 401, 403, 404, 409, 413, 429) in one shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClaimStanceEnum": "annotations.models.ClaimStance",
        "SourceStanceEnum": "annotations.models.SourceStance",
        # Every kind of background job shares one queued/running/done/failed set.
        "JobStatusEnum": "annotations.models.JobState",
        "AnnotationStateEnum": "annotations.models.AnnotationState",
        "ClaimStatusEnum": "annotations.models.ClaimStatus",
    },
}

# Background jobs (annotations/jobs.py). Each piece of work is a row written with the data
# it is about; JOB_RUNNER says who runs it:
#   "celery": Celery workers, woken through the broker at REDIS_URL (the default with it);
#   "worker": `manage.py jobs work` beside the web server, polling the job table (the
#             embedded default, with no REDIS_URL);
#   "eager":  in the committing process, at commit. For unit tests only.
REDIS_URL = env_str("REDIS_URL")
JOB_RUNNER = env_str("JOB_RUNNER", "celery" if REDIS_URL else "worker")
if JOB_RUNNER not in ("celery", "worker", "eager"):
    raise ImproperlyConfigured(f"JOB_RUNNER must be celery, worker or eager, got {JOB_RUNNER!r}")
if JOB_RUNNER == "celery" and not REDIS_URL:
    raise ImproperlyConfigured("JOB_RUNNER=celery needs REDIS_URL")
# A worker holds a running job under a lease that its heartbeat renews every third of it.
# When a worker dies its jobs go back to the queue within about this long (plus a sweep).
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 30)
# How often expired leases are taken back and the workers woken for queued jobs (Celery
# beat, or the embedded worker's own loop).
JOB_SWEEP_SECONDS = env_int("JOB_SWEEP_SECONDS", 10)
# Tries per job before it fails for good with the reason (a worker that died, a database
# that stayed away); a failure of the work itself is final at once.
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
# How long a job waits for a database that went away before going back to the queue.
JOB_DATABASE_WAIT_SECONDS = env_int("JOB_DATABASE_WAIT_SECONDS", 60)
# A worker runs queued jobs of one kind for this long, then lets the other kinds have a turn.
JOB_DRAIN_SECONDS = env_int("JOB_DRAIN_SECONDS", 60)
# A large upload wakes up to this many workers at once (one wake-up per batch of jobs).
JOB_WAKE_FANOUT = env_int("JOB_WAKE_FANOUT", 8)
# Seconds one job of each kind may run before it fails with "longer than the time limit".
JOB_TIME_LIMITS = {
    "extract": env_int("JOB_EXTRACT_TIME_LIMIT", 10 * 60),
    "fetch": 2 * 60,
    "export": env_int("JOB_EXPORT_TIME_LIMIT", 60 * 60),
    "dashboard": 10 * 60,
    "match": 5 * 60,
}

# Celery: only the transport that wakes workers, with REDIS_URL. Every CELERY_* setting
# configures the app (factcheck/celery.py).
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# At-least-once delivery: a message is acknowledged after its task ran, and given back to
# the broker if the worker process running it dies; one message at a time per process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged message to another worker after this long: longer than any
# task may run (the longest job's limit plus a drain), so a running task is never doubled.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(JOB_TIME_LIMITS.values()) + JOB_DRAIN_SECONDS + 10 * 60,
    "socket_connect_timeout": 2,
}
# A request that commits while the broker is away must not wait long to find out: the
# job row is already written, and the sweeper wakes the workers once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {
        "task": "annotations.tasks.sweep_jobs",
        "schedule": JOB_SWEEP_SECONDS,
        "options": {"expires": JOB_SWEEP_SECONDS},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Keep a worker's database connection across tasks (Celery closes it after every task
# otherwise); Django still drops it after CONN_MAX_AGE or when it is unusable.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
# Tasks that set none (the sweep): jobs have their own limits, above.
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# KB. Above a transformer worker's peak (about 490 MB on a 5 MB transcript), so that a prefork child is not
# replaced, and the model reloaded, after every task; a leaking child is still replaced.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 700_000)

# The desk: how long a claim handed out by an annotator's queue stays hers without a save.
CLAIM_RESERVATION_MINUTES = env_int("CLAIM_RESERVATION_MINUTES", 30)

# Archiving the pages behind source URLs. Private, loopback and link-local addresses are
# refused (the server must not be a window into its own network) unless allowed here.
SOURCE_FETCH_ALLOW_PRIVATE = env_bool("SOURCE_FETCH_ALLOW_PRIVATE", False)
SOURCE_FETCH_TIMEOUT = env_int("SOURCE_FETCH_TIMEOUT", 10)
SOURCE_FETCH_MAX_BYTES = env_int("SOURCE_FETCH_MAX_BYTES", 5 * 1024 * 1024)
SOURCE_FETCH_MAX_REDIRECTS = env_int("SOURCE_FETCH_MAX_REDIRECTS", 5)

# The public address of the site where this newsroom publishes its fact-checks: ClaimReview
# exports of projects without an organisation URL build each review's absolute `url` on it.
FACTCHECK_SITE_URL = env_str("FACTCHECK_SITE_URL", "")

# Check-worthiness scorer used when a project does not choose one: "light" or "transformer".
FACTCHECK_DEFAULT_SCORER = env_str("FACTCHECK_DEFAULT_SCORER", "light")
# Longer documents are scored with light even in transformer projects: on two busy shared CPU cores a 5 MB
# transcript took the transformer 221 s, so much beyond 8 MB would outrun JOB_EXTRACT_TIME_LIMIT (600 s).
FACTCHECK_TRANSFORMER_MAX_CHARS = env_int("FACTCHECK_TRANSFORMER_MAX_CHARS", 8_000_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
