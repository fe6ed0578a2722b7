"""RapidOCR: PP-OCR text detection and recognition on onnxruntime, with the models shipped in its wheel."""

from __future__ import annotations

import functools
import math
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from animagenius.pipeline.providers.protocols import OcrLine, OcrResult

MIN_CONFIDENCE = 0.5
DEFAULT_MAX_PIXELS = 50_000_000
_MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}
# Text is detected on the picture scaled to this long side. Measured on 300 dpi letter pages: the same words
# as at rapidocr's default (up to 2000 px) down to 8 pt type, in half the time and ~530 MB peak, not ~1 GB.
_DETECT_SIDE = 1280
# On large, mostly blank pages (the lone heading of scan-bad.pdf) the detector finds nothing at most sizes but
# finds the text at this one: the second try when the first finds nothing.
_SPARSE_PAGE_SIDE = 960
# Below this mean confidence the text is probably sideways or upside down: the other orientations are tried.
_UPRIGHT_CONFIDENCE = 0.8
_TURN_MIN_CHARS = 20  # a word or two of doubtful text is not worth three more reads
# One or two "characters" standing a quarter of the picture high are a shape (a round logo read as "0" or "3"
# with 0.97 confidence, measured), not text.
_SHAPE_HEIGHT = 0.25
# Boxes are levelled when a scan is tilted up to this much (radians, ~15°): on a tilted page a short line's
# middle sits higher or lower than a long one's, and the gaps between paragraphs drown in that difference.
_MAX_SKEW = 0.26

Corners = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


def packaged_models() -> dict[str, Path]:
    """The detection, orientation and recognition models inside the installed rapidocr wheel."""
    import rapidocr

    folder = Path(rapidocr.__file__).parent / "models"
    models = {stage: folder / name for stage, name in _MODEL_FILES.items()}
    missing = [str(path) for path in models.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"the OCR models {', '.join(missing)} are missing; reinstall rapidocr "
            "(`pip install --force-reinstall rapidocr`) — they ship inside its wheel and are never downloaded"
        )
    return models


@functools.cache
def _engine(detect_side: int) -> Any:
    """One engine per process and detection size; each model path is explicit, so rapidocr never downloads."""
    from rapidocr import RapidOCR as Engine

    return Engine(
        params={
            "Global.log_level": "error",
            "Global.text_score": 0.0,  # RapidOCR.min_confidence decides
            # the line-orientation classifier flips correct long lines (measured); whole-page turns replace it
            "Global.use_cls": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": detect_side,
            "Rec.rec_batch_num": 1,  # lines one by one: faster than padded batches here, and less memory
            **{f"{stage}.model_path": str(path) for stage, path in packaged_models().items()},
        }
    )


class RapidOCR:
    """Offline OCR of an image file.

    Boxes are in pixels of the picture as it reads: turned by its EXIF orientation, for a page scanned
    sideways or upside down by the turn that made its text readable, and levelled if the scan is tilted.
    """

    name = "rapidocr"

    def __init__(
        self, *, min_confidence: float = MIN_CONFIDENCE, max_pixels: int = DEFAULT_MAX_PIXELS
    ) -> None:
        self.min_confidence = min_confidence
        self.max_pixels = max_pixels

    def read(self, image: Path) -> OcrResult:
        # imported here, not at the top: the ingest package imports the provider registries
        from animagenius.pipeline.ingest.images import open_image_safely, reading_order

        picture = open_image_safely(image, max_pixels=self.max_pixels)
        lines = self._read_upright(picture)
        if _sideways(lines):
            lines = self._best_turn(picture, (90, 270), []) or lines
        elif _doubtful(lines):
            lines = self._best_turn(picture, (180, 90, 270), lines)
        return OcrResult(lines=reading_order(lines))

    def _best_turn(self, picture: Image.Image, turns: Sequence[int], best: list[OcrLine]) -> list[OcrLine]:
        for degrees in turns:
            turned = self._read_upright(picture.rotate(degrees, expand=True))
            if _weight(turned) > _weight(best) and not _sideways(turned):
                best = turned
            if best and not _doubtful(best):
                break
        return best

    def _read_upright(self, picture: Image.Image) -> list[OcrLine]:
        lines = self._detect_and_recognise(picture, detect_side=_DETECT_SIDE)
        return lines or self._detect_and_recognise(picture, detect_side=_SPARSE_PAGE_SIDE)

    def _detect_and_recognise(self, picture: Image.Image, *, detect_side: int) -> list[OcrLine]:
        # a PIL image, never a path: rapidocr fetches any path string that looks like a URL
        output = _engine(detect_side)(picture)
        if output.boxes is None or not output.txts:
            return []
        quads = [_corners(quad) for quad in output.boxes]
        skew = _skew(quads)
        centre = (picture.width / 2, picture.height / 2)
        lines = []
        for corners, text, score in zip(quads, output.txts, output.scores, strict=True):
            box = _band(_rotated(corners, -skew, centre))
            line = OcrLine(text=text.strip(), box=box, confidence=round(float(score), 4))
            if score >= self.min_confidence and _is_text(line, picture_height=picture.height):
                lines.append(line)
        return lines


def _is_text(line: OcrLine, *, picture_height: int) -> bool:
    if not any(character.isalnum() for character in line.text):
        return False  # a flag's stars, rules, dots
    return len(line.text) > 2 or _height(line) <= _SHAPE_HEIGHT * picture_height


def _corners(quad: Sequence[Sequence[float]]) -> Corners:
    """A detected line's four corners, clockwise from its top left."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = ((float(x), float(y)) for x, y in quad)
    return ((x0, y0), (x1, y1), (x2, y2), (x3, y3))


def _skew(quads: Sequence[Corners]) -> float:
    """The picture's tilt in radians: the median slope of its long lines (0 when there are none)."""
    angles = [
        math.atan2(y1 - y0, x1 - x0)
        for (x0, y0), (x1, y1), _, (x3, y3) in quads
        if x1 - x0 > 3 * math.hypot(x3 - x0, y3 - y0)
    ]
    skew = statistics.median(angles) if angles else 0.0
    return skew if abs(skew) <= _MAX_SKEW else 0.0


def _rotated(corners: Corners, angle: float, centre: tuple[float, float]) -> Corners:
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = centre
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = (
        (cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos) for x, y in corners
    )
    return ((x0, y0), (x1, y1), (x2, y2), (x3, y3))


def _band(corners: Corners) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of a detected line: its width, and its height measured across the text."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    height = (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2
    middle = (y0 + y1 + y2 + y3) / 4
    return (min(x0, x1, x2, x3), middle - height / 2, max(x0, x1, x2, x3), middle + height / 2)


def _sideways(lines: Sequence[OcrLine]) -> bool:
    """Most of the text runs up or down the picture (the recogniser reads such lines, but not their order)."""
    tall = sum(len(line.text) for line in lines if _height(line) > 1.5 * _width(line) and len(line.text) > 2)
    return tall > 0.5 * sum(len(line.text) for line in lines)


def _doubtful(lines: Sequence[OcrLine]) -> bool:
    """Enough text read with low confidence to suspect the picture is upside down."""
    characters = sum(len(line.text) for line in lines)
    return characters >= _TURN_MIN_CHARS and _mean_confidence(lines) < _UPRIGHT_CONFIDENCE


def _height(line: OcrLine) -> float:
    return line.box[3] - line.box[1]


def _width(line: OcrLine) -> float:
    return line.box[2] - line.box[0]


def _mean_confidence(lines: Sequence[OcrLine]) -> float:
    return sum(line.confidence for line in lines) / len(lines) if lines else 1.0


def _weight(lines: Sequence[OcrLine]) -> float:
    return sum(line.confidence * len(line.text) for line in lines)
