"""What each scene shows: the figure or table its narration names or narrates, else the nearest one about
the same thing, else a designed slide."""

from __future__ import annotations

import math
import re

from animagenius.pipeline.analyse import content_words
from animagenius.pipeline.domain import Block, SourceDocument, Visual
from animagenius.pipeline.script.fit import Part
from animagenius.pipeline.visuals.charts import chart_data

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
    return Visual(kind="chart" if chart_data(block.rows) else "table", block=chosen)


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
