"""Production: secrets are required and strong, HTTPS is assumed, email goes to a real mail server.

`manage.py check --deploy` under these settings (with SECRET_KEY, ALLOWED_HOSTS and a mail server in the
environment) reports no issue; tests/security/test_production_settings.py holds it to that."""

from animagenius.config.env import env_bool, env_email_production, env_int, env_paypal, env_secret_key
from animagenius.config.settings.base import *  # noqa: F403

SECRET_KEY = env_secret_key("SECRET_KEY")  # >= 50 characters, >= 5 different ones, else start-up stops
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# the header's consent to the browsers' preload list; being listed takes a submission at hstspreload.org
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
PAYPAL = env_paypal(production=True)  # the simulator only when asked for by name

# ---------------------------------------------------------------- email: a real mail server, or no start
_EMAIL = env_email_production()  # EMAIL_URL, or EMAIL_HOST/_PORT/_HOST_USER/_HOST_PASSWORD/_USE_TLS/_USE_SSL
EMAIL_BACKEND = _EMAIL.backend
EMAIL_HOST = _EMAIL.host
EMAIL_PORT = _EMAIL.port
EMAIL_HOST_USER = _EMAIL.user
EMAIL_HOST_PASSWORD = _EMAIL.password
EMAIL_USE_TLS = _EMAIL.use_tls
EMAIL_USE_SSL = _EMAIL.use_ssl
EMAIL_TIMEOUT = _EMAIL.timeout_s
