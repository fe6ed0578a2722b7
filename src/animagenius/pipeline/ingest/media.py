"""Audio and video uploads: probing, transcripts, scenes and keyframes, with ffmpeg fenced in.

Every ffmpeg run on a user file reads local files only (`-protocol_whitelist file,pipe`) and only through the
demuxers of real media containers (`-format_whitelist`), so playlists and concat scripts are never followed,
not even to other local files (`media/ffmpeg.USER_MEDIA_INPUT`). Each run has a wall-clock timeout and
address-space and CPU-time ceilings (`media/ffmpeg.ffmpeg_output`).
"""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from animagenius.pipeline.domain import Block, MediaInfo, Provenance, SourceDocument, WordTiming
from animagenius.pipeline.errors import CorruptFile, NoContent, ProcessingTimeout, TooLarge, UnsupportedFormat
from animagenius.pipeline.media.ffmpeg import (
    FFMPEG_MEMORY_BYTES,
    GIB,
    USER_MEDIA_INPUT,
    FFmpegTimedOut,
    ffmpeg_message,
    ffmpeg_output,
)
from animagenius.pipeline.providers.protocols import Transcriber, Transcript

DEFAULT_MAX_DURATION_S = 3600.0
PROBE_TIMEOUT_S = 30.0
KEYFRAME_TIMEOUT_S = 30.0
WAV_SAMPLE_RATE = 16_000

SUPPORTED = "audio (WAV, MP3, M4A, FLAC, OGG) or video (MP4, MOV, WebM, MKV)"

# Scene cuts: ffmpeg's scene score of a frame (0..1) must stand out from its neighbours' (a cut), not merely
# be high (fast motion); one fixed threshold such as 0.3 misses cuts that change only part of the picture.
HARD_CUT_SCORE = 0.3
MIN_CUT_SCORE = 0.08
CUT_RATIO = 3.0
NEIGHBOURS = 2
MIN_SCENE_S = 1.0
MAX_SCENES = 200
KEYFRAME_MAX_SIDE = 1920

_HEAD_BYTES = 4096
_CONTAINER_MAGIC = (
    b"\x1a\x45\xdf\xa3",  # Matroska / WebM
    b"OggS",
    b"fLaC",
    b"RIFF",  # WAV, AVI
    b"ID3",
    b"FORM",  # AIFF
    b"caff",
    b"riff",  # Wave64
    b"wvpk",
    b"#!AMR",
    b"FLV",
    b"\x00\x00\x01\xba",  # MPEG program stream
    b"\x30\x26\xb2\x75\x8e\x66\xcf\x11",  # ASF / WMA / WMV
    b"\x06\x0e\x2b\x34",  # MXF
)
_PLAYLIST_MARKERS = (b"#EXTM3U", b"<MPD", b"<?xml", b"ffconcat", b"[playlist]", b"<smil")


@dataclass(frozen=True)
class MediaProbe:
    format_name: str  # ffmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    duration_s: float
    has_audio: bool
    has_video: bool  # a moving picture; cover art embedded in an audio file does not count
    width: int | None = None  # displayed size: pixel aspect ratio and rotation applied
    height: int | None = None
    audio_codec: str | None = None
    video_codec: str | None = None


# ---------------------------------------------------------------- running ffmpeg


def _ffmpeg(path: Path, args: Sequence[str], *, timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    """Run the bundled ffmpeg on a user file; timeouts and exhausted limits become input errors."""
    try:
        completed = ffmpeg_output(["-nostdin", "-hide_banner", "-nostats", *args], timeout_s=timeout_s)
    except FFmpegTimedOut:
        raise _timeout(path, timeout_s) from None
    stderr = completed.stderr.decode(errors="replace")
    if completed.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _timeout(path, timeout_s)
    if completed.returncode != 0 and "Cannot allocate memory" in stderr:
        raise TooLarge(
            f"{path.name} needs more than {FFMPEG_MEMORY_BYTES // GIB} GB of memory to decode; "
            "upload a smaller or lower-resolution version"
        )
    return completed


def _timeout(path: Path, timeout_s: float) -> ProcessingTimeout:
    return ProcessingTimeout(
        f"{path.name} took longer than {timeout_s:.0f} s to decode; it may be damaged — export it again, "
        "or upload a shorter part of it"
    )


def _failure(completed: subprocess.CompletedProcess[bytes], path: Path) -> str:
    """The last lines ffmpeg wrote, with the file's path and ffmpeg's log prefixes left out."""
    stderr = completed.stderr.decode(errors="replace")
    return ffmpeg_message(stderr, path=path, lines=2) or f"exit {completed.returncode}"


# ---------------------------------------------------------------- probing


def probe(path: Path, *, measure_up_to_s: float = 4 * 3600) -> MediaProbe:
    """What a media file holds; refuses anything that is not a plain audio or video file.

    When the container does not state its duration, the packets are read (not decoded) to measure it,
    stopping at `measure_up_to_s`.
    """
    if not path.is_file():
        raise UnsupportedFormat(f"{path.name}: file not found")
    head = _head(path)
    _refuse_non_media(path, head)
    completed = _ffmpeg(path, [*USER_MEDIA_INPUT, "-i", str(path)], timeout_s=PROBE_TIMEOUT_S)
    stderr = completed.stderr.decode(errors="replace").replace(str(path), "INPUT")
    found = _INPUT.search(stderr)
    if found is None:
        raise _unreadable(path, head)
    streams = list(_streams(stderr))
    if not any(stream.kind in ("Audio", "Video") for stream in streams):
        raise NoContent(f"{path.name} has neither sound nor moving pictures; upload {SUPPORTED}")
    video = next((stream for stream in streams if stream.is_picture), None)
    audio = next((stream for stream in streams if stream.is_sound), None)
    if video is None and audio is None:  # ffmpeg guessed a format (from the name) but found no real stream
        raise _unreadable(path, head)
    duration = _stated_duration(stderr)
    if duration is None:
        duration = _measure_duration(path, up_to_s=measure_up_to_s)
    return MediaProbe(
        format_name=found["format"],
        duration_s=duration,
        has_audio=audio is not None,
        has_video=video is not None,
        width=video.size[0] if video and video.size else None,
        height=video.size[1] if video and video.size else None,
        audio_codec=audio.codec if audio else None,
        video_codec=video.codec if video else None,
    )


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_HEAD_BYTES)


def _refuse_non_media(path: Path, head: bytes) -> None:
    """Refuse, before ffmpeg sees them, files that point at other files or are not binary at all."""
    if not head:
        raise NoContent(f"{path.name} is empty; upload {SUPPORTED}")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(_PLAYLIST_MARKERS) or b"<MPD" in head[:512]:
        raise UnsupportedFormat(
            f"{path.name} is a streaming playlist or manifest that points at other files, not a recording; "
            "download the video or audio itself and upload that"
        )
    if _is_text(head):
        raise UnsupportedFormat(f"{path.name} is a text file, not audio or video; upload {SUPPORTED}")


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3  # only a character cut off at the end of the sample
    return True


def _looks_like_container(head: bytes) -> bool:
    return (
        head[4:8] == b"ftyp"
        or head[4:8] in (b"moov", b"mdat", b"wide", b"free")
        or head.startswith(_CONTAINER_MAGIC)
        or (len(head) > 188 and head[0] == 0x47 and head[188] == 0x47)  # MPEG transport stream
    )


def _unreadable(path: Path, head: bytes) -> UnsupportedFormat | CorruptFile:
    if _looks_like_container(head):
        return CorruptFile(
            f"{path.name} looks like a media file but cannot be read (it may be cut off or damaged); export "
            "or download it again and upload the new copy"
        )
    suffix = path.suffix.lower().lstrip(".")
    named = f" despite its .{suffix} name" if suffix else ""
    return UnsupportedFormat(
        f"{path.name} is not an audio or video file we can read{named}; upload {SUPPORTED}"
    )


_INPUT = re.compile(r"^Input #0, (?P<format>[\w,-]+), from ", re.M)
_DURATION = re.compile(r"^\s+Duration: (?:N/A|(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?))", re.M)
_STREAM = re.compile(r"^\s+Stream #0:\d+\S*: (?P<kind>\w+): (?P<codec>[\w-]+)(?P<rest>.*)$")
_SIZE = re.compile(r", (?P<w>\d{1,5})x(?P<h>\d{1,5})\b")
_SAMPLE_RATE = re.compile(r", [1-9]\d* Hz\b")
_SAR = re.compile(r"\[SAR (?P<n>\d+):(?P<d>\d+) ")
_ROTATION = re.compile(r"rotation of (?P<degrees>-?\d+(?:\.\d+)?) degrees")


@dataclass
class _Stream:
    kind: str
    codec: str
    details: str
    size: tuple[int, int] | None

    @property
    def is_picture(self) -> bool:
        """Moving pictures: cover art embedded in an audio file does not count."""
        return self.kind == "Video" and self.size is not None and "(attached pic)" not in self.details

    @property
    def is_sound(self) -> bool:
        return (
            self.kind == "Audio"
            and bool(_SAMPLE_RATE.search(self.details))
            and " 0 channels" not in self.details
        )


def _streams(stderr: str) -> Iterator[_Stream]:
    current: _Stream | None = None
    for line in stderr.splitlines():
        match = _STREAM.match(line)
        if match:
            if current:
                yield current
            current = _Stream(match["kind"], match["codec"], match["rest"], _display_size(match["rest"]))
        elif current and current.size and (rotation := _ROTATION.search(line)) and _quarter_turn(rotation):
            current.size = (current.size[1], current.size[0])
    if current:
        yield current


def _quarter_turn(rotation: re.Match[str]) -> bool:
    return round(float(rotation["degrees"])) % 180 == 90


def _display_size(stream_line: str) -> tuple[int, int] | None:
    size = _SIZE.search(stream_line)
    if size is None or int(size["w"]) == 0 or int(size["h"]) == 0:
        return None
    width, height = int(size["w"]), int(size["h"])
    sar = _SAR.search(stream_line)
    if sar and int(sar["n"]) and int(sar["d"]):
        width = round(width * int(sar["n"]) / int(sar["d"]))
    return width, height


def _stated_duration(stderr: str) -> float | None:
    found = _DURATION.search(stderr)
    if found is None or found["h"] is None:
        return None
    return int(found["h"]) * 3600 + int(found["m"]) * 60 + float(found["s"])


def _measure_duration(path: Path, *, up_to_s: float) -> float:
    """Read the packets without decoding them and report the last timestamp reached."""
    completed = _ffmpeg(
        path,
        ["-loglevel", "error", "-progress", "pipe:1", *USER_MEDIA_INPUT, "-i", str(path),
         "-t", f"{up_to_s:.3f}", "-map", "0:v?", "-map", "0:a?", "-c", "copy", "-f", "null", "-"],
        timeout_s=PROBE_TIMEOUT_S + up_to_s / 100,
    )  # fmt: skip
    times = re.findall(r"^out_time_us=(\d+)$", completed.stdout.decode(errors="replace"), re.M)
    if completed.returncode != 0 or not times:
        raise CorruptFile(
            f"{path.name} does not say how long it is and could not be read through "
            f"({_failure(completed, path)}); export it again and upload the new copy"
        )
    return int(times[-1]) / 1e6


def check_duration(path: Path, info: MediaProbe, *, max_duration_s: float) -> None:
    if info.duration_s > max_duration_s:
        raise TooLarge(
            f"{path.name} is {_clock(info.duration_s)} long; the limit is {_clock(max_duration_s)} — "
            "upload a shorter recording or trim it first"
        )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


# ---------------------------------------------------------------- readers


def read_audio(
    path: Path,
    *,
    transcriber: Transcriber,
    assets_dir: Path,
    max_duration_s: float = DEFAULT_MAX_DURATION_S,
) -> SourceDocument:
    """A recording becomes its transcript: one block per speech segment, with the timed words."""
    info = probe(path, measure_up_to_s=max_duration_s + 1)
    return _read_audio(
        path, info, transcriber=transcriber, assets_dir=assets_dir, max_duration_s=max_duration_s
    )


def read_video(
    path: Path,
    *,
    transcriber: Transcriber,
    assets_dir: Path,
    max_duration_s: float = DEFAULT_MAX_DURATION_S,
) -> SourceDocument:
    """A clip becomes one figure per scene (with its keyframe) and the transcript of its sound track.

    A file that turns out to hold only sound (an MP4 or WebM without pictures) is read as `read_audio` would.
    """
    info = probe(path, measure_up_to_s=max_duration_s + 1)
    reader = _read_video if info.has_video else _read_audio
    return reader(path, info, transcriber=transcriber, assets_dir=assets_dir, max_duration_s=max_duration_s)


def _read_audio(
    path: Path, info: MediaProbe, *, transcriber: Transcriber, assets_dir: Path, max_duration_s: float
) -> SourceDocument:
    check_duration(path, info, max_duration_s=max_duration_s)
    if not info.has_audio:
        raise NoContent(f"{path.name} has no sound track; upload a recording in which someone speaks")
    assets_dir.mkdir(parents=True, exist_ok=True)
    transcript = _transcribe(path, info, transcriber=transcriber, wav=assets_dir / f"{_digest(path)}-16k.wav")
    blocks = _transcript_blocks(transcript, path.name)
    if not blocks:
        raise NoContent(f"no speech found in {path.name}; upload a recording in which someone speaks")
    return SourceDocument(
        title=_title(transcript, path.name),
        blocks=tuple(blocks),
        language=transcript.language or "und",
        media=(MediaInfo(path=path, kind="audio", duration_s=info.duration_s),),
        words=_clean_words(transcript.words, info.duration_s),
    )


def _read_video(
    path: Path, info: MediaProbe, *, transcriber: Transcriber, assets_dir: Path, max_duration_s: float
) -> SourceDocument:
    check_duration(path, info, max_duration_s=max_duration_s)
    assets_dir.mkdir(parents=True, exist_ok=True)
    digest = _digest(path)
    figures = list(_scene_figures(path, detect_scenes(path, info), target=assets_dir / f"{digest}-scene"))
    transcript = (
        _transcribe(path, info, transcriber=transcriber, wav=assets_dir / f"{digest}-16k.wav")
        if info.has_audio
        else None
    )
    speech = _transcript_blocks(transcript, path.name) if transcript else []
    if not figures and not speech:
        raise NoContent(
            f"{path.name} has no picture we could decode and no speech; export it again and upload the "
            "new copy"
        )
    ordered = sorted(
        [*figures, *speech], key=lambda block: (block.source.start_s or 0.0, block.kind != "figure")
    )
    return SourceDocument(
        title=_title(transcript, path.name),
        blocks=tuple(ordered),
        language=(transcript.language if transcript and speech else "") or "und",
        media=(
            MediaInfo(
                path=path, kind="video", duration_s=info.duration_s, width=info.width, height=info.height
            ),
        ),
        words=_clean_words(transcript.words, info.duration_s) if transcript and speech else (),
    )


# ---------------------------------------------------------------- speech


def _transcribe(path: Path, info: MediaProbe, *, transcriber: Transcriber, wav: Path) -> Transcript:
    """Transcribe a 16 kHz mono WAV made by ffmpeg (so the recogniser never parses the upload itself); the
    WAV is removed afterwards: the original file stays the usable recording."""
    try:
        to_wav(path, wav, duration_s=info.duration_s)
        return transcriber.transcribe(wav)
    finally:
        wav.unlink(missing_ok=True)


def to_wav(path: Path, target: Path, *, duration_s: float, sample_rate: int = WAV_SAMPLE_RATE) -> None:
    """The first sound track as mono 16-bit WAV (16 kHz unless told), at most `duration_s` (+1 s) long."""
    completed = _ffmpeg(
        path,
        ["-loglevel", "error", *USER_MEDIA_INPUT, "-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn",
         "-t", f"{duration_s + 1:.3f}", "-ac", "1", "-ar", str(sample_rate), "-c:a", "pcm_s16le",
         "-f", "wav", "-y", str(target)],
        timeout_s=60 + duration_s / 4,
    )  # fmt: skip
    if completed.returncode != 0 or not target.is_file():
        raise CorruptFile(
            f"the sound of {path.name} could not be decoded ({_failure(completed, path)}); "
            "export it again and upload the new copy"
        )


def _transcript_blocks(transcript: Transcript, name: str) -> list[Block]:
    return [
        Block(kind="transcript", text=text.strip(), source=Provenance(file=name, start_s=start, end_s=end))
        for start, end, text in transcript.segments
        if text.strip()
    ]


def _clean_words(words: Sequence[WordTiming], duration_s: float) -> tuple[WordTiming, ...]:
    """Words in time order, inside the recording: recognisers can overshoot the end by a few frames."""
    cleaned: list[WordTiming] = []
    floor = 0.0
    for word in words:
        start = min(max(word.start_s, floor), duration_s)
        end = min(max(word.end_s, start), duration_s)
        cleaned.append(WordTiming(word=word.word, start_s=start, end_s=end))
        floor = start
    return tuple(cleaned)


def _title(transcript: Transcript | None, name: str, *, max_words: int = 8) -> str:
    """The opening words of the speech (when they are more than an interjection), else the file's name."""
    text = transcript.text.strip() if transcript else ""
    words = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0].split()
    if len(words) >= 3:
        return " ".join(words[:max_words]).rstrip(",;:.") + ("…" if len(words) > max_words else "")
    stem = re.sub(r"[-_]+", " ", Path(name).stem).strip()
    return stem.capitalize() or "Untitled recording"


# ---------------------------------------------------------------- scenes


@dataclass(frozen=True)
class Scene:
    start_s: float
    end_s: float


def detect_scenes(path: Path, info: MediaProbe) -> list[Scene]:
    """Shots of a video, cut where ffmpeg's scene score stands out from the frames around it."""
    completed = _ffmpeg(
        path,
        ["-loglevel", "error", *USER_MEDIA_INPUT, "-i", str(path), "-map", "0:v:0", "-an", "-sn", "-dn",
         "-t", f"{info.duration_s + 1:.3f}", "-vf", _SCENE_SCORES, "-f", "null", "-"],
        timeout_s=60 + info.duration_s * 2,
    )  # fmt: skip
    scores = _scene_scores(completed.stdout.decode(errors="replace"))
    if completed.returncode != 0 and not scores:
        raise CorruptFile(
            f"the pictures of {path.name} could not be decoded ({_failure(completed, path)}); "
            "export it again and upload the new copy"
        )
    end = max(info.duration_s, scores[-1][0] if scores else 0.0)
    starts = [0.0, *_cuts(scores, end_s=end)]
    return [Scene(start, stop) for start, stop in zip(starts, [*starts[1:], end], strict=True)]


# every frame's scene score, downscaled (the score compares whole frames; detail only adds noise), to stdout
_SCENE_SCORES = "scale=160:90,select='gte(scene,0)',metadata=print:file=-"
_FRAME = re.compile(
    r"^frame:\d+\s+pts:\S+\s+pts_time:(?P<t>-?[\d.]+)\s*\nlavfi\.scene_score=(?P<s>[\d.]+)", re.M
)


def _scene_scores(printed: str) -> list[tuple[float, float]]:
    return [(float(found["t"]), float(found["s"])) for found in _FRAME.finditer(printed)]


def _cuts(scores: list[tuple[float, float]], *, end_s: float) -> list[float]:
    """Times of the strongest cuts, at most MAX_SCENES - 1 of them, none within MIN_SCENE_S of another."""
    candidates: list[tuple[float, float]] = []
    for index, (time_s, score) in enumerate(scores):
        around = [
            s
            for _, s in scores[max(0, index - NEIGHBOURS) : index]
            + scores[index + 1 : index + 1 + NEIGHBOURS]
        ]
        baseline = sum(around) / len(around) if around else 0.0
        if score >= HARD_CUT_SCORE or (score >= MIN_CUT_SCORE and score >= CUT_RATIO * baseline):
            candidates.append((time_s, score))
    strongest = sorted(candidates, key=lambda candidate: -candidate[1])[: MAX_SCENES - 1]
    cuts: list[float] = []
    for time_s, _ in sorted(strongest):
        if time_s - (cuts[-1] if cuts else 0.0) >= MIN_SCENE_S and end_s - time_s >= MIN_SCENE_S / 2:
            cuts.append(round(time_s, 3))
    return cuts


def _scene_figures(path: Path, scenes: list[Scene], *, target: Path) -> Iterator[Block]:
    for number, scene in enumerate(scenes, start=1):
        image = target.with_name(f"{target.name}-{number:03d}.jpg")
        if not _keyframe(path, image, at_s=(scene.start_s + scene.end_s) / 2, fallback_s=scene.start_s):
            continue
        yield Block(
            kind="figure",
            text=f"Scene {number} of {path.name} ({_clock(scene.start_s)}–{_clock(scene.end_s)})",
            image=image,
            source=Provenance(file=path.name, start_s=scene.start_s, end_s=scene.end_s),
        )


def _keyframe(path: Path, image: Path, *, at_s: float, fallback_s: float) -> bool:
    """One JPEG at `at_s` (or `fallback_s`), square pixels, no side above KEYFRAME_MAX_SIDE; False if none."""
    side = KEYFRAME_MAX_SIDE
    scale = (
        f"scale=iw*sar:ih,setsar=1,"
        f"scale='min({side},iw)':'min({side},ih)':force_original_aspect_ratio=decrease"
    )
    for seek in dict.fromkeys((at_s, fallback_s)):
        image.unlink(missing_ok=True)
        completed = _ffmpeg(
            path,
            ["-loglevel", "error", *USER_MEDIA_INPUT, "-ss", f"{seek:.3f}", "-i", str(path), "-map", "0:v:0",
             "-frames:v", "1", "-vf", scale, "-q:v", "3", "-update", "1", "-y", str(image)],
            timeout_s=KEYFRAME_TIMEOUT_S,
        )  # fmt: skip
        if completed.returncode == 0 and image.is_file() and image.stat().st_size > 0:
            return True
    image.unlink(missing_ok=True)
    return False


def _digest(path: Path) -> str:
    """A name for derived files that is the same for the same content, whatever the upload was called."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:16]
