"""Caption styles as a viewer meets them: where they sit, how lines break, which word lights up, which glyphs.

The ASS scripts are parsed back and checked against the platform zones a viewer's app covers; short videos
rendered by the real compose step (and single frames by the real libass) are read back with OCR.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.compose.caption_fonts import CAPTION_FAMILY, caption_font_dir, caption_fonts
from animagenius.pipeline.compose.captions import caption_layout, write_ass
from animagenius.pipeline.compose.cues import subtitle_cues, write_srt, write_vtt
from animagenius.pipeline.compose.render import compose
from animagenius.pipeline.domain import VoiceTrack, WordTiming
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.local.rapid_ocr import RapidOCR
from animagenius.pipeline.video import Aspect, CaptionStyle, RenderOptions, Resolution, frame_size
from animagenius.pipeline.visuals.layout import font_dir
from animagenius.pipeline.visuals.zones import Box, frame_zones
from tests.pipeline.caption_helpers import LONG_SENTENCE, PARAGRAPH, ZEN, evenly_timed

FrameGrabber = Callable[[Path, float], Image.Image]

SIZES = {Aspect.LANDSCAPE: (1280, 720), Aspect.PORTRAIT: (720, 1280), Aspect.SQUARE: (720, 720)}
SHOWN_STYLES: tuple[CaptionStyle, ...] = ("clean", "bold", "karaoke")
BACKGROUND = (20, 24, 40)
GOLD_HIGHLIGHT = (255, 215, 0)
HIGHLIGHT_TAG = r"{\c&H0000D7FF&}"
# the widest, tallest and deepest text a caption meets: capitals with accents, descenders, a word too long
HARD_TEXT = (
    f"{PARAGRAPH} ÅNGSTRÖM ÉCLAIRS WHIZZED BY, JUMPING QUICKLY! "
    "See internationalization-and-localization-guidelines today. Ok."
)


@dataclass(frozen=True)
class AssEvent:
    start: str
    end: str
    text: str

    @property
    def line(self) -> str:
        return " ".join(re.sub(r"\{[^}]*\}", "", self.text).split())

    @property
    def y(self) -> int:
        found = re.match(r"\{\\an2\\pos\((\d+),(\d+)\)", self.text)
        assert found, self.text
        return int(found.group(2))


@dataclass(frozen=True)
class Cue:
    """What is on screen at once: the events that share a start and an end, top line first."""

    start: str
    end: str
    events: tuple[AssEvent, ...]

    @property
    def lines(self) -> list[str]:
        return [event.line for event in self.events]

    @property
    def words(self) -> list[str]:
        return " ".join(self.lines).split()

    @property
    def highlighted(self) -> list[str]:
        return [w for e in self.events for w in re.findall(r"\{\\c&H0000D7FF&\}(.*?)\{\\c", e.text)]


@dataclass(frozen=True)
class AssScript:
    play_res: tuple[int, int]
    style: dict[str, str]
    events: list[AssEvent]
    text: str

    @property
    def cues(self) -> list[Cue]:
        shown = itertools.groupby(self.events, key=lambda event: (event.start, event.end))
        return [Cue(start, end, tuple(sorted(group, key=lambda e: e.y))) for (start, end), group in shown]


def parse_ass(path: Path) -> AssScript:
    text = path.read_text(encoding="utf-8")
    info = dict(re.findall(r"^(PlayRes[XY]): (\d+)$", text, flags=re.MULTILINE))
    style_format = re.search(r"\[V4\+ Styles\]\nFormat: (.*)\n", text)
    style_line = re.search(r"^Style: (.*)$", text, flags=re.MULTILINE)
    assert style_format and style_line, text[:500]
    style = dict(zip(style_format.group(1).split(", "), style_line.group(1).split(","), strict=True))
    events = [
        AssEvent(start=fields[1], end=fields[2], text=fields[9])
        for line in text.splitlines()
        if line.startswith("Dialogue: ")
        for fields in [line.removeprefix("Dialogue: ").split(",", 9)]
        if "\\p1" not in fields[9]  # the lines, not the backdrop drawn under them
    ]
    return AssScript((int(info["PlayResX"]), int(info["PlayResY"])), style, events, text)


def ass_time(seconds: float) -> str:
    centis = round(seconds * 100)
    return f"{centis // 360000}:{centis // 6000 % 60:02d}:{centis // 100 % 60:02d}.{centis % 100:02d}"


def written(
    style: CaptionStyle,
    aspect: Aspect,
    words: list[WordTiming],
    tmp_path: Path,
    size: tuple[int, int] = (0, 0),
) -> AssScript:
    size = size if size != (0, 0) else SIZES[aspect]
    out = tmp_path / f"{style}-{aspect.value.replace(':', 'x')}-{size[0]}.ass"
    write_ass(words, size=size, aspect=aspect, font_name=CAPTION_FAMILY, out=out, style=style)
    return parse_ass(out)


# ---------------------------------------------------------------- the scripts


def test_karaoke_lights_each_word_at_the_time_it_is_spoken(tmp_path: Path) -> None:
    words = evenly_timed(LONG_SENTENCE, start_s=0.4)

    script = written("karaoke", Aspect.LANDSCAPE, words, tmp_path)

    assert len(script.cues) == len(words), "one step per word"
    for cue, word in zip(script.cues, words, strict=True):
        assert cue.start == ass_time(word.start_s), f"{word.word} lights up when it is spoken"
        assert cue.start < cue.end
        assert cue.highlighted == [word.word], cue.events
        assert word.word in cue.words, "the spoken word is shown inside its caption"
    for before, after in itertools.pairwise(script.cues):
        assert before.end <= after.start, "one highlighted word at a time"
    shown_together = {tuple(cue.words) for cue in script.cues}
    assert len(shown_together) < len(words), "the caption stays while its words light up"


def test_karaoke_words_light_up_for_as_long_as_they_last(tmp_path: Path) -> None:
    words = [
        WordTiming(word="Slow", start_s=0.5, end_s=1.4),
        WordTiming(word="and", start_s=1.45, end_s=1.6),
        WordTiming(word="quick.", start_s=1.62, end_s=1.9),
    ]

    script = written("karaoke", Aspect.PORTRAIT, words, tmp_path)

    assert [(cue.start, cue.end) for cue in script.cues] == [
        ("0:00:00.50", "0:00:01.45"),
        ("0:00:01.45", "0:00:01.62"),
        ("0:00:01.62", "0:00:02.15"),
    ]


@pytest.mark.parametrize("aspect", list(Aspect))
def test_clean_captions_have_two_lines_at_most_one_when_it_fits(tmp_path: Path, aspect: Aspect) -> None:
    words = evenly_timed(f"{ZEN} {LONG_SENTENCE}")
    limit = caption_layout(SIZES[aspect], aspect, "clean").max_chars

    script = written("clean", aspect, words, tmp_path)

    assert [w for cue in script.cues for w in cue.words] == [w.word for w in words], "every word, once"
    assert any(len(cue.lines) == 2 for cue in script.cues), "long sentences use the second line"
    assert limit <= 42
    for cue in script.cues:
        assert len(cue.lines) <= 2, cue.lines
        assert all(len(line) <= limit for line in cue.lines), f"{cue.lines} exceeds {limit} characters"
        if len(cue.lines) == 2:
            assert len(" ".join(cue.lines)) > limit, f"{cue.lines} fits one line"
            assert cue.events[0].y < cue.events[1].y


def test_clean_cues_are_the_exported_srt_and_webvtt_cues(tmp_path: Path) -> None:
    words = evenly_timed(f"{ZEN} {LONG_SENTENCE}")
    script = written("clean", Aspect.LANDSCAPE, words, tmp_path)

    captions = subtitle_cues(words)
    srt = write_srt(captions, tmp_path / "c.srt").read_text(encoding="utf-8")
    vtt = write_vtt(captions, tmp_path / "c.vtt").read_text(encoding="utf-8")

    srt_cues = [chunk.splitlines() for chunk in srt.strip().split("\n\n")]
    vtt_cues = [chunk.splitlines() for chunk in vtt.removeprefix("WEBVTT\n\n").strip().split("\n\n")]
    assert [int(cue[0]) for cue in srt_cues] == list(range(1, len(script.cues) + 1))
    assert [cue[1].replace(",", ".") for cue in srt_cues] == [cue[0] for cue in vtt_cues]
    for cue, shown in zip(srt_cues, script.cues, strict=True):
        start, end = cue[1].split(" --> ")
        assert (start[1:11].replace(",", "."), end[1:11].replace(",", ".")) == (shown.start, shown.end)
        assert cue[2:] == shown.lines, "the same words on the same lines"


@pytest.mark.parametrize("aspect", [Aspect.LANDSCAPE, Aspect.SQUARE])
def test_bold_shows_a_few_large_words_at_a_time(tmp_path: Path, aspect: Aspect) -> None:
    words = evenly_timed(LONG_SENTENCE)

    bold = written("bold", aspect, words, tmp_path)
    clean = written("clean", aspect, words, tmp_path)

    assert int(bold.style["Fontsize"]) >= 1.5 * int(clean.style["Fontsize"])
    assert len(bold.cues) > len(clean.cues)
    assert all(1 <= len(cue.words) <= 4 and len(cue.lines) == 1 for cue in bold.cues)
    assert sum(len(cue.words) == 1 for cue in bold.cues) <= len(bold.cues) // 4
    assert not any(HIGHLIGHT_TAG in event.text for event in bold.events), "plain bold words, no highlight"


@pytest.mark.parametrize("style", ["bold", "karaoke"])
def test_portrait_bold_and_karaoke_are_social_captions(tmp_path: Path, style: CaptionStyle) -> None:
    words = evenly_timed(f"{ZEN} {LONG_SENTENCE}")

    script = written(style, Aspect.PORTRAIT, words, tmp_path)

    assert all(len(cue.lines) == 1 and 1 <= len(cue.words) <= 4 for cue in script.cues)
    sizes = [len(cue.words) for cue in script.cues if cue.highlighted == [cue.words[0]]]
    assert sum(2 <= size <= 4 for size in sizes) >= 0.85 * len(sizes), f"2-4 words at a time: {sizes}"
    assert all(len(cue.highlighted) == 1 for cue in script.cues), "the spoken word is lit"


# ---------------------------------------------------------------- inside the caption box, drawn by libass

RESOLUTIONS = list(Resolution)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
@pytest.mark.parametrize("aspect", list(Aspect))
def test_caption_box_and_content_box_never_meet(aspect: Aspect, resolution: Resolution) -> None:
    size = frame_size(aspect, resolution)

    zones = frame_zones(size, aspect)

    assert not zones.captions.intersects(zones.content)
    assert Box(0, 0, *size).contains(zones.captions)
    assert zones.captions.height > 0 and zones.captions.width > size[0] / 2


def drawn_pixels(script: AssScript, tmp_path: Path) -> np.ndarray:
    """Where libass draws anything (text, outline, shadow) for any of the script's cues, on a grey frame.

    Each cue is moved to a second of its own so that one ffmpeg run draws them all, one frame each.
    """
    width, height = script.play_res
    starts = sorted({event.start for event in script.events})
    moved = []
    for event in script.events:
        second = starts.index(event.start) + 1
        moved.append(
            f"Dialogue: 0,{ass_time(second - 0.2)},{ass_time(second + 0.2)},Caption,,0,0,0,,{event.text}"
        )
    ass = tmp_path / "moved.ass"
    ass.write_text(script.text.split("Dialogue:", 1)[0] + "\n".join(moved) + "\n", encoding="utf-8")
    frames = len(starts) + 1
    raw = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-f", "lavfi",
         "-i", f"color=c=gray:s={width}x{height}:r=1:d={frames}",
         "-vf", f"subtitles=filename={ass.name}:fontsdir={caption_font_dir()}",
         "-f", "rawvideo", "-pix_fmt", "gray", "-"],
        cwd=tmp_path, check=True, capture_output=True, timeout=300,
    ).stdout  # fmt: skip
    video = np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width).astype(np.int16)
    assert len(video) >= frames
    return (np.abs(video[1:] - video[0]) > 12).any(axis=0)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
@pytest.mark.parametrize("style", SHOWN_STYLES)
@pytest.mark.parametrize("aspect", list(Aspect))
def test_burned_captions_are_drawn_inside_the_caption_box(
    tmp_path: Path, aspect: Aspect, style: CaptionStyle, resolution: Resolution
) -> None:
    size = frame_size(aspect, resolution)
    box = frame_zones(size, aspect).captions

    drawn = drawn_pixels(written(style, aspect, evenly_timed(HARD_TEXT), tmp_path, size), tmp_path)

    rows, columns = np.nonzero(drawn)
    assert rows.size > 0
    ink = Box(int(columns.min()), int(rows.min()), int(columns.max()) + 1, int(rows.max()) + 1)
    assert box.contains(ink), f"captions drawn at {ink}, outside the caption box {box}"


def cap_height(words: str, aspect: Aspect, style: CaptionStyle, size: tuple[int, int], tmp_path: Path) -> int:
    """The height of capital letters as drawn: the rows of white text in a caption of capitals alone."""
    script = written(style, aspect, evenly_timed(words), tmp_path, size)
    ass = tmp_path / "caps.ass"
    ass.write_text(script.text, encoding="utf-8")
    image = render_frame(ass, caption_font_dir(), size, env=None, at_s=0.1)
    rows = np.nonzero(white_pixels(image).any(axis=1))[0]
    return int(rows.max() - rows.min() + 1)


@pytest.mark.parametrize("style", SHOWN_STYLES)
@pytest.mark.parametrize("width", [720, 1080])
def test_portrait_captions_are_at_least_40_px_tall_on_a_720_px_wide_frame(
    tmp_path: Path, style: CaptionStyle, width: int
) -> None:
    size = (width, width * 16 // 9)

    height = cap_height("HIGH TIDE", Aspect.PORTRAIT, style, size, tmp_path)

    assert height >= 40 * width / 720, f"capitals {height} px tall at {size}"


# ---------------------------------------------------------------- rendered by ffmpeg and libass


@dataclass(frozen=True)
class Clip:
    video: Path
    workdir: Path
    words: tuple[WordTiming, ...]

    def middle_of(self, index: int) -> float:
        return (self.words[index].start_s + self.words[index].end_s) / 2


def render_clip(base: Path, text: str, *, aspect: Aspect, captions: CaptionStyle) -> Clip:
    """A real compose() run: one plain slide, a silent narration track and timed words."""
    workdir = base / "work"
    workdir.mkdir(parents=True)
    options = RenderOptions.read(
        aspect=aspect.value, resolution="720p", target_duration_s=15, captions=captions
    )
    words = evenly_timed(text, start_s=0.6, word_s=0.45, gap_s=0.05)
    duration = words[-1].end_s + 0.6
    slide = workdir / "slide.png"
    Image.new("RGB", options.size, BACKGROUND).save(slide)
    audio = workdir / "voice.wav"
    with wave.open(str(audio), "wb") as silence:
        silence.setnchannels(1)
        silence.setsampwidth(2)
        silence.setframerate(22050)
        silence.writeframes(b"\0\0" * round(22050 * duration))
    track = VoiceTrack(audio=audio, words=tuple(words), duration_s=duration)
    video = base / "clip.mp4"
    compose(
        slides=[slide], tracks=[track], options=options, font_name=CAPTION_FAMILY,
        font_dir=caption_font_dir(), workdir=workdir, out=video, on_fraction=lambda _: None,
    )  # fmt: skip
    return Clip(video=video, workdir=workdir, words=tuple(words))


def ocr_text(image: Image.Image, tmp_path: Path) -> str:
    path = tmp_path / "frame.png"
    image.save(path)
    return RapidOCR().read(path).text


def white_pixels(image: Image.Image) -> np.ndarray:
    """Mask of near-white pixels: caption text, never the dark slide or the caption box."""
    return np.asarray(image, dtype=np.int16).min(axis=2) > 190


def highlight_pixels(image: Image.Image) -> np.ndarray:
    rgb = np.asarray(image, dtype=np.int16)
    return (np.abs(rgb - np.array(GOLD_HIGHLIGHT)).max(axis=2) < 45) & (rgb[..., 2] < 90)


def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, columns = np.nonzero(mask)
    return int(columns.min()), int(rows.min()), int(columns.max()), int(rows.max())


SPOKEN = "Explicit is better than implicit."


@pytest.fixture(scope="module")
def clean_clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return render_clip(tmp_path_factory.mktemp("clean"), SPOKEN, aspect=Aspect.LANDSCAPE, captions="clean")


@pytest.mark.slow
def test_clean_caption_is_on_screen_and_readable_while_spoken(
    clean_clip: Clip, grab_frame: FrameGrabber, tmp_path: Path
) -> None:
    before = grab_frame(clean_clip.video, 0.2)
    spoken = grab_frame(clean_clip.video, clean_clip.middle_of(1))

    assert white_pixels(before).sum() == 0, "nothing is captioned before the first word"
    read = ocr_text(spoken, tmp_path).lower()
    assert "explicit" in read
    assert "implicit" in read
    left, top, right, _ = bounding_box(white_pixels(spoken))
    assert top > 720 * 0.7, "the clean caption sits at the bottom"
    assert abs((left + right) / 2 - 640) < 20, "and is centred"


@pytest.mark.slow
def test_no_captions_style_renders_a_video_without_them(
    clean_clip: Clip, grab_frame: FrameGrabber, tmp_path: Path
) -> None:
    plain = render_clip(tmp_path, SPOKEN, aspect=Aspect.LANDSCAPE, captions="none")

    for index in range(len(plain.words)):
        assert white_pixels(grab_frame(plain.video, plain.middle_of(index))).sum() == 0
    assert white_pixels(grab_frame(clean_clip.video, clean_clip.middle_of(0))).sum() > 500
    assert not (plain.workdir / "captions.ass").exists()


@pytest.mark.slow
def test_karaoke_highlight_moves_with_the_spoken_word(grab_frame: FrameGrabber, tmp_path: Path) -> None:
    clip = render_clip(tmp_path, "Simple beats complex", aspect=Aspect.LANDSCAPE, captions="karaoke")

    boxes = [bounding_box(highlight_pixels(grab_frame(clip.video, clip.middle_of(i)))) for i in range(3)]

    centres = [(left + right) / 2 for left, _, right, _ in boxes]
    assert centres == sorted(centres), f"the highlight runs left to right: {centres}"
    assert centres[2] - centres[0] > 150
    first_word = grab_frame(clip.video, clip.middle_of(0))
    assert white_pixels(first_word).sum() > 500, "the words not yet spoken are shown in white"


@pytest.mark.slow
@pytest.mark.parametrize("style", ["clean", "bold"])
def test_portrait_captions_on_screen_avoid_the_app_zones(
    grab_frame: FrameGrabber, tmp_path: Path, style: CaptionStyle
) -> None:
    text = "Special cases aren't special enough to break the rules of the road today."
    clip = render_clip(tmp_path, text, aspect=Aspect.PORTRAIT, captions=style)
    box = frame_zones((720, 1280), Aspect.PORTRAIT).captions

    for index in (0, len(clip.words) // 2, len(clip.words) - 1):
        mask = white_pixels(grab_frame(clip.video, clip.middle_of(index)))
        assert mask.sum() > 300, f"caption visible at word {index}"
        left, top, right, bottom = bounding_box(mask)
        assert box.contains(Box(left, top, right + 1, bottom + 1)), ((left, top, right, bottom), box)


# ---------------------------------------------------------------- non-Latin scripts

NON_LATIN = {
    "chinese": "你好世界 学习中文",
    "japanese": "こんにちは 世界",
    "arabic": "مرحبا بالعالم",
    "hindi": "नमस्ते दुनिया",
    "hebrew": "שלום עולם",
    "greek": "Γειά σου κόσμε",
}


@pytest.fixture
def without_system_fonts(tmp_path: Path) -> dict[str, str]:
    """An environment in which libass sees only the fontsdir it is given, as on a machine without fonts."""
    config = tmp_path / "empty-fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    return {"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin"}


def render_frame(
    ass: Path, fonts_dir: Path, size: tuple[int, int], env: dict[str, str] | None, at_s: float = 1.0
) -> Image.Image:
    """One frame of the script at `at_s`, drawn by libass over the slide colour."""
    colour = "0x{:02x}{:02x}{:02x}".format(*BACKGROUND)
    png = ass.with_suffix(".png")
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-f", "lavfi",
         "-i", f"color=c={colour}:s={size[0]}x{size[1]}:d=2", "-ss", f"{at_s}",
         "-vf", f"subtitles=filename={ass.name}:fontsdir={fonts_dir}",
         "-frames:v", "1", "-update", "1", png.name],
        cwd=ass.parent, env=env, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return Image.open(png).convert("RGB")


def on_screen(text: str) -> list[WordTiming]:
    return [WordTiming(word=word, start_s=0.5, end_s=1.5) for word in text.split()]


@pytest.mark.parametrize("language", list(NON_LATIN))
def test_non_latin_captions_draw_glyphs_not_boxes(
    tmp_path: Path, language: str, without_system_fonts: dict[str, str]
) -> None:
    words = on_screen(NON_LATIN[language])
    size = SIZES[Aspect.LANDSCAPE]
    fonts = caption_fonts(words, font_name="Inter", font_dir=font_dir(), into=tmp_path / "fonts")
    chosen = write_ass(
        words, size=size, aspect=Aspect.LANDSCAPE, font_name=fonts.family, out=tmp_path / "c.ass"
    )
    inter_only = write_ass(
        words, size=size, aspect=Aspect.LANDSCAPE, font_name="Inter", out=tmp_path / "i.ass"
    )

    drawn = white_pixels(render_frame(chosen, fonts.directory, size, without_system_fonts))
    with_inter = white_pixels(render_frame(inter_only, font_dir(), size, without_system_fonts))

    assert drawn.sum() > 300, f"{language}: the caption is drawn"
    if language == "greek":
        assert fonts.family == "Inter", "Inter has Greek glyphs, so the house font stays"
        assert np.array_equal(drawn, with_inter)
    else:
        assert fonts.family != "Inter", f"{language}: a font with the script's glyphs is chosen"
        overlap = (drawn & with_inter).sum() / (drawn | with_inter).sum()
        assert overlap < 0.5, f"{language}: the glyphs look like Inter's missing-glyph boxes ({overlap:.2f})"


@pytest.mark.parametrize(("language", "expected"), [("chinese", "学习中文"), ("japanese", "こんにちは")])
def test_cjk_captions_are_readable_by_ocr(
    tmp_path: Path, language: str, expected: str, without_system_fonts: dict[str, str]
) -> None:
    words = on_screen(NON_LATIN[language])
    size = SIZES[Aspect.LANDSCAPE]
    fonts = caption_fonts(words, font_name="Inter", font_dir=font_dir(), into=tmp_path / "fonts")
    chosen = write_ass(
        words, size=size, aspect=Aspect.LANDSCAPE, font_name=fonts.family, out=tmp_path / "c.ass"
    )
    inter_only = write_ass(
        words, size=size, aspect=Aspect.LANDSCAPE, font_name="Inter", out=tmp_path / "i.ass"
    )

    read = ocr_text(render_frame(chosen, fonts.directory, size, without_system_fonts), tmp_path)
    boxes = ocr_text(render_frame(inter_only, font_dir(), size, without_system_fonts), tmp_path)

    assert expected in read.replace(" ", "")
    assert expected not in boxes.replace(" ", ""), "without the right font the same text is unreadable"


def test_mixed_scripts_switch_font_per_word(tmp_path: Path) -> None:
    words = on_screen("Hello مرحبا world")

    fonts = caption_fonts(words, font_name="Inter", font_dir=font_dir(), into=tmp_path / "fonts")
    path = write_ass(
        words, size=(1280, 720), aspect=Aspect.LANDSCAPE, font_name=fonts.family, out=tmp_path / "c.ass",
        word_fonts=fonts.word_families,
    )  # fmt: skip

    assert fonts.family == "Noto Sans Arabic"
    assert fonts.word_families == {"Hello": "Inter", "world": "Inter"}
    (event,) = parse_ass(path).events
    assert (
        re.sub(r"^\{\\an2\\pos\(\d+,\d+\)[^}]*\}", "", event.text)
        == r"{\fnInter}Hello{\fnNoto Sans Arabic} مرحبا {\fnInter}world{\fnNoto Sans Arabic}"
    )
    linked = {path.name for path in fonts.directory.iterdir()}
    assert {"Inter[opsz,wght].ttf", "NotoSansArabic-Regular.ttf"} <= linked


@pytest.mark.slow
def test_rendered_video_with_chinese_narration_shows_the_characters(
    grab_frame: FrameGrabber, tmp_path: Path
) -> None:
    clip = render_clip(tmp_path, "学习 中文 很 有趣", aspect=Aspect.LANDSCAPE, captions="bold")

    read = ocr_text(grab_frame(clip.video, clip.middle_of(1)), tmp_path).replace(" ", "")

    assert "学习" in read or "中文" in read, read


def test_render_command_takes_a_caption_style(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from animagenius.pipeline.cli import EXIT_USAGE, build_parser, main

    args = build_parser().parse_args(["render", "doc.md", "-o", "v.mp4", "--captions", "karaoke"])
    default = build_parser().parse_args(["render", "doc.md", "-o", "v.mp4"])

    assert (args.captions, default.captions) == ("karaoke", "clean")
    assert main(["render", "doc.md", "-o", str(tmp_path / "v.mp4"), "--captions", "fancy"]) == EXIT_USAGE
    assert "clean, bold, karaoke, none" in capsys.readouterr().err
