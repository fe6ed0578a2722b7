"""The studio's theme choice reaches the video, and the free tier's videos carry the AnimaGenius mark.

The form goes through the web client; the render runs the real pipeline through the services the worker
calls (in this process), as tests/web/test_render_choices.py does. Frames are read back with OCR.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from animagenius.accounts.models import User
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.local.rapid_ocr import RapidOCR
from animagenius.pipeline.visuals.themes import LIGHT
from animagenius.studio.models import Project
from tests.factories import TIDES_PROSE
from tests.web.helpers import render_from_the_form


def frame(video: Path, *, at_s: float) -> Image.Image:
    command = [ffmpeg_exe(), "-v", "error", "-ss", f"{at_s:.2f}", "-i", str(video), "-frames:v", "1"]
    raw = subprocess.run(
        [*command, "-pix_fmt", "rgb24", "-f", "rawvideo", "-"], capture_output=True, check=True, timeout=60
    ).stdout
    return Image.frombytes("RGB", (1280, 720), raw)


def mark_read(image: Image.Image, folder: Path) -> bool:
    corner = folder / "corner.png"
    image.crop((image.width // 2, 0, image.width, image.height // 5)).save(corner)
    return "AnimaGenius" in RapidOCR().read(corner).text.replace(" ", "")


def test_a_free_video_in_the_light_theme_is_light_and_carries_the_mark(
    signed_in: Client, user: User, media: Path
) -> None:
    assert user.subscription_tier == User.Tier.FREE
    project = render_from_the_form(signed_in, theme="light")

    assert project.render_options.theme == "light"
    shown = frame(Path(project.video.path), at_s=1.5)
    top_left = np.asarray(shown, dtype=np.int16)[5:30, 5:200].reshape(-1, 3).mean(axis=0)
    assert np.abs(top_left - np.array(LIGHT.background_top)).max() < 12, f"light background, got {top_left}"
    assert mark_read(shown, media), "the free tier's video carries the AnimaGenius mark"
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert "light theme" in page


def test_a_paying_customers_video_has_no_mark(signed_in: Client, user: User, media: Path) -> None:
    User.objects.filter(id=user.id).update(subscription_tier=User.Tier.PRO)
    project = render_from_the_form(signed_in)

    assert project.render_options.theme == "dark", "the default theme"
    assert not mark_read(frame(Path(project.video.path), at_s=1.5), media)


@pytest.mark.parametrize("theme", ["neon", "DARK"])
def test_an_unknown_theme_is_a_form_error(signed_in: Client, media: Path, theme: str) -> None:
    form = {"text": TIDES_PROSE, "aspect": "16:9", "resolution": "720p", "duration": "30", "theme": theme}
    response = signed_in.post(reverse("studio:project_list"), form)

    assert response.status_code == 400
    assert f"{theme} is not one of the available choices" in " ".join(
        response.context["form"].errors["theme"]
    )
    assert not Project.objects.exists()


def test_4k_is_for_paid_plans_with_a_clear_form_error(signed_in: Client, user: User, media: Path) -> None:
    form = {"text": TIDES_PROSE, "aspect": "16:9", "resolution": "4k", "duration": "30", "review": "on"}
    page = signed_in.get(reverse("studio:project_list")).content.decode()
    assert "4k (paid plans)" in page, "the choice says so before it is made"

    response = signed_in.post(reverse("studio:project_list"), form)

    assert response.status_code == 400
    message = "4k video is for paid plans; choose 720p or 1080p, or upgrade your plan."
    assert message in " ".join(response.context["form"].errors["resolution"])
    assert not Project.objects.exists()

    User.objects.filter(id=user.id).update(subscription_tier=User.Tier.PRO)
    assert "4k (paid plans)" not in signed_in.get(reverse("studio:project_list")).content.decode()
    assert signed_in.post(reverse("studio:project_list"), form).status_code == 302
    assert Project.objects.get().render_options.resolution == "4k"


def test_the_chosen_transition_is_kept_and_shown(signed_in: Client, media: Path) -> None:
    form = {"text": TIDES_PROSE, "aspect": "16:9", "resolution": "720p", "duration": "30", "review": "on"}
    assert signed_in.post(reverse("studio:project_list"), {**form, "transition": "wipe"}).status_code == 302
    project = Project.objects.get()

    assert project.render_options.transition == "wipe"
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert "wipe between scenes" in page

    refused = signed_in.post(reverse("studio:project_list"), {**form, "transition": "spin"})
    assert refused.status_code == 400
    assert "spin is not one of the available choices" in " ".join(
        refused.context["form"].errors["transition"]
    )
