"""Write the burned captions' font: Inter (the `fontpkg-inter` package) fixed at weight 700 and its display
optical size, renamed "Inter Captions" (the SIL Open Font License asks a modified font to carry another name).

libass draws only a variable font's default instance (regular, text size) and fakes bold by thickening it;
this static bold cut is what social captions and subtitles look like elsewhere. Made once with

    .venv/bin/python tests/pipeline/data/make_caption_font.py

(it needs fontTools, a dev dependency); it writes src/animagenius/pipeline/compose/fonts/
InterCaptions-Bold.ttf and copies Inter's license beside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import fontpkg
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

OUT = Path(__file__).resolve().parents[3] / "src" / "animagenius" / "pipeline" / "compose" / "fonts"
FAMILY, STYLE = "Inter Captions", "Bold"


def main() -> None:
    variable = Path(fontpkg.path("inter", 400))
    font = instantiateVariableFont(TTFont(variable), {"wght": 700, "opsz": 32}, updateFontNames=False)
    names = {1: FAMILY, 2: STYLE, 4: f"{FAMILY} {STYLE}", 6: "InterCaptions-Bold", 16: FAMILY, 17: STYLE}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    font["OS/2"].usWeightClass = 700
    font["OS/2"].fsSelection = (font["OS/2"].fsSelection & ~0x40) | 0x20  # bold, not regular
    font["head"].macStyle |= 1
    OUT.mkdir(parents=True, exist_ok=True)
    font.save(OUT / "InterCaptions-Bold.ttf")
    shutil.copy(Path(fontpkg.__file__).parent.parent / "fontpkg_inter" / "LICENSE", OUT / "LICENSE-Inter.txt")


if __name__ == "__main__":
    main()
