"""An encoder stopped from outside is a transient failure (the job is retried), however it was stopped."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from animagenius.pipeline.errors import EncoderKilled
from animagenius.pipeline.media.ffmpeg import run_ffmpeg
from tests.processes import running_ffmpegs

LONG_ENCODE = [
    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=600", "-c:v", "libx264", "out.mp4"
]  # fmt: skip


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_an_encoder_stopped_by_a_signal_is_a_transient_failure(stop_signal: int, tmp_path: Path) -> None:
    outcome: list[BaseException] = []

    def encode() -> None:
        try:
            run_ffmpeg(LONG_ENCODE, cwd=tmp_path, duration_s=600, on_fraction=lambda _: None, timeout_s=600)
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)

    encoder = threading.Thread(target=encode)
    encoder.start()
    deadline = time.monotonic() + 60
    while not running_ffmpegs(os.getpid()) and time.monotonic() < deadline:
        time.sleep(0.05)
    (pid,) = running_ffmpegs(os.getpid())
    time.sleep(0.5)  # encoding, its signal handlers installed
    os.kill(pid, stop_signal)
    encoder.join(timeout=60)

    assert len(outcome) == 1 and isinstance(outcome[0], EncoderKilled), outcome
    assert outcome[0].transient
