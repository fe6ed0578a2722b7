"""Pictures and scanned pages: OCR finds the words, photos keep size and colours, bad files fail clearly."""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import rapidocr
from PIL import Image
from pypdf import PdfReader

from animagenius.pipeline.errors import CorruptFile, InvalidOption, TooLarge, UnsupportedFormat
from animagenius.pipeline.ingest.images import (
    dominant_colours,
    ocr_paragraphs,
    ocr_pdf_page_images,
    open_image_safely,
    read_image,
)
from animagenius.pipeline.providers.local.rapid_ocr import RapidOCR, packaged_models
from animagenius.pipeline.providers.ocrs import OCRS
from animagenius.pipeline.providers.protocols import OCR, OcrLine, OcrResult
from tests.pipeline.ingest_images.conftest import PARAGRAPHS, draw_scan

ROOT = Path(__file__).resolve().parents[3]
DRAWN_WORDS = {"quarterly", "report", "committee", "budget", "projects", "volunteers", "planted", "hundred"}
DRAWN_WORDS |= {"trees", "river", "autumn", "children", "entrance", "spring"}
ORIENTATION = 0x0112


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def recall(found: str, expected: str) -> float:
    wanted = words(expected)
    seen = set(words(found))
    return sum(word in seen for word in wanted) / len(wanted)


# ---------------------------------------------------------------- OCR


def test_scanned_pdf_page_is_read(corpus: Path, ocr: OCR, tmp_path: Path) -> None:
    # the page is a 2550 × 3300 scan whose only text is the heading "pdf.js" (checked by eye)
    page = PdfReader(corpus / "pdf" / "scan-bad.pdf").pages[0]

    paragraphs = ocr_pdf_page_images(page, ocr=ocr, workdir=tmp_path, name="scan-bad.pdf")

    assert paragraphs == ["pdf.js"]
    assert list(tmp_path.iterdir()) == [], "the page picture is removed once it has been read"


def test_scanned_pdf_of_a_drawn_page_gives_its_paragraphs(ocr: OCR, tmp_path: Path) -> None:
    pdf = tmp_path / "scanned.pdf"
    draw_scan().save(pdf, format="PDF", resolution=300)  # one JPEG image per page, as scanners write
    page = PdfReader(pdf).pages[0]

    paragraphs = ocr_pdf_page_images(page, ocr=ocr, workdir=tmp_path / "work", name=pdf.name)

    assert len(paragraphs) == len(PARAGRAPHS)
    for read, drawn in zip(paragraphs, PARAGRAPHS, strict=True):
        assert recall(read, drawn) >= 0.9, (read, drawn)
    assert set(words(" ".join(paragraphs))) >= DRAWN_WORDS


def test_picture_of_text_becomes_figure_and_paragraphs(scan: Path, ocr: OCR, tmp_path: Path) -> None:
    document = read_image(scan, ocr=ocr, assets_dir=tmp_path)

    figure, *paragraphs = document.blocks
    assert figure.kind == "figure"
    assert figure.image is not None and figure.image.parent == tmp_path and figure.image.suffix == ".png"
    assert figure.text.startswith("Quarterly report The committee")
    assert [block.kind for block in paragraphs] == ["paragraph"] * len(PARAGRAPHS)
    assert paragraphs[0].text == "Quarterly report"
    assert recall(" ".join(block.text for block in paragraphs), " ".join(PARAGRAPHS)) >= 0.95
    assert {block.source.file for block in document.blocks} == {"meeting-notes.png"}
    assert document.title == "Quarterly report"
    assert document.media[0].kind == "image" and document.media[0].path == figure.image
    assert (document.media[0].width, document.media[0].height) == (2550, 3300)


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_turned_page_is_read_in_order(tmp_path: Path, degrees: int) -> None:
    picture = tmp_path / f"turned-{degrees}.png"
    draw_scan().crop((0, 150, 2550, 1000)).rotate(degrees, expand=True).save(picture)

    result = RapidOCR().read(picture)

    assert result.text.startswith("Quarterly report\nThe committee reviewed")
    assert set(words(result.text)) >= DRAWN_WORDS
    tops = [line.box[1] for line in result.lines]
    assert tops == sorted(tops), "lines come top to bottom of the page as it reads"


def test_photo_without_text_has_no_text_lines(images: Path) -> None:
    assert RapidOCR().read(images / "flower.jpg").lines == ()


def test_ocr_models_come_from_the_wheel_and_nothing_is_fetched(tmp_path: Path) -> None:
    models = Path(rapidocr.__file__).parent / "models"
    assert {path.parent for path in packaged_models().values()} == {models}
    before = sorted(path.name for path in models.iterdir())
    heading = tmp_path / "heading.png"
    draw_scan(tilt_degrees=0).crop((0, 270, 1200, 390)).save(heading)
    child = (
        "import socket, sys\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('this process may not use the network')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from pathlib import Path\n"
        "from animagenius.pipeline.providers.ocrs import OCRS\n"
        "print(OCRS.create('rapidocr').read(Path(sys.argv[1])).text)\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", child, str(heading)], capture_output=True, text=True, timeout=300, cwd=ROOT
    )

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == "Quarterly report"
    assert sorted(path.name for path in models.iterdir()) == before


def test_ocr_registry_knows_rapidocr() -> None:
    assert OCRS.names == ["rapidocr"]
    assert isinstance(OCRS.create("rapidocr"), RapidOCR)
    with pytest.raises(InvalidOption, match="rapidocr"):
        OCRS.create("tesseract")


def line(text: str, left: float, top: float, right: float, bottom: float) -> OcrLine:
    return OcrLine(text=text, box=(left, top, right, bottom), confidence=0.99)


def test_paragraphs_follow_rows_and_gaps() -> None:
    result = OcrResult(
        lines=(
            line("second half", 400, 102, 700, 138),  # same row as "First row,", found later
            line("First row,", 100, 100, 380, 140),
            line("an exam-", 100, 150, 380, 190),
            line("ple of hyphenation.", 100, 200, 600, 240),
            line("A new paragraph", 100, 300, 600, 340),
            line("after the gap.", 100, 350, 500, 390),
        )
    )

    assert ocr_paragraphs(result) == [
        "First row, second half an example of hyphenation.",
        "A new paragraph after the gap.",
    ]
    assert ocr_paragraphs(OcrResult(lines=())) == []


# ---------------------------------------------------------------- photos


@pytest.mark.parametrize(
    ("name", "size", "suffix"),
    [
        ("flower.jpg", (480, 360), ".jpg"),
        ("flower2.jpg", (300, 225), ".jpg"),
        ("hopper.png", (128, 128), ".png"),
        ("hopper.webp", (128, 128), ".png"),
    ],
)
def test_photo_is_read_with_size_and_a_usable_copy(
    images: Path, ocr: OCR, tmp_path: Path, name: str, size: tuple[int, int], suffix: str
) -> None:
    document = read_image(images / name, ocr=ocr, assets_dir=tmp_path)

    figure = document.blocks[0]
    media = document.media[0]
    assert figure.kind == "figure" and figure.source.file == name
    assert figure.image == media.path and media.path.parent == tmp_path and media.path.suffix == suffix
    assert (media.kind, media.width, media.height) == ("image", *size)
    with Image.open(media.path) as copy:
        copy.load()
        assert (copy.size, copy.mode) == (size, "RGB")
    assert list(tmp_path.iterdir()) == [media.path], "only the finished copy is left behind"


def test_large_photo_is_kept_as_a_smaller_jpeg(ocr: OCR, tmp_path: Path) -> None:
    photo = tmp_path / "panorama.jpg"
    Image.new("RGB", (6000, 2000), (30, 120, 200)).save(photo, quality=80)

    media = read_image(photo, ocr=ocr, assets_dir=tmp_path / "assets").media[0]

    assert media.path.suffix == ".jpg"
    assert (media.width, media.height) == (4096, 1365)


def test_photos_without_text_are_captioned_by_their_name(images: Path, ocr: OCR, tmp_path: Path) -> None:
    document = read_image(images / "flower.jpg", ocr=ocr, assets_dir=tmp_path)

    assert [block.kind for block in document.blocks] == ["figure"]
    assert document.blocks[0].text == document.title == "flower"


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def test_dominant_colours_of_photos(images: Path) -> None:
    leaves, heather, uniform = (
        [rgb(colour) for colour in dominant_colours(open_image_safely(images / name, max_pixels=10**6))]
        for name in ("flower.jpg", "flower2.jpg", "hopper.png")
    )

    assert len(leaves) == len(heather) == len(uniform) == 5
    red, green, blue = leaves[0]
    assert green > red and green > blue, "a photo mostly of leaves is mostly green"
    assert any(red > green + 25 and blue > green + 15 for red, green, blue in heather), "purple flowers"
    assert any(max(colour) < 50 for colour in uniform), "a navy uniform"


def test_dominant_colours_rank_by_area() -> None:
    picture = Image.new("RGB", (400, 100), (255, 0, 0))
    picture.paste((0, 0, 255), (300, 0, 400, 100))

    assert dominant_colours(picture, n=2) == ("#ff0000", "#0000ff")


# ---------------------------------------------------------------- orientation and frames


def test_exif_rotated_jpeg_comes_out_upright(ocr: OCR, tmp_path: Path) -> None:
    stored = Image.new("RGB", (200, 100), (255, 0, 0))
    stored.paste((0, 0, 255), (100, 0, 200, 100))  # left half red, right half blue, as the camera stored it
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "turn me 90° clockwise to view"
    photo = tmp_path / "phone.jpg"
    stored.save(photo, exif=exif, quality=95)

    upright = open_image_safely(photo, max_pixels=10**6)

    assert upright.size == (100, 200)
    top_red, _, top_blue = upright.getpixel((50, 20))  # type: ignore[misc]
    bottom_red, _, bottom_blue = upright.getpixel((50, 180))  # type: ignore[misc]
    assert top_red > 200 and top_blue < 60, "the stored left edge is now the top"
    assert bottom_blue > 200 and bottom_red < 60
    copy = read_image(photo, ocr=ocr, assets_dir=tmp_path / "assets").media[0].path
    with Image.open(copy) as saved:
        assert saved.size == (100, 200)
        assert saved.getexif().get(ORIENTATION, 1) == 1, "the copy must not be turned a second time"


@pytest.mark.parametrize("format_name", ["GIF", "WEBP"])
def test_animation_gives_its_first_frame(tmp_path: Path, format_name: str) -> None:
    frames = [Image.new("RGB", (64, 64), colour) for colour in ((250, 0, 0), (0, 0, 250), (0, 250, 0))]
    animation = tmp_path / f"animation.{format_name.lower()}"
    frames[0].save(
        animation, format=format_name, save_all=True, append_images=frames[1:], duration=100, loop=0
    )

    first = open_image_safely(animation, max_pixels=10**6)

    red, green, blue = first.getpixel((32, 32))  # type: ignore[misc]
    assert red > 200 and green < 60 and blue < 60
    assert first.mode == "RGB"


def test_transparency_is_flattened_on_white(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(logo)

    assert open_image_safely(logo, max_pixels=100).getpixel((5, 5)) == (255, 255, 255)


def test_sixteen_bit_greyscale_keeps_its_tones(tmp_path: Path) -> None:
    scan = tmp_path / "scan16.png"
    Image.new("I;16", (10, 10), 32768).save(scan)

    red, green, blue = open_image_safely(scan, max_pixels=100).getpixel((5, 5))  # type: ignore[misc]
    assert 120 <= red <= 135 and red == green == blue, "mid grey, not clipped to white"


# ---------------------------------------------------------------- hostile and broken files


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("broken.png", CorruptFile),  # PNG signature, then garbage
        ("broken_data_stream.png", CorruptFile),  # bad IDAT checksum
        ("truncated_jpeg.jpg", CorruptFile),
        ("decompression_bomb.gif", TooLarge),  # a 32 × 32 GIF whose frame claims ~4.4 billion pixels
        ("crash-0c7e0e8e11ce787078f00b5b0ca409a167f070e0.tif", CorruptFile),  # strip offsets past the end
    ],
)
def test_hostile_image_gives_its_specific_error(
    images: Path, ocr: OCR, tmp_path: Path, name: str, error: type[Exception]
) -> None:
    with pytest.raises(Exception) as raised:  # noqa: PT011 - the exact class is asserted below
        read_image(images / name, ocr=ocr, assets_dir=tmp_path)

    assert type(raised.value) is error, f"{name}: {type(raised.value).__name__}: {raised.value}"
    assert name in str(raised.value)
    assert list(tmp_path.iterdir()) == [], "a failed file leaves nothing behind"


def test_bomb_message_names_the_size_and_the_limit(images: Path) -> None:
    with pytest.raises(TooLarge, match=r"4,364,696,535 pixels; the limit is 40,000,000 pixels"):
        open_image_safely(images / "decompression_bomb.gif", max_pixels=40_000_000)


def test_plan_pixel_limit_is_enforced(images: Path) -> None:
    with pytest.raises(TooLarge, match=r"hopper\.png is 16,384 pixels; the limit is 10,000 pixels"):
        open_image_safely(images / "hopper.png", max_pixels=10_000)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.png", b"just some text, named like a picture\n"),
        # Pillow would hand this to Ghostscript: it must never be asked to open it
        ("drawing.eps", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"),
        ("scan.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n"),
    ],
)
def test_file_that_is_not_a_picture_is_unsupported(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(UnsupportedFormat, match=re.escape(name)):
        open_image_safely(path, max_pixels=10**6)


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


HUGE_PNG_CHILD = """
import json, resource, sys
from pathlib import Path
from animagenius.pipeline.errors import PipelineError
from animagenius.pipeline.ingest.images import open_image_safely

# no room to allocate the pixels even if something tried: 30 GB would fail instead of being overcommitted
mapped = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (mapped + 512 * 2**20, resource.RLIM_INFINITY))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    open_image_safely(Path(sys.argv[1]), max_pixels=40_000_000)
    outcome = {"error": None, "message": ""}
except PipelineError as error:
    outcome = {"error": type(error).__name__, "message": str(error)}
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({**outcome, "peak_growth_kb": after - before}))
"""


def test_png_claiming_ten_billion_pixels_is_refused_without_allocating_them(tmp_path: Path) -> None:
    huge = tmp_path / "huge.png"
    huge.write_bytes(png_claiming(100_000, 100_000))
    assert len(huge.read_bytes()) < 200

    completed = subprocess.run(
        [sys.executable, "-c", HUGE_PNG_CHILD, str(huge)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    )

    assert completed.returncode == 0, completed.stderr[-2000:]
    outcome = json.loads(completed.stdout)
    assert outcome["error"] == "TooLarge"
    assert "huge.png is 10,000,000,000 pixels; the limit is 40,000,000" in outcome["message"]
    assert outcome["peak_growth_kb"] < 20 * 1024, "refused from the header, before any pixel memory"


def test_pdf_page_picture_over_the_limit_is_too_large(tmp_path: Path, ocr: OCR) -> None:
    pdf = tmp_path / "big-scan.pdf"
    Image.new("L", (3000, 2000), 255).save(pdf, format="PDF")
    page = PdfReader(pdf).pages[0]

    with pytest.raises(
        TooLarge, match=r"big-scan\.pdf: the scanned picture on page 1 is 3,000 × 2,000 pixels"
    ):
        ocr_pdf_page_images(page, ocr=ocr, workdir=tmp_path / "work", name=pdf.name, max_pixels=1_000_000)


def test_pdf_page_with_damaged_picture_is_corrupt(tmp_path: Path, ocr: OCR) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, format="PDF")
    damaged = buffer.getvalue().replace(b"\xff\xd8\xff", b"\0\0\0", 1)  # the JPEG loses its signature
    pdf = tmp_path / "damaged-scan.pdf"
    pdf.write_bytes(damaged)
    page = PdfReader(pdf).pages[0]

    with pytest.raises(CorruptFile, match=r"damaged-scan\.pdf: the scanned picture on page 1 is damaged"):
        ocr_pdf_page_images(page, ocr=ocr, workdir=tmp_path / "work", name=pdf.name)


def test_pdf_page_without_pictures_has_no_ocr_text(corpus: Path, ocr: OCR, tmp_path: Path) -> None:
    page = PdfReader(corpus / "pdf" / "basicapi.pdf").pages[0]

    assert ocr_pdf_page_images(page, ocr=ocr, workdir=tmp_path, name="basicapi.pdf") == []


def test_logo_is_not_read_as_text(corpus: Path, ocr: OCR, tmp_path: Path) -> None:
    # the page's only picture is the round Firefox logo, which the recogniser alone reads as "0" or "3"
    page = PdfReader(corpus / "pdf" / "two_pages.pdf").pages[0]

    assert ocr_pdf_page_images(page, ocr=ocr, workdir=tmp_path, name="two_pages.pdf") == []
