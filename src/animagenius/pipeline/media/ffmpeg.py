"""The one place ffmpeg is started: the bundled binary, local files only, and on every call a wall-clock
time limit with address-space and CPU-time ceilings.

`SAFE_INPUT` goes before every `-i`: ffmpeg reads local files and pipes, never a URL. A file a person
uploaded (or a provider sent) is read with `USER_MEDIA_INPUT` or `USER_AUDIO_INPUT`, which add the demuxers
of real containers only (`-format_whitelist`), so playlists and concat scripts are never followed, not even
to other local files.

`run_ffmpeg` encodes with progress; `ffmpeg_output` runs ffmpeg for what it prints or decodes;
`run_limited` is the bounded child process both stand on.
"""

from __future__ import annotations

import functools
import math
import os
import re
import resource
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from animagenius.pipeline.errors import EncoderKilled, RenderFailed

GIB = 1024**3
FFMPEG_MEMORY_BYTES = 2 * GIB  # decoding or measuring one file: a person's upload, a provider's, our own
# an encoder run: a few frames of each input (33 MB each at 2160p), the encoder's lookahead and a stack per
# thread; a 4K render measured at most 1.4 GB of address space (2 cores), so this refuses none that works
ENCODE_MEMORY_BYTES = 8 * GIB

SAFE_INPUT = ("-protocol_whitelist", "file,pipe")
"""Options that go before every `-i`."""
MEDIA_DEMUXERS = (
    "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,ogg,flac,wav,w64,mp3,aac,ac3,eac3,aiff,caf,amr,wv,"
    "avi,asf,flv,mpegts,mpeg,mxf"
)
AUDIO_DEMUXERS = "wav,mp3,flac,ogg,mov,matroska,aac,w64,aiff"
USER_MEDIA_INPUT = (*SAFE_INPUT, "-format_whitelist", MEDIA_DEMUXERS)
"""Before `-i USER_FILE` of an audio or video upload."""
USER_AUDIO_INPUT = (*SAFE_INPUT, "-format_whitelist", AUDIO_DEMUXERS)
"""Before `-i USER_FILE` of a person's music: containers that hold their sound themselves."""

# exit codes of an ffmpeg stopped by a signal from outside: killed, or (255) it caught SIGTERM/SIGINT and
# exited by itself, as it does when a supervisor stops the worker's process group
KILLED = (-signal.SIGKILL, -signal.SIGTERM, 255)
MMAP_THRESHOLD_BYTES = 2**20  # blocks this big and bigger (a 1080p frame is 3 MB) are mapped and unmapped
_LOG_PREFIX = re.compile(r"\[[^\[\]\n]*@ 0x[0-9a-fA-F]+\]\s*")  # "[out#0/null @ 0x55aa…] ", one or several
_BOOKKEEPING = re.compile(
    r"^(Terminating thread with return code|Task finished with error code|Conversion failed!|"
    r"Last message repeated|Decode error rate)"
)  # ffmpeg's own accounts of stopping: they say nothing about the file


class FFmpegTimedOut(Exception):
    """ffmpeg ran past its time limit and was killed."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"ffmpeg took longer than {timeout_s:.0f} s and was stopped")
        self.timeout_s = timeout_s


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


# ---------------------------------------------------------------- bounded child processes


def run_limited(
    args: Sequence[str],
    *,
    timeout_s: float,
    memory_bytes: int,
    cpu_s: float | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run a command capturing its output, with a wall-clock timeout and address-space and CPU ceilings.

    Raises `subprocess.TimeoutExpired` (after killing the process) once `timeout_s` has passed. `cpu_s`
    defaults to the timeout on every core; it stops the process even if our own timer never fires (for
    instance when this process is killed first). The child stays in our process group on purpose: a
    sandbox that kills the group kills it too. `stdin` is fed to the command (else it reads nothing).
    """
    return subprocess.run(
        list(args),
        capture_output=True,
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        timeout=timeout_s,
        check=False,
        preexec_fn=_limits(timeout_s=timeout_s, memory_bytes=memory_bytes, cpu_s=cpu_s),
    )


def ffmpeg_output(
    args: Sequence[str],
    *,
    timeout_s: float,
    memory_bytes: int = FFMPEG_MEMORY_BYTES,
    cpu_s: float | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run the bundled ffmpeg with `args` (everything after the program), capturing what it prints, within
    `run_limited`'s bounds; raise FFmpegTimedOut once `timeout_s` has passed."""
    try:
        return run_limited(
            [ffmpeg_exe(), *args], timeout_s=timeout_s, memory_bytes=memory_bytes, cpu_s=cpu_s, stdin=stdin
        )
    except subprocess.TimeoutExpired:
        raise FFmpegTimedOut(timeout_s) from None


def _within_hard(which: int, wanted: int) -> int:
    """A child cannot raise a hard limit it inherited, so never ask for more than ours."""
    hard = resource.getrlimit(which)[1]
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def _limits(*, timeout_s: float, memory_bytes: int, cpu_s: float | None) -> Callable[[], None]:
    """What the forked child does before it runs the command: set its ceilings, nothing else."""
    cpu = math.ceil(cpu_s if cpu_s is not None else timeout_s * (os.cpu_count() or 1)) + 1
    memory = _within_hard(resource.RLIMIT_AS, memory_bytes)
    cpu = _within_hard(resource.RLIMIT_CPU, cpu)

    def apply() -> None:  # runs in the forked child: setrlimit only
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL a second later
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


# ---------------------------------------------------------------- encoding with progress


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
    memory_bytes: int = ENCODE_MEMORY_BYTES,
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
            command,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=_lean_malloc(),
            preexec_fn=_limits(timeout_s=timeout_s, memory_bytes=memory_bytes, cpu_s=None),
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
