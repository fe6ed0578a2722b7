"""The renderer against the encoder: job A rendered by us, by MoviePy, and the encode-only floor, in one run.

Job A (bench/render_reference.py): 12 scenes × 5 s at 1920×1080, 30 fps, 12 stills (4 photo-like), Ken Burns
1.0 → 1.1, 0.5 s crossfades, 30 caption lines burned in, narration plus quiet music, H.264 veryfast + AAC.

1. Ours: `compose.segments.render_picture` on job A's stills, captions and sound mix from an empty segment
   cache, in a child process: wall and CPU seconds, and peak RSS: the child's own (`VmHWM`) plus twice its
   largest ffmpeg (two segments encode at once), an upper bound on what the render holds at one time.
2. Edit one scene: scene 6's still is replaced and the job rendered again on the same cache.
3. The floor: ffmpeg encoding job A's finished frames alone (raw frames on disk, only the encode timed), with
   our encoder settings (`encodings.H264`).
4. MoviePy 2.x on the same job, in a child process (`--skip-moviepy` to leave it out; it takes minutes).
5. Renditions of job A: 9:16 720p (MP4) and a GIF (from the 1080p MP4), each timed.

Bars (issue 6): ours ≤ 1.15 × floor, ≥ 12 × faster than MoviePy, peak RSS ≤ 400 MB, an edit ≤ 15 % of the
full render. Every 1080p output is checked with ffprobe (60 ± 0.2 s, 1920×1080, H.264 + AAC).

Run: `.venv/bin/python bench/render.py [--skip-moviepy] [--json out.json]`. Exits 1 when a bar fails.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

import render_reference as reference

from animagenius.pipeline.compose.captions import AssEvent, captions_script
from animagenius.pipeline.compose.encodings import H264
from animagenius.pipeline.compose.gif import gif_from
from animagenius.pipeline.compose.segments import Picture, Shot, render_picture
from animagenius.pipeline.domain import Aspect

FLOOR_BAR, MOVIEPY_BAR, RSS_BAR_MB, EDIT_BAR = 1.15, 12.0, 400.0, 0.15
EDITED_SCENE = 5
SEGMENT_WORKERS = 2


def our_render(
    job: reference.JobA, out: Path, *, cache: Path, workdir: Path, size: tuple[int, int] | None = None
) -> float:
    """Job A through our segment renderer; returns wall seconds."""
    width, height = size or job.size
    aspect = Aspect.LANDSCAPE if width > height else Aspect.PORTRAIT
    shots = [
        Shot(still=scene.still, first_frame=round(scene.start_s * job.fps),
             frames=round(scene.end_s * job.fps) - round(scene.start_s * job.fps), zoom_end=job.zoom_end)
        for scene in job.scenes
    ]  # fmt: skip
    events = [AssEvent(line.start_s, line.end_s, line.text) for line in job.captions]
    captions = captions_script(events, size=(width, height), aspect=aspect, font_name="Inter", style="clean")
    picture = Picture(size=(width, height), fps=job.fps, captions=captions, fonts_dir=job.font_file.parent)
    started = time.perf_counter()
    render_picture(shots, picture, sound=job.audio_mix, workdir=workdir, cache_dir=cache, out=out,
                   on_fraction=lambda _: None, workers=SEGMENT_WORKERS)  # fmt: skip
    return time.perf_counter() - started


def _child(job_file: Path, out: Path, cache: Path, workdir: Path) -> int:
    job = pickle.loads(job_file.read_bytes())
    seconds = our_render(job, out, cache=cache, workdir=workdir)
    status = Path("/proc/self/status").read_text()
    own_mb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
    print(json.dumps({"seconds": seconds, "own_rss_mb": own_mb}))
    return 0


def ours_in_child(job: reference.JobA, out: Path, *, cache: Path, workdir: Path) -> dict[str, float]:
    saved = job.folder / "job-a.pickle"
    saved.write_bytes(pickle.dumps(job))
    command = [sys.executable, str(Path(__file__).resolve()), "--ours-child",
               *(str(path) for path in (saved, out, cache, workdir))]  # fmt: skip
    run = reference.run_measured(command, cwd=job.folder, log_name=f"{out.stem}.log")
    report = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "seconds": round(report["seconds"], 2),
        "cpu_s": round(run.cpu_s, 1),
        "own_rss_mb": round(report["own_rss_mb"], 1),
        "largest_ffmpeg_rss_mb": round(run.peak_rss_mb, 1),
        "peak_rss_bound_mb": round(report["own_rss_mb"] + SEGMENT_WORKERS * run.peak_rss_mb, 1),
    }


def edited(job: reference.JobA) -> reference.JobA:
    """Job A with one scene's still changed (its colours inverted), as an edit in the studio would."""
    scene = job.scenes[EDITED_SCENE]
    still = scene.still.with_name(f"edited-{scene.still.stem}.png")
    with Image.open(scene.still) as image:
        Image.eval(image.convert("RGB"), lambda value: 255 - value).save(still)
    scenes = list(job.scenes)
    scenes[EDITED_SCENE] = replace(scene, still=still)
    return replace(job, scenes=tuple(scenes))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-moviepy", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--ours-child", nargs=4, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours_child:
        return _child(*args.ours_child)
    reference.X264_CRF = H264.video[H264.video.index("-crf") + 1]  # the floor encodes exactly as we do
    reference.X264_PRESET = H264.video[H264.video.index("-preset") + 1]

    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        root = Path(folder)
        job = reference.make_job_a(root / "job")
        cache, outputs = root / "segment-cache", root / "out"
        outputs.mkdir()
        ours = ours_in_child(job, outputs / "ours.mp4", cache=cache, workdir=root / "work-ours")
        edit = ours_in_child(edited(job), outputs / "edited.mp4", cache=cache, workdir=root / "work-edit")
        floor_s = reference.floor_render(job, outputs / "floor.mp4")
        moviepy = (
            None if args.skip_moviepy else reference.moviepy_render_in_child(job, outputs / "moviepy.mp4")
        )
        portrait_s = our_render(job, outputs / "portrait.mp4", cache=cache, workdir=root / "work-portrait",
                                size=(720, 1280))  # fmt: skip
        started = time.perf_counter()
        gif = gif_from(outputs / "ours.mp4", outputs / "ours.gif", duration_s=job.duration_s, workdir=root)
        gif_s = time.perf_counter() - started
        gif_mb = gif.stat().st_size / 1e6
        checked = ("ours", "edited", "floor", *(() if moviepy is None else ("moviepy",)))
        problems = {name: reference.probe(outputs / f"{name}.mp4").problems(job) for name in checked}

    figures: dict[str, Any] = {
        "date": str(date.today()), "cores": os.cpu_count(), "ours": ours, "edit": edit,
        "floor_s": round(floor_s, 2),
        "floor_cpu_s": round(reference.LAST_CHILD_RUN["floor_render"].cpu_s, 1),
        "moviepy_s": None if moviepy is None else round(moviepy.seconds, 1),
        "moviepy_cpu_s": None if moviepy is None else round(moviepy.cpu_s, 1),
        "portrait_720p_s": round(portrait_s, 2), "gif_s": round(gif_s, 2), "gif_mb": round(gif_mb, 1),
        "ours_vs_floor": round(ours["seconds"] / floor_s, 3),
        "edit_vs_full": round(edit["seconds"] / ours["seconds"], 3),
        "moviepy_vs_ours": None if moviepy is None else round(moviepy.seconds / ours["seconds"], 1),
        "problems": problems,
    }  # fmt: skip
    bars = {
        f"ours ≤ {FLOOR_BAR} × floor": figures["ours_vs_floor"] <= FLOOR_BAR,
        f"an edit ≤ {EDIT_BAR:.0%} of the full render": figures["edit_vs_full"] <= EDIT_BAR,
        f"peak RSS ≤ {RSS_BAR_MB:.0f} MB": ours["peak_rss_bound_mb"] <= RSS_BAR_MB,
        "every output plays (60 s, 1920×1080, H.264 + AAC)": not any(problems.values()),
    }
    if moviepy is not None:
        bars[f"≥ {MOVIEPY_BAR:.0f} × faster than MoviePy"] = figures["moviepy_vs_ours"] >= MOVIEPY_BAR
    _print(figures, bars, floor_s)
    figures["bars"] = bars
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if all(bars.values()) else 1


def _print(figures: dict[str, Any], bars: dict[str, bool], floor_s: float) -> None:
    ours, edit = figures["ours"], figures["edit"]
    print(f"# render benchmark, job A, {os.cpu_count()} cores, {date.today()}\n")
    print("| run | wall s | vs floor | CPU s |\n|---|---:|---:|---:|")
    print(f"| floor (encode of the finished frames) | {floor_s:.2f} | 1.00× | {figures['floor_cpu_s']} |")
    print(
        f"| ours, empty cache | {ours['seconds']:.2f} | {figures['ours_vs_floor']:.2f}× | {ours['cpu_s']} |"
    )
    edit_ratio = edit["seconds"] / floor_s
    print(f"| ours, one scene edited | {edit['seconds']:.2f} | {edit_ratio:.2f}× | {edit['cpu_s']} |")
    if figures["moviepy_s"] is not None:
        print(f"| MoviePy 2.x | {figures['moviepy_s']:.1f} | {figures['moviepy_s'] / floor_s:.2f}× "
              f"| {figures['moviepy_cpu_s']} |")  # fmt: skip
    print(f"| ours, 9:16 720p rendition | {figures['portrait_720p_s']:.2f} | "
          f"{figures['portrait_720p_s'] / floor_s:.2f}× | |")  # fmt: skip
    print(f"| GIF from the 1080p MP4 ({figures['gif_mb']} MB) | {figures['gif_s']:.2f} | "
          f"{figures['gif_s'] / floor_s:.2f}× | |")  # fmt: skip
    print(
        f"\nedit / full render: {figures['edit_vs_full']:.3f}; MoviePy / ours: {figures['moviepy_vs_ours']}"
    )
    print(f"peak RSS of our render: process {ours['own_rss_mb']} MB + {SEGMENT_WORKERS} × largest ffmpeg "
          f"{ours['largest_ffmpeg_rss_mb']} MB = {ours['peak_rss_bound_mb']} MB (upper bound)\n")  # fmt: skip
    for bar, passed in bars.items():
        print(f"- {bar}: {'pass' if passed else 'FAIL'}")


if __name__ == "__main__":
    sys.exit(main())
