"""A brand kit on the video: files checked with specific reasons, the accent and typeface on the slides,
the logo in the corner of every frame (beside the free tier's mark when both apply)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.compose.render import compose
from animagenius.pipeline.compose.watermark import corner_offset
from animagenius.pipeline.domain import Scene, WordTiming
from animagenius.pipeline.errors import CorruptFile, TooLarge, UnsupportedFormat
from animagenius.pipeline.providers.local.rapid_ocr import RapidOCR
from animagenius.pipeline.video import Aspect, Brand, RenderOptions
from animagenius.pipeline.visuals.brand import colour_parse, font_check, logo_check
from animagenius.pipeline.visuals.layout import Layout, font_dir
from animagenius.pipeline.visuals.slides import render_scene
from animagenius.pipeline.visuals.themes import DARK, with_accent
from tests.pipeline.media_helpers import silent_track

FrameGrabber = Callable[[Path, float], Image.Image]
SERIF = Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf")  # fonts-noto-core, from make's deps
GREEN = (22, 163, 74)
SLIDE = Scene(title="Quarterly results", bullets=("Revenue grew", "Costs fell"), narration="Results.")


@pytest.mark.parametrize(
    ("text", "colour"), [("#16a34a", GREEN), ("16A34A", GREEN), (" #000000 ", (0, 0, 0))]
)
def test_colours_are_read_as_hex(text: str, colour: tuple[int, int, int]) -> None:
    assert colour_parse(text) == colour


@pytest.mark.parametrize("text", ["green", "#12345", "#1234567", "rgb(1,2,3)", ""])
def test_other_colours_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(UnsupportedFormat, match=r"six hex digits, e\.g\. #2563eb"):
        colour_parse(text)


def test_a_real_font_passes() -> None:
    font_check(SERIF)


def test_fonts_that_are_not_fonts_are_refused_with_the_reason(corpus: Path, tmp_path: Path) -> None:
    disguised = tmp_path / "Brand.ttf"
    shutil.copy(corpus / "pdf" / "basicapi.pdf", disguised)
    with pytest.raises(CorruptFile, match=r"Brand.ttf could not be read as a TrueType or OpenType font"):
        font_check(disguised)
    woff = tmp_path / "Brand.woff2"
    woff.write_bytes(b"wOF2")
    with pytest.raises(
        UnsupportedFormat, match=r"Brand\.woff2 is not a font file; upload a \.ttf or \.otf font"
    ):
        font_check(woff)


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        (
            "broken.png",
            UnsupportedFormat,
            "broken.png is not a picture; upload the logo as PNG, JPEG or WebP",
        ),
        ("truncated_jpeg.jpg", CorruptFile, "truncated_jpeg.jpg is damaged and could not be read"),
        ("broken_data_stream.png", CorruptFile, "is damaged and could not be read; upload it again"),
        ("decompression_bomb.gif", TooLarge, "declares far too many pixels"),
        (
            "crash-0c7e0e8e11ce787078f00b5b0ca409a167f070e0.tif",
            UnsupportedFormat,
            "is a TIFF picture; upload",
        ),
    ],
)
def test_hostile_logos_are_refused_with_the_reason(
    corpus: Path, name: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        logo_check(corpus / "images" / name)


def test_a_real_logo_passes_and_a_huge_one_does_not(corpus: Path, tmp_path: Path) -> None:
    logo_check(corpus / "images" / "hopper.png")
    huge = tmp_path / "huge.png"
    Image.new("RGB", (5000, 5000), GREEN).save(huge)
    with pytest.raises(TooLarge, match="5000×5000 pixels"):
        logo_check(huge)


def test_the_brand_accent_and_typeface_are_on_the_slide(tmp_path: Path) -> None:
    plain = Layout.for_frame((1280, 720), Aspect.LANDSCAPE)
    branded = Layout.for_frame((1280, 720), Aspect.LANDSCAPE, with_accent(DARK, GREEN), font=SERIF)
    inter_path = render_scene(SLIDE, shown=None, number=1, total=2, layout=plain, out=tmp_path / "inter.png")
    inter = np.asarray(Image.open(inter_path).convert("RGB"), dtype=np.int16)
    serif_path = render_scene(
        SLIDE, shown=None, number=1, total=2, layout=branded, out=tmp_path / "serif.png"
    )
    serif = np.asarray(Image.open(serif_path).convert("RGB"), dtype=np.int16)

    green = (np.abs(serif - np.array(GREEN)).max(axis=2) <= 4).sum()
    assert green > 200, "the rule under the counter and the bullets are in the brand's accent"
    assert (np.abs(inter - np.array(GREEN)).max(axis=2) <= 4).sum() == 0
    text_moved = (np.abs(serif - inter).max(axis=2) > 80).mean()
    assert text_moved > 0.005, "the letters are another typeface's"
    assert "Quarterly results" in RapidOCR().read(serif_path).text


def clip(tmp_path: Path, options: RenderOptions) -> Path:
    layout = Layout.for_frame((1280, 720), Aspect.LANDSCAPE)
    still = render_scene(SLIDE, shown=None, number=1, total=1, layout=layout, out=tmp_path / "slide.png")
    words = (WordTiming(word="Results.", start_s=0.3, end_s=0.9),)
    track = silent_track(tmp_path / "silence.wav", 2.0, words)
    video = tmp_path / f"{options.watermark}.mp4"
    compose(
        slides=[still], tracks=[track], options=options, font_name="Inter", font_dir=font_dir(),
        workdir=tmp_path / f"work-{options.watermark}", out=video, on_fraction=lambda _: None,
    )  # fmt: skip
    return video


@pytest.mark.parametrize("with_mark", [False, True])
def test_the_logo_is_in_the_top_right_corner_of_every_frame(
    with_mark: bool, tmp_path: Path, grab_frame: FrameGrabber
) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (300, 100), (*GREEN, 255)).save(logo)  # a wide green badge
    options = RenderOptions(captions="none", watermark=with_mark, brand=Brand(logo=logo))
    video = clip(tmp_path, options)
    right, top = corner_offset((1280, 720), Aspect.LANDSCAPE)

    for at_s in (0.2, 1.5):
        frame = np.asarray(grab_frame(video, at_s), dtype=np.int16)
        rows, columns = np.nonzero(np.abs(frame - np.array(GREEN)).max(axis=2) <= 24)
        assert len(rows) > 0.8 * (300 * 43 / 100) * 43, "the whole logo, 6 % of the frame's height"
        assert abs(rows.min() - top) <= 2
        if with_mark:
            corner = grab_frame(video, at_s).crop((columns.max(), 0, 1280, 150))
            path = tmp_path / "mark.png"
            corner.save(path)
            assert "AnimaGenius" in RapidOCR().read(path).text.replace(" ", ""), "the mark beside the logo"
        else:
            assert abs(columns.max() - (1280 - right)) <= 2, "flush with the right margin"
