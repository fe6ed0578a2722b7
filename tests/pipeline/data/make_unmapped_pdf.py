"""Write PDFs whose fonts have no map from their codes to letters, the way real ones go wrong.

Each page renders correctly (the fonts are embedded), but text extraction cannot read it:

- a TrueType font whose glyphs are named `g18`, `g152`, … with an `/Encoding /Differences` naming them and
  no `/ToUnicode`: pypdf gives the glyph names (`/g18/g152/…`), as for the 22-page paper of issue 17;
- a CID font (`/Identity-H`) whose codes are glyph numbers in the Macintosh standard glyph order, without
  `/ToUnicode`: pypdf gives each letter shifted by 29 ("voir notice" → "YRLU QRWLFH"), as in issue6127.pdf;
- a TrueType font with the standard encoding whose letters are drawn in a shuffled order: pypdf gives real
  letters ("Tfg...") that make no words, with no debris to give it away: only a dictionary can tell;
- a page of noise: made-up words in the glyph-named font, which OCR reads but no dictionary knows.

The glyphs come from Inter (the `fontpkg-inter` package) at weight 400. Made once with

    .venv/bin/python tests/pipeline/data/make_unmapped_pdf.py

(it needs fontTools, a dev dependency); it writes `unmapped-fonts.pdf` (page 1 readable Helvetica, page 2
glyph names, page 3 shifted codes, page 4 noise, page 5 glyph names in two columns, page 6 shuffled
letters) and
`unmapped-25-pages.pdf` (25 pages of glyph names, for bench/ingest.py) beside itself. The PDFs are
committed: tests never regenerate them.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from fontpkg_inter import ROOT as INTER_ROOT
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from fontTools.ttLib.tables._g_l_y_f import Glyph
from fontTools.varLib.instancer import instantiateVariableFont

HERE = Path(__file__).resolve().parent
PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, points
MARGIN = 72
BODY_SIZE, HEADING_SIZE = 11, 20
LEADING = 1.4
FIXED_TIME = 3_786_912_000  # seconds since 1904 (TrueType's epoch): 2024-01-01
MAC_OFFSET = 29  # in the Macintosh standard glyph order, the glyph of an ASCII character is its code - 29

READABLE_PAGE = (
    "Field notes from the estuary",
    "We walked the mud flats at first light and counted the wading birds feeding along the channel. "
    "The curlews arrived first, followed by a large flock of dunlin that stayed until the water rose.",
)
GLYPH_NAME_PAGE = (
    "How the tides follow the Moon",
    "The Moon pulls on the oceans a little more strongly on the side of the Earth that faces it. The water "
    "there rises into a gentle bulge, and a second bulge forms on the far side.",
    "As the Earth turns, every coast passes under both bulges, so most places see two high tides and two "
    "low tides each day.",
    "Spring and neap tides",
    "When the Sun and the Moon line up, their pulls add together and the tides are larger than usual.",
)
SHIFTED_PAGE = (
    "Reading the harbour charts",
    "Sailors check the tide tables before they leave the harbour. A falling tide can leave a boat stuck in "
    "the mud until the water returns in the evening.",
)
TWO_COLUMN_PAGE = (
    "Where the river meets the sea",
    "Fresh water from the river floats on top of the heavier salt water. Where the two layers meet, fine mud "
    "settles out and builds the sandbanks that pilots must learn to avoid. The banks move a little after "
    "every winter storm, so the channel is marked again each spring.",
    "Seals rest on the outer banks at low water and slip back into the sea as the tide rises. Visitors are "
    "asked to keep their distance and to leave their dogs at home. A warden counts the seals every month "
    "and sends the numbers to the county museum.",
)
PERMUTED_PAGE = (
    "Counting birds on the marsh",
    "Every winter a team of volunteers counts the birds that feed on the marsh at low tide. They walk the "
    "same route each month and write down every species they see, from geese to the smallest waders.",
)
SENTENCES = (
    "The river carries fine silt down from the hills after every storm.",
    "Salt marshes slow the water and give young fish a place to shelter.",
    "Each spring the volunteers repair the wooden walkway across the reeds.",
    "Herons wait without moving at the edge of the shallow pools.",
    "The old lighthouse keeper kept a diary of the weather for forty years.",
    "Fishing boats return to the quay when the evening tide turns.",
    "Children from the village school measure the water temperature every week.",
    "A new footbridge will let walkers cross the creek at high water.",
    "Oyster beds recover slowly once the water is clean again.",
    "The harbour master rings a bell when the channel is safe to enter.",
)


# ---------------------------------------------------------------- fonts


def _inter() -> TTFont:
    variable = TTFont(str(INTER_ROOT / "files" / "Inter[opsz,wght].ttf"))
    return instantiateVariableFont(variable, {"wght": 400, "opsz": 14})


def _outline(source: TTFont, character: str) -> tuple[Glyph, int]:
    """The glyph drawing `character`, components decomposed, and its advance width."""
    name = source.getBestCmap()[ord(character)]
    glyphs = source.getGlyphSet()
    recording = DecomposingRecordingPen(glyphs)
    glyphs[name].draw(recording)
    pen = TTGlyphPen(None)
    recording.replay(pen)
    return pen.glyph(), source["hmtx"][name][0]


def _build_font(
    source: TTFont,
    glyphs: dict[str, tuple[Glyph, int]],
    cmap: dict[int, str],
    *,
    unicode: dict[int, str] | None = None,
) -> bytes:
    """A TrueType font of `glyphs` (name → outline, advance). Its character maps are the symbol ones, (3, 0)
    at 0xF000 + code and (1, 0) at the code, so no Unicode can be read from it; or, given `unicode`, a
    Unicode one (3, 1) of those code points."""
    order = [".notdef", *glyphs]
    builder = FontBuilder(source["head"].unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), **{n: g for n, (g, _) in glyphs.items()}})
    metrics = {".notdef": (500, 0)}
    for name, (glyph, advance) in glyphs.items():
        metrics[name] = (advance, getattr(glyph, "xMin", 0))
    builder.setupHorizontalMetrics(metrics)
    builder.setupHorizontalHeader(ascent=source["hhea"].ascent, descent=source["hhea"].descent)
    builder.setupNameTable({"familyName": "Unmapped", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=source["hhea"].ascent, usWinAscent=source["hhea"].ascent)
    builder.setupPost(keepGlyphNames=True)
    table = newTable("cmap")
    table.tableVersion = 0
    table.tables = []
    maps = [(3, 1, 4, unicode)] if unicode is not None else [(1, 0, 6, cmap), (3, 0, 4, cmap)]
    for platform, encoding, fmt, codes in maps:
        subtable = CmapSubtable.newSubtable(fmt)
        subtable.platformID, subtable.platEncID, subtable.language = platform, encoding, 0
        offset = 0xF000 if (platform, encoding) == (3, 0) else 0
        subtable.cmap = {offset + code: name for code, name in codes.items()}
        table.tables.append(subtable)
    builder.font["cmap"] = table
    builder.updateHead(created=FIXED_TIME, modified=FIXED_TIME)
    builder.font.recalcTimestamp = False  # the same bytes on every run
    out = BytesIO()
    builder.save(out)
    return out.getvalue()


@dataclass
class GlyphNameFont:
    """Codes 1, 2, … in order of first use; glyph `g<n>`, n the glyph's number in Inter."""

    source: TTFont
    codes: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def encode(self, text: str) -> bytes:
        for character in text:
            if character not in self.codes:
                self.codes[character] = len(self.codes) + 1
                glyph = self.source.getBestCmap()[ord(character)]
                self.names[character] = f"g{self.source.getGlyphID(glyph)}"
        return bytes(self.codes[character] for character in text)

    def width(self, text: str) -> float:
        return sum(_advance(self.source, character) for character in text)

    def objects(self, pdf: PdfWriter) -> int:
        glyphs = {self.names[c]: _outline(self.source, c) for c in self.codes}
        cmap = {code: self.names[c] for c, code in self.codes.items()}
        program = _build_font(self.source, glyphs, cmap)
        ordered = sorted(self.codes, key=self.codes.__getitem__)
        widths = " ".join(str(round(_advance(self.source, c) * 1000)) for c in ordered)
        differences = " ".join(f"/{self.names[c]}" for c in ordered)
        descriptor = pdf.add(
            _descriptor("BCDEFG+Unmapped", pdf.add_stream(program, f"/Length1 {len(program)}"))
        )
        return pdf.add(
            f"<< /Type /Font /Subtype /TrueType /BaseFont /BCDEFG+Unmapped /FirstChar 1 "
            f"/LastChar {len(ordered)} /Widths [{widths}] /FontDescriptor {descriptor} 0 R "
            f"/Encoding << /Type /Encoding /Differences [1 {differences}] >> >>".encode()
        )


@dataclass
class ShiftedFont:
    """A CID font whose codes are glyph numbers in the Macintosh standard order (space = 3, a = 68)."""

    source: TTFont

    def encode(self, text: str) -> bytes:
        return b"".join((ord(character) - MAC_OFFSET).to_bytes(2, "big") for character in text)

    def width(self, text: str) -> float:
        return sum(_advance(self.source, character) for character in text)

    def objects(self, pdf: PdfWriter) -> int:
        ascii_glyphs = {standardGlyphOrder[code - MAC_OFFSET]: chr(code) for code in range(0x20, 0x7F)}
        glyphs = {name: (TTGlyphPen(None).glyph(), 0) for name in standardGlyphOrder[1:3]}
        glyphs.update({name: _outline(self.source, character) for name, character in ascii_glyphs.items()})
        program = _build_font(self.source, glyphs, {})
        widths = " ".join(str(round(_advance(self.source, chr(code)) * 1000)) for code in range(0x20, 0x7F))
        descriptor = pdf.add(
            _descriptor("CDEFGH+Shifted", pdf.add_stream(program, f"/Length1 {len(program)}"))
        )
        cid_font = pdf.add(
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /CDEFGH+Shifted /CIDSystemInfo << /Registry "
            f"(Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW 500 "
            f"/W [{0x20 - MAC_OFFSET} [{widths}]] /CIDToGIDMap /Identity >>".encode()
        )
        return pdf.add(
            f"<< /Type /Font /Subtype /Type0 /BaseFont /CDEFGH+Shifted /Encoding /Identity-H "
            f"/DescendantFonts [{cid_font} 0 R] >>".encode()
        )


@dataclass
class PermutedFont:
    """A TrueType font with the standard encoding whose letters are drawn in a shuffled order: the code of
    "x" draws "a". Text extraction gives real letters that make no words, with no debris to give it away."""

    source: TTFont
    order: dict[str, str] = field(default_factory=dict)  # letter drawn → character whose code is used

    def __post_init__(self) -> None:
        rng = random.Random(6)
        for alphabet in ("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
            shuffled = rng.sample(alphabet, len(alphabet))
            self.order.update(zip(alphabet, shuffled, strict=True))

    def encode(self, text: str) -> bytes:
        return "".join(self.order.get(character, character) for character in text).encode("cp1252")

    def width(self, text: str) -> float:
        return sum(_advance(self.source, character) for character in text)

    def objects(self, pdf: PdfWriter) -> int:
        characters = [chr(code) for code in range(0x20, 0x7F)]
        drawn = {self.order.get(c, c): c for c in characters}  # the character of a code → the one it draws
        glyphs = {f"c{ord(c):02x}": _outline(self.source, c) for c in characters}
        program = _build_font(
            self.source, glyphs, {}, unicode={ord(code): f"c{ord(c):02x}" for code, c in drawn.items()}
        )
        widths = " ".join(str(round(_advance(self.source, drawn[c]) * 1000)) for c in characters)
        descriptor = pdf.add(
            _descriptor("DEFGHI+Permuted", pdf.add_stream(program, f"/Length1 {len(program)}"), flags=32)
        )
        return pdf.add(
            f"<< /Type /Font /Subtype /TrueType /BaseFont /DEFGHI+Permuted /FirstChar 32 /LastChar 126 "
            f"/Widths [{widths}] /FontDescriptor {descriptor} 0 R /Encoding /WinAnsiEncoding >>".encode()
        )


@dataclass
class Helvetica:
    """The standard font every reader knows: the readable control."""

    source: TTFont

    def encode(self, text: str) -> bytes:
        return text.encode("cp1252")

    def width(self, text: str) -> float:
        return sum(_advance(self.source, character) for character in text) * 1.05  # Helvetica is wider

    def objects(self, pdf: PdfWriter) -> int:
        return pdf.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")


Font = GlyphNameFont | ShiftedFont | PermutedFont | Helvetica


def _advance(source: TTFont, character: str) -> float:
    """Advance width in ems."""
    return source["hmtx"][source.getBestCmap()[ord(character)]][0] / source["head"].unitsPerEm


def _descriptor(name: str, program: int, *, flags: int = 4) -> bytes:
    """Flags 4: symbolic (codes go straight to the font's own character map); 32: standard letters."""
    return (
        f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [-200 -300 1200 1000] "
        f"/ItalicAngle 0 /Ascent 969 /Descent -242 /CapHeight 727 /StemV 80 /FontFile2 {program} 0 R >>"
    ).encode()


# ---------------------------------------------------------------- pages


def _wrap(text: str, font: Font, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.width(candidate) * size <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _page_content(blocks: Sequence[tuple[int, str]], font: Font) -> bytes:
    """Blocks of (size, text), set top to bottom; a heading is any block at HEADING_SIZE."""
    operations, _ = _set(blocks, font, x=MARGIN, y=PAGE_HEIGHT - MARGIN, width=PAGE_WIDTH - 2 * MARGIN)
    return "\n".join(operations).encode()


def _two_column_content(title: str, left: str, right: str, font: Font) -> bytes:
    """A title across the page, then two columns of body text with a gutter of 24 pt between them."""
    width = (PAGE_WIDTH - 2 * MARGIN - 24) / 2
    operations, y = _set([(HEADING_SIZE, title)], font, x=MARGIN, y=PAGE_HEIGHT - MARGIN, width=2 * width)
    for x, text in ((MARGIN, left), (MARGIN + width + 24, right)):
        operations += _set([(BODY_SIZE, text)], font, x=x, y=y, width=width)[0]
    return "\n".join(operations).encode()


def _set(
    blocks: Sequence[tuple[int, str]], font: Font, *, x: float, y: float, width: float
) -> tuple[list[str], float]:
    operations = []
    for size, text in blocks:
        y -= size * 0.5 if size == HEADING_SIZE else 0
        for line in _wrap(text, font, size, width):
            y -= size * LEADING
            operations.append(f"BT /F1 {size} Tf {x} {y:.1f} Td <{font.encode(line).hex()}> Tj ET")
        y -= size * 0.8
    return operations, y


def _titled(texts: Iterable[str]) -> list[tuple[int, str]]:
    """A short text without a full stop is a heading."""
    return [(BODY_SIZE if text.endswith(".") else HEADING_SIZE, text) for text in texts]


def _noise(rng: random.Random, words: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    made_up = ("".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(words))
    return " ".join(made_up).capitalize() + "."


class PdfWriter:
    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return len(self.objects)

    def add_stream(self, data: bytes, extra: str = "") -> int:
        packed = zlib.compress(data, 9)
        return self.add(
            f"<< /Length {len(packed)} /Filter /FlateDecode {extra} >>\nstream\n".encode()
            + packed
            + b"\nendstream"
        )

    def write(self, target: Path, pages: Sequence[tuple[bytes, int]]) -> None:
        """`pages`: (content stream, font object) each; page objects are added here."""
        tree = len(self.objects) + len(pages) * 2 + 1
        kids = []
        for content, font in pages:
            stream = self.add_stream(content)
            kids.append(
                self.add(
                    f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
                    f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {stream} 0 R >>".encode()
                )
            )
        self.add(
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
        )
        catalog = self.add(f"<< /Type /Catalog /Pages {tree} 0 R >>".encode())
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
        out += f"trailer\n<< /Size {len(self.objects) + 1} /Root {catalog} 0 R >>\n".encode()
        out += f"startxref\n{xref}\n%%EOF\n".encode()
        target.write_bytes(bytes(out))


def write_unmapped_fonts(target: Path, source: TTFont) -> None:
    rng = random.Random(17)
    named, shifted, helvetica = GlyphNameFont(source), ShiftedFont(source), Helvetica(source)
    permuted = PermutedFont(source)
    noise = [(HEADING_SIZE, _noise(rng, 3).rstrip(".")), *((BODY_SIZE, _noise(rng, 40)) for _ in range(3))]
    contents = [
        (_page_content(_titled(READABLE_PAGE), helvetica), helvetica),
        (_page_content(_titled(GLYPH_NAME_PAGE), named), named),
        (_page_content(_titled(SHIFTED_PAGE), shifted), shifted),
        (_page_content(noise, named), named),
        (_two_column_content(*TWO_COLUMN_PAGE, named), named),
        (_page_content(_titled(PERMUTED_PAGE), permuted), permuted),
    ]
    pdf = PdfWriter()
    fonts = {id(font): font.objects(pdf) for font in (helvetica, named, shifted, permuted)}
    pdf.write(target, [(content, fonts[id(font)]) for content, font in contents])


def write_many_pages(target: Path, source: TTFont, pages: int) -> None:
    rng = random.Random(25)
    named = GlyphNameFont(source)
    contents = []
    for number in range(1, pages + 1):
        paragraphs = [" ".join(rng.sample(SENTENCES, 4)) for _ in range(4)]
        contents.append(_page_content(_titled([f"Part {number} of the estuary survey", *paragraphs]), named))
    pdf = PdfWriter()
    font = named.objects(pdf)
    pdf.write(target, [(content, font) for content in contents])


def main() -> None:
    source = _inter()
    write_unmapped_fonts(HERE / "unmapped-fonts.pdf", source)
    write_many_pages(HERE / "unmapped-25-pages.pdf", source, 25)


if __name__ == "__main__":
    main()
