"""Django settings for gridmgmt, read from the environment.

Development defaults are safe to run locally; production sets
``DJANGO_DEBUG=0``, ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS`` (and
``DJANGO_SECURE=1`` behind TLS) and passes ``manage.py check --deploy``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "production" or "development". Served through gridmgmt.wsgi (gunicorn,
# uWSGI) the default is production: an unset variable must never leave a
# public server in debug with the public development key and demo users.
ENVIRONMENT = os.environ.get("GRIDMGMT_ENV", "development").strip().lower()
if ENVIRONMENT not in ("development", "production"):
    raise RuntimeError(f"GRIDMGMT_ENV must be development or production, got {ENVIRONMENT!r}")
DEBUG = env_bool("DJANGO_DEBUG", ENVIRONMENT == "development")
if DEBUG and ENVIRONMENT == "production":
    raise RuntimeError("GRIDMGMT_ENV=production refuses DJANGO_DEBUG=1: debug pages show settings and code")
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key"  # public: in this file
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (DEVELOPMENT_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise RuntimeError("DJANGO_SECRET_KEY must be a secret of 50 characters or more, not the development key, "
                       "when DJANGO_DEBUG is off")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Production hardening, switched on together behind TLS.
SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework_gis",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "axes",
    "gridmgmt.areas",
    "gridmgmt.grids",
    "gridmgmt.events",
    "gridmgmt.accounts",
    "gridmgmt.cases",
    "gridmgmt.maps",
    "gridmgmt.web",
    "django.contrib.postgres",  # pg_trgm lookups of gridmgmt.geocoding
    "gridmgmt.geocoding",
    "gridmgmt.hotline",
    "gridmgmt.water",
    "gridmgmt.sensors",
    "gridmgmt.duties",
    "gridmgmt.ops",
    "gridmgmt.gis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Production serves static files from the app itself (WhiteNoise: compressed,
    # content-hashed names); in development runserver serves them from the sources.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "gridmgmt.bad_requests.BadRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords
# for one user name from one address, that pair is locked for the cool-off.
AUTHENTICATION_BACKENDS = [
    "gridmgmt.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("GRIDMGMT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GRIDMGMT_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "gridmgmt.login_throttle.attempted_username"  # a name as long as a user name can be

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Errors with their tracebacks go to stderr (journald under systemd) and,
# when GRIDMGMT_LOG_FILE names one, to that file too; Django's own default
# logs a 500 nowhere once DEBUG is off.
LOG_FILE = os.environ.get("GRIDMGMT_LOG_FILE", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        **({"file": {"class": "logging.handlers.WatchedFileHandler", "filename": LOG_FILE,
                     "formatter": "plain"}} if LOG_FILE else {}),
    },
    "root": {"handlers": ["stderr", *(["file"] if LOG_FILE else [])],
             "level": os.environ.get("GRIDMGMT_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handlers print 500s only in debug; route them to ours.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

ROOT_URLCONF = "gridmgmt.urls"
WSGI_APPLICATION = "gridmgmt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridmgmt.web.context_processors.web",
            ],
        },
    },
]

# Without DATABASE_URL the project-local PostGIS cluster (scripts/db.sh) is
# used; it listens only on a Unix socket inside .pgdata, so several clones on
# one machine never fight over a TCP port.
LOCAL_PG_SOCKET_DIR = BASE_DIR / ".pgdata" / "run"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL")
        or f"postgis://gridmgmt@/gridmgmt?host={LOCAL_PG_SOCKET_DIR}",
        # Development: runserver gives each request a thread, and a connection
        # kept by a finished thread stays open until the thread is collected,
        # so parallel browser requests piled up held connections ("too many
        # clients"): there each request closes its own. Production: each
        # gunicorn worker keeps one for a minute (PgBouncer pools across
        # hosts: deploy/README.md).
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# dj-database-url leaves a socket directory given as ?host= in OPTIONS; HOST is where tools look.
if not DATABASES["default"]["HOST"] and "host" in DATABASES["default"]["OPTIONS"]:
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
# Several test runs on one cluster (developers side by side) each name their own test database.
if os.environ.get("GRIDMGMT_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["GRIDMGMT_TEST_DB"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "frontend" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("GRIDMGMT_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Production serves collectstatic's output through WhiteNoise: gzip/brotli
# copies and content-hashed names that browsers may cache for a year.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Front-end libraries come from npm (frontend/package.json + package-lock.json,
# installed by scripts/setup.sh with `npm ci`) and are served under vendor/.
# django-leaflet keeps its own bundled Leaflet for the admin's map widgets.
NODE_MODULES = BASE_DIR / "frontend" / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "frontend" / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet-geoman", NODE_MODULES / "@geoman-io" / "leaflet-geoman-free" / "dist"),
    ("vendor/leaflet-vectorgrid", NODE_MODULES / "leaflet.vectorgrid" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("GRIDMGMT_MEDIA_ROOT", BASE_DIR / "media"))
# `manage.py backup` writes dated folders here (gridmgmt.ops.backup).
BACKUP_DIR = Path(os.environ.get("GRIDMGMT_BACKUP_DIR", BASE_DIR / "backups"))
# The health endpoint is polled over plain HTTP from the private side.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        # Checked on every endpoint so a wrong X-Api-Key is named as such everywhere;
        # only views permitting IsUserOrApiKey let a valid key in.
        "gridmgmt.events.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON through the one request-JSON rule (nesting depth, no NaN): a hostile body is a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": ["gridmgmt.json_input.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    # Writes (POST, PUT, PATCH, DELETE) per user, integration key or address;
    # Open311 POST uses the same rate (gridmgmt.throttling).
    "DEFAULT_THROTTLE_CLASSES": ["gridmgmt.throttling.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"write": os.environ.get("GRIDMGMT_WRITE_RATE", "300/minute")},
}
# Throttle counters live in the cache: shared across server processes only
# when DJANGO_CACHE_URL names one (redis://127.0.0.1:6379/1).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": os.environ["DJANGO_CACHE_URL"]}
          if os.environ.get("DJANGO_CACHE_URL") else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SPECTACULAR_SETTINGS = {
    "TITLE": "gridmgmt API",
    "DESCRIPTION": "Urban grid management (网格化管理): areas, grids, events, cases. "
    "Coordinates are WGS84 (EPSG:4326); GeoJSON axis order is (lng, lat).",
    "VERSION": "0.1.0",
    # The docs page must work on a closed network: assets come from the sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Both case and postponement have a "status" choice set; name them apart.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "gridmgmt.cases.models.Status",
        "PostponementStatusEnum": "gridmgmt.cases.models.PostponementStatus",
    },
}

# Decimal places in GeoJSON output: 6 ≈ 0.1 m at Guangzhou's latitude.
GEOJSON_PRECISION = int(os.environ.get("GRIDMGMT_GEOJSON_PRECISION", "6"))
# The dashboard map reloads its case and report layers this often (seconds).
GRIDMGMT_DASHBOARD_REFRESH_SECONDS = int(os.environ.get("GRIDMGMT_DASHBOARD_REFRESH_SECONDS", "30"))

# Grid codes: 2-digit sequence (14-digit CJ/T 213 style) or 3 (Beijing DB11/T 2157).
GRID_CODE_SEQUENCE_DIGITS = int(os.environ.get("GRIDMGMT_GRID_CODE_DIGITS", "2"))
GRID_TARGET_HOUSEHOLDS = int(os.environ.get("GRIDMGMT_GRID_TARGET_HOUSEHOLDS", "200"))

# Tolerances for boundary topology checks, in metres.
TOPOLOGY_CONTAINMENT_TOLERANCE_M = 5.0
TOPOLOGY_OVERLAP_TOLERANCE_M2 = 50.0

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (23.13, 113.28),
    "DEFAULT_ZOOM": 13,
    "TILES": [],  # no outside tiles by default: the app's own layers draw the map
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"  # the landing page sends each role to its home
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Web map basemap: "none" (default: the app's own layers only, for closed
# networks), "osm" or "tianditu" (天地图, needs GRIDMGMT_TIANDITU_KEY).
GRIDMGMT_BASEMAP = os.environ.get("GRIDMGMT_BASEMAP", "none")
GRIDMGMT_TIANDITU_KEY = os.environ.get("GRIDMGMT_TIANDITU_KEY", "")

# Debian 12 ships GDAL 3.6, which cannot block file/network access from
# spatial references; the app never opens user-supplied SRS URLs.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Event intake (gridmgmt.events): photo limits.
EVENTS_PHOTO_MAX_BYTES = int(os.environ.get("GRIDMGMT_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
EVENTS_PHOTO_MAX_PIXELS = 40_000_000
EVENTS_MAX_PHOTOS = 9
# Photos are served only by gridmgmt.events.photo_view, which checks the
# reader's jurisdiction. Behind nginx set a prefix (e.g. /protected-media/):
# the view then answers with X-Accel-Redirect: <prefix><stored name>, and an
# `internal` nginx location aliased to MEDIA_ROOT sends the file.
PHOTO_ACCEL_REDIRECT = os.environ.get("GRIDMGMT_PHOTO_ACCEL_REDIRECT", "")
# Open311 as a public window (gridmgmt.open311.policy; README, "Open311 publication policy").
OPEN311_PUBLICATION = {
    # Channels whose reports are published; others (grid workers, sensors, video) only once moderated.
    "channels": env_list("GRIDMGMT_OPEN311_CHANNELS", "public_app,hotline,urban_line"),
    "moderated_only": env_bool("GRIDMGMT_OPEN311_MODERATED_ONLY", False),
    "text": os.environ.get("GRIDMGMT_OPEN311_TEXT", "redacted"),  # redacted | moderated
    "coordinate_decimals": 3,  # about 110 m of latitude
    "window_days": 90,
    "max_ids": 50,
    "max_requests": 1000,
}
# Bulk imports are stored in chunks of EVENTS_IMPORT_CHUNK_ROWS rows; a file
# of more than one chunk over EVENTS_IMPORT_WORKERS connections with two-phase
# commit (gridmgmt.events.import_parallel): the server needs
# max_prepared_transactions >= the workers, else one connection does it all.
EVENTS_IMPORT_WORKERS = int(os.environ.get("GRIDMGMT_IMPORT_WORKERS", "2"))
EVENTS_IMPORT_CHUNK_ROWS = int(os.environ.get("GRIDMGMT_IMPORT_CHUNK_ROWS", "10000"))

# Case time limits (处置时限) run on working time: these periods of each
# working day, in TIME_ZONE; working days come from chinesecalendar + overrides.
CASE_WORKING_PERIODS = [
    tuple(p.split("-")) for p in env_list("GRIDMGMT_WORKING_PERIODS", "08:30-12:00,14:00-17:30")
]
# Holiday files imported by `manage.py import_holidays` (years chinesecalendar
# does not know yet; see gridmgmt.cases.holiday_files).
CASE_HOLIDAY_DIR = Path(os.environ.get("GRIDMGMT_HOLIDAY_DIR", BASE_DIR / "var" / "holidays"))
# A small class's time limit (处置时限) may be at most this much (working days; hours count 1/7 of a day):
# published limits reach 20 working days; a longer one is a typing mistake the deadline arithmetic cannot serve.
CASE_MAX_TIME_LIMIT_WORKING_DAYS = int(os.environ.get("GRIDMGMT_MAX_TIME_LIMIT_WORKING_DAYS", "250"))
# A postponement may add at most this much (working days; hours count 1/7 of a day).
CASE_MAX_POSTPONEMENT_WORKING_DAYS = int(os.environ.get("GRIDMGMT_MAX_POSTPONEMENT_WORKING_DAYS", "60"))
# Warn the department when this many working hours or fewer are left.
CASE_WARNING_WORKING_HOURS = float(os.environ.get("GRIDMGMT_WARNING_WORKING_HOURS", "1"))
# On-site verification: GPS this far (metres) outside the grid is still accepted.
CASE_VERIFY_TOLERANCE_M = float(os.environ.get("GRIDMGMT_VERIFY_TOLERANCE_M", "50"))
CASE_NOTIFY_BY_EMAIL = env_bool("GRIDMGMT_NOTIFY_BY_EMAIL", True)

# Sensor readings (gridmgmt.sensors.ingest). A reading dated more than SENSOR_MAX_READING_AGE_DAYS before its
# receipt is refused (a device whose clock was reset sends 1970; a broker's persistent session holds days,
# not months); the keys that recognise a reading sent again are kept as long. One dated more than
# SENSOR_MAX_CLOCK_AHEAD_MINUTES after its receipt is refused (field clocks drift, not by hours).
SENSOR_MAX_READING_AGE_DAYS = int(os.environ.get("GRIDMGMT_SENSOR_MAX_READING_AGE_DAYS", "30"))
SENSOR_MAX_CLOCK_AHEAD_MINUTES = int(os.environ.get("GRIDMGMT_SENSOR_MAX_CLOCK_AHEAD_MINUTES", "5"))
# A reading above the limit this soon after the sensor's last exceedance ended continues it (no new event):
# a local choice, not from a standard, so that a value wavering around the limit is one case, not hundreds.
SENSOR_EPISODE_RESUME_MINUTES = int(os.environ.get("GRIDMGMT_SENSOR_EPISODE_RESUME_MINUTES", "30"))
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "gridmgmt@localhost")

# Celery (Redis broker): the deadline job runs every 5 minutes; it is
# idempotent, so `manage.py check_deadlines` from cron may run alongside.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TIMEZONE = TIME_ZONE
# A queue of its own, so that a Redis shared with other applications (or
# other test runs) never hands this worker their tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("GRIDMGMT_CELERY_QUEUE", "gridmgmt")
# Results come back only where a caller waits for them (generate_grids --fan-out).
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_RESULT_EXPIRES = 3600
CELERY_BEAT_SCHEDULE = {
    "cases-check-deadlines": {"task": "gridmgmt.cases.tasks.check_deadlines",
                              "schedule": float(os.environ.get("GRIDMGMT_DEADLINE_CHECK_SECONDS", "300"))},
    # Patrol reminders (gridmgmt.water.patrols): hourly is enough for periods counted in days.
    "water-check-patrols": {"task": "gridmgmt.water.tasks.check_patrols",
                            "schedule": float(os.environ.get("GRIDMGMT_PATROL_CHECK_SECONDS", "3600"))},
    # Monthly folium reports (gridmgmt.duties.reports): daily, builds last month's once.
    "duties-monthly-reports": {"task": "gridmgmt.duties.tasks.build_monthly_reports", "schedule": 86400.0},
    # Reading keys past SENSOR_MAX_READING_AGE_DAYS (gridmgmt.sensors.ingest.reading_keys_forget): an hour's worth.
    "sensors-forget-reading-keys": {"task": "gridmgmt.sensors.tasks.forget_reading_keys", "schedule": 3600.0},
}
