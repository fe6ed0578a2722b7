"""bench/script.py's bars and printout: two tables, the summary of issue 17's figures with their bars, and
every finding with the sentence, bullet or term that shows it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from script_prose import DANGLING, cut_reasons, split_sentences
from script_quality import ARTICLE_LED

COVERAGE_BAR = 0.80
Row = dict[str, Any]


def _where(row: Row, scene: int | None = None) -> str:
    return f"{row['document']} @ {row['target_s']:g} s" + (f", scene {scene}" if scene else "")


def _bar(figure: str, bar: str, passed: bool) -> dict[str, Any]:
    return {"figure": figure, "bar": bar, "passed": passed}


def summary(rows: list[Row], deck: dict[str, Any] | None, *, decks: Iterable[str], tolerance: float) -> dict:
    """Issue 17's figures and issue 8's bars over all rows, each with PASS/FAIL."""
    done = [row for row in rows if "error" not in row]
    count: Callable[[str], int] = lambda key: sum(len(row[key]) for row in done)  # noqa: E731
    bullets = sum(row["bullets"] for row in done)
    flagged = [item for row in done for item in row["fragment_bullets"]]
    # a heading shown as a recap point opens with its article ("La conception"): a whole noun phrase
    article_led = sum(all(why.startswith(ARTICLE_LED) for why in item["why"]) for item in flagged)
    fragments = [item for item in flagged if not all(why.startswith(ARTICLE_LED) for why in item["why"])]
    # a script that says all the document has to say (short, with the writer's notice) cannot cover more
    covered = [
        row for row in done if row["term_coverage"] is not None and row["length"] != "short-with-notice"
    ]
    mean = sum(row["term_coverage"] for row in covered) / len(covered) if covered else 0.0
    reaching = sum(row["term_coverage"] >= COVERAGE_BAR for row in covered)
    due = [row for row in done if row["recap_due"]]
    framed = [row for row in done if row["framing"]["framing"]]
    in_language = sum(row["framing"]["ok"] for row in framed)
    deck_rows = [row for row in rows if row["document"] in decks]
    named = all(
        "error" not in row and row["charts"] and all(c["named"] for c in row["charts"]) for row in deck_rows
    )
    charts = [chart for row in deck_rows if "error" not in row for chart in row["charts"]]
    with_categories = sum(bool(chart["categories_said"]) for chart in charts)
    rendered = deck is not None and deck.get("rendered", False)
    video = "not rendered"
    if deck is not None:
        failed = f"FAILED ({deck.get('error', 'not 1280×720 with sound')})"
        made = f"rendered {deck.get('size')}, {deck.get('duration_s')} s, {deck.get('scenes')} scenes"
        video = made if rendered else failed
    within = sum(row["length"] == "within" for row in done)
    short = sum(row["length"] == "short-with-notice" for row in done)
    return {
        "template hooks": _bar(str(count("template_hooks")), "0", count("template_hooks") == 0),
        "debris tokens spoken": _bar(str(count("debris")), "0", count("debris") == 0),
        "fragment bullets": _bar(
            f"{len(fragments)} of {bullets} (besides {article_led} noun phrases that open with an article)",
            "0",
            not fragments,
        ),
        "key-term coverage of the top 10 terms": _bar(
            f"mean {mean:.0%}; {reaching} of {len(covered)} scripts ≥ {COVERAGE_BAR:.0%}, lowest "
            f"{min(row['term_coverage'] for row in covered):.0%}"
            if covered
            else "—",
            f"mean ≥ {COVERAGE_BAR:.0%}",
            mean >= COVERAGE_BAR,
        ),
        "recap present at ≥ 45 s": _bar(
            f"{sum(row['recap'] for row in due)} of {len(due)}", "100 %", all(row["recap"] for row in due)
        ),
        "template words in the document's language": _bar(
            f"{in_language} of {len(framed)} scripts", "100 %", in_language == len(framed)
        ),
        "chart-only deck → video": _bar(
            f"{len(deck_rows)} drafts, every chart named by its labels: {'yes' if named else 'NO'} "
            f"(by its categories too: {with_categories} of {len(charts)}); {video}",
            "yes",
            named and rendered,
        ),
        f"spoken length within ±{tolerance:.0%}": _bar(
            f"{within} of {len(done)} within, {short} short with notice, {len(done) - within - short} off",
            "none off",
            within + short == len(done),
        ),
        "unresolved pointers": _bar(str(count("bad_pointers")), "0", count("bad_pointers") == 0),
        "cut sentences": _bar(str(count("cut_sentences")), "0", count("cut_sentences") == 0),
        "drafts that raised": _bar(str(len(rows) - len(done)), "0", len(rows) == len(done)),
    }


# ---------------------------------------------------------------- printing


def _cell(value: Any, kind: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, list):
        return str(len(value))
    if kind == "%":
        return f"{value:.0%}"
    if kind == "×":
        return f"{value:g}×"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


LENGTH_COLUMNS = (
    ("document", "document", ""), ("lang", "language", ""), ("target s", "target_s", ""),
    ("scenes", "scenes", ""), ("est. s", "estimated_s", ""), ("spoken s", "spoken_s", ""),
    ("spoken/target", "spoken_ratio", ""), ("length", "length", ""), ("writer s", "writer_s", ""),
    ("ingest s", "ingest_s", ""), ("writer/ingest", "writer_over_ingest", "×"), ("TTS s", "tts_s", ""),
)  # fmt: skip
QUALITY_COLUMNS = (
    ("document", "document", ""), ("target s", "target_s", ""), ("hooks", "template_hooks", ""),
    ("debris", "debris", ""), ("fragments", "fragment_bullets", ""), ("bullets", "bullets", ""),
    ("key terms", "term_coverage", "%"), ("recap", "recap", ""), ("framing lang", "framing_ok", ""),
    ("on-screen debris", "debris_on_screen", ""), ("broken words", "broken_words", ""),
    ("cut", "cut_sentences", ""), ("dangling", "dangling_references", ""), ("bad ptrs", "bad_pointers", ""),
    ("Flesch", "flesch", ""), ("FK grade", "fk_grade", ""),
)  # fmt: skip


def _table(rows: list[Row], columns: tuple[tuple[str, str, str], ...]) -> None:
    print("| " + " | ".join(title for title, _, _ in columns) + " |")
    print("|---|" + "---:|" * (len(columns) - 1))
    for row in rows:
        if "error" in row:
            error = " ".join(row["error"].split()).replace("|", "/")[:200]
            print(f"| {row['document']} | {row['target_s']:g} | draft raised: {error} |")
            continue
        shown = row | {"framing_ok": row["framing"]["ok"] if row["framing"]["framing"] else None}
        if not row["recap_due"]:
            shown["recap"] = None
        print("| " + " | ".join(_cell(shown.get(key), kind) for _, key, kind in columns) + " |")


def print_report(
    rows: list[Row], deck: dict[str, Any] | None, bars: dict, *, run_s: float, synthesis_s: float
) -> None:
    print(
        f"# script writer benchmark, {os.cpu_count()} cores, {date.today()}: writer time / ingest time of the"
    )
    print("# same document in the same run; spoken = the renderer's voice + lead-in + pause per scene\n")
    _table(rows, LENGTH_COLUMNS)
    print()
    _table(rows, QUALITY_COLUMNS)
    print(f"\n## Issue 17's figures (run {run_s:.0f} s, of which speech synthesis {synthesis_s:.0f} s)\n")
    print("| figure | measured | bar | |\n|---|---|---|---|")
    for name, bar in bars.items():
        print(f"| {name} | {bar['figure']} | {bar['bar']} | {'PASS' if bar['passed'] else 'FAIL'} |")
    print_findings(rows, deck)


def _finding(what: str, row: Row, scene: int | None, evidence: str) -> None:
    print(f"- {what}, {_where(row, scene)}: {evidence}")


def print_findings(rows: list[Row], deck: dict[str, Any] | None) -> None:
    done = [row for row in rows if "error" not in row]
    print("\n## Findings (issue 17's bars)\n")
    for row in done:
        for hook in row["template_hooks"]:
            _finding(f"template hook ({'; '.join(hook['why'])})", row, hook["scene"], repr(hook["narration"]))
    for row in done:
        for item in row["debris"]:
            evidence = f"{item['kind']} {item['token']!r} in {item['sentence']!r}"
            _finding("debris spoken", row, item["scene"], evidence)
    for row in done:
        for item in row["fragment_bullets"]:
            if not all(why.startswith(ARTICLE_LED) for why in item["why"]):
                _finding(
                    "fragment bullet", row, item["scene"], f"{item['bullet']!r} ({'; '.join(item['why'])})"
                )
    for row in done:
        if row["term_coverage"] is not None and row["term_coverage"] < COVERAGE_BAR:
            terms = ", ".join(term["form"] for term in row["top_terms"])
            evidence = f"not said {', '.join(row['terms_missed'])} (top 10: {terms})"
            _finding(f"key terms {row['term_coverage']:.0%}", row, None, evidence)
    for row in done:
        _print_row_findings(row)
    if deck is not None and not deck.get("rendered"):
        print(f"- chart-only deck did not render to 720p with sound: {deck}")
    _print_unbarred(done)


def _print_row_findings(row: Row) -> None:
    if row["recap_due"] and not row["recap"]:
        _finding("no recap", row, None, f"scenes {', '.join(row['roles'])}")
    framing = row["framing"]
    if framing["framing"] and not framing["ok"]:
        evidence = (f"py3langid says {framing['detected']}; other phrase books: "
                    f"{framing['foreign'] or 'none'}; framing: {framing['framing']}")  # fmt: skip
        _finding(f"framing not in {framing['expected']}", row, None, evidence)
    for chart in row["charts"]:
        labels = f"block {chart['block']} (series {chart['series']}, categories {chart['categories'][:6]})"
        if not chart["named"]:
            _finding("chart not named by its labels", row, None, labels)
        elif not chart["categories_said"]:
            _finding("chart named by its series but by none of its categories", row, None, labels)
    if row["length"] != "within":
        evidence = (f"spoken {row['spoken_s']} s ({row['spoken_ratio']:.0%} of the target); "
                    f"notices: {row['notices'] or 'none'}")  # fmt: skip
        _finding(f"length {row['length']}", row, None, evidence)


def _print_unbarred(done: list[Row]) -> None:
    print("\n### Issue 8's checks, and what has no bar (debris on screen, broken words, visuals)\n")
    for row in done:
        for item in row["debris_on_screen"]:
            _finding("on screen", row, item["scene"], f"{item['kind']} {item['token']!r} in {item['text']!r}")
        for item in row["broken_words"]:
            _finding("broken word", row, item["scene"], f"{item['word']!r} in {item['sentence']!r}")
        for item in row["cut_sentences"]:
            _finding(f"cut sentence ({'; '.join(item['why'])})", row, item["scene"], repr(item["sentence"]))
        for item in row["dangling_references"]:
            _finding("dangling reference", row, item["scene"], repr(item["sentence"]))
        for pointer in row["bad_pointers"]:
            _finding("unresolved pointer", row, None, pointer)
        for visual in row["visuals_unrelated"]:
            _finding("visual unrelated to its narration", row, None, visual)


def print_script(name: str, written: Any, spoken: list[float], voice: Any) -> None:
    """One full script, scene by scene, in Markdown for pasting into notes."""
    script = written.script
    print(f"## {script.title} — {name}, target {script.target_duration_s:g} s (writer: {written.writer}, "
          f"language {script.language}, voice {voice.name})\n")  # fmt: skip
    print(
        f"estimate {script.estimated_duration_s} s, spoken {sum(spoken):.1f} s, {len(script.scenes)} scenes\n"
    )
    for notice in written.notices:
        print(f"notice: {notice}\n")
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
            if reasons := cut_reasons(sentence, english=script.language in ("en", "und")):
                print(f"  ⚠ cut ({'; '.join(reasons)}): {sentence!r}")
            if DANGLING.search(sentence):
                print(f"  ⚠ dangling reference: {sentence!r}")
        print()
