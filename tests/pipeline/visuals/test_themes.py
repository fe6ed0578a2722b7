"""Themes, overflowing text and the free tier's mark, as a viewer sees them on the still and the video."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animagenius.pipeline.compose.render import compose
from animagenius.pipeline.domain import Scene, WordTiming
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.video import Aspect, RenderOptions
from animagenius.pipeline.visuals.layout import Layout, font_dir
from animagenius.pipeline.visuals.slides import render_scene, slide_lines
from animagenius.pipeline.visuals.themes import THEMES
from tests.pipeline.media_helpers import silent_track
from tests.pipeline.visuals_helpers import SIZES, ocr, text_mask

FrameGrabber = Callable[[Path, float], Image.Image]
LONG_TITLE = (
    "How a small team of volunteers rebuilt the city's flood warning system from spare parts, open data "
    "and a great deal of patience, and what every other river town can learn from the three years it took "
    "them to get the sirens, the sensors and the text alerts working together reliably, at long last. Yes"
)
SLIDE = Scene(title="Why caching matters", bullets=("Renders only what changed",), narration="Caching.")


def slide(scene: Scene, layout: Layout, tmp_path: Path, name: str = "slide.png") -> Image.Image:
    out = render_scene(scene, shown=None, number=1, total=3, layout=layout, out=tmp_path / name)
    return Image.open(out).convert("RGB")


@pytest.mark.parametrize("name", list(THEMES))
def test_each_theme_paints_the_slide_in_its_own_colours(name: str, tmp_path: Path) -> None:
    theme = THEMES[name]
    layout = Layout.for_frame((1280, 720), Aspect.LANDSCAPE, theme)
    pixels = np.asarray(slide(SLIDE, layout, tmp_path), dtype=np.int16)

    corner = pixels[-5:, -5:].reshape(-1, 3).mean(axis=0)
    assert np.abs(corner - np.array(theme.background_bottom)).max() <= 3, "the background is the theme's"
    title_coloured = (np.abs(pixels - np.array(theme.title)).max(axis=2) <= 8).mean()
    assert title_coloured > 0.005, "the title is written in the theme's title colour"
    assert "Why caching matters" in ocr(Image.fromarray(pixels.astype(np.uint8)), tmp_path)


def test_the_themes_look_different_from_each_other(tmp_path: Path) -> None:
    stills = {
        name: np.asarray(
            slide(SLIDE, Layout.for_frame((640, 360), Aspect.LANDSCAPE, theme), tmp_path, f"{name}.png"),
            dtype=np.int16,
        )
        for name, theme in THEMES.items()
    }
    names = list(stills)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            difference = np.abs(stills[first] - stills[second]).mean()
            assert difference > 15, f"{first} and {second} look alike ({difference:.1f} mean difference)"


def test_an_unknown_theme_is_refused_with_the_choices() -> None:
    with pytest.raises(InvalidOption, match="theme 'neon' is not supported; use one of dark, light, bold"):
        RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=60, theme="neon")


@pytest.mark.parametrize("aspect", list(SIZES))
def test_a_300_character_title_is_laid_out_legibly_inside_the_safe_area(
    aspect: Aspect, tmp_path: Path
) -> None:
    layout = Layout.for_frame(SIZES[aspect], aspect)
    scene = Scene(title=LONG_TITLE, bullets=("Sirens, sensors and alerts together",), narration="Floods.")
    assert len(LONG_TITLE) == 300, "the longest title a scene may have"
    image = slide(scene, layout, tmp_path)

    rows, columns = np.nonzero(text_mask(image, layout))
    assert columns.min() >= layout.margin - 2 and columns.max() <= layout.content.right + 2
    assert rows.max() < layout.content_bottom, "nothing runs into the caption band"
    read = ocr(image, tmp_path)
    assert "How a small team of volunteers" in read, read
    if (
        aspect is not Aspect.LANDSCAPE
    ):  # type of VIDEO-STYLE's sizes in a smaller box: the title is cut, visibly
        assert slide_lines(scene, layout, top=layout.content_top)[-1].text.endswith("…")
    else:
        assert "working together" in read, "the whole title is shown: it fits when shrunk"
    # the smallest title allowed is legible at 720p: ≥ 1/14 of the height (≥ 7.5 % of a vertical's width)
    assert layout.title_min >= 39


def test_text_that_cannot_fit_even_small_ends_in_an_ellipsis_above_the_captions(tmp_path: Path) -> None:
    layout = Layout.for_frame((1280, 720), Aspect.LANDSCAPE)
    bullet = "A bullet point that goes on and on about the details of the project " * 10
    scene = Scene(title=LONG_TITLE, bullets=(bullet, bullet, bullet), narration="Too much.")
    image = slide(scene, layout, tmp_path)

    rows, _ = np.nonzero(text_mask(image, layout))
    assert rows.max() < layout.content_bottom, "what does not fit is left out, not drawn over the captions"
    read = ocr(image, tmp_path)
    assert "How a small team" in read
    assert slide_lines(scene, layout, top=layout.content_top)[-1].text.endswith("…"), "the cut is marked"


def render_clip(tmp_path: Path, *, aspect: Aspect, watermark: bool) -> Path:
    size = SIZES[aspect]
    layout = Layout.for_frame(size, aspect)
    still = render_scene(SLIDE, shown=None, number=1, total=1, layout=layout, out=tmp_path / "slide.png")
    words = (WordTiming(word="Caching.", start_s=0.3, end_s=0.9),)
    track = silent_track(tmp_path / "silence.wav", 2.0, words)
    options = RenderOptions(aspect=aspect, captions="none", watermark=watermark)
    video = tmp_path / f"marked-{watermark}.mp4"
    compose(
        slides=[still], tracks=[track], options=options, font_name="Inter", font_dir=font_dir(),
        workdir=tmp_path / f"work-{watermark}", out=video, on_fraction=lambda _: None,
    )  # fmt: skip
    return video


@pytest.mark.parametrize("aspect", [Aspect.LANDSCAPE, Aspect.PORTRAIT])
def test_the_mark_is_in_the_top_right_corner_only_when_asked(
    aspect: Aspect, grab_frame: FrameGrabber, tmp_path: Path
) -> None:
    width, height = SIZES[aspect]
    corner = (width // 2, 0, width, height // 5)
    marked = grab_frame(render_clip(tmp_path, aspect=aspect, watermark=True), 1.0).crop(corner)
    plain = grab_frame(render_clip(tmp_path, aspect=aspect, watermark=False), 1.0).crop(corner)

    assert "AnimaGenius" in ocr(marked, tmp_path).replace(" ", "")
    assert "AnimaGenius" not in ocr(plain, tmp_path).replace(" ", "")
    layout = Layout.for_frame((width, height), aspect)
    mark = (np.asarray(marked).min(axis=2) > 200) & (np.asarray(plain).max(axis=2) < 150)
    rows = np.nonzero(mark)[0]
    assert rows.min() >= layout.content_top - 8, "on the header row, not above it"
    assert rows.max() < layout.content_top + 0.07 * layout.unit, "and clear of the title below it"
