"""Bad configuration stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DATABASE_URL",
            "mysql://db/app",
            "DATABASE_URL='mysql://db/app' must be a URL starting with one of",
        ),
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("UPLOAD_MAX_BYTES", "lots", "UPLOAD_MAX_BYTES='lots' is not a whole number"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL='localhost:6379' must be a URL"),
        ("LLM_TIMEOUT_S", "soon", "LLM_TIMEOUT_S='soon' is not a number"),
        ("LLM_MAX_ATTEMPTS", "0", "LLM_MAX_ATTEMPTS: Input should be greater than or equal to 1"),
        ("LLM_BASE_URL", "openrouter.ai", "LLM_BASE_URL='openrouter.ai' must start with https://"),
        ("SCRIPT_WRITERS", "gpt5,offline", "SCRIPT_WRITERS names gpt5; known writers: offline, openai"),
        (
            "IMAGE_GENERATOR",
            "midjourney",
            "IMAGE_GENERATOR='midjourney' is not a known generator; use one of",
        ),
        (
            "VIDEO_GENERATOR",
            "sora",
            "VIDEO_GENERATOR='sora' is not a known generator; use one of replicate or leave it blank",
        ),
        ("REPLICATE_VIDEO_TIMEOUT_S", "0", "REPLICATE_VIDEO_TIMEOUT_S"),
        ("IMAGES_TIMEOUT_S", "soon", "IMAGES_TIMEOUT_S='soon' is not a number"),
        ("IMAGES_QUALITY", "ultra", "IMAGES_QUALITY"),
        ("REPLICATE_POLL_S", "0", "REPLICATE_POLL_S"),
        ("RENDER_ENCODERS", "0", "RENDER_ENCODERS=0 must be at least 1"),
        (
            "API_RATE_LIMIT",
            "fast",
            "API_RATE_LIMIT='fast' is not a rate; write requests per period, e.g. 120/min",
        ),
        ("API_RATE_LIMIT", "0/min", "API_RATE_LIMIT='0/min' is not a rate"),
        ("RENDER_PROVIDERS", "fallback=pool-b@render-b", "RENDER_PROVIDERS: name a primary provider"),
        ("RENDER_PROVIDERS", "primary=local", "RENDER_PROVIDERS: 'primary=local' is not role=name@queue"),
        ("EVENTS_URL", "127.0.0.1:8001", "EVENTS_URL='127.0.0.1:8001' must be a URL"),
    ],
)
def test_bad_environment_value_fails_at_start_up(variable, value, message):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.local", variable: value}
    completed = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode != 0
    assert message in completed.stderr


def test_production_requires_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "animagenius.config.settings.production"
    completed = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode != 0
    assert "environment variable SECRET_KEY is required" in completed.stderr
