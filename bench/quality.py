"""What a viewer sees (issue 18): a visual for every scene, laid out for every shape, moving with the voice.

For each document it drafts a 60-second script through the public API (`draft_script`), speaks it with the
voice the renderer would pick, and designs every scene's stills at 16:9, 1:1 and 9:16 exactly as a render
does (`run.design_stills`), without encoding video. Then, judged here and not by the planner's own code:

- body scenes with a non-text visual: a picture, the source page, a chart or table, a code card or a diagram
  ("strict"); and counting key-number and definition cards too ("with cards"). Quotes and slides are text.
  Bar: ≥ 60 % (with cards) where the source has pictures or data — pictures, tables and listings, in the
  sections the body scenes narrate, enough for 60 % of them without showing one twice —; ≥ 1 scene a video
  otherwise;
- visuals unrelated to their narration: a shown block neither narrated by the scene nor in its section
  within 12 blocks, nor sharing two content words with it; a card or quote whose text is not said. Bar: 0;
- neighbouring scenes with the same layout (bar: 0) and a figure, table, listing or list shown twice;
- subtitle cues (SRT, as written next to the video): lines over 42 characters, cues over 2 lines, cues
  shorter than 5/6 s or longer than 7 s (the last cue of a scene may be shorter: nothing follows to join).
  Bar: 0 lines over 42;
- caption/content overlaps: the caption box against the content box, and against every still's drawn pixels
  (a pixel in the caption box that is not the theme's background), at each aspect. Bar: 0;
- longest unchanged still: the longest shot of the video as the renderer lays it out (`scene_shots`): a
  stretch with no new still (a bullet, a build step, the page's highlight) and no change of pace in its
  move — reported; VIDEO-STYLE asks for a change every 3–8 s.

Run: `PYTHONPATH=src .venv/bin/python bench/quality.py [--json out.json] [--only NAME]`. Exits 1 when a bar
fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from animagenius.pipeline.compose.cues import subtitle_cues, write_srt
from animagenius.pipeline.compose.render import (
    CROSSFADE_S,
    ZOOM,
    frame_aligned,
    scene_starts,
    scene_transitions,
    timeline_words,
)
from animagenius.pipeline.compose.shots import scene_shots
from animagenius.pipeline.domain import Scene, ScriptRequest, SourceDocument
from animagenius.pipeline.errors import NoContent
from animagenius.pipeline.run import design_stills, draft_script, read_sources
from animagenius.pipeline.script.analyse import content_words
from animagenius.pipeline.video import Aspect, RenderOptions
from animagenius.pipeline.visuals.card_text import definition, key_number
from animagenius.pipeline.visuals.planning import layout_of
from animagenius.pipeline.visuals.themes import THEMES
from animagenius.pipeline.visuals.zones import frame_zones
from animagenius.pipeline.voice.narrate import narrate
from animagenius.pipeline.voice.voices import voice_for_script

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
OWN = ROOT / "bench" / "documents"
DOCUMENTS = {
    "tracemonkey": CORPUS / "pdf" / "tracemonkey.pdf",
    "encyclopedia-pdfjs": OWN / "encyclopedia-pdfjs.pdf",
    "encyclopedia-pdfjs-html": OWN / "encyclopedia-pdfjs.html",
    "research-street-trees": OWN / "research-street-trees.pdf",
    "charts-deck": OWN / "charts-deck.pptx",
    "having-images-docx": CORPUS / "docx" / "having-images.docx",
    "pep-0008": OWN / "pep-0008.rst",
    "pdfjs-README": CORPUS / "text" / "pdfjs-README.md",
    "fr-viaduc-de-millau": OWN / "fr-viaduc-de-millau.md",
    "it-git": OWN / "it-git.md",
    "de-plattentektonik": OWN / "de-plattentektonik.md",
}
DURATION_S = 60
ASPECTS = (Aspect.LANDSCAPE, Aspect.SQUARE, Aspect.PORTRAIT)
PICTURES = {
    "figure",
    "image",
    "clip",
    "generated",
    "generated-clip",
    "page",
    "chart",
    "table",
    "code",
    "diagram",
}
CARDS = {"number", "definition"}
REUSABLE = {"page", "number", "definition", "quote"}
REACH_BLOCKS = 12
SHARE_BAR, MAX_LINE, MAX_LINES, MIN_CUE_S, MAX_CUE_S = 0.60, 42, 2, 5 / 6, 7.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", action="append", default=[], help="a document name (repeatable)")
    args = parser.parse_args()
    names = args.only or list(DOCUMENTS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="quality-") as temporary:
        for name in names:
            try:
                rows.append(measure(name, DOCUMENTS[name], Path(temporary) / name))
            except NoContent as nothing:  # the person is asked for a sentence about it: not a video yet
                print(f"{name:<26} nothing to narrate: {nothing}")
                continue
            print_row(rows[-1])
    failed = [f"{row['name']}: {problem}" for row in rows for problem in row["failures"]]
    print_summary(rows)
    if args.json:
        args.json.write_text(json.dumps({"date": date.today().isoformat(), "rows": rows}, indent=2))
    for problem in failed:
        print("FAIL", problem)
    return 1 if failed else 0


def measure(name: str, path: Path, workdir: Path) -> dict[str, Any]:
    workdir.mkdir(parents=True)
    document = read_sources([path], workdir=workdir)
    pick = voice_for_script(["piper"], language=_language(document))
    request = ScriptRequest(target_duration_s=DURATION_S, words_per_minute=pick.voice.words_per_minute)
    script = draft_script(document, request=request).script
    (workdir / "voice").mkdir()
    narrations = narrate(
        script.scenes, voice=pick.voice, workdir=workdir / "voice", on_fraction=lambda _: None
    )
    tracks = frame_aligned([n.track for n in narrations], fps=30, workdir=workdir / "aligned")
    body = [scene for scene in script.scenes if scene.role == "body"]
    showable = _showable_in_narrated_sections(document, body)
    has_material = showable >= math.ceil(SHARE_BAR * len(body))  # enough for 60 % without showing one twice
    row: dict[str, Any] = {
        "name": name,
        "scenes": len(script.scenes),
        "body": len(body),
        "kinds": [scene.visual.kind for scene in script.scenes],
        "has_pictures_or_data": has_material,
        "showable_in_sections": showable,
        "strict": sum(scene.visual.kind in PICTURES for scene in body),
        "with_cards": sum(scene.visual.kind in PICTURES | CARDS for scene in body),
        "unrelated": [_unrelated(scene, document) for scene in script.scenes],
        "same_layout_neighbours": _same_neighbours(script.scenes),
        "shown_twice": _shown_twice(script.scenes),
    }
    row["unrelated"] = [problem for problem in row["unrelated"] if problem]
    total = sum(track.duration_s for track in tracks)
    cues_written = subtitle_cues(timeline_words(tracks), until_s=total, language=script.language)
    srt = write_srt(cues_written, workdir / "video.srt")
    cues = _srt_cues(srt.read_text(encoding="utf-8"))
    row["cues"] = len(cues)
    row["lines_over_42"] = sum(len(line) > MAX_LINE for _, lines in cues for line in lines)
    row["cues_over_2_lines"] = sum(len(lines) > MAX_LINES for _, lines in cues)
    row["cues_out_of_time"] = sum(not MIN_CUE_S <= seconds <= MAX_CUE_S for seconds, _ in cues)
    row["overlaps"], row["longest_still_s"] = 0, 0.0
    for aspect in ASPECTS:
        options = RenderOptions(aspect=aspect)
        zones = frame_zones(options.size, aspect)
        row["overlaps"] += int(zones.content.intersects(zones.captions))
        folder = workdir / f"design-{aspect.value.replace(':', 'x')}"
        designed = design_stills(
            script, document, options, {}, tracks, folder=folder, on_fraction=lambda _: None
        )
        for scene_stills in designed:
            row["overlaps"] += sum(_draws_in_captions(still, options) for still in scene_stills.stills)
        shots = scene_shots(
            designed, scene_starts(tracks), sum(track.duration_s for track in tracks), fps=options.fps,
            transitions=scene_transitions(designed, options), transition_s=CROSSFADE_S, zoom_end=1 + ZOOM,
        )  # fmt: skip
        changes = [shot.first_frame for shot in shots] + [shots[-1].first_frame + shots[-1].frames]
        held = [(b - a) / options.fps for a, b in itertools.pairwise(changes)]
        row["longest_still_s"] = max(row["longest_still_s"], *held)
    row["share_strict"] = row["strict"] / max(1, row["body"])
    row["share_with_cards"] = row["with_cards"] / max(1, row["body"])
    row["failures"] = _failures(row)
    return row


_CLOCK = re.compile(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)")


def _srt_cues(text: str) -> list[tuple[float, list[str]]]:
    """Each cue of an SRT file: how long it shows, and its lines as a player draws them."""
    cues = []
    for entry in text.strip().split("\n\n"):
        lines = entry.splitlines()
        clock = _CLOCK.match(lines[1]) if len(lines) > 1 else None
        if clock is None:
            continue
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(part) for part in clock.groups())
        seconds = (h2 - h1) * 3600 + (m2 - m1) * 60 + (s2 - s1) + (ms2 - ms1) / 1000
        cues.append((seconds, lines[2:]))
    return cues


def _language(document: SourceDocument) -> str:
    from animagenius.pipeline.script.analyse import document_language

    return document_language(document)


def _unrelated(scene: Scene, document: SourceDocument) -> str:
    """Why the scene's visual is not about what it says, or "" when it is."""
    visual = scene.visual
    said = " ".join(scene.narration.split())
    if visual.kind == "number":
        found = key_number(said, "")
        return "" if found is not None else f"{scene.id}: a key-number card over narration with none"
    if visual.kind == "definition":
        return "" if definition(said, "") is not None else f"{scene.id}: a definition card over no definition"
    if visual.kind == "quote" and visual.text:
        quoted = set(content_words(visual.text))
        overlap = len(quoted & set(content_words(said))) / max(1, len(quoted))
        return "" if overlap >= 0.8 else f"{scene.id}: quotes what it does not say ({overlap:.0%})"
    if visual.block is None:
        return ""
    narrated = [index for index in scene.source_blocks if 0 <= index < len(document.blocks)]
    if visual.block in narrated:
        return ""
    shown = document.blocks[visual.block]
    if len(set(content_words(shown.text)) & set(content_words(said))) >= 2:
        return ""
    if any(_same_section(document, visual.block, index) <= REACH_BLOCKS for index in narrated):
        return ""
    return f"{scene.id}: shows block {visual.block} ({shown.kind}) far from what it says"


def _showable_in_narrated_sections(document: SourceDocument, body: list[Scene]) -> int:
    """Pictures, tables and listings in the sections (heading to heading) the body scenes narrate."""
    headings = [index for index, block in enumerate(document.blocks) if block.kind == "heading"]
    spans = set()
    for scene in body:
        for narrated in scene.source_blocks:
            start = max((h for h in headings if h <= narrated), default=0)
            end = min((h for h in headings if h > narrated), default=len(document.blocks))
            spans.add((start, end))
    return len(
        {
            index
            for start, end in spans
            for index in range(start, end)
            if document.blocks[index].kind in ("table", "code")
            or (document.blocks[index].kind == "figure" and document.blocks[index].image is not None)
        }
    )


def _same_section(document: SourceDocument, a: int, b: int) -> float:
    low, high = sorted((a, b))
    if any(block.kind == "heading" for block in document.blocks[low + 1 : high + 1]):
        return math.inf
    return high - low


def _same_neighbours(scenes: tuple[Scene, ...]) -> int:
    layouts = [layout_of(scene.visual, scene) for scene in scenes]
    return sum(a == b for a, b in itertools.pairwise(layouts))


_NAMED = re.compile(r"\b(fig(?:ure)?|table)s?\.?\s*\d+", re.I)


def _shown_twice(scenes: tuple[Scene, ...]) -> int:
    seen: set[int] = set()
    twice = 0
    for scene in scenes:
        block = scene.visual.block
        if block is None or scene.visual.kind in REUSABLE:
            continue
        if block in seen and not _NAMED.search(scene.narration):
            twice += 1
        seen.add(block)
    return twice


def _draws_in_captions(still: Path, options: RenderOptions) -> bool:
    """Whether the still draws anything in the caption box: pixels far from the background gradient."""
    theme = THEMES[options.theme]
    box = frame_zones(options.size, options.aspect).captions
    with Image.open(still) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    rows = np.linspace(0, 1, pixels.shape[0])[:, None]
    top, bottom = np.array(theme.background_top), np.array(theme.background_bottom)
    background = (top + (bottom - top) * rows)[box.top : box.bottom, None, :]
    region = pixels[box.top : box.bottom, box.left : box.right]
    return bool((np.abs(region - background).max(axis=2) > 40).mean() > 0.0005)


def _failures(row: dict[str, Any]) -> list[str]:
    failures = []
    if row["has_pictures_or_data"] and row["share_with_cards"] < SHARE_BAR:
        failures.append(f"{row['share_with_cards']:.0%} of body scenes with a non-text visual (bar 60 %)")
    if not row["has_pictures_or_data"] and row["with_cards"] < 1:
        failures.append("no body scene with a non-text visual (bar ≥ 1)")
    if row["unrelated"]:
        failures.append(f"unrelated visuals: {row['unrelated']}")
    if row["same_layout_neighbours"]:
        failures.append(f"{row['same_layout_neighbours']} neighbours share a layout")
    if row["lines_over_42"]:
        failures.append(f"{row['lines_over_42']} subtitle lines over 42 characters")
    if row["overlaps"]:
        failures.append(f"{row['overlaps']} caption/content overlaps")
    return failures


def print_row(row: dict[str, Any]) -> None:
    print(
        f"{row['name']:<26} body {row['body']:>2}  material {row['showable_in_sections']:>2}  "
        f"strict {row['share_strict']:>4.0%}  "
        f"cards {row['share_with_cards']:>4.0%}  unrelated {len(row['unrelated'])}  "
        f"same-layout {row['same_layout_neighbours']}  twice {row['shown_twice']}  "
        f">42 {row['lines_over_42']}/{row['cues']}  >2 lines {row['cues_over_2_lines']}  "
        f"off-time {row['cues_out_of_time']}  overlaps {row['overlaps']}  "
        f"still {row['longest_still_s']:.1f} s  {' '.join(row['kinds'])}",
        flush=True,
    )


def print_summary(rows: list[dict[str, Any]]) -> None:
    body = sum(row["body"] for row in rows)
    print(
        f"\nall: {body} body scenes, {sum(r['strict'] for r in rows) / max(1, body):.0%} strict, "
        f"{sum(r['with_cards'] for r in rows) / max(1, body):.0%} with cards; unrelated "
        f"{sum(len(r['unrelated']) for r in rows)}; lines over 42: {sum(r['lines_over_42'] for r in rows)}; "
        f"overlaps {sum(r['overlaps'] for r in rows)}; "
        f"longest still {max(r['longest_still_s'] for r in rows):.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
