"""A video file a provider sent, checked before a scene plays it.

The bundled ffmpeg must find a moving picture with a duration in it and decode that picture to its end, so a
web page, a cut-off download or a sound-only file is refused here, with what is wrong, and never reaches the
renderer. ffmpeg reads only the local file (`USER_MEDIA_INPUT`) within time and memory limits.
"""

from __future__ import annotations

from pathlib import Path

from animagenius.pipeline.errors import (
    CorruptFile,
    InputError,
    NoContent,
    ProcessingTimeout,
    ProviderBadOutput,
    TooLarge,
    UnsupportedFormat,
)
from animagenius.pipeline.ingest.media import MediaProbe, probe
from animagenius.pipeline.media.ffmpeg import USER_MEDIA_INPUT, FFmpegTimedOut, ffmpeg_lines, ffmpeg_output
from animagenius.pipeline.providers.remote.http import preview

MAX_CLIP_S = 300.0
DECODE_TIMEOUT_S = 120.0
PROBLEMS: dict[type[InputError], str] = {
    CorruptFile: "a video that is cut off or damaged",
    NoContent: "a file with neither moving pictures nor sound",
    ProcessingTimeout: "a video that takes too long to read",
    TooLarge: "a video too big to read",
}
"""What each refusal of the media probe means about a provider's file (not a video at all: checked_clip)."""


def checked_clip(path: Path, *, label: str) -> MediaProbe:
    """What is in the video at `path`, when it is one a scene can play; else ProviderBadOutput saying what
    `label` (e.g. "Replicate's clip") sent instead."""
    if path.stat().st_size == 0:
        raise ProviderBadOutput(f"{label} is an empty file")
    try:
        info = probe(path, measure_up_to_s=MAX_CLIP_S + 1)
    except UnsupportedFormat:  # a web page, an error message, some other kind of file
        raise ProviderBadOutput(f"{label} is not a video (it starts {_start(path)})") from None
    except InputError as error:
        problem = PROBLEMS.get(type(error), "a file that cannot be read as a video")
        raise ProviderBadOutput(f"{label} is {problem}") from None
    if not info.has_video:
        raise ProviderBadOutput(f"{label} is sound only, without moving pictures")
    if not 0 < info.duration_s <= MAX_CLIP_S:
        raise ProviderBadOutput(f"{label} lasts {info.duration_s:g} s; a clip lasts up to {MAX_CLIP_S:g} s")
    _decodes_to_the_end(path, label=label)
    return info


def _decodes_to_the_end(path: Path, *, label: str) -> None:
    """Decode the picture (only) to its last frame, stopping at the first damaged one."""
    try:
        completed = ffmpeg_output(
            ["-nostdin", "-hide_banner", "-nostats", "-v", "error", "-xerror",
             *USER_MEDIA_INPUT, "-i", str(path), "-map", "0:v:0", "-f", "null", "-"],
            timeout_s=DECODE_TIMEOUT_S,
        )  # fmt: skip
    except FFmpegTimedOut:
        raise ProviderBadOutput(f"{label} took over {DECODE_TIMEOUT_S:g} s to decode") from None
    if completed.returncode != 0:
        lines = ffmpeg_lines(completed.stderr.decode(errors="replace"), path=path, shown="the file")
        first = lines[0] if lines else f"exit {completed.returncode}"
        raise ProviderBadOutput(f"{label} is a video that is cut off or damaged ({first})")


def _start(path: Path) -> str:
    with path.open("rb") as handle:
        return preview(handle.read(60), limit=40)
