"""The brand kit page: upload a typeface and logo, pick an accent; bad files are refused with the reason;
the next render carries the brand (logo in the corner, accent on the slides)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from animagenius.accounts.models import User
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.studio.models import BrandKit
from tests.web.helpers import BRAND_GREEN, logo_upload, render_from_the_form

SERIF = Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf")


def font_upload(content: bytes | None = None, name: str = "NotoSerif-Regular.ttf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else SERIF.read_bytes(), content_type="font/ttf"
    )


def test_the_brand_kit_is_saved_and_shown(signed_in: Client, user: User, media: Path) -> None:
    page = signed_in.get(reverse("studio:brand_kit"))
    assert page.status_code == 200 and 'id="brand-kit"' in page.content.decode()

    response = signed_in.post(
        reverse("studio:brand_kit"), {"accent": "16A34A", "font": font_upload(), "logo": logo_upload()}
    )

    assert response.status_code == 302
    kit = BrandKit.objects.get(owner=user)
    assert kit.accent == "#16a34a" and kit.font_name == "NotoSerif-Regular.ttf" and kit.logo
    shown = signed_in.get(reverse("studio:brand_kit")).content.decode()
    assert "#16a34a" in shown and "NotoSerif-Regular.ttf" in shown
    logo = signed_in.get(reverse("studio:brand_logo"))
    assert logo.status_code == 200
    assert Image.open(io.BytesIO(b"".join(logo.streaming_content))).size == (300, 100)  # type: ignore[attr-defined]

    signed_in.post(
        reverse("studio:brand_kit"), {"accent": "#16a34a", "remove_font": "on", "remove_logo": "on"}
    )
    kit.refresh_from_db()
    assert not kit.font and not kit.logo and kit.accent == "#16a34a"


def test_bad_files_and_colours_are_refused_with_the_reason(
    signed_in: Client, user: User, media: Path, corpus: Path
) -> None:
    disguised = font_upload((corpus / "pdf" / "basicapi.pdf").read_bytes(), name="Brand.ttf")
    broken_logo = SimpleUploadedFile("logo.png", (corpus / "images" / "broken.png").read_bytes())

    response = signed_in.post(
        reverse("studio:brand_kit"), {"accent": "green", "font": disguised, "logo": broken_logo}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "'green' is not a colour; give it as six hex digits" in " ".join(errors["accent"])
    assert "Brand.ttf could not be read as a TrueType or OpenType font" in " ".join(errors["font"])
    assert "logo.png is not a picture; upload the logo as PNG, JPEG or WebP" in " ".join(errors["logo"])
    assert "Brand.ttf could not be read" in response.content.decode()
    assert not BrandKit.objects.exists()


def test_the_next_render_carries_the_brand(signed_in: Client, user: User, media: Path) -> None:
    User.objects.filter(id=user.id).update(subscription_tier=User.Tier.PRO)
    signed_in.post(reverse("studio:brand_kit"), {"accent": "#16a34a", "logo": logo_upload()})

    project = render_from_the_form(signed_in)

    command = [ffmpeg_exe(), "-v", "error", "-ss", "1.5", "-i", project.video.path, "-frames:v", "1"]
    raw = subprocess.run(
        [*command, "-pix_fmt", "rgb24", "-f", "rawvideo", "-"], capture_output=True, check=True, timeout=60
    ).stdout
    frame = np.frombuffer(raw, dtype=np.uint8).reshape(720, 1280, 3).astype(np.int16)
    green = np.abs(frame - np.array(BRAND_GREEN)).max(axis=2) <= 24
    assert green[:200, 640:].sum() > 3000, "the logo in the top right corner"
    assert green[:200, :640].sum() > 100, "the accent rule under the scene counter, in the brand's colour"
