"""Fonts that draw every caption character: the house font if it can, else one that covers the script, linked
into a folder that becomes libass's fontsdir.
"""

from __future__ import annotations

import bisect
import functools
import subprocess
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from animagenius.pipeline.domain import WordTiming

CAPTION_FAMILY = "Inter Captions"  # Inter Bold at display size (tests/pipeline/data/make_caption_font.py)


def caption_font_dir() -> Path:
    """The folder of the captions' own font, a static bold cut of Inter (libass only draws a variable
    font's regular instance)."""
    return Path(__file__).parent / "fonts"


def caption_font_file() -> Path:
    return caption_font_dir() / "InterCaptions-Bold.ttf"


@dataclass(frozen=True)
class CaptionFonts:
    """The font family captions use, other families for words it lacks glyphs for, and libass's fontsdir."""

    family: str
    directory: Path
    word_families: Mapping[str, str]


@dataclass(frozen=True)
class FontFace:
    file: Path
    family: str
    style: str
    codepoints: tuple[tuple[int, int], ...]  # sorted inclusive ranges

    def covers(self, char: str) -> bool:
        code = ord(char)
        index = bisect.bisect_right(self.codepoints, (code, 0x10FFFF)) - 1
        return index >= 0 and self.codepoints[index][0] <= code <= self.codepoints[index][1]

    def coverage(self, chars: set[str]) -> int:
        return sum(self.covers(char) for char in chars)


_FACE_FORMAT = r"%{file}|%{family[0]}|%{style[0]}|%{charset}\n"
_CJK_REGIONS = {"HIRAGANA": "JP", "KATAKANA": "JP", "HANGUL": "KR"}


def caption_fonts(words: Sequence[WordTiming], *, font_name: str, font_dir: Path, into: Path) -> CaptionFonts:
    """Fonts that draw every caption character: the preferred one if it can, else one that covers the script.

    The chosen files are linked into `into`, which becomes libass's fontsdir, so the captions do not depend
    on the fontconfig fallback of whatever machine renders them.
    """
    own = [face for path in sorted(font_dir.iterdir()) if path.is_file() for face in _faces_in_file(path)]
    preferred = sorted(
        (face for face in own if face.family == font_name), key=lambda face: face.style != "Regular"
    )
    if not preferred:  # fontconfig's tools are missing: libass gets the caller's font and its own fallback
        return CaptionFonts(family=font_name, directory=font_dir, word_families={})
    candidates = [*preferred, *_system_faces()]
    text = " ".join(w.word for w in words)
    lacking = {char for char in _drawn_chars(text) if not preferred[0].covers(char)}
    main = _best_face(lacking, candidates, text, font_name) if lacking else preferred[0]
    word_faces = {
        word: _best_face(_drawn_chars(word), candidates, word, font_name)
        for word in sorted({w.word for w in words})
        if main.coverage(_drawn_chars(word)) < len(_drawn_chars(word))
    }
    _link_fonts([*preferred, *_family_faces({main, *word_faces.values()})], into=into)
    return CaptionFonts(
        family=main.family,
        directory=into,
        word_families={word: face.family for word, face in word_faces.items()},
    )


def _link_fonts(faces: Sequence[FontFace], *, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    for face in faces:
        link = into / face.file.name
        link.unlink(missing_ok=True)
        link.symlink_to(face.file)


def _drawn_chars(text: str) -> set[str]:
    return {char for char in text if not char.isspace() and unicodedata.category(char)[0] != "C"}


def _best_face(chars: set[str], candidates: Sequence[FontFace], text: str, preferred: str) -> FontFace:
    region = _cjk_region(text)
    return max(
        enumerate(candidates),
        key=lambda item: (
            item[1].coverage(chars),
            -_family_rank(item[1].family, preferred, region),
            -item[0],
        ),
    )[1]


def _cjk_region(text: str) -> str | None:
    """JP, KR or SC: whose forms of the Han characters to draw; None for text without any."""
    names = [unicodedata.name(char, "") for char in text]
    for name in names:
        for script, region in _CJK_REGIONS.items():
            if name.startswith(script):
                return region
    return "SC" if any(name.startswith("CJK ") for name in names) else None


def _family_rank(family: str, preferred: str, cjk_region: str | None) -> int:
    """Lower is better: the preferred font, then a plain sans (for Han: the region's), then the rest."""
    if family == preferred:
        return 0
    if cjk_region and family == f"Noto Sans CJK {cjk_region}":
        return 1
    if any(word in family for word in ("Serif", "Mono", "Display", "UI", "Looped")):
        return 4
    return 2 if family.startswith("Noto Sans") else 3


def _family_faces(faces: set[FontFace]) -> list[FontFace]:
    """The regular and bold faces of the chosen families, so libass draws real bold rather than faking it."""
    families = {face.family for face in faces}
    return sorted(
        {*faces, *(face for face in _system_faces() if face.family in families)},
        key=lambda face: str(face.file),
    )


@functools.cache
def _system_faces() -> tuple[FontFace, ...]:
    """Regular and bold faces fontconfig knows; none where fontconfig's tools are not installed."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", _FACE_FORMAT], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    faces = (_parse_face(line) for line in listing.splitlines())
    return tuple(
        sorted((f for f in faces if f and f.style in ("Regular", "Bold")), key=lambda f: str(f.file))
    )


@functools.cache
def _faces_in_file(path: Path) -> tuple[FontFace, ...]:
    try:
        listing = subprocess.run(
            ["fc-query", "--format", _FACE_FORMAT, str(path)], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(face for line in listing.splitlines() if (face := _parse_face(line)))


def _parse_face(line: str) -> FontFace | None:
    parts = line.split("|")
    if len(parts) != 4 or not parts[3]:
        return None
    file, family, style, charset = parts
    ranges = []
    for span in charset.split():
        low, _, high = span.partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    return FontFace(file=Path(file), family=family, style=style, codepoints=tuple(sorted(ranges)))
