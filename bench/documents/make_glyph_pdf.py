"""Build glyphs-no-unicode.pdf: a two-page report whose font has no Unicode map for some of its glyphs.

Typesetting programs draw "fi", "fl", "ff" and "ffi" as ligature glyphs, and a Word export draws list
bullets with a Symbol-font glyph. When the font gives those glyphs made-up names (/g18) or private-use ones
(/uniF0B7) and no ToUnicode map, a text extractor can only return the names: "e/g21cient", "/g19ow", or a
private-use character before each list item. This is what the script writer must not read aloud.

The PDF is written by hand, object by object, so nothing adds a Unicode map behind our back: the base-14
font Helvetica with a /Differences encoding that maps five byte codes to those glyph names. The text is
written for the benchmark (an invented district-heating report); licence as the repository's.

Run: `.venv/bin/python bench/documents/make_glyph_pdf.py` (writes glyphs-no-unicode.pdf beside this file).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE_W, PAGE_H, MARGIN = 595, 842, 64
BODY_SIZE, BODY_LEADING, HEADING_SIZE, TITLE_SIZE = 11, 15, 15, 20
LINE_CHARS = 92
# byte code in the content stream → the glyph name the font gives it (no Unicode behind any of them)
LIGATURES = {"ffi": (0x83, "g21"), "fi": (0x80, "g18"), "fl": (0x81, "g19"), "ff": (0x82, "g20")}
BULLET = (0x84, "uniF0B7")  # a Symbol-font bullet: private use area

TITLE = "District heating in Veldhaven: efficient flow for a fossil-free city"
SECTIONS = (
    ("Summary", [
        "District heating is a network of insulated pipes that carries hot water from a few large heat "
        "sources to the buildings of a city. In Veldhaven the network serves 41,000 homes and 600 offices, "
        "and it is the first municipal network in the region to run without fossil fuel.",
        "This report describes how the network was converted between 2019 and 2025, what the conversion "
        "cost, and how efficient the new heat sources are in their first full winter.",
    ]),
    ("Heat sources", [
        "The network now draws its heat from three sources: a waste incinerator, a large heat pump on the "
        "river, and an industrial laundry whose waste heat was previously released into the air. The heat "
        "pump lifts the temperature of river water from about 8 degrees to 75 degrees, and its coefficient "
        "of performance reached 3.1 over the winter, higher than the 2.8 the design assumed.",
        "Each heat source feeds the same pipes, so the network can shift between them when one is offline "
        "for maintenance. The laundry supplies a fixed flow of heat all year, which fills the summer "
        "demand for hot tap water on its own.",
    ]),
    ("Flow and temperature", [
        "A district heating network loses heat through the walls of its pipes, and the loss grows with "
        "the difference between the water and the soil around it. Lowering the supply temperature from "
        "90 to 75 degrees therefore cut the heat loss of the network by a fifth.",
        "Lower temperatures demand a larger flow of water for the same delivered heat, so the pumps were "
        "replaced with efficient variable-speed units. Office buildings with old radiators received "
        "booster heat pumps, which raise the temperature locally only where the difference matters.",
    ]),
    ("What households noticed", [
        "Most households noticed no difference in comfort. The utility offered every home a free check of "
        "its radiator valves, because a badly set valve lets water flow back too hot and wastes the "
        "efficiency gained in the network.",
        "The main findings of the household survey were:",
        f"{chr(BULLET[0])} four in five households rated their comfort as unchanged or better;",
        f"{chr(BULLET[0])} one in ten had a valve fixed during the free check;",
        f"{chr(BULLET[0])} offices with booster heat pumps reported the fewest complaints.",
    ]),
    ("Conclusion", [
        "The conversion shows that a fossil-free district heating network is feasible in a mid-sized city "
        "when heat sources are diverse and the supply temperature is kept low. The efficient flow of heat "
        "depends as much on radiator valves in homes as on the heat sources themselves.",
    ]),
)  # fmt: skip


def encoded(text: str) -> bytes:
    """The text as the font's byte codes: ligatures as their unnamed glyphs, the rest as Latin-1."""
    for letters, (code, _) in LIGATURES.items():  # "ffi" before "fi" and "ff"
        text = text.replace(letters, chr(code))
    raw = text.encode("latin-1")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def lines_of(size: int, text: str, width: int = LINE_CHARS) -> list[tuple[int, str]]:
    return [(size, line) for line in textwrap.wrap(text, width)]


def pages() -> list[list[tuple[str, int, str]]]:
    """Lines laid out on pages: (font resource, size, text), with an empty line between paragraphs."""
    laid: list[tuple[str, int, str]] = [("F2", TITLE_SIZE, line) for _, line in lines_of(0, TITLE, 52)]
    laid.append(("F1", BODY_SIZE, ""))
    for heading, paragraphs in SECTIONS:
        laid += [("F1", BODY_SIZE, ""), ("F2", HEADING_SIZE, heading)]
        for paragraph in paragraphs:
            laid += [("F1", BODY_SIZE, line) for _, line in lines_of(BODY_SIZE, paragraph)]
            laid.append(("F1", BODY_SIZE, ""))
    per_page = (PAGE_H - 2 * MARGIN) // BODY_LEADING
    middle = next(i for i in range(per_page // 2, len(laid)) if laid[i][1] == HEADING_SIZE)
    return [laid[:middle], laid[middle:]]


def content(lines: list[tuple[str, int, str]], number: int) -> bytes:
    out, y = [b"BT"], PAGE_H - MARGIN
    for font, size, text in lines:
        y -= BODY_LEADING if size == BODY_SIZE else size + 8
        if text:
            out.append(
                f"/{font} {size} Tf 1 0 0 1 {MARGIN} {y} Tm".encode() + b" (" + encoded(text) + b") Tj"
            )
    out.append(f"/F1 9 Tf 1 0 0 1 {PAGE_W // 2} {MARGIN // 2} Tm ({number}) Tj".encode())
    out.append(b"ET")
    return b"\n".join(out)


def build(out: Path) -> None:
    names = " ".join(f"{code} /{name}" for code, name in sorted([*LIGATURES.values(), BULLET]))
    encoding = f"<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [{names}] >>".encode()
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding 5 0 R >>",
        encoding,
        f"<< /Title ({TITLE}) /Producer (make_glyph_pdf.py) >>".encode(),
    ]
    kids = []
    for number, lines in enumerate(pages(), start=1):
        stream = content(lines, number)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Contents {len(objects)} 0 R "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    body, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, value in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + value + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    out.write_bytes(bytes(body))


if __name__ == "__main__":
    build(HERE / "glyphs-no-unicode.pdf")
    print(f"wrote {HERE / 'glyphs-no-unicode.pdf'}")
