"""The offline OCR engine, and pages of known text drawn for these tests (corpus: tests/conftest.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from fontpkg_inter import ROOT as INTER_ROOT
from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.providers.protocols import OCR

PARAGRAPHS = (
    "Quarterly report",
    "The committee reviewed the budget and agreed to fund three new projects next year. Each project "
    "will publish its results in the spring.",
    "Volunteers planted two hundred trees along the river during the autumn weekend, and the school "
    "children painted a new sign for the park entrance.",
)


@pytest.fixture(scope="session")
def ocr() -> OCR:
    """The bundled OCR engine, loaded once per test session."""
    from animagenius.pipeline.providers.ocrs import OCRS

    return OCRS.create("rapidocr")


@pytest.fixture(scope="session")
def images(corpus: Path) -> Path:
    return corpus / "images"


def draw_scan(*, tilt_degrees: float = 1.5, noise: float = 25.0) -> Image.Image:
    """A letter-size page at 300 dpi with PARAGRAPHS on it, slightly tilted and grainy like a real scan."""
    font = ImageFont.truetype(str(INTER_ROOT / "files" / "Inter[opsz,wght].ttf"), 42)
    page = Image.new("L", (2550, 3300), 255)
    draw = ImageDraw.Draw(page)
    y = 300
    for paragraph in PARAGRAPHS:
        for line in textwrap.wrap(paragraph, 70):
            draw.text((250, y), line, font=font, fill=25)
            y += 58
        y += 50
    grain = np.random.default_rng(7).normal(0, noise, (page.height, page.width))
    grainy = Image.fromarray((np.asarray(page, dtype=np.float64) + grain).clip(0, 255).astype(np.uint8))
    return grainy.rotate(tilt_degrees, fillcolor=255, resample=Image.Resampling.BICUBIC).convert("RGB")


@pytest.fixture(scope="session")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """draw_scan() as a PNG file."""
    target = tmp_path_factory.mktemp("drawn") / "meeting-notes.png"
    draw_scan().save(target)
    return target
