"""The default: one machine, embedded SQLite, filesystem broker, offline providers."""

from animagenius.config.env import env_bool, env_str
from animagenius.config.settings.base import *  # noqa: F403

SECRET_KEY = env_str("SECRET_KEY", "local-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", True)
WHITENOISE_USE_FINDERS = True
