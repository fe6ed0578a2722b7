"""Ken Burns framed on the picture's subject: the move closes in on where the detail is, which stays put on
screen while the rest of the picture grows around it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from animagenius.pipeline.compose.render import compose
from animagenius.pipeline.domain import Block, Provenance, Scene, Visual
from animagenius.pipeline.video import Aspect, RenderOptions
from animagenius.pipeline.visuals.focus import CENTRE, focus_of, salient_point
from animagenius.pipeline.visuals.layout import Layout, font_dir
from animagenius.pipeline.visuals.slides import render_scene
from tests.pipeline.media_helpers import silent_track

FrameGrabber = Callable[[Path, float], Image.Image]
RED = (220, 20, 20)


def photo_with_a_subject_top_right(path: Path) -> Path:
    """A flat grey picture with a red-and-white checkered object in its top right quarter."""
    image = Image.new("RGB", (800, 600), (120, 120, 120))
    draw = ImageDraw.Draw(image)
    for row in range(8):
        for column in range(8):
            colour = RED if (row + column) % 2 else (255, 255, 255)
            draw.rectangle((560 + column * 20, 80 + row * 20, 579 + column * 20, 99 + row * 20), fill=colour)
    image.save(path)
    return path


def test_the_subject_is_where_the_detail_is(tmp_path: Path) -> None:
    with Image.open(photo_with_a_subject_top_right(tmp_path / "photo.png")) as photo:
        x, y = salient_point(photo)
    assert x > 0.6 and y < 0.4, (x, y)
    assert salient_point(Image.new("RGB", (300, 200), (40, 90, 160))) == CENTRE, "no detail: the centre"


def figure_still(tmp_path: Path) -> Path:
    picture = photo_with_a_subject_top_right(tmp_path / "photo.png")
    block = Block(kind="figure", text="Figure 1", source=Provenance(file="doc.pdf", page=1), image=picture)
    scene = Scene(title="The lighthouse", narration="Look.", visual=Visual(kind="figure", block=0))
    layout = Layout.for_frame((1280, 720), Aspect.LANDSCAPE)
    return render_scene(scene, shown=block, number=1, total=1, layout=layout, out=tmp_path / "still.png")


def red_centre(image: Image.Image) -> tuple[float, float]:
    pixels = np.asarray(image, dtype=np.int16)
    rows, columns = np.nonzero((pixels[..., 0] > 170) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80))
    return float(columns.mean()), float(rows.mean())


def test_the_still_records_its_subject_and_the_move_keeps_it_in_place(
    tmp_path: Path, grab_frame: FrameGrabber
) -> None:
    still = figure_still(tmp_path)
    focus = focus_of(still)
    with Image.open(still) as image:
        subject_x, _ = red_centre(image.convert("RGB"))
    assert focus[0] > 0.55 and focus[1] < 0.55, "towards the red object, right of and above the centre"
    assert abs(focus[0] * 1280 - 640) < abs(subject_x - 640), (
        "pulled back towards the centre, not all the way"
    )

    video = tmp_path / "move.mp4"
    compose(
        slides=[still], tracks=[silent_track(tmp_path / "silence.wav", 4.0)],
        options=RenderOptions(captions="none"), font_name="Inter", font_dir=font_dir(),
        workdir=tmp_path / "work", out=video, on_fraction=lambda _: None,
    )  # fmt: skip

    first, last = (red_centre(grab_frame(video, at)) for at in (0.0, 3.9))
    moved = np.hypot(last[0] - first[0], last[1] - first[1])
    focus_px = (focus[0] * 1280, focus[1] * 720)
    centre_zoom_moved = np.hypot(first[0] - 640, first[1] - 360) * 0.06  # what a move about the centre does
    assert moved < centre_zoom_moved * 0.75, (
        f"subject moved {moved:.1f} px; a centred move: {centre_zoom_moved:.1f}"
    )
    grown_away = np.hypot(first[0] - focus_px[0], first[1] - focus_px[1]) * 0.06
    assert abs(moved - grown_away) < 3, "it moves only as far as it sits from the focus, which stays put"
