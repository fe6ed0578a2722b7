"""Quality of the script writer: length, traceability and prose of the scripts it drafts.

For each document × target length it drafts a script through the public API (`draft_script`), speaks every
scene with Piper the way the renderer lays out the audio (lead-in + speech + pause per scene), and checks:
the spoken length against the target (±10 %), that every pointer into the source resolves, that no sentence
is cut mid-way, dangling "Figure 3"/"see above" references, Flesch reading ease and Flesch–Kincaid grade, and
the share of scenes whose key terms occur in the blocks they point at. Writer time is shown against the
document's ingest time measured in the same run. Exits 1 if a quality bar fails (spoken length off by more
than 10 %, an unresolved pointer, a cut sentence, or a draft that raised).

Run: `.venv/bin/python bench/script.py [--json out.json]`;
one full script for notes: `.venv/bin/python bench/script.py --print-script pep-0572 60`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {
    "tracemonkey": "pdf/tracemonkey.pdf",
    "pep-0572": "text/pep-0572.rst",
    "pdfjs-README": "text/pdfjs-README.md",
}
TARGETS_S = (60.0, 180.0)
TOLERANCE = 0.10

# ---------------------------------------------------------------- sentences

_CLOSERS = "\"')]}”’»"
_BOUNDARY = re.compile(r"[.!?]+[" + re.escape(_CLOSERS) + r"]*\s+")
_ENDS_WELL = re.compile(r"[.!?][" + re.escape(_CLOSERS) + r"]*$")
_ABBREVIATIONS = {"e.g.", "i.e.", "etc.", "vs.", "cf.", "al.", "fig.", "figs.", "no.", "mr.", "mrs.", "dr."}
_DANGLING_WORDS = {
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "with", "for", "from", "in", "on", "at", "by",
    "into", "onto", "than", "as", "via", "its", "their", "our", "your", "whose", "is", "are", "was", "were",
}  # fmt: skip
_REFERENCE = re.compile(
    r"\b(?:fig(?:ure)?s?\.?|tables?|sections?|listings?|equations?|eq\.|appendix|chapter)\s*\(?\d+"
    r"|\b(?:see|shown|described|listed|mentioned|defined|discussed|given)\s+(?:above|below|earlier|later)\b"
    r"|\b(?:above|below|following|previous|next)\s+(?:figure|table|example|code|section|list|snippet|listing)",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """Split on . ! ? (plus closing quotes/brackets) followed by space, not after e.g./i.e./etc."""
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(text):
        words = text[start : match.start() + 1].split()
        if words and words[-1].lower() in _ABBREVIATIONS:
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def cut_reasons(sentence: str) -> list[str]:
    """Why a sentence looks cut mid-way (empty when it looks whole)."""
    reasons = []
    if not _ENDS_WELL.search(sentence):
        reasons.append("no end punctuation")
    first = sentence.lstrip(_CLOSERS + "([{“‘«").split()[0] if sentence.split() else ""
    # a first word that is not a plain word is a name ("pdf.js", "iOS", "access-nbody", "crypto-md5")
    name = any(not char.isalpha() for char in first.rstrip(".,;:!?")) or any(c.isupper() for c in first[1:])
    if first[:1].islower() and not name:
        reasons.append("starts lowercase")
    words = _words(sentence)
    if len(words) < 3:
        reasons.append("fewer than 3 words")
    if words and words[-1].lower() in _DANGLING_WORDS:
        reasons.append(f"ends on {words[-1]!r}")
    return reasons


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*", text)


# ---------------------------------------------------------------- readability

_SYLLABLE_EXCEPTIONS = {
    "the": 1, "every": 3, "everything": 4, "different": 3, "business": 2, "evening": 2, "area": 3,
    "idea": 3, "being": 2, "create": 2, "created": 3, "creating": 3, "creates": 2, "people": 2, "python": 2,
    "science": 2, "queue": 1, "toward": 2, "whether": 2, "likely": 2, "javascript": 3, "github": 2,
    "firefox": 3, "available": 4, "variable": 4, "variables": 4, "real": 1, "really": 2, "iterable": 4,
    "readme": 2, "use": 1, "used": 1, "uses": 2, "makes": 1, "takes": 1, "lines": 1, "times": 1,
    "something": 2, "sometimes": 2, "somewhere": 2, "more": 1, "before": 2, "therefore": 2, "where": 1,
    "there": 1, "here": 1, "were": 1, "one": 1, "once": 1, "anyone": 3, "someone": 2, "done": 1,
}  # fmt: skip
_SUFFIX_EXTRA = re.compile(r"(?:ia|io(?!n)|(?<![qg])ua|eo|ii|iu|ie(?!s$|d$|f|nd|w))")
_SILENT_INNER_E = re.compile(r"[aeiou][^aeiouy]e(?:ment|ly|ful|ness|less)s?$")


def syllables(word: str) -> int:
    """English syllables by vowel groups, with the usual silent-e / -ed / -es rules and a few exceptions.

    Acronyms are spelled out (PDF = 3), numbers cost one syllable per digit."""
    if word.isdigit() or re.fullmatch(r"\d+(?:[.,]\d+)*", word):
        return max(1, sum(char.isdigit() for char in word))
    if word.isupper() and 1 < len(word) <= 6:
        return len(word) + 2 * word.count("W")
    word = word.lower().replace("’", "'").split("'")[0]
    if word in _SYLLABLE_EXCEPTIONS:
        return _SYLLABLE_EXCEPTIONS[word]
    if len(word) <= 3:
        return 1
    stem = word
    if stem.endswith("es") and not re.search(r"(?:[sxz]|[cs]h|[cg])es$", stem):
        stem = stem[:-2] + "e" if not stem.endswith("ies") else stem[:-1]
    elif stem.endswith("ed") and not re.search(r"[td]ed$", stem):
        stem = stem[:-2]
    count = len(re.findall(r"[aeiouy]+", stem))
    if stem.endswith("e") and not re.search(r"(?:[^aeiouy]le|ee|ye)$", stem) and count > 1:
        count -= 1
    count += len(_SUFFIX_EXTRA.findall(stem)) - len(_SILENT_INNER_E.findall(stem))
    return max(1, count)


def readability(narration: str) -> dict[str, float]:
    """Flesch reading ease and Flesch–Kincaid grade of the whole narration."""
    sentences = split_sentences(narration)
    words = _words(narration)
    if not sentences or not words:
        return {"flesch": 0.0, "fk_grade": 0.0, "words_per_sentence": 0.0, "syllables_per_word": 0.0}
    per_sentence = len(words) / len(sentences)
    per_word = sum(syllables(word) for word in words) / len(words)
    return {
        "flesch": round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 1),
        "fk_grade": round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1),
        "words_per_sentence": round(per_sentence, 1),
        "syllables_per_word": round(per_word, 2),
    }


# ---------------------------------------------------------------- key terms

_STOP_TEXT = """
    a about above after again against all also although always among an and another any are aren't around
    as at back be became because become becomes been before being below between both but by can cannot could
    did do does doing done down during each either else even ever every few first for from further get gets
    got had has have having he her here hers herself him himself his how however i if in into is isn't it
    it's its itself just last least less let let's like made make makes many may me might more most much
    must my myself near need needs never new next no nor not now of off often on once one only onto or other
    others otherwise our ours ourselves out over own per perhaps rather same second see seen she should show
    shows since so some still such than that that's the their theirs them themselves then there there's
    these they this those though three through thus to together too two under until up upon us use used
    uses using very via was way ways we well were what when where whether which while who whom whose why
    will with within without would yet you your yours yourself yourselves"""
_STOP_WORDS = set(_STOP_TEXT.split())


def stem(word: str) -> str:
    """Lower case, no possessive, no plural s (simple, and the same on both sides of the comparison)."""
    word = word.lower().replace("’", "'")
    word = word.removesuffix("'s").strip("'")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def content_stems(text: str) -> list[str]:
    return [
        stem(word)
        for word in re.findall(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]", text)
        if len(word) >= 3 and word.lower() not in _STOP_WORDS and stem(word) not in _STOP_WORDS
    ]


def key_terms(narration: str, document_counts: Counter[str], how_many: int = 3) -> list[str]:
    """The scene's most salient content words: most frequent in the narration; ties go to the word rarer
    in the document. Words absent from the whole document are the script's own phrasing ("explained",
    "minute"), so among equals they rank last; then first use in the narration."""
    stems = content_stems(narration)
    frequency = Counter(stems)
    first_use = {word: stems.index(word) for word in frequency}

    def rank(word: str) -> tuple[int, int, int]:
        in_document = document_counts.get(word, 0)
        return (-frequency[word], in_document if in_document else sys.maxsize, first_use[word])

    return sorted(frequency, key=rank)[:how_many]


def scene_grounding(scene: Any, blocks: tuple[Any, ...], document_counts: Counter[str]) -> dict[str, Any]:
    """Key terms of one scene and which of them occur in its source blocks (and the block it shows)."""
    pointers = [*scene.source_blocks, *([scene.visual.block] if scene.visual.block is not None else [])]
    source = " ".join(blocks[index].text for index in pointers if 0 <= index < len(blocks))
    source_stems = set(content_stems(source)) | {stem(word) for word in re.findall(r"[A-Za-z]+", source)}
    terms = key_terms(scene.narration, document_counts)
    found = [term for term in terms if term in source_stems]
    return {"terms": terms, "found": found, "has_sources": bool(pointers)}


# ---------------------------------------------------------------- measuring


def bad_pointers(script: Any, block_count: int) -> list[str]:
    bad = []
    for number, scene in enumerate(script.scenes, start=1):
        bad += [f"scene {number}: source block {i}" for i in scene.source_blocks if not 0 <= i < block_count]
        block = scene.visual.block
        if block is not None and not 0 <= block < block_count:
            bad.append(f"scene {number}: visual block {block}")
    return bad


_LABEL = re.compile(r"^\s*(fig(?:ure)?|table)\.?\s*(\d+)", re.IGNORECASE)


def visuals_unrelated(script: Any, blocks: list[Any]) -> tuple[int, list[str]]:
    """Source visuals shown, and those unrelated to their scene: neither named in the paragraphs the
    narration comes from ("Figure 7 shows…") nor sharing two content words with the narration."""
    shown, unrelated = 0, []
    for number, scene in enumerate(script.scenes, start=1):
        visual = scene.visual
        if visual.block is None:
            continue
        shown += 1
        caption = blocks[visual.block].text
        label = _LABEL.match(caption)
        sources = " ".join(blocks[index].text for index in scene.source_blocks)
        named = bool(label) and re.search(rf"\b{label[1]}\w*\.?\s*{label[2]}\b", sources, re.IGNORECASE)
        shared = _content(caption) & _content(scene.narration)
        if not named and len(shared) < 2:
            unrelated.append(f"scene {number}: {visual.kind} of block {visual.block} ({caption[:60]!r})")
    return shown, unrelated


def _content(text: str) -> set[str]:
    return {stem(word) for word in re.findall(r"[A-Za-z]{4,}", text.lower()) if word not in _STOP_WORDS}


def timed(function: Any, *args: Any, repeat: int = 1, **kwargs: Any) -> tuple[Any, float]:
    """Result of the first call and the fastest of `repeat` calls, in seconds."""
    best, result = float("inf"), None
    for attempt in range(repeat):
        started = time.perf_counter()
        value = function(*args, **kwargs)
        best = min(best, time.perf_counter() - started)
        if attempt == 0:
            result = value
    return result, best


def read_document(path: Path, repeat: int) -> tuple[Any, float]:
    from animagenius.pipeline.ingest import ingest

    with tempfile.TemporaryDirectory() as assets:
        return timed(ingest, [path], assets_dir=Path(assets), isolated=False, repeat=repeat)


def write(document: Any, target_s: float, voice: Any, repeat: int) -> tuple[Any, float]:
    from animagenius.pipeline.domain import ScriptRequest
    from animagenius.pipeline.run import draft_script

    request = ScriptRequest(target_duration_s=target_s, words_per_minute=voice.words_per_minute)
    return timed(draft_script, document, request=request, repeat=repeat)


def speak(script: Any, voice: Any) -> tuple[list[float], float]:
    """Seconds each scene lasts in the video (lead-in + speech + pause, as the renderer lays it out)."""
    from animagenius.pipeline.domain import SCENE_LEAD_IN_S, SCENE_PAUSE_S

    started = time.perf_counter()
    seconds = [
        SCENE_LEAD_IN_S + voice.synthesize(scene.narration).duration_s + SCENE_PAUSE_S
        for scene in script.scenes
    ]
    return seconds, time.perf_counter() - started


def measure(name: str, document: Any, ingest_s: float, target_s: float, voice: Any, repeat: int) -> dict:
    row: dict[str, Any] = {"document": name, "target_s": target_s, "ingest_s": round(ingest_s, 4)}
    try:
        written, writer_s = write(document, target_s, voice, repeat)
    except Exception as error:  # the bench reports a writer that raises as a failed row, and goes on
        return {**row, "error": f"{type(error).__name__}: {error}", "passed": False}
    script = written.script
    spoken, tts_s = speak(script, voice)
    narration = " ".join(scene.narration for scene in script.scenes)
    sentences = [(n, s) for n, scene in enumerate(script.scenes, 1) for s in split_sentences(scene.narration)]
    cut = [{"scene": n, "sentence": s, "why": cut_reasons(s)} for n, s in sentences if cut_reasons(s)]
    dangling = [{"scene": n, "sentence": s} for n, s in sentences if _REFERENCE.search(s)]
    counts = Counter(stem(word) for block in document.blocks for word in re.findall(r"[A-Za-z]+", block.text))
    grounding = [scene_grounding(scene, document.blocks, counts) for scene in script.scenes]
    sourced = [g for g in grounding if g["has_sources"]]
    bad = bad_pointers(script, len(document.blocks))
    shown, unrelated = visuals_unrelated(script, document.blocks)
    actual_s = sum(spoken)
    row |= {
        "writer": written.writer,
        "estimated_s": script.estimated_duration_s,
        "estimated_ratio": round(script.estimated_duration_s / target_s, 3),
        "spoken_s": round(actual_s, 1),
        "spoken_ratio": round(actual_s / target_s, 3),
        "within_tolerance": abs(actual_s / target_s - 1) <= TOLERANCE,
        "scenes": len(script.scenes),
        "bad_pointers": bad,
        "visuals_shown": shown,
        "visuals_unrelated": unrelated,
        "sentences": len(sentences),
        "cut_sentences": cut,
        "dangling_references": dangling,
        **readability(narration),
        "scenes_with_sources": len(sourced),
        "key_terms_2_of_3": _share(sum(len(g["found"]) >= min(2, len(g["terms"])) for g in sourced), sourced),
        "key_terms_all": _share(sum(len(g["found"]) == len(g["terms"]) for g in sourced), sourced),
        "key_terms": [{"scene": n, **g} for n, g in enumerate(grounding, 1)],
        "scene_spoken_s": [round(s, 2) for s in spoken],
        "writer_s": round(writer_s, 4),
        "writer_over_ingest": round(writer_s / ingest_s, 1) if ingest_s > 0 else None,
        "tts_s": round(tts_s, 2),
    }
    row["passed"] = row["within_tolerance"] and not bad and not cut
    return row


def _share(hits: int, of: list[Any]) -> float | None:
    return round(hits / len(of), 3) if of else None


# ---------------------------------------------------------------- output

COLUMNS = (
    ("document", "document"), ("target s", "target_s"), ("est. s", "estimated_s"),
    ("est./target", "estimated_ratio"), ("spoken s", "spoken_s"), ("spoken/target", "spoken_ratio"),
    ("±10 %", "within_tolerance"), ("scenes", "scenes"), ("bad pointers", "bad_pointers"),
    ("visuals", "visuals_shown"), ("unrelated", "visuals_unrelated"), ("cut", "cut_sentences"),
    ("dangling refs", "dangling_references"), ("Flesch", "flesch"), ("FK grade", "fk_grade"),
    ("key terms ≥2/3", "key_terms_2_of_3"), ("all 3", "key_terms_all"), ("writer s", "writer_s"),
    ("ingest s", "ingest_s"), ("writer/ingest", "writer_over_ingest"), ("TTS s", "tts_s"),
)  # fmt: skip


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "pass" if value else "FAIL"
    if isinstance(value, list):
        return str(len(value))
    if key.startswith("key_terms"):
        return f"{value:.0%}"
    if key == "writer_over_ingest":
        return f"{value:g}×"
    if key == "target_s":
        return f"{value:g}"
    return str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"# script writer benchmark, {os.cpu_count()} cores, {date.today()} — writer time / ingest time of")
    print("# the same document in the same run; spoken = Piper speech + lead-in + pause per scene\n")
    print("| " + " | ".join(title for title, _ in COLUMNS) + " |")
    print("|---|" + "---:|" * (len(COLUMNS) - 1))
    for row in rows:
        if "error" in row:
            error = " ".join(row["error"].split()).replace("|", "/")[:200]
            print(f"| {row['document']} | {row['target_s']:g} | draft raised: {error} |")
            continue
        print("| " + " | ".join(_cell(key, row.get(key)) for _, key in COLUMNS) + " |")
    print("\nkey terms: share of scenes that point at source blocks whose 3 key terms (or ≥ 2 of them) occur")
    print("in those blocks; scenes without pointers:", end=" ")
    done = [row for row in rows if "error" not in row]
    unsourced = [f"{r['document']}@{r['target_s']:g}s {r['scenes'] - r['scenes_with_sources']}" for r in done]
    print(", ".join(unsourced))
    kinds = ("cut_sentences", "dangling_references")
    flagged = [(row, item) for row in rows for kind in kinds for item in row.get(kind, [])]
    off_source = [(row, visual) for row in rows for visual in row.get("visuals_unrelated", [])]
    if flagged or off_source or any(row.get("bad_pointers") for row in rows):
        print("\nfindings:")
    for row, item in flagged:
        why = "; ".join(item.get("why", [])) or "dangling reference"
        where = f"{row['document']} @ {row['target_s']:g} s, scene {item['scene']}"
        print(f"- {where} ({why}): {item['sentence']!r}")
    for row in rows:
        for pointer in row.get("bad_pointers", []):
            print(f"- {row['document']} @ {row['target_s']:g} s: unresolved {pointer}")
    for row, visual in off_source:
        print(f"- {row['document']} @ {row['target_s']:g} s: visual unrelated to the narration, {visual}")
    failed = [f"{row['document']}@{row['target_s']:g}s" for row in rows if not row["passed"]]
    print(f"\nquality bars: {'FAILED for ' + ', '.join(failed) if failed else 'all passed'}")


def print_script(name: str, document: Any, target_s: float, voice: Any) -> None:
    """One full script, scene by scene, in Markdown for pasting into notes."""
    written, _ = write(document, target_s, voice, repeat=1)
    script = written.script
    spoken, _ = speak(script, voice)
    print(f"## {script.title} — {name}, target {target_s:g} s (writer: {written.writer})\n")
    print(
        f"estimate {script.estimated_duration_s} s, spoken {sum(spoken):.1f} s, {len(script.scenes)} scenes\n"
    )
    for number, (scene, seconds) in enumerate(zip(script.scenes, spoken, strict=True), start=1):
        visual = scene.visual.kind + (
            f" of block {scene.visual.block}" if scene.visual.block is not None else ""
        )
        print(f"### {number}. [{scene.role}] {scene.title}")
        for bullet in scene.bullets:
            print(f"- {bullet}")
        print(f"\n> {scene.narration}\n")
        print(f"visual: {visual}; sources: {list(scene.source_blocks)}; "
              f"estimate {scene.estimated_s} s, spoken {seconds:.2f} s")  # fmt: skip
        for sentence in split_sentences(scene.narration):
            if reasons := cut_reasons(sentence):
                print(f"  ⚠ cut ({'; '.join(reasons)}): {sentence!r}")
            if _REFERENCE.search(sentence):
                print(f"  ⚠ dangling reference: {sentence!r}")
        print()


def _resolve(name: str, corpus: Path) -> tuple[str, Path]:
    for key, relative in DOCUMENTS.items():
        if name in (key, Path(relative).name, Path(relative).stem):
            return key, corpus / relative
    path = Path(name)
    if path.is_file():
        return path.stem, path
    raise SystemExit(f"unknown document {name!r}; choose one of {', '.join(DOCUMENTS)} or give a file path")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--json", type=Path, help="also write every figure, per scene, to this JSON file")
    parser.add_argument("--repeat", type=int, default=3, help="time ingest and writer as the best of N runs")
    parser.add_argument("--print-script", nargs=2, metavar=("DOC", "SECONDS"), help="print one full script")
    args = parser.parse_args()

    from animagenius.pipeline.providers.voices import VOICES

    voice = VOICES.create("piper")
    voice.synthesize("Warm up.")  # model load is not part of the TTS time
    if args.print_script:
        name, path = _resolve(args.print_script[0], args.corpus)
        document, _ = read_document(path, repeat=1)
        print_script(name, document, float(args.print_script[1]), voice)
        return 0
    rows = []
    for name, relative in DOCUMENTS.items():
        document, ingest_s = read_document(args.corpus / relative, repeat=args.repeat)
        rows += [measure(name, document, ingest_s, target, voice, args.repeat) for target in TARGETS_S]
    print_table(rows)
    if args.json:
        meta = {
            "date": str(date.today()),
            "cores": os.cpu_count(),
            "voice": voice.name,
            "tolerance": TOLERANCE,
        }
        args.json.write_text(json.dumps({"meta": meta, "runs": rows}, indent=2, ensure_ascii=False))
    return 0 if all(row["passed"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
