"""Where a picture's subject is, so the Ken Burns move closes in on it rather than on the frame's centre.

The still records the point in its PNG metadata (`focus`), so it travels with the picture into the renderer
and into the segment cache key. The subject is where the detail is: the weighted centre of the strongest
edges of a small grey copy of the picture, pulled halfway back towards the centre so a move never lurches.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

FOCUS_KEY = "focus"
CENTRE = (0.5, 0.5)
SAMPLE_SIDE = 96
STRONGEST = 0.15  # share of the picture's pixels with the strongest edges that make up the subject


def salient_point(picture: Image.Image) -> tuple[float, float]:
    """The subject's centre as fractions of the picture's width and height; the centre if it has none."""
    grey = picture.convert("L")
    grey.thumbnail((SAMPLE_SIDE, SAMPLE_SIDE))
    pixels = np.asarray(grey, dtype=np.float64)
    if min(pixels.shape) < 4:
        return CENTRE
    edges = np.hypot(np.diff(pixels, axis=1)[:-1, :], np.diff(pixels, axis=0)[:, :-1])
    threshold = np.quantile(edges, 1 - STRONGEST)
    weights = np.where(edges >= max(threshold, 8.0), edges, 0.0)
    if weights.sum() == 0:
        return CENTRE
    rows, columns = np.indices(weights.shape)
    x = (columns * weights).sum() / weights.sum() / max(1, weights.shape[1] - 1)
    y = (rows * weights).sum() / weights.sum() / max(1, weights.shape[0] - 1)
    return (0.5 + (x - 0.5) / 2, 0.5 + (y - 0.5) / 2)


def save_with_focus(image: Image.Image, out: Path, focus: tuple[float, float]) -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_text(FOCUS_KEY, f"{focus[0]:.4f},{focus[1]:.4f}")
    image.save(out, optimize=False, compress_level=1, pnginfo=info)
    return out


def focus_of(still: Path) -> tuple[float, float]:
    """The focus a still records, or its centre."""
    try:
        with Image.open(still) as image:
            text = getattr(image, "text", {}).get(FOCUS_KEY, "")
        x, y = (min(1.0, max(0.0, float(part))) for part in text.split(","))
    except (OSError, ValueError):
        return CENTRE
    return x, y
