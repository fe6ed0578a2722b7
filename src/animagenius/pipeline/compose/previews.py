"""What a player or a project list shows before the video plays: a poster frame and a 3-second preview."""

from __future__ import annotations

from pathlib import Path

from animagenius.pipeline.media.ffmpeg import SAFE_INPUT, run_ffmpeg

POSTER_AT_S = 1.5  # past the first crossfade and the title's fade-in
PREVIEW_S = 3.0


def poster(video: Path, out: Path, *, duration_s: float, workdir: Path) -> Path:
    """A JPEG of the frame POSTER_AT_S into `video` (earlier in a shorter one)."""
    at = min(POSTER_AT_S, duration_s / 3)
    run_ffmpeg(
        ["-ss", f"{at:.3f}", *SAFE_INPUT, "-i", str(video.resolve()), "-frames:v", "1", "-q:v", "3",
         "-update", "1", str(out.resolve())],
        cwd=workdir, duration_s=1.0, on_fraction=lambda _: None, timeout_s=60.0,
    )  # fmt: skip
    return out


def preview(video: Path, out: Path, *, workdir: Path) -> Path:
    """The first PREVIEW_S seconds of `video`, muted (it autoplays on hover), copied without re-encoding:
    the video starts with a key frame."""
    run_ffmpeg(
        [*SAFE_INPUT, "-i", str(video.resolve()), "-t", f"{PREVIEW_S:.3f}", "-map", "0:v", "-c", "copy",
         "-an", *(("-movflags", "+faststart") if out.suffix == ".mp4" else ()), str(out.resolve())],
        cwd=workdir, duration_s=PREVIEW_S, on_fraction=lambda _: None, timeout_s=60.0,
    )  # fmt: skip
    return out
