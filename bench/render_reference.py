"""The reference half of the render benchmark (issue 6): job A, and three ways to render it that are not ours.

Job A is 12 scenes × 5 s at 1920×1080, 30 fps (60.0 s): 12 stills made here (8 flat slides with big text and
shapes, 4 photo-like ones with gradients and strong per-pixel noise), each zoomed 1.0 → 1.1 about its centre
(Ken Burns) over its 5.5 s on screen, 0.5 s crossfades between scenes, 30 caption lines (one per 2 s) burned
in at the bottom in white with a dark outline, Piper narration of those 30 lines (each spoken at its
caption's start) with the built-in `calm` music looped under it at −20 dB; output H.264 `veryfast` (crf 23,
yuv420p) and AAC 48 kHz in MP4. `make_job_a(folder)` writes every input file of the job into `folder`.

Each reference renders job A to a file and returns the seconds it took (wall clock, this machine):
- `moviepy_render`: MoviePy 2.x, the way its users write it: an ImageClip per still resized every frame and
  centred in a 1920×1080 composite, `CrossFadeIn` for the transitions, a `TextClip` per caption, a
  `CompositeAudioClip` of narration and looped music, `write_videofile(codec="libx264", preset="veryfast",
  threads=2)`. Timed from building the clips to the finished file.
- `plain_filtergraph_render`: one ffmpeg command whose filtergraph does everything (Ken Burns by zoompan on
  the still scaled 2× — smooth —, or, for comparison, plain zoompan or per-frame scale + centre crop, both
  of which shimmer; an `xfade` chain; the ASS captions through libass; narration and music mixed by
  `amix`). Timed around that command.
- `floor_render`: ffmpeg encoding job A's finished frames alone. The frames (every effect applied, made by
  the plain filtergraph with the smooth Ken Burns) are first written to disk as raw yuv420p (~5.6 GB;
  untimed), with the final audio mix as a WAV (made with the job); only the encode of those to H.264 + AAC
  is timed, reading the frames back from the page cache. The raw file is deleted afterwards. No renderer
  that does the effects can be faster than this encode.

After each ffmpeg-based call `LAST_CHILD_RUN[function name]` holds the wall and CPU seconds and the peak
resident memory of its timed ffmpeg process. `main` runs MoviePy in a child Python process, to measure it the
same way. The table also shows the 1-minute load average before each reference: this machine has 2 cores,
and anything else running at the same time inflates the wall-clock seconds (CPU seconds much less).

Run: `.venv/bin/python bench/render_reference.py [--skip-moviepy]`; prints a markdown table of seconds and
ratios to the floor, and checks every output with ffprobe (60 ± 0.2 s, 1920×1080, an h264 and an aac stream).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.compose.music import music_cache_dir, music_loop
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.visuals.layout import font_file
from animagenius.pipeline.voice.voices import VOICES

SIZE = (1920, 1080)
FPS = 30
SCENE_S = 5.0
SCENE_COUNT = 12
CROSSFADE_S = 0.5
ZOOM_END = 1.1
CAPTION_EVERY_S = 2.0
MUSIC_GAIN_DB = -20.0
AUDIO_RATE = 48000
PHOTO_LIKE_SCENES = (2, 5, 8, 11)
SEED = 6
CAPTION_POINTS = 56
CAPTION_OUTLINE = 4
CAPTION_MARGIN_BOTTOM = 70
X264_PRESET = "veryfast"
X264_CRF = "23"
AAC_BITRATE = "160k"
DURATION_TOLERANCE_S = 0.2

KenBurns = Literal["scale_crop", "zoompan", "zoompan_2x"]
SMOOTH_KEN_BURNS: KenBurns = "zoompan_2x"

SENTENCES = (
    "Welcome to the tour of the valley.", "The river starts in the hills.", "It runs past the old mill.",
    "Farmers grow wheat on both banks.", "The harvest begins in August.", "Trucks carry grain to the town.",
    "The town has a busy market.", "Bakers buy flour every morning.", "Fresh bread sells out by noon.",
    "Children walk to the school nearby.", "Their teacher plants a garden.", "Tomatoes ripen in the sun.",
    "Bees visit the flowers all day.", "Honey is sold at the market too.", "In autumn the leaves turn red.",
    "Tourists come to take photos.", "A small hotel opens its doors.", "The cook serves river trout.",
    "Winter brings snow to the hills.", "The mill wheel stops turning.", "People gather by the fire.",
    "They tell stories of the past.", "Spring returns with warm rain.", "The river rises and rushes.",
    "New lambs play in the fields.", "Farmers plough the soil again.", "The cycle starts once more.",
    "The valley keeps its rhythm.", "Thank you for watching this tour.", "See you on the next journey.",
)  # fmt: skip

LAST_CHILD_RUN: dict[str, ChildRun] = {}


@dataclass(frozen=True)
class SceneA:
    still: Path
    start_s: float
    end_s: float  # the picture stays until the next scene has faded in

    @property
    def length_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class CaptionLine:
    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class JobA:
    folder: Path
    scenes: tuple[SceneA, ...]
    captions: tuple[CaptionLine, ...]
    captions_ass: Path
    font_file: Path
    narration: Path  # mono, the voice's rate, exactly duration_s long
    music: Path  # one seamless loop of the `calm` bed
    audio_mix: Path  # narration + music at MUSIC_GAIN_DB, 48 kHz stereo: the floor's sound
    size: tuple[int, int] = SIZE
    fps: int = FPS
    duration_s: float = SCENE_S * SCENE_COUNT
    crossfade_s: float = CROSSFADE_S
    zoom_end: float = ZOOM_END
    music_gain_db: float = MUSIC_GAIN_DB

    @property
    def frame_count(self) -> int:
        return round(self.duration_s * self.fps)


# ---------------------------------------------------------------- job A


def make_job_a(folder: Path) -> JobA:
    """Write job A's stills, captions, narration and audio mix into `folder` and describe the job."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    scenes = tuple(
        SceneA(
            still=_make_still(index, folder, rng),
            start_s=index * SCENE_S,
            end_s=min((index + 1) * SCENE_S + CROSSFADE_S, SCENE_COUNT * SCENE_S),
        )
        for index in range(SCENE_COUNT)
    )
    captions = tuple(
        CaptionLine(index * CAPTION_EVERY_S, (index + 1) * CAPTION_EVERY_S, text)
        for index, text in enumerate(SENTENCES)
    )
    fonts = font_file()
    narration = write_narration(captions, duration_s=SCENE_S * SCENE_COUNT, out=folder / "narration.wav")
    music = music_loop("calm", cache_dir=music_cache_dir())
    return JobA(
        folder=folder,
        scenes=scenes,
        captions=captions,
        captions_ass=write_captions_ass(captions, font_name="Inter", out=folder / "captions.ass"),
        font_file=fonts,
        narration=narration,
        music=music,
        audio_mix=mix_audio(narration, music, duration_s=SCENE_S * SCENE_COUNT, out=folder / "mix.wav"),
    )


def _make_still(index: int, folder: Path, rng: np.random.Generator) -> Path:
    if index in PHOTO_LIKE_SCENES:
        out = folder / f"still-{index:02d}.jpg"
        photo_like_still(rng).save(out, quality=92)
    else:
        out = folder / f"still-{index:02d}.png"
        slide_still(index, rng).save(out, compress_level=6)
    return out


def slide_still(index: int, rng: np.random.Generator) -> Image.Image:
    """A flat-coloured slide: a big title, a number, a few bars and circles."""
    width, height = SIZE
    background = tuple(int(c) for c in rng.integers(20, 90, size=3))
    accent = tuple(int(c) for c in rng.integers(150, 256, size=3))
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    draw.text((140, 140), f"Chapter {index + 1}", font=_font(150), fill=(255, 255, 255))
    draw.text((140, 330), SENTENCES[index * 2], font=_font(64), fill=(230, 230, 230))
    for bar in range(5):
        bar_height = int(rng.integers(120, 420))
        left = 140 + bar * 170
        draw.rectangle((left, height - 160 - bar_height, left + 120, height - 160), fill=accent)
    for _ in range(3):
        x, y, radius = int(rng.integers(1150, 1700)), int(rng.integers(500, 850)), int(rng.integers(60, 170))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=accent, width=14)
    draw.text((width - 420, 120), f"{(index + 1) * 17}%", font=_font(140), fill=accent)
    return image


def photo_like_still(rng: np.random.Generator) -> Image.Image:
    """Colour gradients, a woven texture and strong per-pixel noise: as hard for the encoder as a photo."""
    width, height = SIZE
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    phase = rng.uniform(0, 2 * np.pi, size=3)
    red = 110 + 90 * np.sin(x / 310 + phase[0]) * np.cos(y / 240)
    green = 120 + 80 * np.cos((x + y) / 420 + phase[1])
    blue = 100 + 70 * np.sin(np.hypot(x - width / 2, y - height / 2) / 150 + phase[2])
    texture = 25 * np.sin(x / 7.0) * np.sin(y / 9.0)
    rgb = np.stack([red, green, blue], axis=-1) + texture[..., None]
    rgb += rng.normal(0, 28, size=rgb.shape).astype(np.float32)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(font_file()), size)
    font.set_variation_by_axes([32, 700])
    return font


def write_captions_ass(captions: Sequence[CaptionLine], *, font_name: str, out: Path) -> Path:
    """Bottom-centre white captions with a dark outline, one event per line.

    Written here rather than with `compose.captions.write_ass`: that one groups word timings into its own
    captions and its bottom style (`clean`) draws a translucent box, not the outline job A asks for.
    """
    width, height = SIZE
    style = (
        f"Style: Caption,{font_name},{CAPTION_POINTS},&H00FFFFFF,&H00FFFFFF,&H00101010,&H80000000,-1,0,0,0,"
        f"100,100,0,0,1,{CAPTION_OUTLINE},1,2,96,96,{CAPTION_MARGIN_BOTTOM},1"
    )
    events = [
        f"Dialogue: 0,{_ass_time(c.start_s)},{_ass_time(c.end_s)},Caption,,0,0,0,,{c.text}" for c in captions
    ]
    out.write_text(
        "[Script Info]\nScriptType: v4.00+\n"
        f"PlayResX: {width}\nPlayResY: {height}\nWrapStyle: 2\nScaledBorderAndShadow: yes\n\n"
        "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, "
        f"Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n{style}\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        + "\n".join(events)
        + "\n",
        encoding="utf-8",
    )
    return out


def _ass_time(seconds: float) -> str:
    centis = round(seconds * 100)
    return f"{centis // 360000}:{centis // 6000 % 60:02d}:{centis // 100 % 60:02d}.{centis % 100:02d}"


def write_narration(captions: Sequence[CaptionLine], *, duration_s: float, out: Path) -> Path:
    """Piper speaks each caption line starting at the caption's start, faster if it would overrun it."""
    voice = VOICES.create("piper")
    speech = voice.synthesize(captions[0].text)
    rate = speech.sample_rate
    track = np.zeros(round(duration_s * rate), dtype=np.float32)
    for caption in captions:
        room_s = caption.end_s - caption.start_s - 0.1
        speech = voice.synthesize(caption.text)
        if speech.duration_s > room_s:
            speech = voice.synthesize(caption.text, speed=speech.duration_s / room_s * 1.02)
        start = round(caption.start_s * rate)
        part = speech.samples[: len(track) - start]
        track[start : start + len(part)] = part
    _write_wav(track, rate, out)
    return out


def _write_wav(samples: npt.NDArray[np.float32], rate: int, out: Path) -> None:
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def mix_audio(narration: Path, music: Path, *, duration_s: float, out: Path) -> Path:
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
         *_audio_inputs(narration, music), "-filter_complex", _audio_graph(0, 1), "-map", "[audio]",
         "-ar", str(AUDIO_RATE), "-ac", "2", "-t", f"{duration_s:.3f}", str(out)],
        check=True, timeout=120,
    )  # fmt: skip
    return out


def _audio_inputs(narration: Path, music: Path) -> list[str]:
    return ["-i", str(narration), "-stream_loop", "-1", "-i", str(music)]


def _audio_graph(narration_input: int, music_input: int) -> str:
    stereo_48k = f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
    return (
        f"[{narration_input}:a]{stereo_48k}[narration];"
        f"[{music_input}:a]{stereo_48k},volume={MUSIC_GAIN_DB}dB[music];"
        "[narration][music]amix=inputs=2:duration=first:normalize=0[audio]"
    )


# ---------------------------------------------------------------- ffmpeg references


def plain_filtergraph_render(job: JobA, out: Path, *, ken_burns: KenBurns = SMOOTH_KEN_BURNS) -> float:
    """One ffmpeg command does everything; returns its wall-clock seconds."""
    graph = f"{_video_graph(job, ken_burns)};{_audio_graph(len(job.scenes), len(job.scenes) + 1)}"
    args = [
        *_still_inputs(job),
        *_audio_inputs(job.narration, job.music),
        "-filter_complex", graph,
        "-map", "[video]", "-map", "[audio]",
        *_encoding_args(job), str(out.resolve()),
    ]  # fmt: skip
    run = run_ffmpeg_measured(args, cwd=job.folder, log_name="plain.log")
    LAST_CHILD_RUN["plain_filtergraph_render"] = run
    return run.seconds


def floor_render(job: JobA, out: Path, *, ken_burns: KenBurns = SMOOTH_KEN_BURNS) -> float:
    """ffmpeg encoding the finished frames (raw yuv420p on disk) and the final mix; only that is timed."""
    frames = job.folder / "final-frames.yuv"
    try:
        write_final_frames(job, frames, ken_burns=ken_burns)
        width, height = job.size
        args = [
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", f"{width}x{height}",
            "-framerate", str(job.fps), "-i", str(frames),
            "-i", str(job.audio_mix),
            "-map", "0:v", "-map", "1:a",
            *_encoding_args(job), str(out.resolve()),
        ]  # fmt: skip
        run = run_ffmpeg_measured(args, cwd=job.folder, log_name="floor.log")
    finally:
        frames.unlink(missing_ok=True)
    LAST_CHILD_RUN["floor_render"] = run
    return run.seconds


def write_final_frames(job: JobA, out: Path, *, ken_burns: KenBurns = SMOOTH_KEN_BURNS) -> Path:
    """Job A's finished picture (Ken Burns, crossfades, captions) as raw yuv420p frames; ~5.6 GB for 60 s."""
    args = [
        *_still_inputs(job),
        "-filter_complex", _video_graph(job, ken_burns), "-map", "[video]",
        "-frames:v", str(job.frame_count), "-f", "rawvideo", "-pix_fmt", "yuv420p", str(out),
    ]  # fmt: skip
    run_ffmpeg_measured(args, cwd=job.folder, log_name="frames.log")
    return out


def _still_inputs(job: JobA) -> list[str]:
    """Each still once, as a single frame: the filtergraph repeats it, so it is decoded only once."""
    return [arg for scene in job.scenes for arg in ("-framerate", str(job.fps), "-i", scene.still.name)]


def _video_graph(job: JobA, ken_burns: KenBurns) -> str:
    chains = [
        f"[{index}:v]{_ken_burns_filter(job, scene, ken_burns)},setsar=1,format=yuv420p[s{index}]"
        for index, scene in enumerate(job.scenes)
    ]
    last = "s0"
    for index, scene in enumerate(job.scenes[1:], start=1):
        chains.append(
            f"[{last}][s{index}]xfade=transition=fade:duration={job.crossfade_s}:offset={scene.start_s:.3f}"
            f"[x{index}]"
        )
        last = f"x{index}"
    fonts_dir = str(job.font_file.parent).replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")
    chains.append(f"[{last}]subtitles=filename={job.captions_ass.name}:fontsdir='{fonts_dir}'[video]")
    return ";".join(chains)


def _ken_burns_filter(job: JobA, scene: SceneA, ken_burns: KenBurns) -> str:
    """Zoom 1.0 → zoom_end about the centre over the scene's frames, output at the job's size and rate.

    scale_crop and zoompan place the picture to whole pixels, so a slide edge that should move 0.5 px every
    frame moves by 0 to 1.8 px (scale_crop, which also rounds the scaled width to even pixels; step s.d.
    0.55 px) or 0 to 1.1 px (zoompan; s.d. 0.53 px): a visible shimmer on sharp edges. zoompan_2x runs
    zoompan on the still scaled up 2× once, so it places to half pixels: step s.d. 0.14 px, smooth to the
    eye, for ~0.3 s more filtering per scene (4×: s.d. 0.11 px, ~3 s more per scene). The price is detail:
    zoompan's own bicubic downscale of the 2× picture softens per-pixel noise (a third less high-frequency
    energy on the photo-like stills), which also makes those scenes cheaper to encode. A still goes in as one
    frame and is decoded once.
    """
    width, height = job.size
    frames = round(scene.length_s * job.fps)
    growth = f"{job.zoom_end - 1:.4f}*{{n}}/{frames - 1}"
    if ken_burns in ("zoompan", "zoompan_2x"):
        upscale = f"scale={2 * width}:{2 * height}:flags=lanczos," if ken_burns == "zoompan_2x" else ""
        zoom = "1+" + growth.format(n="on")
        return (
            f"{upscale}zoompan=z='{zoom}':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d={frames}"
            f":s={width}x{height}:fps={job.fps}"
        )
    scaled_width = f"2*trunc({width}*(1+{growth.format(n='n')})/2)"
    return (
        f"loop=loop={frames - 1}:size=1:start=0,setpts=N/{job.fps}/TB,"
        f"scale=w='{scaled_width}':h=-2:eval=frame:flags=bicubic,"
        # crop's iw/ih (and so its default centring) keep the first frame's size: the offset comes from n
        f"crop={width}:{height}:x='({scaled_width}-{width})/2':y='x*{height}/{width}',fps={job.fps}"
    )


def _encoding_args(job: JobA) -> list[str]:
    return [
        "-c:v", "libx264", "-preset", X264_PRESET, "-crf", X264_CRF, "-pix_fmt", "yuv420p",
        "-r", str(job.fps), "-c:a", "aac", "-b:a", AAC_BITRATE, "-ar", str(AUDIO_RATE), "-ac", "2",
        "-t", f"{job.duration_s:.3f}", "-movflags", "+faststart",
    ]  # fmt: skip


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    cpu_s: float  # user + system, the child and its reaped descendants
    peak_rss_mb: float  # the child's, or its largest descendant's (Linux ru_maxrss of the reaped tree)
    stdout: str = ""


def run_measured(command: Sequence[str], *, cwd: Path, log_name: str) -> ChildRun:
    """Run a process to completion; its wall-clock seconds and peak RSS; raise if it fails."""
    log = cwd / log_name
    started = time.perf_counter()
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr)
        assert process.stdout is not None
        stdout = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)  # reaped here, not by Popen, to get its rusage
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:])
        raise RuntimeError(f"{command[0]} exited {process.returncode}: {tail}")
    return ChildRun(
        seconds=seconds,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        stdout=stdout.decode(),
    )


def run_ffmpeg_measured(args: Sequence[str], *, cwd: Path, log_name: str) -> ChildRun:
    command = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    return run_measured(command, cwd=cwd, log_name=log_name)


# ---------------------------------------------------------------- MoviePy


def moviepy_render(job: JobA, out: Path) -> float:
    """MoviePy 2.x on job A, from building the clips to the finished file; returns wall-clock seconds."""
    from moviepy import CompositeVideoClip  # type: ignore[import-untyped]

    started = time.perf_counter()
    layers = [*_moviepy_scenes(job), *_moviepy_captions(job)]
    video = CompositeVideoClip(layers, size=job.size).with_duration(job.duration_s)
    video = video.with_audio(_moviepy_audio(job))
    video.write_videofile(
        str(out), fps=job.fps, codec="libx264", preset=X264_PRESET, threads=2,
        ffmpeg_params=["-crf", X264_CRF], pixel_format="yuv420p",
        audio_codec="aac", audio_fps=AUDIO_RATE, audio_bitrate=AAC_BITRATE,
        temp_audiofile_path=str(job.folder), logger=None,
    )  # fmt: skip
    video.close()
    return time.perf_counter() - started


def _moviepy_scenes(job: JobA) -> list[object]:
    from moviepy import ImageClip, vfx

    clips: list[object] = []
    for index, scene in enumerate(job.scenes):
        clip = ImageClip(str(scene.still)).with_duration(scene.length_s)
        clip = clip.resized(_moviepy_zoom(job.zoom_end, scene.length_s)).with_position("center")
        clip = clip.with_start(scene.start_s)
        if index > 0:
            clip = clip.with_effects([vfx.CrossFadeIn(job.crossfade_s)])
        clips.append(clip)
    return clips


def _moviepy_zoom(zoom_end: float, length_s: float) -> Callable[[float], float]:
    return lambda t: 1 + (zoom_end - 1) * t / length_s


def _moviepy_captions(job: JobA) -> list[object]:
    from moviepy import TextClip

    clips: list[object] = []
    for caption in job.captions:
        text = TextClip(
            font=str(job.font_file), text=caption.text, font_size=CAPTION_POINTS, color="white",
            stroke_color="#101010", stroke_width=CAPTION_OUTLINE, method="label",
        )  # fmt: skip
        top = job.size[1] - CAPTION_MARGIN_BOTTOM - text.h
        clips.append(text.with_position(("center", top)).with_start(caption.start_s).with_end(caption.end_s))
    return clips


def _moviepy_audio(job: JobA) -> object:
    from moviepy import AudioFileClip, CompositeAudioClip, afx

    narration = AudioFileClip(str(job.narration))
    music = AudioFileClip(str(job.music)).with_effects(
        [afx.AudioLoop(duration=job.duration_s), afx.MultiplyVolume(10 ** (job.music_gain_db / 20))]
    )
    return CompositeAudioClip([narration, music]).with_duration(job.duration_s)


def moviepy_render_in_child(job: JobA, out: Path) -> ChildRun:
    """`moviepy_render` in a fresh Python process, so its peak memory is its own."""
    saved = job.folder / "job-a.pickle"
    saved.write_bytes(pickle.dumps(job))
    python = os.environ.get("MOVIEPY_PYTHON") or sys.executable  # moviepy pins pillow<12: its own venv
    command = [python, str(Path(__file__).resolve()), "--moviepy-child", str(saved), str(out)]
    run = run_measured(command, cwd=job.folder, log_name="moviepy.log")
    seconds = float(json.loads(run.stdout.strip().splitlines()[-1])["seconds"])
    return replace(run, seconds=seconds)  # MoviePy's own time, without the child's start and imports


# ---------------------------------------------------------------- checks and report


@dataclass(frozen=True)
class Probe:
    duration_s: float
    size: tuple[int, int]
    codecs: tuple[str, ...]
    size_mb: float

    def problems(self, job: JobA) -> list[str]:
        found = []
        if abs(self.duration_s - job.duration_s) > DURATION_TOLERANCE_S:
            found.append(f"duration {self.duration_s:.2f} s")
        if self.size != job.size:
            found.append(f"size {self.size[0]}×{self.size[1]}")
        if sorted(self.codecs) != ["aac", "h264"]:
            found.append(f"streams {', '.join(self.codecs)}")
        return found


def probe(video: Path) -> Probe:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name,width,height",
         "-of", "json", str(video)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    report = json.loads(completed.stdout)
    video_stream = next(s for s in report["streams"] if "width" in s)
    return Probe(
        duration_s=float(report["format"]["duration"]),
        size=(int(video_stream["width"]), int(video_stream["height"])),
        codecs=tuple(s["codec_name"] for s in report["streams"]),
        size_mb=video.stat().st_size / 1e6,
    )


@dataclass(frozen=True)
class Row:
    name: str
    run: ChildRun
    load_before: float  # 1-minute load average when the reference started
    probe: Probe


def print_table(rows: Sequence[Row], job: JobA) -> None:
    floor = next(row.run.seconds for row in rows if row.name == "floor")
    print("| reference | seconds | × floor | CPU s | peak RSS MB | load before | file MB | ffprobe |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        verdict = "; ".join(row.probe.problems(job)) or "ok (60 s, 1920×1080, h264+aac)"
        print(
            f"| {row.name} | {row.run.seconds:.1f} | {row.run.seconds / floor:.2f} | {row.run.cpu_s:.0f} "
            f"| {row.run.peak_rss_mb:.0f} | {row.load_before:.1f} | {row.probe.size_mb:.1f} | {verdict} |"
        )


def run_all(folder: Path, *, with_moviepy: bool) -> tuple[JobA, list[Row]]:
    started = time.perf_counter()
    job = make_job_a(folder / "job-a")
    print(f"job A built in {time.perf_counter() - started:.1f} s (untimed)", file=sys.stderr)
    references: list[tuple[str, Callable[[JobA, Path], float], str]] = [
        ("floor", floor_render, "floor_render"),
        ("plain filtergraph, zoompan on 2× still", plain_filtergraph_render, "plain_filtergraph_render"),
        ("plain filtergraph, zoompan", _zoompan_render, "plain_filtergraph_render"),
        ("plain filtergraph, scale+crop", _scale_crop_render, "plain_filtergraph_render"),
    ]
    rows = []
    for index, (name, render, run_key) in enumerate(references):
        out = folder / f"reference-{index}.mp4"
        load = os.getloadavg()[0]
        render(job, out)
        rows.append(Row(name, LAST_CHILD_RUN[run_key], load, probe(out)))
        print(f"{name}: {rows[-1].run.seconds:.1f} s", file=sys.stderr)
    if with_moviepy:
        out = folder / "moviepy.mp4"
        load = os.getloadavg()[0]
        rows.append(Row("MoviePy 2.x, threads=2", moviepy_render_in_child(job, out), load, probe(out)))
        print(f"MoviePy: {rows[-1].run.seconds:.1f} s", file=sys.stderr)
    return job, rows


def _zoompan_render(job: JobA, out: Path) -> float:
    return plain_filtergraph_render(job, out, ken_burns="zoompan")


def _scale_crop_render(job: JobA, out: Path) -> float:
    return plain_filtergraph_render(job, out, ken_burns="scale_crop")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--skip-moviepy", action="store_true", help="leave out the ~6-minute MoviePy render")
    parser.add_argument("--moviepy-child", nargs=2, metavar=("JOB_PICKLE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.moviepy_child:
        job = pickle.loads(Path(args.moviepy_child[0]).read_bytes())
        print(json.dumps({"seconds": moviepy_render(job, Path(args.moviepy_child[1]))}))
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-render-") as base:
        job, rows = run_all(Path(base), with_moviepy=not args.skip_moviepy)
    print(f"# render references, job A (60 s, 1080p30, {SCENE_COUNT} scenes), {os.cpu_count()} cores\n")
    print_table(rows, job)
    print(f"\nwall time of the whole run: {time.perf_counter() - started:.0f} s")
    return 0 if all(not row.probe.problems(job) for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
