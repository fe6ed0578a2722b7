"""Read settings from the environment; a bad value stops start-up with a message saying what to fix."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.providers.settings import ProviderSettings

if TYPE_CHECKING:
    from animagenius.billing.paypal.settings import PayPalSettings
    from animagenius.studio.jobs.providers import RenderProviders

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    """The variable's value; set-but-empty counts as unset, so a copied .env.example changes nothing."""
    return os.environ.get(name) or None


def env_str(name: str, default: str | None = None) -> str:
    value = _raw(name) or default
    if value is None:
        raise ImproperlyConfigured(f"environment variable {name} is required (see .env.example)")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_choice(name: str, default: str, choices: Sequence[str]) -> str:
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}")
    return value


def env_rate(name: str, default: str) -> str:
    """A rate such as "120/min": events per second, minute, hour or day, or a multiple ("5/15min")."""
    from animagenius.core.ratelimit import Rate

    raw = (_raw(name) or default).strip()
    try:
        Rate.parse(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate; write requests per period, e.g. 120/min or 5/15min"
        ) from None
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _raw(name)
    return default if raw is None else [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = _raw(name)
    return Path(raw).expanduser().resolve() if raw else default


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    value = env_str(name, default)
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={value!r} must be a URL starting with one of: {', '.join(schemes)}"
        )
    return value


def env_provider_settings() -> ProviderSettings:
    """Every provider's variables (LLM_*, TTS_*, ELEVENLABS_*, IMAGES_*, REPLICATE_*, ASR_MODEL_DIR) read
    once, as the pipeline's `ProviderSettings`; a bad value stops start-up naming the variable."""
    try:
        return ProviderSettings.from_env()
    except InvalidOption as error:
        raise ImproperlyConfigured(str(error)) from None


def env_paypal(*, production: bool = False) -> PayPalSettings:
    """PAYPAL_MODE, PAYPAL_CLIENT_ID/_SECRET, PAYPAL_WEBHOOK_ID…: the local simulator without credentials,
    except in production, where only an explicit PAYPAL_MODE=local runs on it (no one pays a simulator)."""
    from animagenius.billing.paypal.settings import PayPalSettings

    try:
        paypal = PayPalSettings.from_env(os.environ)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None
    if production and paypal.mode == "local" and not _raw("PAYPAL_MODE"):
        raise ImproperlyConfigured(
            "production takes payments through PayPal: set PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and "
            "PAYPAL_WEBHOOK_ID (with PAYPAL_MODE=live, or sandbox), or PAYPAL_MODE=local to run on the "
            "local PayPal simulator"
        )
    return paypal


def check_script_writers(names: list[str]) -> None:
    from animagenius.pipeline.script.writers import SCRIPT_WRITERS

    unknown = [name for name in names if name not in SCRIPT_WRITERS.names]
    if unknown:
        raise ImproperlyConfigured(
            f"SCRIPT_WRITERS names {', '.join(unknown)}; known writers: {', '.join(SCRIPT_WRITERS.names)}"
        )


def env_render_providers(name: str, default: str) -> RenderProviders:
    """`role=name@queue` entries (studio/jobs/providers.py); a bad one stops start-up, saying why."""
    from animagenius.studio.jobs.providers import RenderProvidersInvalid, render_providers_parse

    try:
        return render_providers_parse(env_str(name, default))
    except RenderProvidersInvalid as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None


def check_image_generator(name: str) -> None:
    """A known generator name (or blank); else start-up stops. Its IMAGES_*/REPLICATE_* variables are
    checked by `env_provider_settings`."""
    from animagenius.pipeline.providers.images import IMAGE_GENERATORS

    _check_generator("IMAGE_GENERATOR", name, IMAGE_GENERATORS.names)


def check_video_generator(name: str) -> None:
    """A known video generator name (or blank); else start-up stops."""
    from animagenius.pipeline.providers.videos import VIDEO_GENERATORS

    _check_generator("VIDEO_GENERATOR", name, VIDEO_GENERATORS.names)


def _check_generator(setting: str, name: str, known: Sequence[str]) -> None:
    if name and name not in known:
        raise ImproperlyConfigured(
            f"{setting}={name!r} is not a known generator; use one of {', '.join(known)} or leave it blank"
        )


# ---------------------------------------------------------------- production: secrets, email, origins

SECRET_KEY_MIN_LENGTH = 50  # Django's own deploy check (security.W009) asks for these
SECRET_KEY_MIN_DISTINCT = 5
SECRET_KEY_INSECURE_PREFIX = "django-insecure-"


def env_secret_key(name: str) -> str:
    """A required secret key strong enough to sign sessions and password-reset links; a weak one stops
    start-up, saying how to make a good one."""
    value = env_str(name)
    weak = (
        len(value) < SECRET_KEY_MIN_LENGTH
        or len(set(value)) < SECRET_KEY_MIN_DISTINCT
        or value.startswith(SECRET_KEY_INSECURE_PREFIX)
    )
    if weak:
        raise ImproperlyConfigured(
            f"{name} is too weak ({len(value)} characters, {len(set(value))} different"
            f"{', Django placeholder prefix' if value.startswith(SECRET_KEY_INSECURE_PREFIX) else ''}): "
            f"production needs at least {SECRET_KEY_MIN_LENGTH} characters with at least "
            f"{SECRET_KEY_MIN_DISTINCT} different ones; make one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return value


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# backends that keep mail out of people's inboxes: fine on a laptop, never in production
_NOWHERE_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "prints each email in the server log",
    "django.core.mail.backends.filebased.EmailBackend": "writes each email to a file",
    "django.core.mail.backends.locmem.EmailBackend": "keeps each email in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops each email",
}
# EMAIL_URL schemes: (implicit TLS, STARTTLS, default port)
_EMAIL_SCHEMES = {
    "smtp": (False, False, 25),
    "smtp+tls": (False, True, 587),
    "submission": (False, True, 587),
    "smtps": (True, False, 465),
    "smtp+ssl": (True, False, 465),
}
_EMAIL_HELP = (
    "set EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.com:587; smtps://… for implicit TLS on 465) "
    "or EMAIL_HOST with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS or EMAIL_USE_SSL, "
    "or EMAIL_BACKEND to an email API's backend"
)


@dataclass(frozen=True)
class EmailConfig:
    """Where account emails (sign-up verification, password resets) go: Django's EMAIL_* settings."""

    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout_s: int = 10


def env_email_production() -> EmailConfig:
    """A real mail server (SMTP) or an email API's backend, from EMAIL_URL, EMAIL_HOST… or EMAIL_BACKEND;
    anything that would keep password-reset links out of people's inboxes stops start-up."""
    backend = env_str("EMAIL_BACKEND", SMTP_BACKEND)
    if backend in _NOWHERE_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND={backend!r} {_NOWHERE_BACKENDS[backend]}, so no one receives sign-up or "
            f"password-reset emails; production needs a real mail server: {_EMAIL_HELP}"
        )
    timeout_s = env_int("EMAIL_TIMEOUT", 10, minimum=1)
    if backend != SMTP_BACKEND:
        return EmailConfig(backend=backend, timeout_s=timeout_s)  # an API's backend, configured its own way
    url, host = _raw("EMAIL_URL"), _raw("EMAIL_HOST")
    if url and host:
        raise ImproperlyConfigured("EMAIL_URL and EMAIL_HOST are both set; set one of them")
    if url:
        return _email_from_url(url, timeout_s=timeout_s)
    if host:
        use_ssl = env_bool("EMAIL_USE_SSL", False)
        use_tls = env_bool("EMAIL_USE_TLS", not use_ssl)
        if use_ssl and use_tls:
            raise ImproperlyConfigured(
                "EMAIL_USE_TLS and EMAIL_USE_SSL are both true; use TLS (STARTTLS, usually port 587) "
                "or SSL (implicit TLS, usually port 465)"
            )
        return EmailConfig(
            backend=backend, host=host, port=env_int("EMAIL_PORT", 465 if use_ssl else 587, minimum=1),
            user=env_str("EMAIL_HOST_USER", ""), password=env_str("EMAIL_HOST_PASSWORD", ""),
            use_tls=use_tls, use_ssl=use_ssl, timeout_s=timeout_s,
        )  # fmt: skip
    raise ImproperlyConfigured(
        f"production sends sign-up and password-reset emails and has no mail server configured: {_EMAIL_HELP}"
    )


def _email_from_url(url: str, *, timeout_s: int) -> EmailConfig:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    shown = _without_password(url)
    if scheme not in _EMAIL_SCHEMES:
        schemes = ", ".join(f"{name}://" for name in _EMAIL_SCHEMES)
        raise ImproperlyConfigured(f"EMAIL_URL={shown!r} must start with one of: {schemes}")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL={shown!r} has a port that is not a number") from None
    if not parts.hostname:
        raise ImproperlyConfigured(f"EMAIL_URL={shown!r} names no mail server host")
    use_ssl, use_tls, default_port = _EMAIL_SCHEMES[scheme]
    return EmailConfig(
        backend=SMTP_BACKEND, host=parts.hostname, port=port or default_port,
        user=unquote(parts.username or ""), password=unquote(parts.password or ""),
        use_tls=use_tls, use_ssl=use_ssl, timeout_s=timeout_s,
    )  # fmt: skip


def _without_password(url: str) -> str:
    """`url` as a message may show it: the password, if any, replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def url_origin(url: str) -> str:
    """The origin of an http(s) URL as a browser writes it in an Origin header (scheme://host[:port], the
    port left out when it is the scheme's default); "" for "", or for a URL with no host or a bad port."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return ""
    if not host or scheme not in ("http", "https"):
        return ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def env_origins(name: str, default: list[str]) -> list[str]:
    """Comma-separated origins (http(s)://host[:port], no path), as browsers send them in Origin headers."""
    origins = []
    for item in env_list(name, default):
        parts = urlsplit(item)
        origin = url_origin(item)
        if not origin or parts.path.strip("/") or parts.query or parts.fragment or parts.username:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an origin; write scheme://host[:port] with no path, "
                "e.g. https://animagenius.example.com"
            )
        origins.append(origin)
    return origins
