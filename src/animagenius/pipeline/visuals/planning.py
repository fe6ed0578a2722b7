"""What each scene shows: for one part of the script, the figure or table its narration names or narrates,
else the nearest one about the same thing (`visual_for`, as the offline writer writes); for the whole
video, the most faithful visual of each scene with neighbours that differ (`plan_visuals`)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from animagenius.pipeline.domain import SOURCE_VISUALS, Block, Scene, Script, SourceDocument, Visual
from animagenius.pipeline.script.analyse import content_words
from animagenius.pipeline.script.fit import Part
from animagenius.pipeline.visuals.card_text import definition, key_number, sentences
from animagenius.pipeline.visuals.charts import block_chart

VISUAL_REACH_BLOCKS = 12  # a figure further than this from the narration is about something else

_CAPTION_LABEL = re.compile(r"^\s*(?P<kind>fig(?:ure)?|table)\.?\s*(?P<number>\d+)\b", re.I)
_FIGURE_MENTION = re.compile(r"\b(?P<kind>fig(?:ure)?|table)s?\.?\s*(?P<number>\d+)\b", re.I)


def visual_for(document: SourceDocument, part: Part) -> Visual:
    """A table the scene narrates the data of; else the figure or table its paragraphs name ("Figure 7
    shows…"); else the nearest one in the same section whose caption is about what the scene says."""
    if not part.picked:
        return Visual()
    narrated_data = next((c.block for c in part.picked if c.sentence.data), None)
    spoken = [c.block for c in part.picked]
    chosen = narrated_data if narrated_data is not None else _referenced(document, spoken)
    if chosen is None:
        first = min(c.block for c in part.candidates)
        last = min(max(c.block for c in part.candidates) + 3, len(document.blocks))
        narrated = set(content_words(" ".join(c.text for c in part.picked)))
        shown = [
            index
            for index in range(first, last)
            if _showable(document.blocks[index]) and _about(document.blocks[index], narrated)
        ]
        distance = {index: min(_distance(document, index, block) for block in spoken) for index in shown}
        chosen = min(shown, key=distance.__getitem__, default=None)
        if chosen is None or distance[chosen] > VISUAL_REACH_BLOCKS:
            return Visual()
    block = document.blocks[chosen]
    if block.kind == "figure":  # a scene of an uploaded video plays; other figures are shown still
        return Visual(kind="clip" if block.source.start_s is not None else "figure", block=chosen)
    return Visual(kind="chart" if block_chart(block) else "table", block=chosen)


def _distance(document: SourceDocument, shown: int, spoken: int) -> float:
    """Blocks between a picture and a narrated paragraph; a heading between them ends the connection."""
    low, high = sorted((shown, spoken))
    if any(block.kind == "heading" for block in document.blocks[low + 1 : high + 1]):
        return math.inf
    return high - low


def _referenced(document: SourceDocument, spoken: list[int]) -> int | None:
    labelled: dict[tuple[str, str], int] = {}
    for index, block in enumerate(document.blocks):
        label = _CAPTION_LABEL.match(block.text)
        if label and _showable(block):
            labelled.setdefault((label["kind"][:3].lower(), label["number"]), index)
    for narrated in dict.fromkeys(spoken):
        for mention in _FIGURE_MENTION.finditer(document.blocks[narrated].text):
            found = labelled.get((mention["kind"][:3].lower(), mention["number"]))
            if found is not None:
                return found
    return None


def _about(block: Block, narrated: set[str]) -> bool:
    """A picture nobody names is shown only when its caption shares words with what is said over it."""
    return len(narrated.intersection(content_words(block.text))) >= 2


def _showable(block: Block) -> bool:
    return (block.kind == "figure" and block.image is not None) or (
        block.kind == "table" and len(block.rows) >= 2
    )


# ---------------------------------------------------------------- the whole video's visuals

PDF_SUFFIXES = (".pdf",)
SLIDE_SUFFIXES = (".pptx",)
LIST_RUN_MIN = 3  # a diagram needs three items at least
EARLY_SHARE = 0.5  # a key number said later than this share of the scene's narration is not its card
QUOTE_OVERLAP = 0.8  # of a source sentence's words the narration says, for it to be quoted
MIN_QUOTE_CHARS, MAX_QUOTE_CHARS = 40, 180  # worth reading on screen, and read in a scene (17 chars/s)
MAX_LIST_RUN = 6


def plan_visuals(script: Script, document: SourceDocument) -> Script:
    """Every scene's visual, chosen across the whole video (../shared/DESIGN.md §2b).

    Each scene gets the most faithful visual its narration has: the source's own figure or photo, the source
    page with the passage, a chart or table of the source's data, a code card, a diagram of a list it
    narrates, a key-number or definition card, a plain card. Neighbouring scenes never share a layout, and a
    figure, table, listing or clip shown once is not shown again unless a later scene names it ("Figure 3").
    The writer's own choice comes first when it keeps to those rules."""
    candidates = [_candidates(scene, document) for scene in script.scenes]
    fixed = [_only_layout(scene, found) for scene, found in zip(script.scenes, candidates, strict=True)]
    shown: set[int] = set()
    previous = ""
    scenes = []
    for position, scene in enumerate(script.scenes):
        following = fixed[position + 1] if position + 1 < len(fixed) else None
        allowed = [
            visual
            for visual in candidates[position]
            if layout_of(visual, scene) != previous and _fresh(visual, scene, document, shown)
        ]
        chosen = next(
            (visual for visual in allowed if layout_of(visual, scene) != following),
            next(iter(allowed), Visual()),
        )
        if chosen.block is not None and chosen.kind not in ("page", "number", "definition", "quote"):
            shown.add(chosen.block)
        previous = layout_of(chosen, scene)
        scenes.append(scene if chosen == scene.visual else scene.model_copy(update={"visual": chosen}))
    return script.model_copy(update={"scenes": tuple(scenes)})


def _only_layout(scene: Scene, candidates: list[Visual]) -> str | None:
    """The layout a scene will have whatever comes before it, if it has no choice (a recap's slide)."""
    layouts = {layout_of(visual, scene) for visual in candidates}
    return layouts.pop() if len(layouts) == 1 else None


def layout_of(visual: Visual, scene: Scene) -> str:
    """What a viewer sees as the scene's layout: two neighbours with the same one look like one scene."""
    if visual.kind == "slide":
        return "title" if not scene.bullets else "recap" if scene.role == "recap" else "slide"
    if visual.kind in ("figure", "image", "generated"):
        return "picture"
    if visual.kind in ("clip", "generated-clip"):
        return "clip"
    return visual.kind


def _fresh(visual: Visual, scene: Scene, document: SourceDocument, shown: set[int]) -> bool:
    """Not shown before, or named again by this scene's narration ("as Figure 3 showed")."""
    if visual.block is None or visual.block not in shown or visual.kind in ("page", "number", "definition"):
        return True
    named = _referenced(document, list(scene.source_blocks)) == visual.block
    return named or bool(_mentions(scene.narration) & _labels_of(document.blocks[visual.block]))


def _candidates(scene: Scene, document: SourceDocument) -> list[Visual]:
    """The visuals the scene could show, most faithful first."""
    narrated = [index for index in scene.source_blocks if 0 <= index < len(document.blocks)]
    found: list[Visual] = []
    if scene.visual.kind != "slide":
        found.append(scene.visual)
    if scene.role == "body" and narrated:
        found += _pictures(document, narrated, scene.narration)
        found += _page(document, narrated, PDF_SUFFIXES)
        found += _data(document, narrated)
        found += _page(
            document, narrated, SLIDE_SUFFIXES
        )  # a slide is redrawn without its charts: after them
        found += _near(document, narrated, "code", lambda index: Visual(kind="code", block=index))
        found += _diagrams(document, narrated)
    if scene.role == "hook" and narrated:  # the source's lead picture opens the video
        found += _pictures(document, narrated, scene.narration)
    if scene.role in ("body", "hook"):
        found += _facts(scene, document, narrated)
    if scene.role in ("hook", "call_to_action") and narrated:  # the abstract, the conclusion, on their page
        found += _page(document, narrated, PDF_SUFFIXES + SLIDE_SUFFIXES)
    if scene.role in ("body", "call_to_action") and narrated:
        found += _quotes(scene, document, narrated)
    found.append(Visual())
    return found


def _pictures(document: SourceDocument, narrated: list[int], narration: str) -> list[Visual]:
    """Figures and photos in the narrated passage's section: named ones, then those about what is said, then
    those right beside the narrated text."""
    said = set(content_words(narration))
    referenced = _referenced(document, narrated)
    near = _near_indexes(document, narrated, lambda block: block.kind == "figure" and block.image is not None)
    chosen = [index for index in near if index == referenced or _about(document.blocks[index], said)]
    chosen += [index for index in near if index not in chosen and _gap(index, narrated) <= 2]
    return [
        Visual(kind="clip" if document.blocks[index].source.start_s is not None else "figure", block=index)
        for index in chosen
    ]


def _page(document: SourceDocument, narrated: list[int], suffixes: tuple[str, ...]) -> list[Visual]:
    """The PDF page or the slide (files ending in `suffixes`) the passage is on, its first narrated
    paragraph marked."""
    kept = {path.name: path.suffix.lower() for path in document.files}
    for index in narrated:
        block = document.blocks[index]
        suffix = kept.get(block.source.file, "")
        on_page = suffix in PDF_SUFFIXES and block.source.page is not None
        on_slide = suffix in SLIDE_SUFFIXES and block.source.slide is not None
        if suffix in suffixes and (on_page or on_slide) and block.kind not in ("heading", "table"):
            return [Visual(kind="page", block=index)]
    return []


def _data(document: SourceDocument, narrated: list[int]) -> list[Visual]:
    return _near(
        document,
        narrated,
        "table",
        lambda index: Visual(kind="chart" if block_chart(document.blocks[index]) else "table", block=index),
    )


def _near(
    document: SourceDocument, narrated: list[int], kind: str, visual: Callable[[int], Visual]
) -> list[Visual]:
    def wanted(block: Block) -> bool:
        return block.kind == kind and (kind != "table" or len(block.rows) >= 2) and bool(block.text.strip())

    return [visual(index) for index in _near_indexes(document, narrated, wanted)]


def _diagrams(document: SourceDocument, narrated: list[int]) -> list[Visual]:
    """A list of three items or more that the scene narrates."""
    starts = []
    for index in sorted(narrated):
        if document.blocks[index].kind != "list_item":
            continue
        first = index
        while first > 0 and document.blocks[first - 1].kind == "list_item":
            first -= 1
        run = 0
        while first + run < len(document.blocks) and document.blocks[first + run].kind == "list_item":
            run += 1
        if run >= LIST_RUN_MIN and first not in starts:
            starts.append(first)
    return [Visual(kind="diagram", block=first) for first in starts]


def _facts(scene: Scene, document: SourceDocument, narrated: list[int]) -> list[Visual]:
    """A key-number or a definition card, when the narration says one, pointing at the block it comes from."""
    found = []
    number, defined = key_number(scene.narration, ""), definition(scene.narration, "")
    if number is not None and not _said_early(scene.narration, number[0]):
        number = None  # the card would stand half empty until the voice gets to its number
    if number is not None:
        found.append(Visual(kind="number", block=_block_saying(document, narrated, number[0])))
    if defined is not None:
        found.append(Visual(kind="definition", block=_block_saying(document, narrated, defined[0])))
    return [visual for visual in found if visual.block is not None]


def _said_early(narration: str, shown: str) -> bool:
    """Whether the narration says the number `shown` ("25×", "≤10%") in its first half."""
    digits = re.search(r"\d[\d,.]*", shown)
    at = narration.find(digits.group().rstrip(",.")) if digits else -1
    return 0 <= at <= len(narration) * EARLY_SHARE


def _quotes(scene: Scene, document: SourceDocument, narrated: list[int]) -> list[Visual]:
    """The source's own words on screen: the longest sentence the scene says, as the source wrote it (the
    writer may have cleaned it for the ear: matched by its words)."""
    said = [set(content_words(sentence)) for sentence in sentences(scene.narration)]
    quoted = [
        (sentence, index)
        for index in narrated
        if document.blocks[index].kind in SOURCE_VISUALS["quote"]
        for sentence in sentences(" ".join(document.blocks[index].text.split()))
        if MIN_QUOTE_CHARS <= len(sentence) <= MAX_QUOTE_CHARS and _said(set(content_words(sentence)), said)
    ]
    longest = sorted(quoted, key=lambda pair: -len(pair[0]))[:1]
    return [Visual(kind="quote", block=index, text=sentence) for sentence, index in longest]


def _said(words: set[str], said: list[set[str]]) -> bool:
    return bool(words) and any(len(words & sentence) >= QUOTE_OVERLAP * len(words) for sentence in said)


def _block_saying(document: SourceDocument, narrated: list[int], said: str) -> int | None:
    """The narrated block that has `said` (a number's digits, a term) in it; else the first narrated one."""
    wanted = "".join(character for character in said if character.isalnum()).lower()
    for index in narrated:
        text = "".join(character for character in document.blocks[index].text if character.isalnum()).lower()
        if wanted and wanted in text:
            return index
    return narrated[0] if narrated else _first_text_block(document)


def _first_text_block(document: SourceDocument) -> int | None:
    return next(
        (index for index, block in enumerate(document.blocks) if block.kind in ("paragraph", "quote")), None
    )


def _near_indexes(
    document: SourceDocument, narrated: list[int], wanted: Callable[[Block], bool]
) -> list[int]:
    """Blocks for which `wanted` holds in the narrated passage's section, nearest first."""
    low = max(0, min(narrated) - VISUAL_REACH_BLOCKS)
    high = min(len(document.blocks), max(narrated) + VISUAL_REACH_BLOCKS + 1)
    distance = {
        index: min(_distance(document, index, spoken) for spoken in narrated)
        for index in range(low, high)
        if wanted(document.blocks[index])
    }
    return sorted(
        (index for index in distance if distance[index] <= VISUAL_REACH_BLOCKS), key=distance.__getitem__
    )


def _gap(index: int, narrated: list[int]) -> int:
    return min(abs(index - spoken) for spoken in narrated)


def _mentions(text: str) -> set[tuple[str, str]]:
    return {(m["kind"][:3].lower(), m["number"]) for m in _FIGURE_MENTION.finditer(text)}


def _labels_of(block: Block) -> set[tuple[str, str]]:
    label = _CAPTION_LABEL.match(block.text)
    return {(label["kind"][:3].lower(), label["number"])} if label else set()
