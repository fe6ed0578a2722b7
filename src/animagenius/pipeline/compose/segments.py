"""The picture of a video as segments: each scene's stretch alone, and each crossfade between two scenes.

Every segment is one ffmpeg filtergraph (Ken Burns on the still, the crossfade, its captions) encoded on its
own and kept in a cache under a hash of everything it shows; the segments are then joined without
re-encoding and muxed with the sound, itself encoded once beside them and cached too, so the join only copies.
Editing one scene re-renders its segments (and the crossfades beside it) and the join; the others come from
the cache. Segments render in parallel, one single-threaded
ffmpeg per core (as fast as frame threads on 2 cores, with a quarter less memory each: bench/README.md).

Ken Burns: the still is scaled up 2× once, and `zoompan` crops it about its focus (the subject of a picture,
pipeline/focus.py; else the centre), so the picture moves in half-pixel steps (whole-pixel placement
shimmers on sharp slide edges; bench/render_reference.py).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from animagenius.pipeline.compose.captions import AssScript
from animagenius.pipeline.compose.encodings import H264, Encoding
from animagenius.pipeline.compose.ffmpeg import SAFE_INPUT, run_ffmpeg
from animagenius.pipeline.files import is_partial, whole_file
from animagenius.pipeline.focus import focus_of

RENDERER_VERSION = 4  # part of every segment's cache key: raise it when the same inputs would look different
PROGRESS_EVERY_S = 0.5
SUPERSAMPLED_UP_TO = 1920  # wider frames are big enough for whole-pixel Ken Burns steps to pass unseen
KEYFRAME_EVERY_S = 10  # a segment longer than this gets more than its first keyframe
CACHE_MAX_BYTES = 10 * 2**30  # the default size of the segment cache
IN_USE_S = 3600  # cache files used this recently are never trimmed: a render may be about to join them


@dataclass(frozen=True)
class Clip:
    """A stretch of a source video shown instead of a still: from `start_s`, muted, filling the frame (its
    last picture held if the scene outlasts it)."""

    video: Path
    start_s: float


@dataclass(frozen=True)
class Shot:
    """One scene's still on the timeline: shown from `first_frame` for `frames` frames (its crossfade into
    the next scene included), growing from 1 to `zoom_end` about the centre; or its `clip` playing."""

    still: Path
    first_frame: int
    frames: int
    zoom_end: float
    clip: Clip | None = None


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
    transition: str = "fade"  # ffmpeg xfade's name for what happens in the overlap of two scenes


def shots_for(
    stills: Sequence[Path],
    starts_s: Sequence[float],
    total_s: float,
    *,
    fps: int,
    crossfade_s: float,
    zoom_end: float,
    clips: Sequence[Clip | None] = (),
) -> list[Shot]:
    """Scene i from its start to the start of scene i+1 plus the crossfade; the last to the end."""
    firsts = [round(start * fps) for start in starts_s]
    total = round(total_s * fps)
    fade = crossfade_frames(firsts, total, fps=fps, crossfade_s=crossfade_s)
    ends = [first + fade for first in firsts[1:]] + [total]
    shown = list(clips) + [None] * (len(stills) - len(clips))
    return [
        Shot(still=still, first_frame=first, frames=end - first, zoom_end=zoom_end, clip=clip)
        for still, first, end, clip in zip(stills, firsts, ends, shown, strict=True)
    ]


def crossfade_frames(firsts: Sequence[int], total: int, *, fps: int, crossfade_s: float) -> int:
    """The crossfade in frames, never more than half the shortest scene."""
    lengths = [b - a for a, b in zip(firsts, [*firsts[1:], total], strict=True)]
    return max(0, min(round(crossfade_s * fps), min(lengths, default=0) // 2)) if len(firsts) > 1 else 0


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
    workers: int | None = None,
) -> list[bool]:
    """Render `shots` with `picture`'s captions, mux `sound`, write `out` (MP4, H.264 + AAC).

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
    _render_all(
        todo, shots, picture, workdir=workdir / "segments", progress=progress, workers=workers,
        sound=None if sound_cached else (sound, encoded_sound, total / picture.fps),
    )  # fmt: skip
    _join(files, encoded_sound, picture.encoding, duration_s=total / picture.fps, workdir=workdir, out=out)
    return cached


def _render_all(
    todo: Sequence[tuple[Segment, Path]],
    shots: Sequence[Shot],
    picture: Picture,
    *,
    workdir: Path,
    progress: _Progress,
    workers: int | None,
    sound: tuple[Path, Path, float] | None,
) -> None:
    """The segments in `todo`, and the sound to encode, if any (`sound`: the WAV, the encoded file to
    write, its seconds)."""
    count = max(1, min(len(todo) + 1, workers or os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="segment") as pool:
        futures = []
        if sound is not None:  # first: it then runs beside the segments, not alone after them
            wav, encoded, seconds = sound
            futures.append(
                pool.submit(
                    _encode_sound, wav, picture.encoding, seconds=seconds, workdir=workdir, out=encoded
                )
            )
        futures += [
            pool.submit(
                _render_segment, segment, shots, picture, workdir=workdir, out=file, progress=progress
            )
            for segment, file in todo
        ]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=PROGRESS_EVERY_S, return_when=FIRST_EXCEPTION)
            progress.report()
            failed = next((future for future in done if future.exception() is not None), None)
            if failed is not None:
                pool.shutdown(cancel_futures=True)
                failed.result()


def _render_segment(
    segment: Segment,
    shots: Sequence[Shot],
    picture: Picture,
    *,
    workdir: Path,
    out: Path,
    progress: _Progress,
) -> None:
    folder = workdir / f"{segment.first_frame:07d}"
    folder.mkdir(parents=True, exist_ok=True)
    inputs: list[str] = []
    for index, offset in segment.shots:
        clip = shots[index].clip
        if clip is None:
            inputs += [*SAFE_INPUT, "-i", str(shots[index].still.resolve())]
        else:  # seeking the input: decoding starts at the keyframe before, not at the file's start
            seek = f"{clip.start_s + offset / picture.fps:.3f}"
            inputs += [*SAFE_INPUT, "-ss", seek, "-i", str(clip.video.resolve())]
    if picture.watermark is not None:
        inputs += [*SAFE_INPUT, "-i", str(picture.watermark.resolve())]
    graph = _segment_graph(segment, shots, picture, folder)
    seconds = segment.frames / picture.fps
    report = progress.tracker(segment.frames)
    try:
        with whole_file(out) as partial:  # whole files only: another render may be reading the cache
            args = [
                *inputs, "-filter_complex", graph, "-map", "[video]", "-frames:v", str(segment.frames),
                *picture.encoding.video, "-threads", "1", "-r", str(picture.fps), "-fps_mode", "cfr",
                "-g", str(picture.fps * KEYFRAME_EVERY_S), *_timescales(picture, out), "-an", str(partial),
            ]  # fmt: skip
            run_ffmpeg(
                args, cwd=folder, duration_s=seconds, on_fraction=report, timeout_s=max(60.0, seconds * 20)
            )
        report(1.0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _timescales(picture: Picture, out: Path) -> tuple[str, ...]:
    """MP4 clocks that count whole frames, the edit list's too: the concat demuxer sums each segment's
    length as its edit list states it, and at the default 1/1000 s a frame is 33 or 34 ticks."""
    if out.suffix != ".mp4":
        return ()
    ticks = str(picture.fps * 512)
    return ("-video_track_timescale", ticks, "-movie_timescale", ticks)


def _segment_graph(segment: Segment, shots: Sequence[Shot], picture: Picture, folder: Path) -> str:
    chains = [
        f"[{position}:v]{_moving(shots[index], offset, segment.frames, picture)}[v{position}]"
        for position, (index, offset) in enumerate(segment.shots)
    ]
    last = "v0"
    if len(segment.shots) == 2:
        seconds = segment.frames / picture.fps
        chains.append(f"[v0][v1]xfade=transition={picture.transition}:duration={seconds:.6f}:offset=0[faded]")
        last = "faded"
    if picture.watermark is not None:
        mark, (right, top) = len(segment.shots), picture.mark_offset
        chains.append(f"[{last}][{mark}:v]overlay=x=W-w-{right}:y={top}:format=yuv420[marked]")
        last = "marked"
    # exact timestamps on the frame grid: the joined segments then play at a constant rate
    chains.append(f"[{last}]{_captions(segment, picture, folder)},setpts=N/({picture.fps}*TB)[video]")
    return ";".join(chains)


def _moving(shot: Shot, offset: int, frames: int, picture: Picture) -> str:
    return _ken_burns(shot, offset, frames, picture) if shot.clip is None else _playing(picture)


def _playing(picture: Picture) -> str:
    """A clip at the picture's rate, filling the frame (cropped, never letterboxed), its last frame held."""
    width, height = picture.size
    return (
        f"fps={picture.fps},scale=iw*sar:ih,scale={width}:{height}:force_original_aspect_ratio=increase,"
        f"crop={width}:{height},setsar=1,format=yuv420p,tpad=stop=-1:stop_mode=clone,setpts=N/({picture.fps}*TB)"
    )


def _ken_burns(shot: Shot, offset: int, frames: int, picture: Picture) -> str:
    """Frames `offset` … `offset + frames` of the shot's zoom, at the picture's size and rate."""
    width, height = picture.size
    zoom = f"1+{shot.zoom_end - 1:.5f}*(on+{offset})/{max(1, shot.frames - 1)}"
    scale = 2 if width <= SUPERSAMPLED_UP_TO else 1
    focus_x, focus_y = focus_of(shot.still)  # the point that stays put while the picture grows around it
    return (
        f"scale={scale * width}:{scale * height}:flags=bicubic,"
        f"zoompan=z='{zoom}':x='{focus_x:.4f}*(iw-iw/zoom)':y='{focus_y:.4f}*(ih-ih/zoom)':d={frames}"
        f":s={width}x{height}:fps={picture.fps},setsar=1,format=yuv420p"
    )


def _captions(segment: Segment, picture: Picture, folder: Path) -> str:
    window = _captions_window(segment, picture)
    if window is None or picture.fonts_dir is None:
        return "null"
    (folder / "captions.ass").write_text(window.text(), encoding="utf-8")
    return f"subtitles=filename=captions.ass:fontsdir='{_escape_path(picture.fonts_dir)}'"


def _captions_window(segment: Segment, picture: Picture) -> AssScript | None:
    if picture.captions is None:
        return None
    start = segment.first_frame / picture.fps
    return picture.captions.window(start, start + segment.frames / picture.fps)


def _segment_key(segment: Segment, shots: Sequence[Shot], picture: Picture) -> str:
    """A hash of everything the segment shows, and nothing about where it sits in the video."""
    digest = hashlib.sha256(
        f"renderer {RENDERER_VERSION} {picture.encoding} {picture.size} {picture.fps}".encode()
    )
    digest.update(f"frames {segment.frames}".encode())
    if len(segment.shots) == 2:
        digest.update(f"transition {picture.transition}".encode())
    for index, offset in segment.shots:
        shot = shots[index]
        digest.update(f"shot {_file_digest(shot.still)} {shot.frames} {shot.zoom_end} {offset}".encode())
        if shot.clip is not None:
            digest.update(f"clip {_file_digest(shot.clip.video)} {shot.clip.start_s:.3f}".encode())
    if picture.watermark is not None:
        digest.update(f"mark {_file_digest(picture.watermark)} {picture.mark_offset}".encode())
    window = _captions_window(segment, picture)
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
    """Frames encoded so far over all segments (cached ones count as done). The segments' threads record;
    the calling thread reports, since `on_fraction` may write to a database connection of its own thread."""

    def __init__(self, total: int, on_fraction: Callable[[float], None], *, done: int) -> None:
        self.total, self.on_fraction = max(1, total), on_fraction
        self.frames: dict[int, float] = {-1: float(done)}
        self.keys = itertools.count()
        self.lock = threading.Lock()
        self.report()

    def tracker(self, frames: int) -> Callable[[float], None]:
        """The `on_fraction` of one segment of `frames` frames."""
        key = next(self.keys)

        def record(fraction: float) -> None:
            with self.lock:
                self.frames[key] = min(1.0, fraction) * frames

        return record

    def report(self) -> None:
        with self.lock:
            value = sum(self.frames.values()) / self.total
        self.on_fraction(min(1.0, value))
