"""Settings shared by every environment. Everything that varies comes from the environment."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from animagenius.billing.queue import DEFAULT_BILLING_QUEUE
from animagenius.config.env import (
    check_image_generator,
    check_script_writers,
    check_video_generator,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_origins,
    env_path,
    env_paypal,
    env_provider_settings,
    env_rate,
    env_render_providers,
    env_str,
    env_url,
)
from animagenius.pipeline.providers.images import DEFAULT_IMAGE_GENERATOR
from animagenius.pipeline.providers.videos import DEFAULT_VIDEO_GENERATOR
from animagenius.pipeline.script.writers import WriterSettings, default_chain

PACKAGE_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = PACKAGE_DIR.parents[1]
VAR_DIR = env_path("ANIMAGENIUS_VAR_DIR", BASE_DIR / "var")

SECRET_KEY = env_str("SECRET_KEY", "")  # local and test supply a default; production requires it
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "animagenius.core",
    "animagenius.accounts",
    "animagenius.studio",
    "animagenius.billing",
    "animagenius.backoffice",
    "animagenius.api",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN
    "csp",  # django-csp: its system checks; the policy is below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "animagenius.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # before the CSRF check reads a form post: caps uploads at the person's plan (413 with the limit)
    "animagenius.studio.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# ---------------------------------------------------------------- Content-Security-Policy (django-csp)
# Every page, in every settings module: scripts, styles, fonts, images and media only from the site itself —
# no inline script, style or event handler anywhere (pages load static files; htmx runs with eval and its
# inline indicator style off, see base.html), no plugins, no framing, forms post only to the site. Pages
# also connect to the live-progress stream's origin (EVENTS_URL), which core/csp.py adds per response.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: the blank favicon, and the API docs' icons in their CSS
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "animagenius.config.urls"
WSGI_APPLICATION = "animagenius.config.wsgi.application"

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
                "animagenius.billing.context.billing_trouble",
            ],
        },
    },
]

# ---------------------------------------------------------------- database
DATABASE_URL = env_url(
    "DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}", schemes=("sqlite", "postgres", "postgresql")
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # the web server and the worker write concurrently: WAL + immediate transactions + a busy timeout
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# mandatory: signing up with an address that has an account answers exactly as a new sign-up does ("we sent
# you an email") and emails the address instead (allauth's ACCOUNT_PREVENT_ENUMERATION, on by default); with
# optional or none a new account signs in at once, so the page itself would tell the two apart
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "ACCOUNT_EMAIL_VERIFICATION", "mandatory", ("mandatory", "optional", "none")
)
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True  # the link opened in the browser that signed up signs it in
ACCOUNT_ADAPTER = "animagenius.accounts.adapter.AccountAdapter"  # failed sign-ins: accounts/signin_limits.py
ACCOUNT_LOGOUT_ON_GET = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "studio:project_list"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "AnimaGenius <noreply@animagenius.local>")
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip(
    "/"
)  # links in emails
PAYPAL = env_paypal()  # docs/billing.md

# ---------------------------------------------------------------- i18n, static, media
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
# ---------------------------------------------------------------- rate limits (core/ratelimit.py)
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "120/min")  # per account: all its API keys and its browser
PROJECT_CREATE_RATE_LIMIT = env_rate("PROJECT_CREATE_RATE_LIMIT", "10/min")  # per account, web and API
API_KEY_CREATE_RATE_LIMIT = env_rate("API_KEY_CREATE_RATE_LIMIT", "10/hour")  # per account
SIGNIN_FAILED_IP_RATE_LIMIT = env_rate("SIGNIN_FAILED_IP_RATE_LIMIT", "10/min")  # per IP address, any account
SIGNIN_BACKOFF_MAX_S = env_int("SIGNIN_BACKOFF_MAX_S", 30, minimum=1)  # per account, from anywhere
# behind N proxies appending X-Forwarded-For, per-IP limits count the client, not the proxy (allauth reads it)
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# ---------------------------------------------------------------- cache
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss"))
    CACHES = {
        "default": {
            "BACKEND": "animagenius.core.cache.FailOpenRedisCache",  # the site stays up while Redis is down
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # a table in the database (made by `migrate`, core/apps.py): every web process and machine counts the
    # same rate limits, where a per-process memory cache let N gunicorn workers allow N times the limit
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "animagenius_cache",
            # past this many, expired entries go, then the oldest: Django's 300 would drop live counts
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# ---------------------------------------------------------------- render queue (Celery)
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {"visibility_timeout": 3600}
    if REDIS_URL
    else {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),  # kombu's default is ./control, in the cwd
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_LOST_WAIT = 2.0  # a killed worker process's job goes back to the queue after 2 s, not 10
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# a render running when the broker goes away finishes (its state is in the database); Celery 6 would cancel it
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
RENDER_QUEUE = env_str("RENDER_QUEUE", "render")
BILLING_QUEUE = env_str("BILLING_QUEUE", DEFAULT_BILLING_QUEUE)
RENDER_PROVIDERS = env_render_providers("RENDER_PROVIDERS", f"primary=local-ffmpeg@{RENDER_QUEUE}")
WORKER_BEAT_EVERY_S = 10  # each worker writes its WorkerBeat row this often
WORKER_BEAT_STALE_S = 35  # a worker silent this long no longer counts towards its provider's capacity
# where the ASGI server streams live progress: http://127.0.0.1:8001 under `make run`, the site's own address
# when a proxy routes /projects/jobs/<id>/events/ to it; unset: pages poll once a second instead
EVENTS_URL = env_str("EVENTS_URL", "").rstrip("/")
if EVENTS_URL:
    env_url("EVENTS_URL", EVENTS_URL, schemes=("http", "https"))
# the origins (scheme://host[:port]) the site's pages are served from: the one list of pages that may read
# the live-progress stream from another origin (EVENTS_URL on another port or host), cookies included;
# `make run` sets http://<HOST>:<PORT>. Empty: only pages on the stream's own origin read it
SITE_ORIGINS = env_origins("SITE_ORIGINS", [])
JOB_STALE_AFTER_S = env_int("JOB_STALE_AFTER_S", 60, minimum=15)  # no heartbeat this long: its worker died
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3, minimum=1)
JOB_RETRY_BACKOFF_S = env_int("JOB_RETRY_BACKOFF_S", 15, minimum=1)  # first wait after a transient failure
JOB_REAP_EVERY_S = env_int("JOB_REAP_EVERY_S", 30, minimum=5)
CELERY_BEAT_SCHEDULE = {
    "reap-stalled-jobs": {
        "task": "studio.jobs_reap",
        "schedule": float(JOB_REAP_EVERY_S),
        "options": {"queue": RENDER_QUEUE},
    },
    "billing-webhooks-sweep": {
        "task": "billing.webhooks_sweep",
        "schedule": 60.0,
        "options": {"queue": BILLING_QUEUE},
    },
    "billing-tiers-expire": {
        "task": "billing.tiers_expire",
        "schedule": 900.0,
        "options": {"queue": BILLING_QUEUE},
    },
    "billing-reconcile": {
        "task": "billing.subscriptions_reconcile",
        "schedule": crontab(hour=3, minute=17),
        "options": {"queue": BILLING_QUEUE},
    },
}
RENDER_WORKDIR = env_path("RENDER_WORKDIR", VAR_DIR / "work")
VOICE_PROVIDER = env_str("VOICE_PROVIDER", "piper")
VOICE_CACHE_DIR = env_path("VOICE_CACHE_DIR", VAR_DIR / "cache" / "voice")
SEGMENT_CACHE_DIR = env_path("SEGMENT_CACHE_DIR", VAR_DIR / "cache" / "segments")
SEGMENT_CACHE_MAX_MB = env_int("SEGMENT_CACHE_MAX_MB", 10240, minimum=100)
RENDER_ENCODERS = env_int("RENDER_ENCODERS", 1, minimum=1)  # 2: faster on two cores, twice the memory
# a render with at least this many seconds of picture to encode (in seconds of 1080p) hands its runs to idle
# workers as well
SEGMENT_FANOUT_MIN_S = env_int("SEGMENT_FANOUT_MIN_S", 30, minimum=1)
# a run whose renderer said nothing this long (renderers write every second) is taken over by another
SEGMENT_RUN_STALE_S = env_int("SEGMENT_RUN_STALE_S", 20, minimum=3)
# LLM_*, TTS_*, ELEVENLABS_*, IMAGES_*, REPLICATE_*, ASR_MODEL_DIR (see .env.example), read once; the
# pipeline's provider registries take them (`settings=PROVIDER_SETTINGS`)
PROVIDER_SETTINGS = env_provider_settings()
IMAGE_GENERATOR = env_str("IMAGE_GENERATOR", DEFAULT_IMAGE_GENERATOR)  # blank: never
IMAGE_CACHE_DIR = env_path("IMAGE_CACHE_DIR", VAR_DIR / "cache" / "generated-pictures")
check_image_generator(IMAGE_GENERATOR)
VIDEO_GENERATOR = env_str("VIDEO_GENERATOR", DEFAULT_VIDEO_GENERATOR)  # blank: never
VIDEO_CACHE_DIR = env_path("VIDEO_CACHE_DIR", VAR_DIR / "cache" / "generated-clips")
check_video_generator(VIDEO_GENERATOR)
VOICE_PREVIEW_DIR = env_path("VOICE_PREVIEW_DIR", VAR_DIR / "cache" / "voice-preview")

# ---------------------------------------------------------------- script writing (LLM)
LLM = PROVIDER_SETTINGS.llm  # LLM_BASE_URL, LLM_API_KEY, LLM_MODEL_SCRIPT, …
SCRIPT_WRITERS = env_list("SCRIPT_WRITERS", default_chain(LLM))
SCRIPT_WRITER_SETTINGS = WriterSettings(llm=LLM, cache_dir=VAR_DIR / "cache" / "scripts")
check_script_writers(SCRIPT_WRITERS)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
