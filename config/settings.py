"""Settings for the archive, driven by environment variables.

DATABASE_URL          database to use; default: an SQLite file under var/ (no server needed)
DATABASE_REPLICA_URLS comma-separated URLs of read replicas of DATABASE_URL's database, from
                      which the public pages read; default none (archive.routing)
DJANGO_DEBUG          "1"/"true" turns debug on; off by default
DJANGO_SECRET_KEY     required when debug is off; start-up fails without it
DJANGO_ALLOWED_HOSTS  comma-separated host names; default with debug on: localhost only
ARCHIVE_LOGIN_FAILURE_LIMIT     failed sign-ins that lock an account or an address; default 5
ARCHIVE_LOGIN_COOLOFF_MINUTES   how long such a lock lasts; default 30
ARCHIVE_LOGIN_CLIENT_IP_HEADER  the request header holding the client's address behind a
                                proxy, such as HTTP_X_REAL_IP; default none: REMOTE_ADDR
DJANGO_HTTPS          "1" behind TLS: secure cookies, HSTS, redirect to https, trust the
                      proxy's X-Forwarded-Proto; off by default
DJANGO_HSTS_SECONDS   how long browsers keep to https, with DJANGO_HTTPS; default a year
DJANGO_HSTS_PRELOAD   "1" adds includeSubDomains and preload to HSTS; off by default
DJANGO_STATIC_ROOT    where collectstatic writes the static files; default var/staticfiles
REDIS_URL             Django's cache in Redis, shared by every server process; default: each
                      process's own memory
ARCHIVE_CACHE_PREFIX  the prefix of this archive's keys in Redis; default "archive"

The benchmarks have settings of their own on top of these (benchmarks/settings.py).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name, default=()):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A committed fallback key would end up in production sooner or later.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off; "
            "set DJANGO_DEBUG=1 for local development."
        )
    # Development only: a per-checkout key kept out of git, so sessions survive restarts.
    VAR_DIR.mkdir(exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so runserver leaves static files to WhiteNoise as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Its templates write sitemap.xml (archive.sitemaps).
    "django.contrib.sitemaps",
    "django_filters",
    # Failed sign-ins, and the locks they lead to (settings below).
    "axes",
    # The versions of articles, events, topics and concepts (archive.history).
    "simple_history",
    # The Content-Security-Policy header (settings below).
    "csp",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: each version records the editor who made it.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out sign-in before any password is checked. It
# needs the request, which every sign-in form passes; tests sign in with force_login, or
# with client.login(request=HttpRequest(), ...).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _default_database_url():
    VAR_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'archive.sqlite3'}"


DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_database_url(), conn_max_age=60
    )
}
# SQLite, for two loads at once and for pages served during a load:
# - WAL: readers never wait for the writer, nor the writer for readers (the mode is stored in
#   the file, set by the first connection); synchronous=NORMAL is WAL's own safe pairing: a
#   process killed mid-write loses nothing committed, only a power cut may lose the last
#   commits, and neither corrupts the file.
# - IMMEDIATE transactions take the write lock when they begin. A deferred one that has read
#   and then wants to write while another process writes fails at once with "database is
#   locked" (SQLite cannot make it wait without risking a deadlock); an immediate one waits.
# - timeout: how long a writer waits for the other's transaction, in seconds (the loader
#   also retries a batch that met a lock: archive.ingest.services).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        **DATABASES["default"].get("OPTIONS", {}),
    }


def _replica_databases(primary):
    """Read replicas of the primary (docs/scaling.md): each URL of DATABASE_REPLICA_URLS is
    an alias, replica1, replica2…, from which the public pages read the archive's data
    (archive.routing); everything else reads and writes the primary."""
    replicas = {}
    for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
        replica = dj_database_url.parse(url, conn_max_age=60)
        if replica["ENGINE"] != primary["ENGINE"]:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: replica {number} is not the primary's kind of database."
            )
        # Under the test runner a replica is the primary's test database, whose data it holds.
        replica["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = replica
    return replicas


DATABASES.update(_replica_databases(DATABASES["default"]))
DATABASE_ROUTERS = ["archive.routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): this many failures for one username, or from one address,
# lock it for the cool-off, which each attempt during the lock starts again; a successful
# sign-in clears the failures before the limit. `manage.py axes_reset` (or the admin's
# "Access attempts", for superusers) lifts a lock. Failures are kept in the database, so the
# count holds across server processes.
AXES_FAILURE_LIMIT = int(os.environ.get("ARCHIVE_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ARCHIVE_LOGIN_COOLOFF_MINUTES", 30)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "archive.accounts.lockout_response"
# The client's address is REMOTE_ADDR, what the server saw (whether or not django-ipware is
# installed): behind a reverse proxy that is the proxy's, and every client would share one
# lock, so name the header the proxy sets, as a META key (HTTP_X_REAL_IP); the proxy must
# overwrite it, or anyone could pick a fresh address for each attempt.
ARCHIVE_LOGIN_CLIENT_IP_HEADER = os.environ.get("ARCHIVE_LOGIN_CLIENT_IP_HEADER", "").strip()
AXES_CLIENT_IP_CALLABLE = "archive.accounts.client_ip_address"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic gathers them, and WhiteNoise serves them from.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # With debug on, WhiteNoise serves straight from the finders; off, from collectstatic's
    # hashed, compressed copies.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security headers, on every response (docs/deploying.md) ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Nothing inline: every script and style is a static file, so the policy needs neither
# 'unsafe-inline' nor nonces, and an injected <script> or style attribute does not run.
# django-csp rather than Django 6's own header, which 5.2 LTS does not have. The admin's
# pages keep to it too: every browser test fails on anything the policy refuses.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # And one style attribute, by its hash: django-simple-history's list of versions
        # writes style="border-top: 0"; no other inline style is allowed.
        "style-src": [SELF, UNSAFE_HASHES, "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        # The admin draws some icons as data: URIs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Behind TLS (a proxy or load balancer that ends it and sets X-Forwarded-Proto): cookies go
# over https only, browsers are told to keep to https, and plain http is redirected, but for
# the load balancer's health check, which may come in plain http from inside.
HTTPS = env_bool("DJANGO_HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
    # Asked for, never by default: every subdomain must then serve https too, and a
    # preload listing takes months to undo.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_PRELOAD")
    SECURE_HSTS_PRELOAD = SECURE_HSTS_INCLUDE_SUBDOMAINS

# --- Caching ---
# The search's answers and whole anonymous pages are kept under the data version (see
# archive.search.cache), so any backend is safe; Redis shares them between processes and
# servers, the default keeps them in each process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several archives (or test runs) may share one Redis.
            "KEY_PREFIX": os.environ.get("ARCHIVE_CACHE_PREFIX") or "archive",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Whole pages are some 15–60 KB: this bounds a process's cache near 60 MB.
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }

# --- The archive's own settings ---

# Languages the archive recognises, as ISO 639-1 codes. Language detection only chooses
# among these, which makes it both faster and more accurate on short texts.
ARCHIVE_LANGUAGES = env_list(
    "ARCHIVE_LANGUAGES", default=["nl", "fr", "en", "vi", "zh", "de", "es", "ru", "ja", "ko"]
)
# Files larger than this are refused by the loader rather than read into memory.
ARCHIVE_MAX_FILE_BYTES = int(os.environ.get("ARCHIVE_MAX_FILE_BYTES", 5 * 1024 * 1024))
# Worker processes that prepare large JSON Lines files (parsing, language detection,
# fingerprints, suggestions) while the main process writes; 1 prepares in-process.
ARCHIVE_INGEST_WORKERS = int(os.environ.get("ARCHIVE_INGEST_WORKERS", os.cpu_count() or 1))
# JSON Lines files of this size or more are prepared by the workers; below it, in-process,
# as starting the workers costs more than they save.
ARCHIVE_INGEST_PARALLEL_FROM_BYTES = int(
    os.environ.get("ARCHIVE_INGEST_PARALLEL_FROM_BYTES", 8 * 1024 * 1024)
)
ARCHIVE_PAGE_SIZE = 20
# Search scores at most this many of the newest headline matches and of the newest matches
# (archive.search.results); the rest of a huge result set follows them newest first.
ARCHIVE_SEARCH_RANKED = int(os.environ.get("ARCHIVE_SEARCH_RANKED", 1000))
# How long a search answer is kept; any write to the data makes it stale at once anyway
# (archive.search.cache). 0 turns the cache off.
ARCHIVE_SEARCH_CACHE_SECONDS = int(os.environ.get("ARCHIVE_SEARCH_CACHE_SECONDS", 600))
# How long a whole public page is kept for readers without a session, on the same terms
# (archive.views.read_only). 0 turns it off.
ARCHIVE_PAGE_CACHE_SECONDS = int(os.environ.get("ARCHIVE_PAGE_CACHE_SECONDS", 600))
# The admin's article form sends three fields a block of text (archive.admin.blocks): Django's
# default limit of 1,000 fields would refuse the form of an article of some 330 blocks.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
