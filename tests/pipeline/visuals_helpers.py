"""What a viewer reads on a still: OCR of it, and where the theme's background is not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from animagenius.pipeline.providers.local.rapid_ocr import RapidOCR
from animagenius.pipeline.video import Aspect
from animagenius.pipeline.visuals.layout import Layout

SIZES = {Aspect.LANDSCAPE: (1280, 720), Aspect.PORTRAIT: (720, 1280), Aspect.SQUARE: (720, 720)}


def ocr(image: Image.Image, tmp_path: Path) -> str:
    path = tmp_path / "ocr.png"
    image.save(path)
    return " ".join(RapidOCR().read(path).text.split())


def text_mask(image: Image.Image, layout: Layout) -> np.ndarray:
    """Pixels far from the theme's background gradient at their row: text, bullets and rules."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    rows = np.linspace(0, 1, layout.height)[:, None]
    top, bottom = np.array(layout.theme.background_top), np.array(layout.theme.background_bottom)
    background = top + (bottom - top) * rows
    return np.abs(pixels - background[:, None, :]).max(axis=2) > 60
