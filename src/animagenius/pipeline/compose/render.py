"""One ffmpeg filtergraph: Ken Burns per slide, crossfades, burned-in captions, narration → H.264/AAC."""

from __future__ import annotations

import wave
from collections.abc import Callable, Sequence
from itertools import accumulate
from pathlib import Path

from animagenius.pipeline.compose.audio import soundtrack
from animagenius.pipeline.compose.captions import caption_fonts, write_ass
from animagenius.pipeline.compose.ffmpeg import SAFE_INPUT, run_ffmpeg
from animagenius.pipeline.domain import RenderOptions, VoiceTrack, WordTiming
from animagenius.pipeline.music import music_cache_dir, music_file

CROSSFADE_S = 0.5
ZOOM = 0.06  # Ken Burns: each slide grows by 6% over its scene
AUDIO_RATE = 48000


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
    slides: Sequence[Path],
    tracks: Sequence[VoiceTrack],
    options: RenderOptions,
    font_name: str,
    font_dir: Path,
    workdir: Path,
    out: Path,
    on_fraction: Callable[[float], None],
) -> float:
    """Render the video to `out`; returns its duration, which equals the narration's."""
    starts = scene_starts(tracks)
    total = sum(track.duration_s for track in tracks)
    narration = join_narration(tracks, workdir / "narration.wav")
    music = music_file(options.music, cache_dir=music_cache_dir())
    sound = soundtrack(narration=narration, music=music, duration_s=total, workdir=workdir)
    words = timeline_words(tracks)
    captions_fonts = _write_captions(words, options, font_name=font_name, font_dir=font_dir, workdir=workdir)

    inputs: list[str] = []
    for index, (slide, track) in enumerate(zip(slides, tracks, strict=True)):
        # every scene but the last runs one crossfade longer, so the fades never shift the narration
        length = track.duration_s + (CROSSFADE_S if index < len(tracks) - 1 else 0.0)
        inputs += [*SAFE_INPUT, "-loop", "1", "-framerate", str(options.fps), "-t", f"{length:.3f}"]
        inputs += ["-i", str(slide.relative_to(workdir))]
    inputs += [*SAFE_INPUT, "-i", sound.name]

    graph = _filtergraph(tracks, starts, options, captions_fonts)
    args = [
        *inputs,
        "-filter_complex", graph,
        "-map", "[video]", "-map", f"{len(tracks)}:a",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p",
        "-r", str(options.fps), "-g", str(options.fps * 2),
        "-c:a", "aac", "-b:a", "160k", "-ar", str(AUDIO_RATE), "-ac", "2",
        "-t", f"{total:.3f}", "-movflags", "+faststart",
        str(out.resolve()),
    ]  # fmt: skip
    run_ffmpeg(args, cwd=workdir, duration_s=total, on_fraction=on_fraction, timeout_s=max(120.0, total * 10))
    return total


def _write_captions(
    words: Sequence[WordTiming], options: RenderOptions, *, font_name: str, font_dir: Path, workdir: Path
) -> Path | None:
    """Write captions.ass in the chosen style; returns the fonts directory it needs (None: no captions)."""
    if options.captions == "none":
        return None
    fonts = caption_fonts(words, font_name=font_name, font_dir=font_dir, into=workdir / "fonts")
    write_ass(
        words, size=options.size, aspect=options.aspect, font_name=fonts.family, out=workdir / "captions.ass",
        style=options.captions, word_fonts=fonts.word_families,
    )  # fmt: skip
    return fonts.directory


def _filtergraph(
    tracks: Sequence[VoiceTrack], starts: Sequence[float], options: RenderOptions, captions_fonts: Path | None
) -> str:
    width, height = options.size
    chains: list[str] = []
    for index, track in enumerate(tracks):
        length = track.duration_s + CROSSFADE_S
        chains.append(
            f"[{index}:v]scale=w='2*trunc({width}*(1+{ZOOM}*t/{length:.3f})/2)':h=-2:eval=frame:flags=bicubic,"
            f"crop={width}:{height},setsar=1,fps={options.fps},format=yuv420p[s{index}]"
        )
    last = "s0"
    for index in range(1, len(tracks)):
        chains.append(
            f"[{last}][s{index}]xfade=transition=fade:duration={CROSSFADE_S}:offset={starts[index]:.3f}[x{index}]"
        )
        last = f"x{index}"
    chains.append(f"[{last}]{_captions_filter(captions_fonts)}[video]")
    return ";".join(chains)


def _captions_filter(fonts_dir: Path | None) -> str:
    if fonts_dir is None:
        return "null"
    return f"subtitles=filename=captions.ass:fontsdir='{_escape_path(fonts_dir)}'"


def _escape_path(path: Path) -> str:
    return str(path).replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")


def join_narration(tracks: Sequence[VoiceTrack], out: Path) -> Path:
    with wave.open(str(out), "wb") as joined:
        for index, track in enumerate(tracks):
            with wave.open(str(track.audio), "rb") as part:
                if index == 0:
                    joined.setparams(part.getparams())
                joined.writeframes(part.readframes(part.getnframes()))
    return out
