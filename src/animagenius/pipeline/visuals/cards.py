"""Cards: stills that say one thing big — a source listing (`code`), a key number (`number`) or a term and
its definition (`definition`) — in the theme, laid out for each frame shape, inside `layout.content`.

Each card appears in steps timed to the voice: `card_reveals` gives one narration phrase per step (the step
shows when that phrase is spoken) and `render_card(..., stage=k)` draws the card with its first k steps
shown (0: before anything appears; None: everything).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from animagenius.pipeline.domain import Block, Scene
from animagenius.pipeline.visuals.card_text import (
    definition,
    key_number,
    number_in,
    sentences,
    shortened,
    spoken_number,
)
from animagenius.pipeline.visuals.code_card import code_parts, listing_lines, render_code
from animagenius.pipeline.visuals.focus import save_with_focus
from animagenius.pipeline.visuals.icons import icon_for, icon_image, known_icon
from animagenius.pipeline.visuals.layout import Layout, background, header
from animagenius.pipeline.visuals.typeset import truncate, wrap

CARD_KINDS = ("code", "number", "definition")
CUE_WORDS = 4  # a cue is this many words of the narration from where the step is said
_NAME = re.compile(r"[A-Za-z_]\w{2,}")
_COMMENT = re.compile(r"(?:#|//).*$", re.M)
_KEYWORDS = frozenset(word.lower() for word in keyword.kwlist) | {
    "self",
    "print",
    "true",
    "false",
    "null",
    "none",
    "return",
    "function",
}


@dataclass(frozen=True)
class NumberCard:
    number: str
    label: str
    icon: str | None


@dataclass(frozen=True)
class DefinitionCard:
    term: str
    meaning: str
    icon: str | None


def has_card(scene: Scene, shown: Block | None) -> bool:
    """Whether the scene's card has something to show: a listing, a number, a term (else it is a slide)."""
    kind = scene.visual.kind
    if kind == "code":
        return shown is not None and bool(shown.text.strip())
    if kind == "number":
        block_text = shown.text if shown is not None else ""
        return number_in(scene.visual.text) is not None or key_number(scene.narration, block_text) is not None
    return kind == "definition"


def render_card(
    scene: Scene,
    shown: Block | None,
    *,
    number: int,
    total: int,
    layout: Layout,
    out: Path,
    stage: int | None = None,
) -> Path:
    """The still of a card scene (`scene.visual.kind` in CARD_KINDS) with its first `stage` steps shown."""
    kind = scene.visual.kind
    if kind == "code":
        code = shown.text if shown is not None else ""
        steps = [row for _, row in _code_steps(scene.narration, code)]
        return render_code(
            scene, code, number=number, total=total, layout=layout, out=out, stage=stage, steps=steps
        )
    if kind == "number":
        card = number_card(scene, shown)
        return _render_number(card, number=number, total=total, layout=layout, out=out, stage=stage)
    if kind == "definition":
        found = definition_card(scene, shown)
        return _render_definition(found, number=number, total=total, layout=layout, out=out, stage=stage)
    raise ValueError(f"{kind!r} is not a card kind ({', '.join(CARD_KINDS)})")


def number_card(scene: Scene, shown: Block | None) -> NumberCard:
    """What a number card shows: `visual.text`'s number if it has one, else the narration's and block's
    key number; the label from the rest of `visual.text` or the sentence around the number."""
    block_text = shown.text if shown is not None else ""
    given = number_in(scene.visual.text) if scene.visual.text.strip() else None
    found = key_number(scene.narration, block_text)
    if given is not None:
        number, label = given
        if not label and found is not None and found[0] == number:
            label = found[1]
    elif found is not None:
        number, label = found
    else:
        raise ValueError(f"scene {scene.title!r} holds no number to show (see has_card)")
    return NumberCard(number, label or scene.title, _icon(scene, (label, number), block_text))


def definition_card(scene: Scene, shown: Block | None) -> DefinitionCard:
    """What a definition card shows: the term (`visual.text`, else the subject of the defining sentence)
    and the defining clause; the scene's title and first sentence when nothing reads as a definition."""
    block_text = shown.text if shown is not None else ""
    term = scene.visual.text.strip()
    found = definition(scene.narration, block_text, term) or (
        definition(scene.narration, block_text) if not term else None
    )
    if found is not None:
        term, meaning = term or found[0], found[1]
    else:
        term, meaning = term or scene.title, shortened(block_text or scene.narration)
    return DefinitionCard(term, meaning, _icon(scene, (term,), block_text))


def _icon(scene: Scene, first: Sequence[str], block_text: str) -> str | None:
    if scene.visual.icon.strip() and (named := known_icon(scene.visual.icon)) is not None:
        return named
    return icon_for([*first, scene.title, *sentences(scene.narration), block_text[:300]])


def card_reveals(scene: Scene, shown: Block | None) -> tuple[str, ...]:
    """One cue per step of the card: the narration phrase whose being spoken reveals that step."""
    kind = scene.visual.kind
    if not has_card(scene, shown):
        return ()
    if kind == "number":
        card = number_card(scene, shown)
        spoken = spoken_number(scene.narration, card.number)
        return (_cue(scene.narration, spoken),)
    if kind == "definition":
        found = definition_card(scene, shown)
        term_cue = _cue(scene.narration, found.term)
        meaning_cue = _cue(scene.narration, " ".join(found.meaning.rstrip("…").split()[:3]), fallback=False)
        if meaning_cue and meaning_cue != term_cue:
            return (term_cue, meaning_cue)
        return (term_cue,)
    return tuple(cue for cue, _ in _code_steps(scene.narration, shown.text if shown is not None else ""))


def _code_steps(narration: str, code: str) -> list[tuple[str, int]]:
    """A listing in parts (split by blank lines) appears part by part, each when the narration names
    something first written in it (a name of three letters or more): each step's cue and first row. The
    parts after the last one named appear with it; a listing whose second part is not named is one step
    less than that: whole from the start (no steps)."""
    lines = listing_lines(code)
    starts = code_parts(code)
    spoken = [_plain(word) for word in narration.split()]
    ends = [*starts[1:], len(lines)]
    seen: set[str] = set()
    steps = [(" ".join(narration.split()[:CUE_WORDS]), starts[0])]
    position = 0
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        part = _COMMENT.sub("", "\n".join(lines[start:end]))
        names = [name.lower() for name in _NAME.findall(part)]
        fresh = [name for name in dict.fromkeys(names) if name not in seen and name not in _KEYWORDS]
        seen.update(names)
        if index == 0:
            continue
        said = [at for at in range(position, len(spoken)) if _said_in(spoken[at], fresh)]
        if not said:
            break
        position = said[0]
        steps.append((" ".join(narration.split()[position : position + CUE_WORDS]), start))
    return steps if len(steps) > 1 else []


def _said_in(word: str, names: list[str]) -> bool:
    """ "file.read()" or "chunk," in the narration says `chunk` / `read`."""
    return word in names or any(part in names for part in re.split(r"\W+", word) if part)


def _cue(narration: str, phrase: str | None, *, fallback: bool = True) -> str:
    """`CUE_WORDS` words of the narration from where `phrase` is said; its first words if it is not said
    (and `fallback`), else ""."""
    words = narration.split()
    if phrase:
        wanted = [_plain(word) for word in phrase.split()]
        plain = [_plain(word) for word in words]
        for start in range(len(words)):
            if plain[start : start + len(wanted)] == wanted:
                return " ".join(words[start : start + max(len(wanted), CUE_WORDS)])
    return " ".join(words[:CUE_WORDS]) if fallback else ""


def _plain(word: str) -> str:
    return word.lower().strip(" ,.;:!?\"“”'()")


def _card_frame(layout: Layout, *, number: int, total: int) -> tuple[Image.Image, ImageDraw.ImageDraw, int]:
    image = background(layout)
    draw = ImageDraw.Draw(image)
    return image, draw, header(draw, number=number, total=total, layout=layout)


def _fitted(
    text: str, layout: Layout, weight: int, *, start: int, smallest: int, max_lines: int
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font from `start` down to `smallest` that sets `text` in `max_lines` lines of the
    content's width; at the smallest, the lines that fit, the last ending in …"""
    size = start
    while True:
        font = layout.typeface(size, weight)
        lines = wrap(text, font, layout.text_width)
        if (len(lines) <= max_lines and all(font.getlength(line) <= layout.text_width for line in lines)) or (
            size <= smallest
        ):
            break
        size = max(smallest, round(size * 0.92))
    lines = [truncate(line, font, layout.text_width) for line in lines]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = truncate(f"{lines[-1]} …", font, layout.text_width, force=True)
    return font, lines


@dataclass(frozen=True)
class _Piece:
    """A run of centred lines, or an icon, stacked on the card; `step` is when it appears."""

    lines: tuple[str, ...]
    font: ImageFont.FreeTypeFont | None
    colour: tuple[int, int, int]
    step: int
    gap_after: int
    icon: str | None = None
    icon_size: int = 0
    figure: bool = False  # one line measured by its ink (a big number), its unit set smaller in the accent

    @property
    def line_height(self) -> int:
        return round(self.font.size * 1.15) if self.font is not None else 0

    @property
    def height(self) -> int:
        if self.icon is not None:
            return round(self.icon_size * 1.7)
        if self.figure and self.font is not None:
            _, top, _, bottom = self.font.getbbox(_split_unit(self.lines[0])[0])
            return round(bottom - top)
        return self.line_height * len(self.lines)


def _split_unit(number: str) -> tuple[str, str]:
    """ "25×" → ("25", "×"), "1,200 km" → ("1,200", " km"), "2008" → ("2008", "")."""
    match = re.match(r"^(.*\d)(\D*)$", number)
    return (match[1], match[2]) if match else (number, "")


def _stack(
    image: Image.Image, pieces: list[_Piece], *, top: int, layout: Layout, stage: int | None
) -> list[tuple[int, int]]:
    """Draw `pieces` centred in the content below `top`, the whole stack centred in the room left; the
    vertical extent of each piece."""
    draw = ImageDraw.Draw(image)
    needed = sum(piece.height + piece.gap_after for piece in pieces) - (pieces[-1].gap_after if pieces else 0)
    y = top + max(0, (layout.content_bottom - top - needed) // 2)
    centre = layout.content.centre_x
    extents = []
    for piece in pieces:
        shown = stage is None or piece.step <= stage
        if piece.icon is not None and shown:
            _draw_icon(image, piece, centre, y, layout)
        elif piece.figure and piece.font is not None and shown:
            _draw_figure(draw, piece, centre, y, layout)
        elif piece.font is not None and shown:
            for index, line in enumerate(piece.lines):
                width = piece.font.getlength(line)
                line_y = y + index * piece.line_height
                draw.text((centre - width / 2, line_y), line, font=piece.font, fill=piece.colour)
        extents.append((y, y + piece.height))
        y += piece.height + piece.gap_after
    return extents


def _draw_figure(draw: ImageDraw.ImageDraw, piece: _Piece, centre: int, top: int, layout: Layout) -> None:
    assert piece.font is not None
    main, unit = _split_unit(piece.lines[0])
    font = piece.font
    small = layout.typeface(max(layout.body_min, round(font.size * 0.56)), 700)
    gap = round(font.size * 0.04) if unit and not unit.startswith(" ") else 0
    width = font.getlength(main) + gap + small.getlength(unit)
    x = centre - width / 2
    baseline = top - font.getbbox(main)[1] + font.getmetrics()[0]
    draw.text((x, baseline), main, font=font, fill=piece.colour, anchor="ls")
    if unit:
        draw.text(
            (x + font.getlength(main) + gap, baseline),
            unit,
            font=small,
            fill=layout.theme.accent,
            anchor="ls",
        )


def _draw_icon(image: Image.Image, piece: _Piece, centre: int, top: int, layout: Layout) -> None:
    assert piece.icon is not None
    disc = piece.height
    accent = layout.theme.accent
    halo = Image.new("RGBA", (disc, disc), (0, 0, 0, 0))
    ImageDraw.Draw(halo).ellipse((0, 0, disc - 1, disc - 1), fill=(*accent, 56))
    glyph = icon_image(piece.icon, piece.icon_size, accent)
    offset = (disc - piece.icon_size) // 2
    halo.alpha_composite(glyph, (offset, offset))
    image.paste(halo, (centre - disc // 2, top), halo)


def _icon_pieces(icon: str | None, size: int, *, gap: int, layout: Layout) -> list[_Piece]:
    """The card's icon on its disc, shown from the start; none if the card has no icon."""
    return [_Piece((), None, layout.theme.accent, 0, gap, icon, size)] if icon else []


def _render_number(
    card: NumberCard, *, number: int, total: int, layout: Layout, out: Path, stage: int | None
) -> Path:
    image, _, top = _card_frame(layout, number=number, total=total)
    theme, room = layout.theme, layout.content_bottom - top
    label_size = max(layout.body_min, round(layout.title_min * 0.72))
    number_font, number_lines = _fitted(
        card.number, layout, 800, start=round(room * 0.36), smallest=layout.title_min, max_lines=1
    )
    label_font, label_lines = _fitted(
        card.label, layout, theme.body_weight + 50, start=label_size, smallest=layout.body_min, max_lines=2
    )
    pieces = [
        *_icon_pieces(card.icon, round(room * 0.13), gap=round(room * 0.07), layout=layout),
        _Piece(tuple(number_lines), number_font, theme.title, 1, round(room * 0.07), figure=True),
        _Piece(tuple(label_lines), label_font, theme.body, 1, 0),
    ]
    extents = _stack(image, pieces, top=top, layout=layout, stage=stage)
    number_top, number_bottom = extents[-2]
    return save_with_focus(image, out, (0.5, (number_top + number_bottom) / 2 / layout.height))


def _render_definition(
    card: DefinitionCard, *, number: int, total: int, layout: Layout, out: Path, stage: int | None
) -> Path:
    image, draw, top = _card_frame(layout, number=number, total=total)
    theme, room = layout.theme, layout.content_bottom - top
    term_size = round(layout.title_min * 1.35)
    term_font, term_lines = _fitted(
        card.term, layout, theme.title_weight, start=term_size, smallest=layout.title_min, max_lines=2
    )
    rule = max(4, layout.unit // 160)
    for most in range(3 if layout.width >= layout.height else 4, 0, -1):  # fewer lines until all fits
        meaning_font, meaning_lines = _fitted(
            card.meaning, layout, theme.body_weight, start=round(layout.body_min * 1.2),
            smallest=layout.body_min, max_lines=most,
        )  # fmt: skip
        pieces = [
            *_icon_pieces(card.icon, round(room * 0.11), gap=round(room * 0.04), layout=layout),
            _Piece(tuple(term_lines), term_font, theme.title, 1, round(room * 0.09) + rule),
            _Piece(tuple(meaning_lines), meaning_font, theme.body, 2, 0),
        ]
        if sum(piece.height + piece.gap_after for piece in pieces) <= room:
            break
        pieces = pieces[-2:] if card.icon else pieces  # the icon goes before the definition does
        if sum(piece.height + piece.gap_after for piece in pieces) <= room:
            break
    steps = 2 if stage is None else stage
    extents = _stack(image, pieces, top=top, layout=layout, stage=stage)
    term_top, term_bottom = extents[-2]
    if steps >= 1:  # the accent rule under the term
        half = round(layout.unit * 0.04)
        y = term_bottom + round(room * 0.03)
        centre = layout.content.centre_x
        draw.rectangle((centre - half, y, centre + half, y + rule), fill=theme.accent)
    return save_with_focus(image, out, (0.5, (term_top + term_bottom) / 2 / layout.height))
