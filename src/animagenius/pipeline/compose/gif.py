"""An animated GIF of a rendered video: one palette for the whole clip, dithered, under a size cap."""

from __future__ import annotations

import shutil
from pathlib import Path

from animagenius.pipeline.errors import RenderFailed
from animagenius.pipeline.media.ffmpeg import SAFE_INPUT, run_ffmpeg

GIF_FPS = 12
LONG_SIDES = (640, 480, 360)  # tried in turn until the file fits under the cap
MAX_BYTES = 20 * 1024 * 1024


def gif_from(video: Path, out: Path, *, duration_s: float, workdir: Path, max_bytes: int = MAX_BYTES) -> Path:
    """Write `video` as a looping GIF to `out`, as large as fits in `max_bytes`; RenderFailed if none does."""
    attempt, palette = workdir / "attempt.gif", workdir / "palette.png"
    for long_side in LONG_SIDES:
        size = f"'if(gte(iw,ih),{long_side},-2)':'if(gte(iw,ih),-2,{long_side})'"
        frames = f"fps={GIF_FPS},scale={size}:flags=bilinear"
        # two passes: a palette from every frame, then the frames mapped to it (one pass would hold them all)
        palette_graph = f"{frames},palettegen=max_colors=128:stats_mode=diff"
        _ffmpeg(
            video, ["-vf", palette_graph, "-update", "1", palette], workdir=workdir, duration_s=duration_s
        )
        graph = (
            f"[0:v]{frames}[frames];[frames][1:v]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle"
        )
        # the palette repeated under every frame: a palette that ends after its one frame makes paletteuse
        # fail part-way through some videos ("Internal bug"), hence the loop and the length cap
        mapped: list[str | Path] = [
            *SAFE_INPUT, "-loop", "1", "-i", palette, "-filter_complex", graph,
            "-t", f"{duration_s:.3f}", "-loop", "0", attempt,
        ]  # fmt: skip
        _ffmpeg(video, mapped, workdir=workdir, duration_s=duration_s)
        if attempt.stat().st_size <= max_bytes:
            shutil.move(attempt, out)
            return out
    size_mb = attempt.stat().st_size / 1024 / 1024
    attempt.unlink(missing_ok=True)
    raise RenderFailed(
        f"the GIF would be {size_mb:.0f} MB even {LONG_SIDES[-1]} px wide, over the "
        f"{max_bytes // 1024 // 1024} MB limit; make a shorter video, or choose MP4 or WebM"
    )


def _ffmpeg(video: Path, args: list[str | Path], *, workdir: Path, duration_s: float) -> None:
    arguments = [str(arg.resolve()) if isinstance(arg, Path) else arg for arg in args]
    run_ffmpeg(
        [*SAFE_INPUT, "-i", str(video.resolve()), *arguments], cwd=workdir, duration_s=duration_s,
        on_fraction=lambda _: None, timeout_s=max(60.0, duration_s * 5),
    )  # fmt: skip
