"""The person's own words about their files, and what to tell them when there is nothing to narrate.

Photos and silent clips have no words of their own. A person says what they show in "About these files"
(the studio's field, the API's `about`, `--about` on the command line); `with_about` puts that text first in
the document, as paragraphs traceable to `ABOUT`, so the writer narrates it and shows the files beside it.
`show_described` then puts the described photos and clips on the scenes that would show a plain slide.
When no narratable sentence is found anyway, `nothing_to_narrate` says what was uploaded and what to add.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from animagenius.pipeline.domain import Block, Provenance, Script, SourceDocument, Visual
from animagenius.pipeline.errors import InvalidOption, NoContent

ABOUT = Provenance(file="your description")
"""Where blocks from the person's own text say they came from."""
MAX_ABOUT_CHARS = 3000
"""A few paragraphs: what the files show, not a document of its own (paste that as text instead)."""
PASTED_TEXT_FILE = "pasted-text.md"
"""The name pasted text is stored and read under."""
WHERE_TO_ADD = "in “About these files” (the API's `about` field, `--about` on the command line)"
_ASK = f"in a sentence or two {WHERE_TO_ADD}"

_MEDIA_NOUN = {"image": ("photo", "photos"), "video": ("clip", "clips"), "audio": ("recording", "recordings")}
_WANTING = {  # what a file lacks: nothing at all, or too little to make one sentence of
    "image": ("no words", "too few words"),
    "video": ("no speech", "too little speech"),
    "audio": ("no speech", "too little speech"),
}


def about_check(about: str) -> str:
    """`about` with its line breaks normalised and ends trimmed; InvalidOption if it is too long."""
    text = about.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_ABOUT_CHARS:
        raise InvalidOption(
            f"the description of your files is {len(text):,} characters long; keep it to {MAX_ABOUT_CHARS:,} "
            "(a few sentences on what they show), or upload a longer text as a document of its own"
        )
    return text


def with_about(document: SourceDocument, about: str) -> SourceDocument:
    """`document` with the person's text about it as its first paragraphs (unchanged if `about` is blank).

    Paragraphs are separated by blank lines; a line that ends without punctuation before a line starting
    with a capital is a sentence of its own ("A red rose\\nIt grows by the door"), and every paragraph ends
    in a full stop, so a terse description is still narrated as whole sentences.
    """
    paragraphs = _paragraphs(about_check(about))
    if not paragraphs:
        return document
    blocks = tuple(Block(kind="paragraph", text=text, source=ABOUT) for text in paragraphs)
    return document.model_copy(update={"blocks": (*blocks, *document.blocks)})


def _paragraphs(text: str) -> list[str]:
    found = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        # a line ends its sentence when the next one starts with a capital; the last line always does
        ends = [following[:1].isupper() for following in lines[1:]] + [True]
        found.append(" ".join(_ended(line) if end else line for line, end in zip(lines, ends, strict=True)))
    return found


def _ended(line: str) -> str:
    return line if line[-1] in ".!?" else f"{line.rstrip(' ,;:…')}."


def show_described(script: Script, document: SourceDocument) -> Script:
    """The photos and clips a person described, shown on the scenes that would show a plain slide.

    A writer shows a picture when its caption shares words with the narration, and a photo's caption is its
    file name: without this, the very files the description is about might never be seen. Each photo, and
    each scene of a clip, that no scene shows yet goes, in upload order, to the next scene that shows a
    plain slide and narrates the description or only frames the video (a hook or closing line of its own).
    """
    about = {index for index, block in enumerate(document.blocks) if block.source == ABOUT}
    if not about:
        return script
    described = _media_kinds(document)
    shown = {scene.visual.block for scene in script.scenes}
    waiting = [
        index
        for index, block in enumerate(document.blocks)
        if block.kind == "figure" and block.image is not None and block.source.file in described
        if index not in shown
    ]
    scenes = []
    for scene in script.scenes:
        narrates = not scene.source_blocks or about.intersection(scene.source_blocks)
        if waiting and scene.visual.kind == "slide" and narrates:
            index = waiting.pop(0)
            kind = "clip" if document.blocks[index].source.start_s is not None else "figure"
            scene = scene.model_copy(update={"visual": Visual(kind=kind, block=index)})
        scenes.append(scene)
    return script.model_copy(update={"scenes": tuple(scenes)})


def nothing_to_narrate(document: SourceDocument) -> NoContent:
    """The refusal for a document with no sentence to narrate: what was uploaded, and exactly what to add."""
    files = list(dict.fromkeys(block.source.file for block in document.blocks if block.source != ABOUT))
    if any(block.source == ABOUT for block in document.blocks):
        shows = f" saying what {_listed(files)} {'shows' if len(files) == 1 else 'show'}" if files else ""
        return NoContent(
            f"the text in “About these files” is too short to narrate: write a sentence or two of five words "
            f"or more{shows}, each ending in a full stop"
        )
    if files == [PASTED_TEXT_FILE] or files == ["pasted text"]:
        return NoContent(
            "the pasted text has no complete sentences to narrate: write a few sentences of five words or "
            "more, each ending in a full stop"
        )
    kinds = _media_kinds(document)
    if files and all(name in kinds for name in files):
        return NoContent(_media_message(document, files, kinds))
    return NoContent(
        f"{_listed(files) or 'the document'} {'has' if len(files) <= 1 else 'have'} no complete sentences "
        f"to narrate (only headings, pictures, tables or short phrases): add a sentence or two about "
        f"{'it' if len(files) <= 1 else 'them'} {WHERE_TO_ADD}, or upload a version with prose"
    )


def _media_message(document: SourceDocument, files: Sequence[str], kinds: dict[str, str]) -> str:
    """Photos, clips and recordings: "flower.jpg is a photo with no words to narrate: describe …"."""
    used = {kinds[name] for name in files}
    one = len(files) == 1
    spoken = {block.source.file for block in document.blocks if block.kind != "figure"}
    some = any(name in spoken for name in files)  # a few words were read or heard, but not one sentence
    if len(used) > 1:
        return f"{_listed(files)} have {_WANTING['image'][some]} to narrate: {_describe('image', one)} {_ASK}"
    kind = next(iter(used))
    noun = _MEDIA_NOUN[kind][0 if one else 1]
    what = f"{'is a' if one else 'are'} {noun} with {_WANTING[kind][some]} to narrate"
    return f"{_listed(files)} {what}: {_describe(kind, one)} {_ASK}"


def _describe(kind: str, one: bool) -> str:
    if kind == "audio":
        return f"say what {'it is' if one else 'they are'} about"
    if kind == "video":
        return f"describe what happens in {'it' if one else 'them'}"
    return f"describe what {'it shows' if one else 'they show'}"


def _media_kinds(document: SourceDocument) -> dict[str, str]:
    """Uploaded file name → "image", "video" or "audio", for the files that are media themselves."""
    kinds: dict[str, str] = {media.path.name: media.kind for media in document.media if media.kind != "image"}
    pictures = {media.path for media in document.media if media.kind == "image"}
    for block in document.blocks:
        if block.image is not None and block.image in pictures:  # a photo's media is its normalised copy
            kinds[block.source.file] = "image"
    return kinds


def _listed(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    shown = list(names[:3]) + ([f"{len(names) - 3} more"] if len(names) > 3 else [])
    return f"{', '.join(shown[:-1])} and {shown[-1]}"
