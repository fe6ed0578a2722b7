"""Bad settings stop start-up with a message naming the variable, before anything is served."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def start(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.test", **environment}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "IMAGE_GENERATOR",
            "midjourney",
            "IMAGE_GENERATOR='midjourney' is not a known generator; use one of openai",
        ),
        ("IMAGES_TIMEOUT_S", "soon", "IMAGES_TIMEOUT_S"),
        ("IMAGES_QUALITY", "ultra", "IMAGES_QUALITY"),
    ],
)
def test_bad_image_settings_stop_start_up(variable: str, value: str, message: str) -> None:
    started = start(**{variable: value})

    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and message in started.stderr, started.stderr[-800:]


def test_good_image_settings_start() -> None:
    started = start(IMAGE_GENERATOR="", IMAGES_API_KEY="sk-x", IMAGES_QUALITY="high")

    assert started.returncode == 0, started.stderr[-800:]
