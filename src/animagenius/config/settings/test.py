"""Settings for the test suite; the test worker process gets the same values through the environment."""

import uuid

from animagenius.config.env import env_int, env_path, env_rate, env_render_providers, env_str
from animagenius.config.settings.base import *  # noqa: F403
from animagenius.config.settings.base import BASE_DIR, DATABASES

SECRET_KEY = env_str("SECRET_KEY", "test-only-key")
DEBUG = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
RUN_ID = uuid.uuid4().hex[:10]
# a queue of its own, so a test run never picks up (or leaves) another run's jobs
RENDER_QUEUE = env_str("RENDER_QUEUE", f"test-{RUN_ID}")
BILLING_QUEUE = env_str("BILLING_QUEUE", f"test-billing-{RUN_ID}")
RENDER_PROVIDERS = env_render_providers("RENDER_PROVIDERS", f"primary=local-ffmpeg@{RENDER_QUEUE}")
JOB_RETRY_BACKOFF_S = env_int("JOB_RETRY_BACKOFF_S", 1, minimum=1)  # a retried job waits 1-2 s, not 15
MEDIA_ROOT = env_path("MEDIA_ROOT", BASE_DIR / "var" / "test" / "media")
# test clients are exempt from the limits they do not test (a test of a limit sets it, through `settings` or a
# server's environment): a test polling the API must never meet a 429, and every test client comes from
# 127.0.0.1, counted together with a suite running beside it on the same Redis
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "100000/min")
PROJECT_CREATE_RATE_LIMIT = env_rate("PROJECT_CREATE_RATE_LIMIT", "100000/min")
API_KEY_CREATE_RATE_LIMIT = env_rate("API_KEY_CREATE_RATE_LIMIT", "100000/min")
SIGNIN_FAILED_IP_RATE_LIMIT = env_rate("SIGNIN_FAILED_IP_RATE_LIMIT", "100000/min")
ACCOUNT_RATE_LIMITS = False  # allauth's own (sign-ups, sign-ins per IP address, emails sent)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # a file, not memory: the Celery worker is another process and must see the same test database
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test" / f"test-db-{RUN_ID}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{RUN_ID}"}
# Either way a database of its own, so two runs in one checkout or on one server (a suite beside another)
# never share or drop each other's; the worker and servers a test starts are handed its name
# (tests/conftest.py process_env).
