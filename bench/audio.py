"""Loudness of finished videos, with and without music, and what the sound step costs.

For one document it renders the video twice through the public API (`run`, what `animagenius render` calls):
without music and with the built-in `calm` track. Each file is measured with ffmpeg's `ebur128` filter
(integrated loudness, true peak; the promise is −16 ±1 LUFS and ≤ −1.5 dBTP). The sound step (loudness
measurements, levelling and limiting, ducked music, loudnorm's two passes) is then run again on the same
narration and timed, and so are loudnorm's two passes alone on the levelled sound; both are shown as a share
of the rest of the render (everything but the sound step) in the same run.

Run: `.venv/bin/python bench/audio.py [FILE]` (default: the corpus's pep-0020.rst).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from animagenius.pipeline.compose.audio import loudnorm_first_pass, loudnorm_second_pass, soundtrack
from animagenius.pipeline.compose.music import music_cache_dir, music_file
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.run import run
from animagenius.pipeline.video import RenderOptions

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / ".." / "shared" / "corpus" / "text" / "pep-0020.rst"


def loudness(video: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's ebur128 filter."""
    completed = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-i", str(video), "-map", "0:a:0",
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    summary = completed.stderr[completed.stderr.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))


def render_and_measure(source: Path, music: str, base: Path) -> dict[str, float]:
    workdir, out = base / f"work-{music or 'none'}", base / f"{music or 'none'}.mp4"
    options = RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=60, music=music)
    started = time.perf_counter()
    result = run([source], options=options, workdir=workdir, out=out)
    render_s = time.perf_counter() - started

    started = time.perf_counter()
    soundtrack(
        narration=workdir / "narration.wav",
        music=music_file(music, cache_dir=music_cache_dir()),
        duration_s=result.duration_s,
        workdir=workdir,
    )
    sound_s = time.perf_counter() - started

    started = time.perf_counter()
    measured = loudnorm_first_pass(workdir / "levelled.wav", timeout_s=300)
    loudnorm_second_pass(
        workdir / "levelled.wav", measured, duration_s=result.duration_s, out=workdir / "again.wav"
    )
    loudnorm_s = time.perf_counter() - started
    integrated, true_peak = loudness(out)
    return {
        "video_s": result.duration_s,
        "lufs": integrated,
        "dbtp": true_peak,
        "render_s": render_s,
        "sound_s": sound_s,
        "loudnorm_s": loudnorm_s,
    }


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    print(f"# audio benchmark: {source.name}, 720p 16:9, 2 cores — sound step vs the rest of the render")
    print(
        "| music | video | integrated | true peak | render | sound step (share) | two-pass loudnorm (share) |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as base:
        for music in ("", "calm"):
            figures = render_and_measure(source.resolve(), music, Path(base))
            without_sound = figures["render_s"] - figures["sound_s"]
            print(
                f"| {music or 'none'} | {figures['video_s']:.1f} s | {figures['lufs']:.1f} LUFS "
                f"| {figures['dbtp']:.1f} dBTP | {figures['render_s']:.1f} s "
                f"| {figures['sound_s']:.2f} s (+{figures['sound_s'] / without_sound:.1%}) "
                f"| {figures['loudnorm_s']:.2f} s (+{figures['loudnorm_s'] / without_sound:.1%}) |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
