"""How readable each PDF page's text layer is, by the measures `ingest/legibility.py` judges it with.

One row per page of every corpus PDF and of the unmapped-font PDFs in tests/pipeline/data: characters,
share of debris (glyph names, private-use and control characters), words of 3+ letters, share of them a
dictionary knows, language, verdict. With `--ocr PDF:PAGES` (e.g. `tracemonkey.pdf:1,2`), those pages are
also rendered and OCR'd, and the OCR reading is judged the same way, with its seconds per page. The summary
gives the margins around the thresholds. Run: `.venv/bin/python bench/legibility.py [--ocr …]`.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from animagenius.pipeline.ingest.legibility import (
    MAX_DEBRIS_SHARE,
    MIN_KNOWN_SHARE,
    MIN_WORDS_TO_JUDGE,
    Legibility,
    legibility,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
DATA = ROOT / "tests" / "pipeline" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ocr", action="append", default=[], help="PDF:PAGES to OCR, e.g. tracemonkey.pdf:1")
    args = parser.parse_args()
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    print("| file | page | reading | characters | debris | words | known | language | verdict |")
    print("|---|---:|---|---:|---:|---:|---:|---|---|")
    verdicts: list[tuple[str, Legibility]] = []
    for path in sorted(CORPUS.glob("*.pdf")) + sorted(DATA.glob("*.pdf")):
        try:
            texts = [page.extract_text() for page in PdfReader(path).pages]
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue
        for number, text in enumerate(texts, start=1):
            verdict = legibility(text)
            verdicts.append((f"{path.name} p{number}", verdict))
            _row(path.name, number, "text layer", verdict)
    for spec in args.ocr:
        _ocr_rows(spec)
    _summary(verdicts)


def _row(name: str, number: int, reading: str, verdict: Legibility) -> None:
    judged = "readable" if verdict.readable else "UNREADABLE"
    cells = [name, number, reading, verdict.characters, f"{verdict.debris_share:.2f}", verdict.words]
    cells += [f"{verdict.known_share:.2f}", verdict.language, judged]
    print("| " + " | ".join(str(cell) for cell in cells) + " |")


def _ocr_rows(spec: str) -> None:
    from animagenius.pipeline.ingest.pdf_ocr import RenderedPages
    from animagenius.pipeline.providers.ocrs import OCRS

    name, pages = spec.rsplit(":", 1)
    path = next(p for p in (CORPUS / name, DATA / name, Path(name)) if p.is_file())
    numbers = [int(number) for number in pages.split(",")]
    ocr = OCRS.create("rapidocr")
    with tempfile.TemporaryDirectory() as scratch:
        reader = RenderedPages(path, ocr=lambda: ocr, workdir=Path(scratch), budget_s=3600)
        started = time.perf_counter()
        read = reader(numbers)
        seconds = (time.perf_counter() - started) / len(numbers)
    for number in numbers:
        text = " ".join(line for _, line in read[number])
        _row(path.name, number, f"OCR ({seconds:.1f} s a page)", legibility(text))


def _summary(verdicts: list[tuple[str, Legibility]]) -> None:
    readable = [(n, v) for n, v in verdicts if v.readable]
    unreadable = [(n, v) for n, v in verdicts if not v.readable]
    lowest = min(
        ((n, v) for n, v in readable if v.words >= MIN_WORDS_TO_JUDGE), key=lambda item: item[1].known_share
    )
    dirtiest = max(readable, key=lambda item: item[1].debris_share)
    limits = f"debris ≤ {MAX_DEBRIS_SHARE}; known ≥ {MIN_KNOWN_SHARE} from {MIN_WORDS_TO_JUDGE} words"
    print(f"\nthresholds: {limits}")
    print(
        f"{len(readable)} readable text layers: lowest known share {lowest[1].known_share:.2f} "
        f"({lowest[0]}), highest debris share {dirtiest[1].debris_share:.2f} ({dirtiest[0]})"
    )
    by_debris = [(n, v) for n, v in unreadable if v.debris_share > MAX_DEBRIS_SHARE]
    by_words = [(n, v) for n, v in unreadable if v.debris_share <= MAX_DEBRIS_SHARE]
    cleanest = min(by_debris, key=lambda item: item[1].debris_share, default=None)
    print(
        f"{len(unreadable)} unreadable text layers: {len(by_debris)} by debris"
        + (f" (lowest share {cleanest[1].debris_share:.2f}, {cleanest[0]})" if cleanest else "")
        + f", {len(by_words)} by words alone"
    )
    wordy = [(n, v) for n, v in unreadable if v.words >= MIN_WORDS_TO_JUDGE]
    if wordy:
        best = max(wordy, key=lambda item: item[1].known_share)
        print(f"highest known share of an unreadable one: {best[1].known_share:.2f} ({best[0]})")


if __name__ == "__main__":
    main()
