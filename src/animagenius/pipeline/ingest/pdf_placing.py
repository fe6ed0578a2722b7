"""A PDF's figures and tables placed among its text in reading order, repeated pictures left out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from animagenius.pipeline.domain import Block, SourceDocument
from animagenius.pipeline.ingest.pdf_figures import PageExtra
from animagenius.pipeline.ingest.pictures import with_nearby_text, without_repeats

ANCHOR_CHARS = 30  # the end of the line above a figure, letters and digits only, is looked for in the text
MIN_ANCHOR_CHARS = 6  # shorter lines ("3", "(a)") would match anywhere
_NOT_ALNUM = re.compile(r"[\W_]+")


def with_page_extras(document: SourceDocument, extras: Sequence[PageExtra]) -> SourceDocument:
    """Each figure/table goes after the text block holding the line just above it on its page (at the top
    of the page when nothing is above it, after the page's text when that line is not found)."""
    if not extras:
        return document
    by_page: dict[int, list[Block]] = {}
    for block in document.blocks:
        by_page.setdefault(block.source.page or 0, []).append(block)
    pending: dict[int, list[PageExtra]] = {}
    for extra in extras:
        pending.setdefault(extra.page, []).append(extra)
    blocks: list[Block] = []
    for page in sorted(set(by_page) | set(pending)):
        if page in pending:
            blocks.extend(_placed(by_page.get(page, []), pending[page]))
        else:
            blocks.extend(by_page[page])
    kept = without_repeats(blocks, unit=lambda block: block.source.page)
    named = with_nearby_text(kept, same_unit=lambda figure, other: figure.source.page == other.source.page)
    return document.model_copy(update={"blocks": tuple(_with_some_text(block) for block in named)})


def _with_some_text(block: Block) -> Block:
    """A picture with no text anywhere near it on its page is still named, so it can be asked for."""
    if block.kind != "figure" or block.text:
        return block
    return block.model_copy(update={"text": f"Picture on page {block.source.page}"})


def _placed(text_blocks: list[Block], extras: list[PageExtra]) -> list[Block]:
    keys = [_key(block.text) for block in text_blocks]
    top: list[Block] = []
    after: dict[int, list[Block]] = {}
    end: list[Block] = []
    for extra in extras:
        if extra.follows == "":
            top.append(extra.block)
            continue
        anchor = _key(extra.follows or "")[-ANCHOR_CHARS:]
        found = next((n for n, key in enumerate(keys) if anchor in key), None)
        if extra.follows is None or len(anchor) < MIN_ANCHOR_CHARS or found is None:
            end.append(extra.block)
        else:
            after.setdefault(found, []).append(extra.block)
    placed = list(top)
    for index, block in enumerate(text_blocks):
        placed.append(block)
        placed.extend(after.get(index, []))
    return placed + end


def _key(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())
