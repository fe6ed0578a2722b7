"""Running the bundled ffmpeg binary with progress, a time limit and no network access."""

from __future__ import annotations

import functools
import os
import re
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from animagenius.pipeline.errors import EncoderKilled, RenderFailed

SAFE_INPUT = ["-protocol_whitelist", "file,pipe"]
# exit codes of an ffmpeg stopped by a signal from outside: killed, or (255) it caught SIGTERM/SIGINT and
# exited by itself, as it does when a supervisor stops the worker's process group
KILLED = (-signal.SIGKILL, -signal.SIGTERM, 255)
MMAP_THRESHOLD_BYTES = 2**20  # blocks this big and bigger (a 1080p frame is 3 MB) are mapped and unmapped
_LOG_PREFIX = re.compile(r"\[[^\[\]\n]*@ 0x[0-9a-fA-F]+\]\s*")  # "[out#0/null @ 0x55aa…] ", one or several
_BOOKKEEPING = re.compile(
    r"^(Terminating thread with return code|Task finished with error code|Conversion failed!|"
    r"Last message repeated|Decode error rate)"
)  # ffmpeg's own accounts of stopping: they say nothing about the file


def ffmpeg_lines(stderr: str, *, path: Path | None = None, shown: str = "") -> list[str]:
    """What ffmpeg wrote, line by line, fit to show a person: without its `[name @ 0x…]` log prefixes (a
    memory address tells them nothing, and an attacker something), without its own bookkeeping, and with
    `path` written as `shown` (its name, unless told)."""
    if path is not None:
        stderr = stderr.replace(str(path), shown or path.name)
    lines = (_LOG_PREFIX.sub("", line).strip() for line in stderr.splitlines())
    return [line for line in lines if line and not _BOOKKEEPING.match(line)]


def ffmpeg_message(stderr: str, *, path: Path | None = None, lines: int = 1) -> str:
    """The last `lines` things ffmpeg said (ffmpeg_lines), joined with " | "; "" if it said nothing."""
    return " | ".join(ffmpeg_lines(stderr, path=path)[-lines:])


@functools.cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _lean_malloc() -> dict[str, str]:
    """The environment with glibc's malloc told to hand back freed frame buffers: by default each of
    ffmpeg's threads gets an arena that keeps them, and large blocks stop being mapped on their own after the
    first is freed (about 30 MB less at 1080p; bench/README.md)."""
    return {**os.environ, "MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD_BYTES)}


def run_ffmpeg(
    args: Sequence[str],
    *,
    cwd: Path,
    duration_s: float,
    on_fraction: Callable[[float], None],
    timeout_s: float,
) -> None:
    """Run ffmpeg, reporting the fraction of `duration_s` encoded so far; raise RenderFailed on error."""
    command = [
        ffmpeg_exe(),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-progress",
        "pipe:1",
        *args,
    ]
    log = cwd / "ffmpeg.log"
    with (
        log.open("wb") as stderr,
        subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr, text=True, env=_lean_malloc()
        ) as process,
    ):
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            process.kill()

        watchdog = threading.Timer(timeout_s, stop)
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith("out_time_us=") and line.strip() != "out_time_us=N/A":
                    seconds = int(line.split("=", 1)[1]) / 1e6
                    on_fraction(min(1.0, max(0.0, seconds / duration_s)))
            process.wait()
        except BaseException:
            process.kill()
            raise
        finally:
            watchdog.cancel()
    if process.returncode == -signal.SIGKILL and timed_out.is_set():
        raise RenderFailed(f"the video encoder took longer than {timeout_s:.0f} s and was stopped")
    if process.returncode in KILLED:
        raise EncoderKilled
    if process.returncode != 0:
        detail = ffmpeg_message(log.read_text(errors="replace"), lines=3) or f"exit {process.returncode}"
        raise RenderFailed(f"the video encoder failed: {detail}")
