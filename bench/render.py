"""The renderer against the encoder: job A rendered by us, by MoviePy, and the encode-only floor, in one run.

Job A (bench/render_reference.py): 12 scenes × 5 s at 1920×1080, 30 fps, 12 stills (4 photo-like), Ken Burns
1.0 → 1.1, 0.5 s crossfades, 30 caption lines burned in, narration plus quiet music, H.264 veryfast + AAC.

1. Ours: `compose.segments.render_picture` on job A's stills, captions and sound mix from an empty segment
   cache, in a child process: wall and CPU seconds, and peak RSS of the child and its ffmpegs together
   (sampled every 20 ms). Once as the renderer runs by default (one encoder at a time) and once with two
   encoders at once (`RENDER_ENCODERS=2`: faster on two cores, more memory); the bars are the default's.
2. Edit one scene: scene 6's still is replaced and the job rendered again on the same cache.
3. The floor: ffmpeg encoding job A's finished frames alone (raw frames on disk, only the encode timed), with
   our encoder settings (`encodings.H264`).
4. MoviePy 2.x on the same job, in a child process (`--skip-moviepy` to leave it out; it takes minutes).
5. Renditions of job A: 9:16 720p (MP4) and a GIF (from the 1080p MP4), each timed.
6. With `--long`: a 30-minute variant of job A, 360 scenes × 5 s (job A's 12 stills in turn, a caption every
   2 s: job A's lines numbered by round, so no two segments are alike; job A's sound looped to 30 min, made
   untimed), rendered like 1. from an empty cache of its own, and compared with job A rendered in 1.
   `--only-long` renders just job A and the long variant (no edit, floor, MoviePy or renditions; ~16 min).

Bars (issue 6): ours ≤ 1.15 × floor, ≥ 12 × faster than MoviePy, peak RSS ≤ 400 MB, an edit ≤ 15 % of the
full render; with `--long`: the long video's peak RSS ≤ 1.10 × job A's and its seconds per minute of video
0.90–1.10 × job A's (time linear in length). Every 1080p output is checked with ffprobe (60 ± 0.2 s — the long
one 1800 ± 0.2 s —, 1920×1080, H.264 + AAC).

Run: `.venv/bin/python bench/render.py [--skip-moviepy] [--long | --only-long] [--json out.json]`. Exits 1
when a bar fails.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
import threading
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
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.video import Aspect

FLOOR_BAR, MOVIEPY_BAR, RSS_BAR_MB, EDIT_BAR = 1.15, 12.0, 400.0, 0.15
LONG_RSS_BAR, LONG_TIME_BARS = 1.10, (0.90, 1.10)
EDITED_SCENE = 5
RSS_SAMPLE_S = 0.02
LONG_SCENES = 360
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def our_render(
    job: reference.JobA,
    out: Path,
    *,
    cache: Path,
    workdir: Path,
    size: tuple[int, int] | None = None,
    encoders: int = 1,
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
                   on_fraction=lambda _: None, encoders=encoders)  # fmt: skip
    return time.perf_counter() - started


def _child(job_file: Path, out: Path, cache: Path, workdir: Path, encoders: int) -> int:
    job = pickle.loads(job_file.read_bytes())
    peak, stop = [0.0], threading.Event()

    def sample() -> None:
        while not stop.wait(RSS_SAMPLE_S):
            peak[0] = max(peak[0], _tree_rss_mb(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    seconds = our_render(job, out, cache=cache, workdir=workdir, encoders=encoders)
    stop.set()
    sampler.join()
    status = Path("/proc/self/status").read_text()
    own_mb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
    print(json.dumps({"seconds": seconds, "own_rss_mb": own_mb, "tree_rss_mb": max(peak[0], own_mb)}))
    return 0


def _tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and all its descendants now, in MB. Descendants are found through each
    thread's `children` file, not by reading every process in /proc: the sampler runs inside the timed
    render, so it must cost next to nothing (0.1 ms a sample, against 2.6 ms for a walk of /proc)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
            for task in os.listdir(f"/proc/{pid}/task"):
                todo += [
                    int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                ]
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
    return total / 2**20


def ours_in_child(
    job: reference.JobA, out: Path, *, cache: Path, workdir: Path, encoders: int = 1
) -> dict[str, float]:
    """Our render in a child process: wall and CPU seconds; peak RSS of the child and its ffmpegs together
    (sampled every RSS_SAMPLE_S), the child's own, and its largest ffmpeg's."""
    saved = job.folder / "job-a.pickle"
    saved.write_bytes(pickle.dumps(job))
    command = [sys.executable, str(Path(__file__).resolve()), "--ours-child",
               *(str(path) for path in (saved, out, cache, workdir)), str(encoders)]  # fmt: skip
    run = reference.run_measured(command, cwd=job.folder, log_name=f"{out.stem}.log")
    report = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "seconds": round(report["seconds"], 2),
        "cpu_s": round(run.cpu_s, 1),
        "own_rss_mb": round(report["own_rss_mb"], 1),
        "largest_ffmpeg_rss_mb": round(run.peak_rss_mb, 1),
        "peak_rss_mb": round(report["tree_rss_mb"], 1),
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


def long_job(job: reference.JobA, folder: Path) -> reference.JobA:
    """Job A 30 times over (30 min): 360 scenes × 5 s showing job A's 12 stills in turn, a caption every 2 s
    (job A's lines with the round's number, so no two segments are alike), job A's sound looped to 30 min."""
    folder.mkdir(parents=True, exist_ok=True)
    duration_s = LONG_SCENES * reference.SCENE_S
    scenes = tuple(
        reference.SceneA(still=job.scenes[index % len(job.scenes)].still, start_s=index * reference.SCENE_S,
                         end_s=min((index + 1) * reference.SCENE_S + job.crossfade_s, duration_s))
        for index in range(LONG_SCENES)
    )  # fmt: skip
    lines, every_s = job.captions, reference.CAPTION_EVERY_S
    captions = tuple(
        reference.CaptionLine(index * every_s, (index + 1) * every_s,
                              f"{lines[index % len(lines)].text} ({index // len(lines) + 1})")
        for index in range(round(duration_s / every_s))
    )  # fmt: skip
    sound = folder / "mix.wav"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1",
         "-i", str(job.audio_mix), "-t", f"{duration_s:.3f}", "-c:a", "pcm_s16le", str(sound)],
        check=True, timeout=300,
    )  # fmt: skip
    return replace(
        job, folder=folder, scenes=scenes, captions=captions, narration=sound, audio_mix=sound,
        captions_ass=reference.write_captions_ass(captions, font_name="Inter", out=folder / "captions.ass"),
        duration_s=duration_s,
    )  # fmt: skip


def _machine_cpu_s() -> float:
    """CPU seconds every process on the machine has used since boot (/proc/stat: all but idle and iowait)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def long_vs_job_a(
    ours: dict[str, float], long: dict[str, float], *, job_s: float, long_s: float
) -> dict[str, float]:
    """The long render's memory and its time per minute of video, each over job A's."""
    per_minute = (long["seconds"] / long_s) / (ours["seconds"] / job_s)
    cpu_per_minute = (long["cpu_s"] / long_s) / (ours["cpu_s"] / job_s)
    return {
        "long_vs_job_a_rss": round(long["peak_rss_mb"] / ours["peak_rss_mb"], 3),
        "long_vs_job_a_own_rss": round(long["own_rss_mb"] / ours["own_rss_mb"], 3),
        "long_vs_job_a_ffmpeg_rss": round(long["largest_ffmpeg_rss_mb"] / ours["largest_ffmpeg_rss_mb"], 3),
        "long_vs_job_a_s_per_minute": round(per_minute, 3),
        "long_vs_job_a_cpu_per_minute": round(cpu_per_minute, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-moviepy", action="store_true")
    parser.add_argument("--long", action="store_true", help="also the 30-minute variant of job A")
    parser.add_argument("--only-long", action="store_true", help="job A and the 30-minute variant only")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--ours-child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours_child:
        *paths, encoders = args.ours_child
        return _child(*(Path(path) for path in paths), int(encoders))
    reference.X264_CRF = H264.video[H264.video.index("-crf") + 1]  # the floor encodes exactly as we do
    reference.X264_PRESET = H264.video[H264.video.index("-preset") + 1]
    with_long, full = args.long or args.only_long, not args.only_long

    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        root = Path(folder)
        job = reference.make_job_a(root / "job")
        cache, outputs = root / "segment-cache", root / "out"
        outputs.mkdir()
        busy_before = _machine_cpu_s()
        ours = ours_in_child(job, outputs / "ours.mp4", cache=cache, workdir=root / "work-ours")
        others_s = _machine_cpu_s() - busy_before - ours["cpu_s"]
        figures: dict[str, Any] = {"date": str(date.today()), "cores": os.cpu_count(), "ours": ours}
        jobs = {"ours": job}
        if full:
            jobs["edited"] = jobs["floor"] = jobs["ours-2"] = job
            figures["ours_2"] = ours_in_child(job, outputs / "ours-2.mp4", cache=root / "segment-cache-2",
                                              workdir=root / "work-ours-2", encoders=2)  # fmt: skip
            figures |= _job_a_renditions(
                job, ours, figures["ours_2"], root, with_moviepy=not args.skip_moviepy
            )
            if figures["moviepy_s"] is not None:
                jobs["moviepy"] = job
        if with_long:
            jobs["long"] = long = long_job(job, root / "long")  # untimed
            busy_before = _machine_cpu_s()
            figures["long"] = ours_in_child(long, outputs / "long.mp4", cache=root / "segment-cache-long",
                                            workdir=root / "work-long")  # fmt: skip
            figures["other_processes_cpu_s"] = {
                "job_a": round(others_s, 1),
                "long": round(_machine_cpu_s() - busy_before - figures["long"]["cpu_s"], 1),
            }
            figures |= long_vs_job_a(ours, figures["long"], job_s=job.duration_s, long_s=long.duration_s)
        problems = {name: reference.probe(outputs / f"{name}.mp4").problems(jobs[name]) for name in jobs}
    figures["problems"] = problems

    bars: dict[str, bool] = {}
    if full:
        bars[f"ours ≤ {FLOOR_BAR} × floor"] = figures["ours_vs_floor"] <= FLOOR_BAR
        bars[f"an edit ≤ {EDIT_BAR:.0%} of the full render"] = figures["edit_vs_full"] <= EDIT_BAR
    bars[f"peak RSS ≤ {RSS_BAR_MB:.0f} MB"] = ours["peak_rss_mb"] <= RSS_BAR_MB
    lengths = "60 s, the long one 1800 s" if with_long else "60 s"
    bars[f"every output plays ({lengths}, 1920×1080, H.264 + AAC)"] = not any(problems.values())
    if full and figures["moviepy_s"] is not None:
        bars[f"≥ {MOVIEPY_BAR:.0f} × faster than MoviePy"] = figures["moviepy_vs_ours"] >= MOVIEPY_BAR
    if with_long:
        low, high = LONG_TIME_BARS
        bars[f"30 min: peak RSS ≤ {LONG_RSS_BAR:.2f} × job A's"] = (
            figures["long_vs_job_a_rss"] <= LONG_RSS_BAR
        )
        bars[f"30 min: seconds per minute of video {low:.2f}–{high:.2f} × job A's"] = (
            low <= figures["long_vs_job_a_s_per_minute"] <= high
        )
    _print(figures, bars)
    figures["bars"] = bars
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if all(bars.values()) else 1


def _job_a_renditions(
    job: reference.JobA,
    ours: dict[str, float],
    figures_2: dict[str, float],
    root: Path,
    *,
    with_moviepy: bool,
) -> dict[str, Any]:
    """Job A edited, its floor, MoviePy on it, its 9:16 and GIF renditions: their figures."""
    cache, outputs = root / "segment-cache", root / "out"
    edit = ours_in_child(edited(job), outputs / "edited.mp4", cache=cache, workdir=root / "work-edit")
    floor_s = reference.floor_render(job, outputs / "floor.mp4")
    moviepy = reference.moviepy_render_in_child(job, outputs / "moviepy.mp4") if with_moviepy else None
    portrait_s = our_render(job, outputs / "portrait.mp4", cache=cache, workdir=root / "work-portrait",
                            size=(720, 1280))  # fmt: skip
    started = time.perf_counter()
    gif = gif_from(outputs / "ours.mp4", outputs / "ours.gif", duration_s=job.duration_s, workdir=root)
    gif_s = time.perf_counter() - started
    gif_mb = gif.stat().st_size / 1e6
    return {
        "edit": edit,
        "floor_s": round(floor_s, 2),
        "floor_cpu_s": round(reference.LAST_CHILD_RUN["floor_render"].cpu_s, 1),
        "moviepy_s": None if moviepy is None else round(moviepy.seconds, 1),
        "moviepy_cpu_s": None if moviepy is None else round(moviepy.cpu_s, 1),
        "portrait_720p_s": round(portrait_s, 2), "gif_s": round(gif_s, 2), "gif_mb": round(gif_mb, 1),
        "ours_vs_floor": round(ours["seconds"] / floor_s, 3),
        "ours_2_vs_floor": round(figures_2["seconds"] / floor_s, 3),
        "edit_vs_full": round(edit["seconds"] / ours["seconds"], 3),
        "moviepy_vs_ours": None if moviepy is None else round(moviepy.seconds / ours["seconds"], 1),
    }  # fmt: skip


def _print(figures: dict[str, Any], bars: dict[str, bool]) -> None:
    ours = figures["ours"]
    print(f"# render benchmark, job A, {os.cpu_count()} cores, {date.today()}\n")
    if "floor_s" in figures:
        _print_job_a(figures)
    else:
        print("| run | wall s | CPU s |\n|---|---:|---:|")
        print(f"| ours, empty cache | {ours['seconds']:.2f} | {ours['cpu_s']} |\n")
    print(f"peak RSS of our render (the process and its ffmpegs together): {ours['peak_rss_mb']} MB; its own "
          f"{ours['own_rss_mb']} MB, its largest ffmpeg {ours['largest_ffmpeg_rss_mb']} MB\n")  # fmt: skip
    if "long" in figures:
        _print_long(figures)
    for bar, passed in bars.items():
        print(f"- {bar}: {'pass' if passed else 'FAIL'}")


def _print_job_a(figures: dict[str, Any]) -> None:
    ours, edit, floor_s = figures["ours"], figures["edit"], figures["floor_s"]
    print("| run | wall s | vs floor | CPU s |\n|---|---:|---:|---:|")
    print(f"| floor (encode of the finished frames) | {floor_s:.2f} | 1.00× | {figures['floor_cpu_s']} |")
    print(
        f"| ours, empty cache | {ours['seconds']:.2f} | {figures['ours_vs_floor']:.2f}× | {ours['cpu_s']} |"
    )
    ours_2 = figures["ours_2"]
    print(f"| ours, 2 encoders at once, empty cache ({ours_2['peak_rss_mb']} MB) | {ours_2['seconds']:.2f} | "
          f"{figures['ours_2_vs_floor']:.2f}× | {ours_2['cpu_s']} |")  # fmt: skip
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


def _print_long(figures: dict[str, Any]) -> None:
    ours, long = figures["ours"], figures["long"]
    minutes = LONG_SCENES * reference.SCENE_S / 60
    print(f"## 30 minutes ({LONG_SCENES} scenes) against job A (1 minute), both ours from an empty cache\n")
    print("| | job A | 30 min | 30 min / job A |\n|---|---:|---:|---:|")
    print(f"| wall s | {ours['seconds']:.2f} | {long['seconds']:.2f} | |")
    print(f"| wall s per minute of video | {ours['seconds']:.2f} | {long['seconds'] / minutes:.2f} "
          f"| {figures['long_vs_job_a_s_per_minute']:.3f} |")  # fmt: skip
    print(f"| CPU s | {ours['cpu_s']} | {long['cpu_s']} | |")
    print(f"| CPU s per minute of video | {ours['cpu_s']} | {long['cpu_s'] / minutes:.1f} "
          f"| {figures['long_vs_job_a_cpu_per_minute']:.3f} |")  # fmt: skip
    print(f"| own RSS (VmHWM) MB | {ours['own_rss_mb']} | {long['own_rss_mb']} "
          f"| {figures['long_vs_job_a_own_rss']:.3f} |")  # fmt: skip
    print(f"| largest ffmpeg RSS MB | {ours['largest_ffmpeg_rss_mb']} | {long['largest_ffmpeg_rss_mb']} "
          f"| {figures['long_vs_job_a_ffmpeg_rss']:.3f} |")  # fmt: skip
    print(f"| peak RSS MB (process + ffmpegs) | {ours['peak_rss_mb']} "
          f"| {long['peak_rss_mb']} | {figures['long_vs_job_a_rss']:.3f} |")  # fmt: skip
    others = figures["other_processes_cpu_s"]
    print(
        f"| CPU s of other processes meanwhile (inflates wall s) | {others['job_a']} | {others['long']} | |\n"
    )


if __name__ == "__main__":
    sys.exit(main())
