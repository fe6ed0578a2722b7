"""Pictures and documents that hold them, built for these tests: PDFs written by hand (text and image
XObjects placed at known positions), Word and PowerPoint files made with python-docx/python-pptx."""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

PAGE = (612, 792)  # US Letter, points


def photo(size: tuple[int, int] = (480, 320), seed: int = 1) -> Image.Image:
    """A photo-like picture: a sky-to-ground gradient, sensor noise and a few shapes."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 24).point(lambda value: value // 3)
    red = Image.blend(gradient, noise, 0.3)
    picture = Image.merge("RGB", (red, gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM), noise))
    draw = ImageDraw.Draw(picture)
    draw.rectangle(
        (width * seed // 9, height // 2, width * seed // 9 + width // 6, height - 10), fill="white"
    )
    draw.ellipse(
        (width // 2, height // 8, width // 2 + height // 3, height // 8 + height // 3), fill="yellow"
    )
    return picture


def logo(size: tuple[int, int] = (200, 200)) -> Image.Image:
    """A flat two-colour mark on white, the way a letterhead logo is drawn."""
    picture = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.ellipse((width // 10, height // 10, width * 9 // 10, height * 9 // 10), fill="navy")
    draw.rectangle((width * 4 // 10, height // 4, width * 6 // 10, height * 3 // 4), fill="orange")
    return picture


def png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class PdfPage:
    texts: list[tuple[float, float, str, float]] = field(default_factory=list)  # x, y, text, size
    pictures: list[tuple[Image.Image, float, float, float, float]] = field(default_factory=list)  # x, y, w, h


def pdf(pages: list[PdfPage]) -> bytes:
    """A Helvetica PDF of the given pages; each picture an RGB image XObject drawn at (x, y, w, h)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for page in pages:
        names = []
        for picture, *_ in page.pictures:
            rgb = picture.convert("RGB")
            data = zlib.compress(rgb.tobytes())
            objects.append(
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
                % (*rgb.size, len(data))
                + data
                + b"\nendstream"
            )
            names.append(len(objects))
        drawn = " ".join(
            f"q {w} 0 0 {h} {x} {y} cm /Im{n} Do Q" for n, (_, x, y, w, h) in enumerate(page.pictures)
        )
        written = " ".join(
            f"BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm ({text}) Tj ET" for x, y, text, size in page.texts
        )
        content = f"{drawn} {written}".encode()
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        xobjects = b" ".join(b"/Im%d %d 0 R" % (n, number) for n, number in enumerate(names))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> "
            b"/XObject << %s >> >> /Contents %d 0 R >>" % (*PAGE, xobjects, len(objects))
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    return pdf_file(objects)


def pdf_file(objects: list[bytes]) -> bytes:
    """The numbered objects (1 is the catalog) written out as a PDF with its cross-reference table."""
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


PROSE = (
    "The keepers climbed the tower twice a night to wind the clockwork that turned the lens.",
    "Oil lamps gave way to electric light in the nineteen twenties, and the keepers left soon after.",
    "Today the lighthouse is a museum, and its lens still turns for visitors on summer evenings.",
    "Ships once counted on its beam to find the narrow channel between the reef and the shore.",
)


def prose_lines(top: float, count: int, *, start: int = 0) -> list[tuple[float, float, str, float]]:
    return [(72.0, top - 14 * n, PROSE[(start + n) % len(PROSE)], 10.0) for n in range(count)]
