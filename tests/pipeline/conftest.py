"""Fixtures for the pipeline tests: the shared corpus of real inputs, ffprobe and frame grabbing."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from animagenius.pipeline.compose.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.protocols import Voice

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = (REPO_ROOT / ".." / "shared" / "corpus").resolve()
FFPROBE = "/usr/bin/ffprobe"

Probe = Callable[[Path], dict[str, Any]]
FrameGrabber = Callable[[Path, float], Image.Image]


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real-world sample inputs (../shared/corpus beside the checkout)."""
    if not (CORPUS / "README.md").is_file():
        pytest.fail(f"the shared corpus is missing: expected it at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def ffprobe() -> Probe:
    """Debian's ffprobe (independent of the bundled ffmpeg that wrote the file), as parsed JSON."""
    if not Path(FFPROBE).is_file():
        pytest.fail(f"{FFPROBE} is missing; install it with `apt-get install ffmpeg`")

    def probe(video: Path) -> dict[str, Any]:
        completed = subprocess.run(
            [FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(video)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert completed.returncode == 0, f"ffprobe could not read {video}: {completed.stderr.strip()}"
        result: dict[str, Any] = json.loads(completed.stdout)
        return result

    return probe


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
    from animagenius.pipeline.providers.voices import VOICES

    return VOICES.create("piper")
