"""The OCR registry. Importing this module registers the built-in OCR engines."""

from __future__ import annotations

from animagenius.pipeline.providers.local.rapid_ocr import RapidOCR
from animagenius.pipeline.providers.protocols import OCR
from animagenius.pipeline.providers.registry import Registry

OCRS: Registry[OCR] = Registry("OCR")
OCRS.register("rapidocr")(RapidOCR)
