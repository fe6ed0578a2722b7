"""PDFs whose fonts do not map to letters (tests/pipeline/data/make_unmapped_pdf.py), and the OCR engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from animagenius.pipeline.providers.protocols import OCR

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def unmapped() -> Path:
    """Page 1 Helvetica (readable); 2 glyph names; 3 shifted codes; 4 made-up words; 5 glyph names in two
    columns; 6 letters drawn in a shuffled order. Every page renders correctly."""
    return DATA / "unmapped-fonts.pdf"


@pytest.fixture(scope="session")
def many_unmapped_pages() -> Path:
    """25 pages of glyph names, each a heading and four paragraphs."""
    return DATA / "unmapped-25-pages.pdf"


@pytest.fixture(scope="session")
def ocr() -> OCR:
    from animagenius.pipeline.providers.ocrs import OCRS

    return OCRS.create("rapidocr")
