"""Read settings from the environment; a bad value stops start-up with a message saying what to fix."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.providers.remote.config import LlmConfig

if TYPE_CHECKING:
    from animagenius.studio.render_providers import RenderProviders

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


_RATE = re.compile(r"(\d+)/(s|sec|second|m|min|minute|h|hour|d|day)")


def env_rate(name: str, default: str) -> str:
    """A request rate such as "120/min" (per second, minute, hour or day)."""
    raw = (_raw(name) or default).strip()
    match = _RATE.fullmatch(raw)
    if match is None or int(match.group(1)) < 1:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate; write requests per period, e.g. 120/min")
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


def env_llm() -> LlmConfig:
    """The LLM_* variables as one config; a bad value stops start-up naming the variable."""
    try:
        return LlmConfig.from_env(os.environ)
    except InvalidOption as error:
        raise ImproperlyConfigured(str(error)) from None


def check_script_writers(names: list[str]) -> None:
    from animagenius.pipeline.providers.writers import SCRIPT_WRITERS

    unknown = [name for name in names if name not in SCRIPT_WRITERS.names]
    if unknown:
        raise ImproperlyConfigured(
            f"SCRIPT_WRITERS names {', '.join(unknown)}; known writers: {', '.join(SCRIPT_WRITERS.names)}"
        )


def env_render_providers(name: str, default: str) -> RenderProviders:
    """`role=name@queue` entries (studio/render_providers.py); a bad one stops start-up, saying why."""
    from animagenius.studio.render_providers import RenderProvidersInvalid, render_providers_parse

    try:
        return render_providers_parse(env_str(name, default))
    except RenderProvidersInvalid as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None


def check_image_generator(name: str) -> None:
    """A known generator name (or blank), and IMAGES_* and REPLICATE_* variables that make sense; else
    start-up stops."""
    from animagenius.pipeline.providers.images import IMAGE_GENERATORS
    from animagenius.pipeline.providers.remote.config import ImageConfig, ReplicateConfig

    _check_generator(
        "IMAGE_GENERATOR", name, IMAGE_GENERATORS.names, (ImageConfig.from_env, ReplicateConfig.from_env)
    )


def check_video_generator(name: str) -> None:
    """A known video generator name (or blank), and REPLICATE_* variables that make sense; else start-up
    stops."""
    from animagenius.pipeline.providers.remote.config import ReplicateConfig
    from animagenius.pipeline.providers.videos import VIDEO_GENERATORS

    _check_generator("VIDEO_GENERATOR", name, VIDEO_GENERATORS.names, (ReplicateConfig.from_env,))


def _check_generator(
    setting: str, name: str, known: Sequence[str], readers: Sequence[Callable[[Mapping[str, str]], object]]
) -> None:
    """`name` is one of the `known` generators (or blank), and each of `readers` accepts the environment."""
    if name and name not in known:
        raise ImproperlyConfigured(
            f"{setting}={name!r} is not a known generator; use one of {', '.join(known)} or leave it blank"
        )
    try:
        for read in readers:
            read(os.environ)
    except InvalidOption as error:
        raise ImproperlyConfigured(str(error)) from None
