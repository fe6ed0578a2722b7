"""The picture of a video as segments: each scene's stretch alone, and each crossfade between two scenes.

Every segment is kept in a cache under a hash of everything it shows; the segments are joined without
re-encoding and muxed with the sound, itself encoded once beside them and cached too, so the join only copies.
Editing one scene re-renders its segments (and the crossfades beside it) and the join; the others come from
the cache.

Segments missing from the cache are rendered in runs of neighbours: one ffmpeg draws a run as one stream
(Ken Burns on each still, the crossfades, the mark, the captions), encodes it once and cuts it, on a keyframe
forced at each segment's first frame, into the segments' files. One process and one encoder per run, not
per segment, saves the start-up of both (a crossfade is only 15 frames). Runs hold at most RUN_INPUTS
moving pictures, so memory stays flat in the video's length. By default one encoder runs at a time, its
slices threaded over the cores (the render then stays under 400 MB at 1080p); `encoders=2` is faster on two
cores and takes about twice the memory (bench/README.md). With a farm (compose/farm.py) the runs are handed
out to helpers on other workers as well, this one rendering its share; the segment files are the same
whoever renders them, so a run rendered twice (its helper died, or was slow) is only work lost.

Ken Burns: the still is scaled up 2× once, and `zoompan` crops it about its focus (the subject of a picture,
pipeline/focus.py; else the centre). zoompan places a yuv420p crop on even pixels: on the 2× still these are
whole pixels of the frame, at 1× steps of two pixels, which shimmer on sharp slide edges.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import io
import itertools
import os
import pickle
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path, PosixPath

from animagenius.pipeline.compose.captions import AssEvent, AssScript
from animagenius.pipeline.compose.encodings import H264, Encoding
from animagenius.pipeline.compose.farm import RunFarm, SharedRuns
from animagenius.pipeline.errors import RenderFailed
from animagenius.pipeline.media.ffmpeg import SAFE_INPUT, run_ffmpeg
from animagenius.pipeline.media.files import PARTIAL_MARK, is_partial, whole_file
from animagenius.pipeline.visuals.focus import focus_of

RENDERER_VERSION = 7  # part of every segment's cache key: raise it when the same inputs would look different
PROGRESS_EVERY_S = 0.5
SUPERSAMPLED_UP_TO = 1920  # wider frames are big enough for whole-pixel Ken Burns steps to pass unseen
KEYFRAME_EVERY_S = 10  # a segment longer than this gets more than its first keyframe
CACHE_MAX_BYTES = 10 * 2**30  # the default size of the segment cache
IN_USE_S = 3600  # cache files used this recently are never trimmed: a render may be about to join them
RUN_INPUTS = 3  # moving pictures one ffmpeg draws at most: each holds frames while it runs
SLOWEST_CLIP_RATE = 0.5  # a clip shorter than its scene plays down to half speed, then holds its last frame
CLIP_END_MARGIN_S = (
    0.002  # shot ends are rounded to the millisecond: stop short of the next shot's first frame
)
HOLD_LOOKBACK_S = 0.5  # a segment that only holds a clip's last frame reads this much before the shot's end


@dataclass(frozen=True)
class Clip:
    """A stretch of a source video shown instead of a still: from `start_s`, muted, filling the frame. It
    never shows anything from `end_s` on (the next shot): when the scene outlasts the stretch, the stretch is
    slowed (down to SLOWEST_CLIP_RATE), then its last picture held. `end_s` None: the video's end."""

    video: Path
    start_s: float
    end_s: float | None = None

    def rate(self, scene_s: float) -> float:
        """How fast the clip plays in a scene of `scene_s`: 1 when the stretch lasts the scene."""
        if self.end_s is None or scene_s <= 0:
            return 1.0
        length = self.end_s - CLIP_END_MARGIN_S - self.start_s
        return 1.0 if length >= scene_s else max(SLOWEST_CLIP_RATE, length / scene_s)


@dataclass(frozen=True)
class _Reading:
    """What a segment reads of its clip's video: from `seek_s`, for `seconds` (None: to its end), played
    at `rate`; `last_only`: only the stretch's last picture, held."""

    seek_s: float
    seconds: float | None
    rate: float
    last_only: bool = False


def _reading(shot: Shot, offset: int, fps: int) -> _Reading:
    clip = shot.clip
    assert clip is not None
    rate = clip.rate(shot.frames / fps)
    seek = clip.start_s + offset / fps * rate
    if clip.end_s is None:
        return _Reading(seek, None, rate)
    last = clip.end_s - CLIP_END_MARGIN_S
    if seek < last - 1 / fps:
        return _Reading(seek, last - seek, rate)
    before = max(clip.start_s, last - HOLD_LOOKBACK_S)
    return _Reading(before, max(last - before, 1 / fps), rate, last_only=True)


@dataclass(frozen=True)
class Shot:
    """One still on the timeline: shown from `first_frame` for `frames` frames (its transition into the next
    shot included), growing from `zoom_start` to `zoom_end` about its focus (the still's own, `focus.py`,
    unless given); or its `clip` playing. `transition` is ffmpeg xfade's name for how it comes in over the
    shot before it, in their overlap."""

    still: Path
    first_frame: int
    frames: int
    zoom_end: float
    clip: Clip | None = None
    zoom_start: float = 1.0
    transition: str = "fade"
    focus: tuple[float, float] | None = None


@dataclass(frozen=True)
class Segment:
    first_frame: int
    frames: int
    shots: tuple[tuple[int, int], ...]  # (shot index, the shot's own frame number at the segment's start)


@dataclass(frozen=True)
class Picture:
    """What every segment shares: frame size and rate, captions and the fonts they need, the encoder, and
    a mark (transparent PNG) laid over the top right corner, `mark_offset` pixels from the right and top
    edges, if any."""

    size: tuple[int, int]
    fps: int
    captions: AssScript | None
    fonts_dir: Path | None
    encoding: Encoding = H264
    watermark: Path | None = None
    mark_offset: tuple[int, int] = (0, 0)


def segments_for(shots: Sequence[Shot]) -> list[Segment]:
    """Scene, crossfade, scene, crossfade, …, scene: together every frame of the video once."""
    segments: list[Segment] = []
    for index, shot in enumerate(shots):
        fade = 0
        if index:
            previous = shots[index - 1]
            fade = previous.first_frame + previous.frames - shot.first_frame
            if fade:
                segments.append(
                    Segment(
                        shot.first_frame,
                        fade,
                        ((index - 1, shot.first_frame - previous.first_frame), (index, 0)),
                    )
                )
        end = shots[index + 1].first_frame if index + 1 < len(shots) else shot.first_frame + shot.frames
        if end - shot.first_frame - fade > 0:
            segments.append(Segment(shot.first_frame + fade, end - shot.first_frame - fade, ((index, fade),)))
    return segments


def render_picture(
    shots: Sequence[Shot],
    picture: Picture,
    *,
    sound: Path,
    workdir: Path,
    cache_dir: Path,
    out: Path,
    on_fraction: Callable[[float], None],
    encoders: int = 1,
    farm: RunFarm | None = None,
) -> list[bool]:
    """Render `shots` with `picture`'s captions, mux `sound`, write `out` (MP4, H.264 + AAC); the runs
    missing from the cache `encoders` at a time here, and on helpers too when `farm` takes them.

    Returns, per segment, whether it came from the cache.
    """
    segments = segments_for(shots)
    total = sum(segment.frames for segment in segments)
    cache_dir.mkdir(parents=True, exist_ok=True)
    (workdir / "segments").mkdir(parents=True, exist_ok=True)
    keys = [_segment_key(segment, shots, picture) for segment in segments]
    files = [cache_dir / f"{key}{picture.encoding.suffix}" for key in keys]
    cached = [file.is_file() for file in files]
    for file, hit in zip(files, cached, strict=True):
        if hit:
            file.touch()  # recently used: the last to be trimmed
    progress = _Progress(
        total, on_fraction, done=sum(s.frames for s, hit in zip(segments, cached, strict=True) if hit)
    )
    todo = [(segment, file) for segment, file, hit in zip(segments, files, cached, strict=True) if not hit]
    encoded_sound = cache_dir / f"sound-{_sound_key(sound, picture.encoding)}{picture.encoding.audio_suffix}"
    sound_cached = encoded_sound.is_file()
    if sound_cached:
        encoded_sound.touch()
    plan = RunPlan(tuple(_runs(todo)), tuple(shots), picture, workdir / "segments")
    shared = farm.share(plan) if farm is not None and len(plan.runs) > 1 else None
    if shared is None:
        _render_all(plan, progress=progress, encoders=encoders)
    else:
        _render_shared(plan, shared, progress=progress, encoders=encoders)
    if not sound_cached:  # after the picture, not beside it: beside, it added 20-40 MB to the peak
        _encode_sound(
            sound, picture.encoding, seconds=total / picture.fps, workdir=workdir, out=encoded_sound
        )
    _join(files, encoded_sound, picture.encoding, duration_s=total / picture.fps, workdir=workdir, out=out)
    return cached


@dataclass(frozen=True)
class Run:
    """Segments next to one another in the video, rendered by one ffmpeg as one stream and cut at their
    boundaries (each starts on a keyframe) into their cache files."""

    segments: tuple[Segment, ...]
    files: tuple[Path, ...]

    @property
    def first_frame(self) -> int:
        return self.segments[0].first_frame

    @property
    def frames(self) -> int:
        return sum(segment.frames for segment in self.segments)

    @property
    def moving(self) -> list[tuple[int, int]]:
        """(shot index, the shot's own frame number at the start) of each moving picture each segment shows,
        in order: a scene's stretch has one, a crossfade two."""
        return [shown for segment in self.segments for shown in segment.shots]

    def sources(self, shots: Sequence[Shot]) -> list[tuple[int, int]]:
        """The inputs that draw the run, in order of first use (see `_source_of`)."""
        return list(dict.fromkeys(_source_of(shown, shots) for shown in self.moving))


@dataclass(frozen=True)
class RunPlan:
    """Runs to render and all they draw: what a helper on another worker is given. The files it names (the
    stills, clips, fonts and mark in the work folder, the runs' cache files) must be on storage it shares."""

    runs: tuple[Run, ...]
    shots: tuple[Shot, ...]
    picture: Picture
    workdir: Path

    def dumps(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(data: bytes) -> RunPlan:
        """The plan `dumps` wrote; only the plan's own classes are built (UnpicklingError otherwise)."""
        plan = _PlanUnpickler(io.BytesIO(data)).load()
        if not isinstance(plan, RunPlan):
            raise pickle.UnpicklingError(f"a {type(plan).__name__}, not a run plan")
        return plan


_PLAN_CLASSES = {
    cls.__module__ + "." + cls.__qualname__: cls
    for cls in (RunPlan, Run, Segment, Shot, Clip, Picture, AssScript, AssEvent, Encoding, PosixPath)
}


class _PlanUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        found = _PLAN_CLASSES.get(f"{module}.{name}")
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} has no place in a run plan")
        return found


def run_render(plan: RunPlan, number: int, *, on_fraction: Callable[[float], None]) -> None:
    """Render run `number` of `plan` into its cache files: a helper's part (its encoder on all the cores).
    Safe to repeat: each file is replaced whole."""
    _render_run(plan, number, report=on_fraction, threads=_cores())


def _cores() -> int:
    """The cores this process may run on: all of the machine's, unless the worker was pinned to some."""
    return len(os.sched_getaffinity(0))


def _source_of(shown: tuple[int, int], shots: Sequence[Shot]) -> tuple[int, int]:
    """The input a moving picture is drawn from: a still is decoded once for every segment of its run that
    shows it (offset -1); a clip is read from its own place."""
    index, offset = shown
    return (index, offset) if shots[index].clip is not None else (index, -1)


def _runs(todo: Sequence[tuple[Segment, Path]]) -> list[Run]:
    """`todo` as runs of neighbouring segments, each with at most RUN_INPUTS moving pictures (memory stays
    flat in the video's length; longer runs, with their stills shared, measured more memory, not less)."""
    runs: list[list[tuple[Segment, Path]]] = []
    for segment, file in todo:
        current = runs[-1] if runs else None
        if (
            current is not None
            and current[-1][0].first_frame + current[-1][0].frames == segment.first_frame
            and sum(len(part.shots) for part, _ in current) + len(segment.shots) <= RUN_INPUTS
        ):
            current.append((segment, file))
        else:
            runs.append([(segment, file)])
    return [Run(tuple(s for s, _ in run), tuple(f for _, f in run)) for run in runs]


def _render_all(plan: RunPlan, *, progress: _Progress, encoders: int) -> None:
    """The runs, `encoders` at a time, each encoder sharing the cores."""
    threads = max(1, _cores() // encoders)
    with ThreadPoolExecutor(max_workers=encoders, thread_name_prefix="run") as pool:
        pending = {
            pool.submit(
                _render_run, plan, number, report=progress.tracker(number, run.frames), threads=threads
            )
            for number, run in enumerate(plan.runs)
        }
        try:
            while pending:
                done, pending = wait(pending, timeout=PROGRESS_EVERY_S, return_when=FIRST_EXCEPTION)
                progress.report()
                failed = next((future for future in done if future.exception() is not None), None)
                if failed is not None:
                    failed.result()
        except BaseException:  # a run failed, or the report raised (the job was cancelled): start no other
            pool.shutdown(cancel_futures=True)
            raise


def _render_shared(plan: RunPlan, shared: SharedRuns, *, progress: _Progress, encoders: int) -> None:
    """The runs, rendered here (`encoders` at a time) as they are claimed, and by the farm's helpers, until
    every one is done somewhere. The farm is only called from this thread (a database connection is)."""
    threads = max(1, _cores() // encoders)
    try:
        with ThreadPoolExecutor(max_workers=encoders, thread_name_prefix="run") as pool:
            mine: dict[Future[None], int] = {}
            while True:
                for future in [future for future in mine if future.done()]:
                    future.result()
                    shared.done(mine.pop(future))
                while len(mine) < encoders and (number := shared.claim()) is not None:
                    report = progress.tracker(number, plan.runs[number].frames)
                    mine[pool.submit(_render_run, plan, number, report=report, threads=threads)] = number
                elsewhere = shared.elsewhere()
                for number, fraction in elsewhere.fractions.items():
                    progress.tracker(number, plan.runs[number].frames)(fraction)
                progress.report()
                if not mine and not elsewhere.left:
                    return
                if mine:
                    wait(mine, timeout=PROGRESS_EVERY_S, return_when=FIRST_COMPLETED)
                else:  # the last runs are the helpers': wait for them
                    time.sleep(PROGRESS_EVERY_S)
    finally:
        shared.close()


def _render_run(plan: RunPlan, number: int, *, report: Callable[[float], None], threads: int) -> None:
    run, shots, picture = plan.runs[number], plan.shots, plan.picture
    folder = plan.workdir / f"{run.first_frame:07d}-{uuid.uuid4().hex[:8]}"  # a run may render twice at once
    folder.mkdir(parents=True, exist_ok=True)
    inputs: list[str] = []
    sources = run.sources(shots)
    for index, offset in sources:
        clip = shots[index].clip
        if clip is None:
            inputs += [*SAFE_INPUT, "-i", str(shots[index].still.resolve())]
        else:  # seeking the input: decoding starts at the keyframe before, not at the file's start
            seek = f"{_reading(shots[index], offset, picture.fps).seek_s:.3f}"
            inputs += [*SAFE_INPUT, "-ss", seek, "-i", str(clip.video.resolve())]
    if picture.watermark is not None:
        inputs += [*SAFE_INPUT, "-i", str(picture.watermark.resolve())]
    bounds = list(itertools.accumulate((segment.frames for segment in run.segments), initial=0))
    cache_dir = run.files[0].parent
    name = f".run-{uuid.uuid4().hex}-{{}}{PARTIAL_MARK}{picture.encoding.suffix}"  # the segment muxer numbers
    parts = [cache_dir / name.format(f"{position:04d}") for position in range(len(run.segments))]
    pattern = f"{str(cache_dir).replace('%', '%%')}/{name.format('%04d')}"
    seconds = run.frames / picture.fps
    try:
        args = [
            *inputs, "-filter_complex", _run_graph(run, sources, picture, shots, folder),
            "-map", "[video]", "-frames:v", str(run.frames),
            *picture.encoding.video, *picture.encoding.threaded(threads),
            "-r", str(picture.fps), "-fps_mode", "cfr", "-g", str(picture.fps * KEYFRAME_EVERY_S),
            "-force_key_frames", "expr:" + "+".join(f"eq(n,{first})" for first in bounds[:-1]),
            "-f", "segment", "-segment_format", picture.encoding.suffix.lstrip("."),
            *_segment_options(picture, bounds), "-reset_timestamps", "1", "-avoid_negative_ts", "disabled",
            "-an", pattern,
        ]  # fmt: skip
        run_ffmpeg(
            args, cwd=folder, duration_s=seconds, on_fraction=report, timeout_s=max(60.0, seconds * 20)
        )
        extra = cache_dir / name.format(f"{len(parts):04d}")
        if extra.exists():
            extra.unlink()
            raise RenderFailed(f"the video was cut into more than its {len(parts)} segments")
        for part, file in zip(parts, run.files, strict=True):
            part.replace(file)
        report(1.0)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)


def _segment_options(picture: Picture, bounds: Sequence[int]) -> tuple[str, ...]:
    """Where the segment muxer cuts: at the keyframes forced on each segment's first frame, not at those the
    encoder adds at a change of scene (the list ends with the run's end, a frame never reached; without a
    list the muxer cuts every 2 s). And MP4 clocks that count whole frames, the edit list's too: the concat
    demuxer sums each segment's length as its edit list states it, and at the default 1/1000 s a frame is 33
    or 34 ticks."""
    cuts = ("-segment_frames", ",".join(str(bound) for bound in bounds[1:]))
    if picture.encoding.suffix != ".mp4":
        return cuts
    ticks = picture.fps * 512
    return (*cuts, "-segment_format_options", f"video_track_timescale={ticks}:movie_timescale={ticks}")


def _run_graph(
    run: Run, sources: Sequence[tuple[int, int]], picture: Picture, shots: Sequence[Shot], folder: Path
) -> str:
    """Each input prepared once (a still scaled for Ken Burns) and split among the moving pictures drawn
    from it; each segment's moving pictures (crossfaded into one another in a crossfade); the segments one
    after another, the mark, the captions. `concat` asks for one segment's frames at a time, so only that
    segment's pictures are being drawn."""
    chains, ends = [], []
    uses = collections.Counter(_source_of(shown, shots) for shown in run.moving)
    labels: dict[tuple[int, int], list[str]] = {}
    for number, source in enumerate(sources):
        labels[source] = [f"[i{number}.{use}]" for use in range(uses[source])]
        split = f",split={uses[source]}" if uses[source] > 1 else ""
        prepared = "null" if shots[source[0]].clip is not None else _supersampled(picture)
        chains.append(f"[{number}:v]{prepared}{split}{''.join(labels[source])}")
    position = 0
    for number, segment in enumerate(run.segments):
        moving = []
        for index, offset in segment.shots:
            label = labels[_source_of((index, offset), shots)].pop(0)
            chains.append(f"{label}{_moving(shots[index], offset, segment.frames, picture)}[v{position}]")
            moving.append(f"[v{position}]")
            position += 1
        if len(moving) == 2:
            seconds = segment.frames / picture.fps
            transition = shots[segment.shots[1][0]].transition
            chains.append(
                f"{moving[0]}{moving[1]}xfade=transition={transition}:duration={seconds:.6f}:offset=0"
                f"[s{number}]"
            )
            ends.append(f"[s{number}]")
        else:
            ends.append(moving[0])
    last = "[cut]"
    chains.append(f"{''.join(ends)}concat=n={len(ends)}:v=1:a=0{last}")
    if picture.watermark is not None:
        right, top = picture.mark_offset
        chains.append(f"{last}[{len(sources)}:v]overlay=x=W-w-{right}:y={top}:format=yuv420[marked]")
        last = "[marked]"
    # exact timestamps on the frame grid: the joined segments then play at a constant rate
    window = _captions_window(run.first_frame, run.frames, picture)
    chains.append(f"{last}{_captions(window, picture, folder)},setpts=N/({picture.fps}*TB)[video]")
    return ";".join(chains)


def _moving(shot: Shot, offset: int, frames: int, picture: Picture) -> str:
    if shot.clip is None:
        return _ken_burns(shot, offset, frames, picture)
    return _playing(_reading(shot, offset, picture.fps), frames, picture)


def _playing(reading: _Reading, frames: int, picture: Picture) -> str:
    """`frames` frames of a clip at the picture's rate, filling the frame (cropped, never letterboxed): the
    stretch `reading` allows (seconds from the seek, rounded down by the margin: never the next shot),
    slowed to its rate, its last frame held."""
    width, height = picture.size
    # an input seeked with -ss is timed from the seek: a frame at `seconds` or later is the next shot's
    kept = (
        "setpts=PTS-STARTPTS"
        if reading.seconds is None
        else f"trim=end={reading.seconds:.6f},setpts=PTS-STARTPTS"
    )
    if reading.last_only:
        kept += ",reverse,trim=end_frame=1"  # the stretch's last picture alone
    elif reading.rate < 1:
        kept += f",setpts=PTS/{reading.rate:.6f}"
    return (
        f"{kept},fps={picture.fps},scale=iw*sar:ih,scale={width}:{height}:force_original_aspect_ratio=increase,"
        f"crop={width}:{height},setsar=1,format=yuv420p,tpad=stop=-1:stop_mode=clone,trim=end_frame={frames},"
        f"setpts=N/({picture.fps}*TB)"
    )


def _supersampled(picture: Picture) -> str:
    """A still at the size Ken Burns crops it from: twice the frame's up to SUPERSAMPLED_UP_TO wide."""
    width, height = picture.size
    scale = 2 if width <= SUPERSAMPLED_UP_TO else 1
    return f"scale={scale * width}:{scale * height}:flags=bicubic"


def _ken_burns(shot: Shot, offset: int, frames: int, picture: Picture) -> str:
    """Frames `offset` … `offset + frames` of the shot's zoom, at the picture's size and rate, from the
    still `_supersampled`."""
    width, height = picture.size
    growth = shot.zoom_end - shot.zoom_start
    zoom = f"{shot.zoom_start:.5f}+{growth:.5f}*(on+{offset})/{max(1, shot.frames - 1)}"
    # the point that stays put while the picture grows around it
    focus_x, focus_y = shot.focus if shot.focus is not None else focus_of(shot.still)
    return (
        f"zoompan=z='{zoom}':x='{focus_x:.4f}*(iw-iw/zoom)':y='{focus_y:.4f}*(ih-ih/zoom)':d={frames}"
        f":s={width}x{height}:fps={picture.fps},setsar=1,format=yuv420p"
    )


def _captions(window: AssScript | None, picture: Picture, folder: Path) -> str:
    if window is None or picture.fonts_dir is None:
        return "null"
    (folder / "captions.ass").write_text(window.text(), encoding="utf-8")
    return f"subtitles=filename=captions.ass:fontsdir='{_escape_path(picture.fonts_dir)}'"


def _captions_window(first_frame: int, frames: int, picture: Picture) -> AssScript | None:
    """The captions of `frames` frames from `first_frame`, timed from their start."""
    if picture.captions is None:
        return None
    start = first_frame / picture.fps
    return picture.captions.window(start, start + frames / picture.fps)


def _segment_key(segment: Segment, shots: Sequence[Shot], picture: Picture) -> str:
    """A hash of everything the segment shows, and nothing about where it sits in the video."""
    digest = hashlib.sha256(
        f"renderer {RENDERER_VERSION} {picture.encoding} {picture.size} {picture.fps}".encode()
    )
    digest.update(f"frames {segment.frames}".encode())
    if len(segment.shots) == 2:
        digest.update(f"transition {shots[segment.shots[1][0]].transition}".encode())
    for index, offset in segment.shots:
        shot = shots[index]
        zoom = f"{shot.zoom_start} {shot.zoom_end}"
        digest.update(f"shot {_file_digest(shot.still)} {shot.frames} {zoom} {offset}".encode())
        if shot.focus is not None:
            digest.update(f"focus {shot.focus[0]:.4f} {shot.focus[1]:.4f}".encode())
        if shot.clip is not None:
            clip = shot.clip
            digest.update(f"clip {_file_digest(clip.video)} {clip.start_s:.3f} {clip.end_s}".encode())
    if picture.watermark is not None:
        digest.update(f"mark {_file_digest(picture.watermark)} {picture.mark_offset}".encode())
    window = _captions_window(segment.first_frame, segment.frames, picture)
    if window is not None:
        digest.update(window.text().encode())
        digest.update(_fonts_digest(picture.fonts_dir).encode())
    return digest.hexdigest()[:40]


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest_of(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _digest_of(path: str, size: int, modified_ns: int) -> str:
    """A file's SHA-256, once per version of the file (a clip's video is read for every segment)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fonts_digest(fonts_dir: Path | None) -> str:
    if fonts_dir is None:
        return ""
    return ",".join(sorted(f"{p.name}:{p.stat().st_size}" for p in fonts_dir.iterdir()))


def cache_trim(cache_dir: Path, *, max_bytes: int) -> int:
    """Delete the least recently used segments until the cache holds at most `max_bytes` (files used in the
    last hour stay, whatever the size); also leftovers of renders that died. Returns the bytes freed."""
    if not cache_dir.is_dir():
        return 0
    now = time.time()
    entries = []
    for path in cache_dir.iterdir():
        try:
            stat = path.stat()
        except FileNotFoundError:  # another render's partial file, just renamed
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    freed = 0
    total = sum(size for _, size, _ in entries)
    for used, size, path in sorted(entries):
        if now - used < IN_USE_S or not (is_partial(path) or total > max_bytes):
            continue
        path.unlink(missing_ok=True)
        total, freed = total - size, freed + size
    return freed


def _sound_key(sound: Path, encoding: Encoding) -> str:
    return hashlib.sha256(f"{_file_digest(sound)} {encoding.audio}".encode()).hexdigest()[:40]


def _encode_sound(sound: Path, encoding: Encoding, *, seconds: float, workdir: Path, out: Path) -> None:
    with whole_file(out) as partial:
        run_ffmpeg(
            [*SAFE_INPUT, "-i", str(sound.resolve()), "-vn", *encoding.audio, str(partial)],
            cwd=workdir, duration_s=seconds, on_fraction=lambda _: None, timeout_s=max(60.0, seconds),
        )  # fmt: skip


def _join(
    files: Sequence[Path], sound: Path, encoding: Encoding, *, duration_s: float, workdir: Path, out: Path
) -> None:
    """The segments one after another and the encoded `sound`, all as they are."""
    listing = workdir / "segments.txt"
    listing.write_text("".join(f"file '{_concat_path(file)}'\n" for file in files), encoding="utf-8")
    args = [
        "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,pipe", "-i", listing.name,
        *SAFE_INPUT, "-i", str(sound.resolve()),
        "-map", "0:v", "-map", "1:a", "-c", "copy", *encoding.tag,
        "-t", f"{duration_s:.3f}", *(("-movflags", "+faststart") if encoding.suffix == ".mp4" else ()),
        str(out.resolve()),
    ]  # fmt: skip
    run_ffmpeg(
        args, cwd=workdir, duration_s=duration_s, on_fraction=lambda _: None, timeout_s=max(60.0, duration_s)
    )


def _concat_path(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


def _escape_path(path: Path) -> str:
    return str(path).replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")


class _Progress:
    """Frames encoded so far over all runs (cached segments count as done). The runs' threads record; the
    calling thread reports, since `on_fraction` may write to a database connection of its own thread."""

    def __init__(self, total: int, on_fraction: Callable[[float], None], *, done: int) -> None:
        self.total, self.on_fraction = max(1, total), on_fraction
        self.frames: dict[int, float] = {-1: float(done)}
        self.lock = threading.Lock()
        self.report()

    def tracker(self, number: int, frames: int) -> Callable[[float], None]:
        """The `on_fraction` of run `number`, of `frames` frames (wherever it is rendered)."""

        def record(fraction: float) -> None:
            with self.lock:
                self.frames[number] = min(1.0, fraction) * frames

        return record

    def report(self) -> None:
        with self.lock:
            value = sum(self.frames.values()) / self.total
        self.on_fraction(min(1.0, value))
