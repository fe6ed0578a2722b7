"""Pipeline fixtures: frame grabbing and the offline voice (corpus, ffprobe: tests/conftest.py)."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.protocols import Voice

FrameGrabber = Callable[[Path, float], Image.Image]


@pytest.fixture(scope="session")
def grab_frame() -> FrameGrabber:
    """The decoded RGB frame shown at `at_s` seconds, using the bundled ffmpeg (accurate input seeking)."""

    def grab(video: Path, at_s: float) -> Image.Image:
        completed = subprocess.run(
            [ffmpeg_exe(), "-nostdin", "-v", "error", "-ss", f"{at_s:.3f}", "-i", str(video),
             "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "-"],
            capture_output=True,
            check=False,
            timeout=60,
        )  # fmt: skip
        problem = f"no frame at {at_s:.3f} s in {video}: {completed.stderr.decode(errors='replace').strip()}"
        assert completed.returncode == 0, problem
        assert completed.stdout, problem
        image = Image.open(io.BytesIO(completed.stdout))
        return image.convert("RGB")

    return grab


@pytest.fixture(scope="session")
def piper_voice() -> Voice:
    """The bundled offline voice; the model loads once per test session."""
    from animagenius.pipeline.voice.voices import VOICES

    return VOICES.create("piper")


@pytest.fixture(scope="session")
def animagenius() -> Path:
    """The installed console script of this environment."""
    script = Path(sys.executable).parent / "animagenius"
    if not script.is_file():
        pytest.fail(f"the console script is not installed at {script}; run `pip install -e .`")
    return script
