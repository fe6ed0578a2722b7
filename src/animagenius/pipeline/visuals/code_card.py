"""A source listing as a syntax-highlighted card: the scene's title, then the code on an editor-like panel
in JetBrains Mono (OFL, from the fontpkg wheel), coloured by Pygments in a style that reads on the theme.

The language is guessed from the text (listings lose their fence label on the way in); when nothing is
telling the listing is drawn plain. A long listing shows the lines that fit, the last one fading out; a
long line ends in "…". Code is never set smaller than `layout.body_min / 1.2`.
"""

from __future__ import annotations

import functools
import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.style import StyleMeta  # type: ignore[import-untyped]
from pygments.styles import get_style_by_name  # type: ignore[import-untyped]
from pygments.token import Token, _TokenType  # type: ignore[import-untyped]

from animagenius.pipeline.domain import Scene
from animagenius.pipeline.visuals.focus import save_with_focus
from animagenius.pipeline.visuals.layout import Layout, titled
from animagenius.pipeline.visuals.themes import Colour

DARK_STYLE, LIGHT_STYLE = "one-dark", "xcode"
WINDOW_DOTS: tuple[Colour, ...] = ((255, 95, 86), (255, 189, 46), (39, 201, 63))
LINE_HEIGHT = 1.42
LANGUAGE_NAMES = {"console": "shell", "bash": "shell"}
NARROW_COLUMNS = 48  # a panel this narrow indents by 2 spaces, not 4
MAX_CODE_PARTS = 3  # a listing appears in up to this many parts, as the narration reaches each
# Lines that give a language away, each worth one point; the language with most points wins
_SIGNALS: dict[str, re.Pattern[str]] = {
    "console": re.compile(r"^\s*[$>] \S", re.M),
    "python": re.compile(
        r"^\s*(?:def|class) \w+.*:\s*$|^\s*(?:import \w|from [\w.]+ import)|^\s*(?:elif|except|with|for|while"
        r"|if|else|try)\b.*:\s*(?:#.*)?$|:=|\bself\.|\b(?:None|True|False)\b|\bprint\(|^\s*\"\"\"|\blambda\b",
        re.M,
    ),
    "javascript": re.compile(
        r"\b(?:const|let|var) \w+ =|=>|\bfunction\s*\w*\(|console\.log|\brequire\(|\bexport (?:default|const)"
        r"|\bimport .* from ['\"]",
        re.M,
    ),
    "bash": re.compile(
        r"^\s*(?:npm|npx|pip|git|cd|ls|echo|sudo|apt(?:-get)?|make|cargo|docker|curl|export) ", re.M
    ),
    "html": re.compile(r"^\s*<(?:!DOCTYPE|html|head|body|div|p|span|a|script|ul|li|table)\b", re.M | re.I),
    "sql": re.compile(r"\b(?:SELECT .* FROM|INSERT INTO|UPDATE \w+ SET|CREATE TABLE|DELETE FROM)\b", re.I),
    "c": re.compile(r"^#include\b|\bint main\(|\bprintf\(|\bmalloc\(", re.M),
    "java": re.compile(r"\bpublic (?:static )?(?:class|void|int)\b|System\.out\.", re.M),
    "go": re.compile(r"^package \w+|^func \w*\(|\bfmt\.", re.M),
    "rust": re.compile(r"\bfn \w+\(|\blet mut\b|\bprintln!|\bimpl\b", re.M),
    "css": re.compile(r"^[.#]?[\w-]+(?:\s*[.#:][\w-]+)*\s*\{\s*$|^\s*[\w-]+:\s*[^;]+;\s*$", re.M),
    "yaml": re.compile(r"^[\w-]+:\s*(?:\S.*)?$\n^\s+[\w-]+:|^\s*- [\w-]+:", re.M),
}

# Assignments, calls and brackets: code in some language, though none gives itself away
_CODE_LIKE = re.compile(r"^\s*[\w.\[\]]+\s*[-+*/]?=\s*\S|\w\([^()]*\)|[{};]\s*$", re.M)


def guess_language(code: str) -> str:
    """The Pygments name of the language `code` is most likely in; "text" when nothing gives it away."""
    stripped = code.strip()
    if stripped[:1] in "{[":
        try:
            json.loads(stripped)
            return "json"
        except ValueError:
            pass
    points = {language: len(pattern.findall(code)) for language, pattern in _SIGNALS.items()}
    language, best = max(points.items(), key=lambda item: item[1])
    if best > 0:
        return language
    return "python" if _CODE_LIKE.search(code) else "text"  # Python's lexer colours most C-like code well


def pygments_style(layout: Layout) -> StyleMeta:
    """A dark panel on a dark theme and a light one on a light theme, so the card belongs to the frame."""
    red, green, blue = layout.theme.background_top
    light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 140
    return get_style_by_name(LIGHT_STYLE if light else DARK_STYLE)


@functools.lru_cache(maxsize=32)
def mono_font(size: int, weight: int = 400, *, italic: bool = False) -> ImageFont.FreeTypeFont:
    import fontpkg

    path = Path(fontpkg.path("jetbrains-mono", 400))
    if italic:
        path = path.with_name(path.name.replace("Mono[", "Mono-Italic["))
    font = ImageFont.truetype(str(path), size)
    font.set_variation_by_axes([weight])
    return font


def listing_lines(code: str, *, indent: int = 4) -> list[str]:
    """The listing as it is drawn: tabs as four spaces, the common indent and blank ends removed, each
    level of indentation `indent` spaces wide (narrow frames indent by 2)."""
    lines = textwrap.dedent(code.expandtabs(4)).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    lines = [line.rstrip() for line in lines]
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.startswith(" ")]
    step = min(indents, default=0)
    if step and step != indent and all(spaces % step == 0 for spaces in indents):
        lines = [_reindented(line, step, indent) for line in lines]
    return lines


def _reindented(line: str, step: int, indent: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return " " * (spaces // step * indent) + line.lstrip(" ")


@dataclass(frozen=True)
class _Panel:
    box: tuple[int, int, int, int]
    pad: int
    size: int  # of the code font
    rows: int
    columns: int

    @property
    def code_top(self) -> int:
        return self.box[1] + round(self.pad * 0.6) + self.bar

    @property
    def bar(self) -> int:
        """The height of the window bar across the panel's top."""
        return round(self.size * 1.2)


def _panel(layout: Layout, top: int, lines: list[str]) -> _Panel:
    shadow = max(8, round(layout.unit * 0.018))  # room under the panel for its shadow, inside the content
    box = (layout.margin, top, layout.content.right, layout.content_bottom - shadow)
    pad = max(12, round(layout.unit * 0.03))
    smallest, largest = round(layout.body_min / 1.2), round(layout.body_min * 1.4)
    longest = max((len(line) for line in lines), default=1)
    for size in range(largest, smallest - 1, -1):
        panel = _sized(box, pad, size)
        if longest <= panel.columns and len(lines) <= panel.rows:
            return panel
    return _sized(box, pad, smallest)


def _sized(box: tuple[int, int, int, int], pad: int, size: int) -> _Panel:
    advance = mono_font(size).getlength("M")
    width = box[2] - box[0] - 2 * pad
    bar = round(size * 1.2)
    height = box[3] - box[1] - round(pad * 0.6) - bar - pad
    rows = max(1, int((height - size * (LINE_HEIGHT - 1)) // (size * LINE_HEIGHT)))
    return _Panel(box, pad, size, rows, max(4, int(width // advance)))


def render_code(
    scene: Scene,
    code: str,
    *,
    number: int,
    total: int,
    layout: Layout,
    out: Path,
    stage: int | None = None,
    steps: Sequence[int] = (),
) -> Path:
    """The code card. `steps` are the rows where each reveal step's part of the listing starts; `stage`
    k < len(steps) shows the rows before steps[k] (0: the empty panel), anything else the whole listing."""
    image, draw, y = titled(scene, number=number, total=total, layout=layout)
    lines = listing_lines(code) or [code.strip()]
    panel = _panel(layout, y, lines)
    if panel.columns < NARROW_COLUMNS:
        lines = listing_lines(code, indent=2) or lines
        panel = _panel(layout, y, lines)
    style = pygments_style(layout)
    language = guess_language("\n".join(lines))
    background = _hex(style.background_color)
    left, top, right, bottom = panel.box
    used = min(len(lines), panel.rows)
    while used > 1 and not lines[used - 1].strip():
        used -= 1  # a cut at a blank line ends the panel at the part before it
    bottom = min(bottom, panel.code_top + round(used * panel.size * LINE_HEIGHT) + panel.pad)
    radius = max(8, round(layout.unit * 0.018))
    _shadow(image, (left, top, right, bottom), radius)
    draw.rounded_rectangle((left, top, right - 1, bottom - 1), radius=radius, fill=background)
    _window_bar(draw, panel, language, style, top)
    rows = used if stage is None or stage >= len(steps) else min(used, steps[stage])
    _draw_code(draw, lines[:rows], panel, get_lexer_by_name(language), style)
    if rows == used == panel.rows and len(lines) > panel.rows:
        _fade_last_line(image, panel, background)
    centre_y = (panel.code_top + min(bottom, panel.code_top + panel.size * 8)) / 2
    return save_with_focus(image, out, (0.5, centre_y / layout.height))


def code_parts(code: str) -> list[int]:
    """Where each part of the listing starts (a row of `listing_lines`): parts are split by blank lines,
    at most MAX_CODE_PARTS of them (the last takes the rest)."""
    starts: list[int] = []
    blank = True
    for row, line in enumerate(listing_lines(code)):
        if line.strip() and blank:
            starts.append(row)
        blank = not line.strip()
    return starts[:MAX_CODE_PARTS] or [0]


def _shadow(image: Image.Image, box: tuple[int, int, int, int], radius: int) -> None:
    """A soft shadow under the panel, so it lifts off the background."""
    left, top, right, bottom = box
    blur = max(4, radius)
    margin = blur * 3
    mask = Image.new("L", (right - left + 2 * margin, bottom - top + 2 * margin), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (margin, margin + blur // 2, mask.width - margin, mask.height - margin + blur // 2), radius, fill=90
    )
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    shade = Image.new("RGB", mask.size, (0, 0, 0))
    image.paste(shade, (left - margin, top - margin), mask)


def _window_bar(draw: ImageDraw.ImageDraw, panel: _Panel, language: str, style: StyleMeta, top: int) -> None:
    left, _, right, _ = panel.box
    radius = max(4, round(panel.size * 0.22))
    centre_y = top + round(panel.pad * 0.6) + panel.bar // 2 - radius
    for index, colour in enumerate(WINDOW_DOTS):
        x = left + panel.pad + index * radius * 3.4
        draw.ellipse((x, centre_y, x + 2 * radius, centre_y + 2 * radius), fill=colour)
    if language != "text":
        font = mono_font(max(12, round(panel.size * 0.62)), 500)
        muted = _mix(_colour_of(style, Token.Text), _hex(style.background_color), 0.45)
        name = LANGUAGE_NAMES.get(language, get_lexer_by_name(language).name.lower())
        draw.text(
            (right - panel.pad - font.getlength(name), centre_y - radius * 0.4), name, font=font, fill=muted
        )


def _draw_code(
    draw: ImageDraw.ImageDraw, lines: list[str], panel: _Panel, lexer: Lexer, style: StyleMeta
) -> None:
    left = panel.box[0] + panel.pad
    advance = mono_font(panel.size).getlength("M")
    y = panel.code_top
    column = 0
    row = 0
    if not lines:
        return
    for token_type, value in lexer.get_tokens("\n".join(lines[: panel.rows])):
        for index, piece in enumerate(value.split("\n")):
            if index:
                row, column = row + 1, 0
                y = panel.code_top + round(row * panel.size * LINE_HEIGHT)
            if not piece or row >= panel.rows:
                continue
            room = panel.columns - column
            if room <= 0:
                continue
            cut = len(lines[row]) > panel.columns and column + len(piece) >= panel.columns
            text = (piece[: room - 1].rstrip() + "…") if cut else piece
            font, colour = _look(style, token_type, panel.size)
            draw.text((left + column * advance, y), text, font=font, fill=colour)
            column += len(text)


def _fade_last_line(image: Image.Image, panel: _Panel, background: Colour) -> None:
    """The last shown line fades into the panel: the listing goes on."""
    row_top = panel.code_top + round((panel.rows - 1) * panel.size * LINE_HEIGHT)
    height = round(panel.size * LINE_HEIGHT)
    left, right = panel.box[0] + 1, panel.box[2] - 1
    ramp = Image.linear_gradient("L").resize((right - left, height))
    cover = Image.new("RGB", ramp.size, background)
    image.paste(cover, (left, row_top), ramp.point(lambda value: round(value * 0.85)))


def _look(style: StyleMeta, token_type: _TokenType, size: int) -> tuple[ImageFont.FreeTypeFont, Colour]:
    found = style.style_for_token(token_type)
    font = mono_font(size, 700 if found["bold"] else 400, italic=bool(found["italic"]))
    return font, _colour_of(style, token_type)


def _colour_of(style: StyleMeta, token_type: _TokenType) -> Colour:
    found = style.style_for_token(token_type)["color"]
    if found:
        return _hex(found)
    plain = style.style_for_token(Token.Text)["color"] or ("abb2bf" if _is_dark(style) else "1f2328")
    return _hex(plain)


def _mix(colour: Colour, other: Colour, share: float) -> Colour:
    """`colour` with `share` of `other` mixed in."""
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(colour, other, strict=True))
    return red, green, blue


def _is_dark(style: StyleMeta) -> bool:
    red, green, blue = _hex(style.background_color)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 128


def _hex(value: str) -> Colour:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(character * 2 for character in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
