"""A person's own recording as the narration ("use my own recording").

The recording is decoded by ffmpeg under the same guards as an uploaded audio file (probe, protocol and
format whitelists, duration and size limits), transcribed with word timestamps, and aligned to the script's
narration (`align.align_words`). Each scene's VoiceTrack is its slice of the recording: a boundary between
two scenes lies in the silence between the last word of one and the first word of the next, and the word
timings are relative to the slice, so slides and captions follow the recording.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from animagenius.pipeline.domain import Scene, VoiceTrack, WordTiming
from animagenius.pipeline.errors import InputError, NoContent, TooLarge
from animagenius.pipeline.ingest import DEFAULT_LIMITS, IngestLimits
from animagenius.pipeline.ingest.media import WAV_SAMPLE_RATE, MediaProbe, check_duration, probe, to_wav
from animagenius.pipeline.media.wav import wav_read_mono, wav_write
from animagenius.pipeline.providers.protocols import Transcriber
from animagenius.pipeline.voice.align import align_words, pauses_s, sound_span_s, words_heard

TRACK_SAMPLE_RATE = 44_100  # the narration in the video; the transcriber hears a 16 kHz copy
MIN_HEARD_SHARE = 0.5  # of the script's words: fewer heard means the person said something else
MIN_SCENE_HEARD = 0.2  # of one scene's words, so that a skipped scene is not silently squeezed to nothing
ADVICE = "record the script's text or edit the script to what you said"


class RecordingMismatch(InputError):
    """The recording does not say what the script says."""

    code = "recording_mismatch"


def recording_tracks(
    recording: Path,
    scenes: Sequence[Scene],
    *,
    workdir: Path,
    transcriber: Transcriber,
    limits: IngestLimits = DEFAULT_LIMITS,
    on_fraction: Callable[[float], None] = lambda _: None,
) -> list[VoiceTrack]:
    """One VoiceTrack per scene, cut from `recording` where the scenes' narrations are said.

    Raises an InputError naming the file for anything that is not a readable recording of sound, TooLarge
    beyond `limits`, and RecordingMismatch when too few of the script's words were heard.
    """
    info = recording_check(recording, limits=limits)
    workdir.mkdir(parents=True, exist_ok=True)
    full = workdir / "recording.wav"
    to_wav(recording, full, duration_s=info.duration_s, sample_rate=TRACK_SAMPLE_RATE)
    samples = wav_read_mono(full)
    on_fraction(0.1)
    with tempfile.TemporaryDirectory(prefix="recording-", dir=workdir) as folder:
        heard_wav = Path(folder) / "speech-16k.wav"
        to_wav(recording, heard_wav, duration_s=info.duration_s, sample_rate=WAV_SAMPLE_RATE)
        heard = transcriber.transcribe(heard_wav).words
    on_fraction(0.8)
    text = " ".join(scene.narration for scene in scenes)
    _check_follows_script(recording, scenes, words_heard(text, heard))
    words = align_words(
        text, heard, sound_span_s(samples, TRACK_SAMPLE_RATE), pauses=pauses_s(samples, TRACK_SAMPLE_RATE)
    )
    tracks = _cut(samples, scenes, words, workdir=workdir)
    full.unlink(missing_ok=True)
    on_fraction(1.0)
    return tracks


def recording_check(recording: Path, *, limits: IngestLimits = DEFAULT_LIMITS) -> MediaProbe:
    """What ffprobe sees in `recording`, if it is a sound recording within `limits`; an InputError naming
    the file otherwise. Checks only the file, not what is said in it."""
    if recording.is_file() and recording.stat().st_size > limits.max_bytes:
        raise TooLarge(
            f"{recording.name} is {recording.stat().st_size / 1e6:.0f} MB; the limit is "
            f"{limits.max_bytes / 1e6:.0f} MB — upload a shorter or more compressed recording"
        )
    info = probe(recording, measure_up_to_s=limits.max_duration_s + 1)
    check_duration(recording, info, max_duration_s=limits.max_duration_s)
    if not info.has_audio:
        raise NoContent(f"{recording.name} has no sound track; upload a recording of you reading the script")
    return info


def _check_follows_script(recording: Path, scenes: Sequence[Scene], found: list[bool]) -> None:
    if not found or sum(found) < MIN_HEARD_SHARE * len(found):
        raise RecordingMismatch(
            f"the recording does not follow the script: {sum(found)} of the script's {len(found)} words "
            f"were heard in {recording.name}; {ADVICE}"
        )
    cursor = 0
    for number, scene in enumerate(scenes, start=1):
        count = len(scene.narration.split())
        heard = sum(found[cursor : cursor + count])
        cursor += count
        if heard < MIN_SCENE_HEARD * count:
            raise RecordingMismatch(
                f"the recording does not follow the script: scene {number} ({scene.title!r}) was not heard "
                f"in {recording.name} ({heard} of its {count} words); {ADVICE}"
            )


def _cut(
    samples: npt.NDArray[np.float32],
    scenes: Sequence[Scene],
    words: Sequence[WordTiming],
    *,
    workdir: Path,
) -> list[VoiceTrack]:
    """Slices of `samples`, one per scene; boundaries in the middle of the longest silence between scenes."""
    rate = TRACK_SAMPLE_RATE
    total = len(samples) / rate
    pauses = pauses_s(samples, rate)
    per_scene: list[list[WordTiming]] = []
    cursor = 0
    for scene in scenes:
        count = len(scene.narration.split())
        per_scene.append(list(words[cursor : cursor + count]))
        cursor += count
    bounds = [0.0]
    for before, after in itertools.pairwise(per_scene):
        last_end, next_start = before[-1].end_s, after[0].start_s
        bounds.append(max(bounds[-1], _boundary(last_end, next_start, pauses)))
    bounds.append(total)
    tracks = []
    for index, ((start, end), spoken) in enumerate(zip(itertools.pairwise(bounds), per_scene, strict=True)):
        first, last = round(start * rate), round(end * rate)
        out = workdir / f"scene-{index:02d}.wav"
        wav_write(out, samples[first:last], rate)
        shift = first / rate
        relative = tuple(
            WordTiming(
                word=w.word,
                start_s=round(min(max(w.start_s - shift, 0.0), (last - first) / rate), 3),
                end_s=round(min(max(w.end_s - shift, 0.0), (last - first) / rate), 3),
            )
            for w in spoken
        )
        tracks.append(VoiceTrack(audio=out, words=relative, duration_s=(last - first) / rate))
    return tracks


def _boundary(last_end: float, next_start: float, pauses: Sequence[tuple[float, float]]) -> float:
    """The middle of the longest silence between two words; their midpoint if no silence lies there."""
    low, high = min(last_end, next_start), max(last_end, next_start)
    inside = [(max(start, low), min(end, high)) for start, end in pauses if end > low and start < high]
    if inside:
        start, end = max(inside, key=lambda pause: pause[1] - pause[0])
        return (start + end) / 2
    return (low + high) / 2
