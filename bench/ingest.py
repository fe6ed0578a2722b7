"""Ingest every corpus file (plus generated hostile ones) the way the worker does: isolated, with limits.

Prints one row per file: outcome, wall time, peak RSS of the reading process, and the ratio of our time to a
reference measured in the same run (the bare parser in-process: pypdf text extraction for PDFs, reading
the file's bytes for everything else). Then the OCR fallback's seconds per page (the 25-page PDF whose fonts
do not map to letters, tests/pipeline/data) against the text layer's (the 100-page text PDF), same run.
Run: `.venv/bin/python bench/ingest.py [--corpus ../shared/corpus]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNMAPPED = [ROOT / "tests/pipeline/data" / name for name in ("unmapped-fonts.pdf", "unmapped-25-pages.pdf")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return _measure_one(args.one)
    with tempfile.TemporaryDirectory() as scratch:
        files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.name != "README.md")
        files += _generated(Path(scratch)) + UNMAPPED
        rows = [_run_one(path) for path in files]
    _print_table(rows)
    crashes = [row for row in rows if row["outcome"] == "crash"]
    return 1 if crashes else 0


def _generated(folder: Path) -> list[Path]:
    """Hostile files built here: a zip bomb named .docx, random bytes named .mp4, an HLS playlist as .mp4,
    and a 100-page text PDF for the speed figure."""
    bomb = folder / "zip-bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            zeros = b"\0" * 2**20
            for _ in range(300):
                member.write(zeros)
    noise = folder / "random-bytes.mp4"
    noise.write_bytes(random.Random(7).randbytes(200_000))
    playlist = folder / "playlist.mp4"
    playlist.write_text("#EXTM3U\n#EXTINF:10,\nhttp://127.0.0.1:9/segment0.ts\n#EXT-X-ENDLIST\n")
    book = folder / "hundred-pages.pdf"
    book.write_bytes(_text_pdf(pages=100))
    return [bomb, noise, playlist, book]


def _text_pdf(*, pages: int) -> bytes:
    """A plain text PDF built by hand: one Helvetica page of ~45 lines of prose per page."""
    sentence = "The quick study of trace trees shows how loops become fast machine code on the fly. "
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for page in range(pages):
        lines = [f"Section {page + 1}: measured results" if row == 0 else sentence[:90] for row in range(45)]
        text = "BT /F1 11 Tf 14 TL 56 780 Td " + " ".join(f"({line}) '" for line in lines) + " ET"
        stream = text.encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % content_id
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), pages)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _run_one(path: Path) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, __file__, "--one", str(path)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    try:
        row: dict[str, object] = json.loads(completed.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        row = {"outcome": "crash", "detail": completed.stderr.strip()[-200:], "seconds": 0.0, "peak_mb": 0.0}
    row["file"] = path.name
    return row


def _measure_one(path: Path) -> int:
    from animagenius.pipeline.errors import InputError
    from animagenius.pipeline.ingest import ingest

    reference_s = _reference_seconds(path)
    with tempfile.TemporaryDirectory() as assets:
        started = time.perf_counter()
        try:
            document = ingest([path], assets_dir=Path(assets), isolated=True)
            outcome, detail = "read", f"{len(document.blocks)} blocks, {document.word_count} words"
        except InputError as error:
            outcome, detail = type(error).__name__, str(error)
        seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    row = {
        "outcome": outcome,
        "detail": detail[:110],
        "seconds": round(seconds, 3),
        "reference_s": round(reference_s, 4),
        "peak_mb": round(peak_kb / 1024, 1),
        "pages": _pages(path),
    }
    print(json.dumps(row))
    return 0


def _reference_seconds(path: Path) -> float:
    started = time.perf_counter()
    if path.read_bytes()[:5] == b"%PDF-":
        import logging

        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.CRITICAL)
        try:
            for page in PdfReader(path).pages:
                page.extract_text()
        except Exception:  # the reference only times the bare parser; failures are reported by our run
            pass
    else:
        path.read_bytes()
    return time.perf_counter() - started


def _pages(path: Path) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(path).pages) if path.read_bytes()[:5] == b"%PDF-" else 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return 0


def _print_table(rows: list[dict[str, object]]) -> None:
    print(f"# ingest benchmark, {os.cpu_count()} cores — our time / reference time in the same run\n")
    print("| file | outcome | seconds | reference s | ratio | peak RSS MB | detail |")
    print("|---|---|---:|---:|---:|---:|---|")
    for row in rows:
        reference = float(row.get("reference_s", 0) or 0)  # type: ignore[arg-type]
        ratio = f"{float(row['seconds']) / reference:.0f}×" if reference > 0.0005 else "—"  # type: ignore[arg-type]
        cells = [row["file"], row["outcome"], row["seconds"], row.get("reference_s", "—"), ratio]
        cells += [row["peak_mb"], str(row["detail"]).replace("|", "/")]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    worst = max(rows, key=lambda r: float(r["peak_mb"]))  # type: ignore[arg-type]
    print(f"\npeak RSS of any single file: {worst['peak_mb']} MB ({worst['file']})")
    by_name = {row["file"]: row for row in rows}
    ocr, text = by_name.get("unmapped-25-pages.pdf"), by_name.get("hundred-pages.pdf")
    if ocr and text and ocr["outcome"] == text["outcome"] == "read":
        ocr_s = float(ocr["seconds"]) / int(ocr["pages"])  # type: ignore[arg-type, call-overload]
        text_s = float(text["seconds"]) / int(text["pages"])  # type: ignore[arg-type, call-overload]
        print(
            f"OCR fallback: {ocr_s:.2f} s a page (unmapped-25-pages.pdf, every page rendered and OCR'd) vs "
            f"text layer {text_s:.3f} s a page (hundred-pages.pdf), {ocr_s / text_s:.0f}× — same run"
        )


if __name__ == "__main__":
    sys.exit(main())
