"""The finished video: the sound (narration, music, loudness) and the picture (segments.py) of the scenes."""

from __future__ import annotations

import math
import wave
from collections.abc import Callable, Sequence
from itertools import accumulate
from pathlib import Path

from animagenius.pipeline.compose.audio import soundtrack
from animagenius.pipeline.compose.caption_fonts import caption_fonts
from animagenius.pipeline.compose.captions import AssScript, ass_script
from animagenius.pipeline.compose.encodings import encoding_for
from animagenius.pipeline.compose.farm import RunFarm
from animagenius.pipeline.compose.music import music_cache_dir, music_file
from animagenius.pipeline.compose.segments import Clip, Picture, render_picture
from animagenius.pipeline.compose.shots import SceneStills, scene_shots
from animagenius.pipeline.compose.watermark import corner_image, corner_offset
from animagenius.pipeline.domain import VoiceTrack, WordTiming
from animagenius.pipeline.video import RenderOptions
from animagenius.pipeline.visuals.themes import THEMES

CROSSFADE_S = 0.5
XFADE_TRANSITIONS = {"slide": "slideleft", "wipe": "wipeleft"}  # ffmpeg xfade names: a push, a wipe
ZOOM = 0.06  # Ken Burns: each slide grows by 6% over its scene
SEGMENT_CACHE_NAME = "segment-cache"


def scene_starts(tracks: Sequence[VoiceTrack]) -> list[float]:
    return [0.0, *accumulate(track.duration_s for track in tracks)][:-1]


def timeline_words(tracks: Sequence[VoiceTrack]) -> list[WordTiming]:
    """Every spoken word with its time in the finished video."""
    return [
        WordTiming(word=w.word, start_s=w.start_s + start, end_s=w.end_s + start)
        for start, track in zip(scene_starts(tracks), tracks, strict=True)
        for w in track.words
    ]


def compose(
    *,
    slides: Sequence[Path | SceneStills],
    tracks: Sequence[VoiceTrack],
    options: RenderOptions,
    font_name: str,
    font_dir: Path,
    workdir: Path,
    out: Path,
    on_fraction: Callable[[float], None],
    cache_dir: Path | None = None,
    sound: Path | None = None,
    clips: Sequence[Clip | None] = (),
    encoders: int = 1,
    farm: RunFarm | None = None,
) -> float:
    """Render the video to `out`; returns its duration, which equals the narration's. Each scene shows its
    still, or its stills one after another (`SceneStills`), or plays its clip.

    The picture is rendered in segments cached in `cache_dir` (default: next to `workdir`); `sound` is the
    finished soundtrack if it was already made (`compose_sound`), for another rendition of the same video.
    """
    starts = scene_starts(tracks)
    total = sum(track.duration_s for track in tracks)
    sound = sound or compose_sound(tracks, options, workdir=workdir)
    words = timeline_words(tracks)
    captions, fonts = _captions(words, options, font_name=font_name, font_dir=font_dir, workdir=workdir)
    shown = list(clips) + [None] * (len(slides) - len(clips))
    scenes = [SceneStills.of(still, clip) for still, clip in zip(slides, shown, strict=True)]
    shots = scene_shots(
        scenes, starts, total, fps=options.fps, transitions=scene_transitions(scenes, options),
        transition_s=CROSSFADE_S, zoom_end=1 + ZOOM,
    )  # fmt: skip
    corner = corner_image(
        options.size, logo=options.brand.logo, mark=options.watermark, out=workdir / "corner.png"
    )
    picture = Picture(
        size=options.size, fps=options.fps, captions=captions, fonts_dir=fonts,
        encoding=encoding_for(options), watermark=corner,
        mark_offset=corner_offset(options.size, options.aspect, options.caption_position),
    )  # fmt: skip
    render_picture(
        shots, picture, sound=sound,
        workdir=workdir, cache_dir=cache_dir or workdir.parent / SEGMENT_CACHE_NAME, out=out,
        on_fraction=on_fraction, encoders=encoders, farm=farm,
    )  # fmt: skip
    return total


def scene_transitions(scenes: Sequence[SceneStills], options: RenderOptions) -> list[str | None]:
    """How each scene comes in over the one before (xfade names; None: a cut). A crossfade between two
    scenes that show text would lay one text over the other: it dips through the background's darkness
    instead (black for dark themes, white for light ones); only two clips crossfade."""
    if options.transition == "cut":
        return [None] * len(scenes)
    if options.transition in XFADE_TRANSITIONS:
        return [XFADE_TRANSITIONS[options.transition]] * len(scenes)
    dark = sum(THEMES[options.theme].background_top) < 3 * 128
    dip = "fadeblack" if dark else "fadewhite"
    return [
        "fade" if index and scene.clip is not None and scenes[index - 1].clip is not None else dip
        for index, scene in enumerate(scenes)
    ]


def compose_sound(tracks: Sequence[VoiceTrack], options: RenderOptions, *, workdir: Path) -> Path:
    """The finished soundtrack: the narration with the chosen music ducked under it, levelled (audio.py)."""
    workdir.mkdir(parents=True, exist_ok=True)
    narration = join_narration(tracks, workdir / "narration.wav")
    music = music_file(options.music, cache_dir=music_cache_dir())
    total = sum(track.duration_s for track in tracks)
    return soundtrack(narration=narration, music=music, duration_s=total, workdir=workdir)


def _captions(
    words: Sequence[WordTiming], options: RenderOptions, *, font_name: str, font_dir: Path, workdir: Path
) -> tuple[AssScript | None, Path | None]:
    """The captions in the chosen style (also written to captions.ass) and the fonts directory they need."""
    if options.captions == "none":
        return None, None
    fonts = caption_fonts(words, font_name=font_name, font_dir=font_dir, into=workdir / "fonts")
    script = ass_script(
        words, size=options.size, aspect=options.aspect, font_name=fonts.family, style=options.captions,
        word_fonts=fonts.word_families, captions_at=options.caption_position,
    )  # fmt: skip
    (workdir / "captions.ass").write_text(script.text(), encoding="utf-8")
    return script, fonts.directory


def frame_aligned(tracks: Sequence[VoiceTrack], *, fps: int, workdir: Path) -> list[VoiceTrack]:
    """The tracks, each padded with silence to a whole number of video frames.

    Every scene then starts on a frame, so a scene's segments look the same wherever the scene sits in the
    video, and the segment cache serves them after an edit elsewhere. At most one frame is added per scene.
    """
    aligned = []
    for index, track in enumerate(tracks):
        with wave.open(str(track.audio), "rb") as source:
            params, count = source.getparams(), source.getnframes()
            per_frame = params.framerate / fps
            wanted = round(math.ceil(count / per_frame - 1e-6) * per_frame)
            if wanted <= count:
                aligned.append(track)
                continue
            pcm = source.readframes(count)
        workdir.mkdir(parents=True, exist_ok=True)
        out = workdir / f"scene-{index:02d}.wav"
        with wave.open(str(out), "wb") as padded:
            padded.setparams(params)
            padded.writeframes(pcm + bytes((wanted - count) * params.nchannels * params.sampwidth))
        aligned.append(track.model_copy(update={"audio": out, "duration_s": wanted / params.framerate}))
    return aligned


def join_narration(tracks: Sequence[VoiceTrack], out: Path) -> Path:
    with wave.open(str(out), "wb") as joined:
        for index, track in enumerate(tracks):
            with wave.open(str(track.audio), "rb") as part:
                if index == 0:
                    joined.setparams(part.getparams())
                joined.writeframes(part.readframes(part.getnframes()))
    return out
