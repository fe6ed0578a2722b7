"""The narration voice: speed, memory, and whether the captions are on the words.

1. TTS real-time factor (synthesis seconds / audio seconds) of Piper at 0.75×, 1× and 1.5× and of espeak-ng,
   over every scene of three drafted scripts; a second `narrate` of the same scenes from the cache is timed
   against the first.
2. Peak RSS of a process with the voice loaded (after one sentence), against a bare python process.
3. Caption accuracy: for three scripts (pep-0020, pep-0572, pdfjs-README, drafted at 45 s through
   `draft_script`), the full video is rendered with `run()` (Piper, captions on); our transcriber (below)
   transcribes the rendered file, and the start of every word it heard is compared with the
   start of the same word in our timeline (`timeline_words` of the cached narration: what captions are made
   from). Words are paired by aligning the two word sequences (difflib, on lowercase letters and digits).
   Reference in the same run: the same comparison with each scene's words spread evenly over its speech.
   espeak-ng is measured the same way on its narration alone (scene WAVs joined as the renderer joins them).
   Our transcriber is Whisper (tiny.en) for the words, pocketsphinx forced alignment of each segment's words
   for their starts, and the audio's pauses for words after a silence (`providers/local/whisper.py`); the
   same figures against Whisper alone (its attention-based word times) are shown beside them, and for words
   that do not follow a pause. A check that needs no model: for words after a pause, our start against
   where the sound starts in the audio (10 ms mean level above 0.02).
   Bars: median |Δ| ≤ 80 ms and 95th percentile ≤ 200 ms for Piper, the default voice (the exit status).

Run: `.venv/bin/python bench/voice.py [--json out.json]`. Exits 1 when a bar fails.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {
    "pep-0020": "text/pep-0020.rst",
    "pep-0572": "text/pep-0572.rst",
    "pdfjs-README": "text/pdfjs-README.md",
}
TARGET_S = 45
MEDIAN_BAR_S, P95_BAR_S = 0.080, 0.200
PAUSE_S = 0.15  # a word after at least this much silence "follows a pause"
ONSET_WINDOW_S, ONSET_LEVEL = 0.01, 0.02  # 10 ms mean |sample| above 0.02 full scale: the sound has started
SPEEDS = (0.75, 1.0, 1.5)

_RSS_CHILD = r"""
import re, sys
if sys.argv[1] != "bare":
    from animagenius.pipeline.voice.voices import VOICES
    VOICES.create(sys.argv[1]).synthesize("Beautiful is better than ugly.")
# VmHWM, not ru_maxrss: ru_maxrss keeps the peak of the forked parent from before exec
with open("/proc/self/status") as status:
    print(re.search(r"VmHWM:\s+(\d+) kB", status.read()).group(1))
"""


# ---------------------------------------------------------------- scripts


def draft(path: Path, words_per_minute: float) -> Any:
    from animagenius.pipeline.domain import ScriptRequest
    from animagenius.pipeline.ingest import ingest
    from animagenius.pipeline.run import draft_script

    with tempfile.TemporaryDirectory() as assets:
        document = ingest([path], assets_dir=Path(assets), isolated=False)
    request = ScriptRequest(target_duration_s=TARGET_S, words_per_minute=words_per_minute)
    return document, draft_script(document, request=request).script


# ---------------------------------------------------------------- speed and memory


def real_time_factor(voice: Any, scenes: list[Any], speed: float) -> dict[str, float]:
    synthesis_s = audio_s = 0.0
    for scene in scenes:
        started = time.perf_counter()
        speech = voice.synthesize(scene.narration, speed=speed)
        synthesis_s += time.perf_counter() - started
        audio_s += speech.duration_s
    return {
        "synthesis_s": round(synthesis_s, 3),
        "audio_s": round(audio_s, 2),
        "rtf": round(synthesis_s / audio_s, 4),
    }


def cache_speedup(voice: Any, scenes: tuple[Any, ...]) -> dict[str, float]:
    from animagenius.pipeline.voice.narrate import narrate

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        timings = []
        for run in ("first", "again"):
            (root / run).mkdir()
            started = time.perf_counter()
            narrate(
                scenes, voice=voice, workdir=root / run, on_fraction=lambda _: None, cache_dir=root / "cache"
            )
            timings.append(time.perf_counter() - started)
    return {
        "first_s": round(timings[0], 3),
        "cached_s": round(timings[1], 4),
        "ratio": round(timings[1] / timings[0], 4),
    }


def peak_rss_mb(voice_name: str) -> float:
    completed = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, voice_name],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return int(completed.stdout.strip()) / 1024


# ---------------------------------------------------------------- caption accuracy


@dataclass(frozen=True)
class Transcribers:
    ours: Any  # the product's: Whisper's words, each segment forced-aligned, starts after a pause snapped
    whisper_alone: Any  # the same model without the forced alignment, for comparison


def comparable(word: str) -> str:
    return re.sub(r"[^0-9a-z]", "", word.lower())


def start_errors(ours: list[Any], heard: list[Any]) -> list[tuple[float, int]]:
    """(our start − heard start, our word's index) for every word both share, paired by alignment."""
    a, b = [comparable(w.word) for w in ours], [comparable(w.word) for w in heard]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    errors = []
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            if a[block.a + offset]:
                index = block.a + offset
                errors.append((ours[index].start_s - heard[block.b + offset].start_s, index))
    return errors


def after_pause(words: list[Any], index: int) -> bool:
    """The word follows a silence (scene change, sentence end) in our timings."""
    gap = words[index].start_s - (words[index - 1].end_s if index else 0.0)
    return gap >= PAUSE_S


def evenly_spread(tracks: list[Any]) -> list[Any]:
    """The reference: each scene's words spread evenly between its first start and last end."""
    from animagenius.pipeline.compose.render import scene_starts
    from animagenius.pipeline.domain import WordTiming

    words = []
    for start, track in zip(scene_starts(tracks), tracks, strict=True):
        first, last, count = track.words[0].start_s, track.words[-1].end_s, len(track.words)
        step = (last - first) / count
        words += [
            WordTiming(word=w.word, start_s=start + first + i * step, end_s=start + first + (i + 1) * step)
            for i, w in enumerate(track.words)
        ]
    return words


def onset_errors(tracks: list[Any]) -> list[float]:
    """|our start − where the sound starts| for words after a silence, where the onset is plain to see."""
    errors = []
    for track in tracks:
        with wave.open(str(track.audio), "rb") as wav:
            rate = wav.getframerate()
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32768
        window = round(ONSET_WINDOW_S * rate)
        envelope = np.convolve(np.abs(samples), np.ones(window) / window, mode="same")
        words = list(track.words)
        for index, word in enumerate(words):
            if not after_pause(words, index):
                continue
            begin = max(0, round((word.start_s - PAUSE_S / 2) * rate))
            loud = np.flatnonzero(envelope[begin : round((word.start_s + PAUSE_S) * rate)] > ONSET_LEVEL)
            if loud.size:
                errors.append(abs(word.start_s - (begin + int(loud[0])) / rate))
    return errors


def summary(errors: list[tuple[float, int]], ours: list[Any]) -> dict[str, Any]:
    absolute = [abs(error) for error, _ in errors]
    flowing = [abs(error) for error, index in errors if not after_pause(ours, index)]
    return {
        "matched": len(errors),
        "median_ms": _ms(np.median(absolute)),
        "p95_ms": _ms(np.percentile(absolute, 95)),
        "bias_ms": _ms(np.median([error for error, _ in errors])),
        "not_after_pause": len(flowing),
        "not_after_pause_median_ms": _ms(np.median(flowing)),
        "not_after_pause_p95_ms": _ms(np.percentile(flowing, 95)),
    }


def _ms(seconds: Any) -> float:
    return round(1000 * float(seconds), 1)


def caption_accuracy(
    name: str, document: Any, script: Any, transcribers: Transcribers, workdir: Path
) -> dict[str, Any]:
    """Render the video with Piper, transcribe it, compare with the caption words."""
    from animagenius.pipeline.run import run
    from animagenius.pipeline.video import RenderOptions
    from animagenius.pipeline.voice.narrate import narrate
    from animagenius.pipeline.voice.voices import VOICES

    cache = workdir / "voice-cache"
    video = workdir / f"{name}.mp4"
    options = RenderOptions(target_duration_s=TARGET_S)
    started = time.perf_counter()
    result = run(
        document, options=options, workdir=workdir / name, out=video, script=script, voice_cache_dir=cache
    )
    render_s = time.perf_counter() - started
    again = workdir / f"{name}-words"
    again.mkdir()
    narrations = narrate(
        result.script.scenes,
        voice=VOICES.create("piper"),
        workdir=again,
        on_fraction=lambda _: None,
        cache_dir=cache,
    )
    assert all(n.cached for n in narrations), "the timings come from the narration that was rendered"
    tracks = [n.track for n in narrations]
    return _compare(name, "piper (rendered video)", video, tracks, transcribers) | {
        "render_s": round(render_s, 1)
    }


def espeak_accuracy(name: str, script: Any, transcribers: Transcribers, workdir: Path) -> dict[str, Any]:
    from animagenius.pipeline.compose.render import join_narration
    from animagenius.pipeline.voice.narrate import narrate
    from animagenius.pipeline.voice.voices import VOICES

    folder = workdir / f"{name}-espeak"
    folder.mkdir()
    narrations = narrate(
        script.scenes, voice=VOICES.create("espeak"), workdir=folder, on_fraction=lambda _: None
    )
    tracks = [n.track for n in narrations]
    joined = join_narration(tracks, folder / "narration.wav")
    return _compare(name, "espeak (narration)", joined, tracks, transcribers)


def _compare(
    name: str, voice: str, audio: Path, tracks: list[Any], transcribers: Transcribers
) -> dict[str, Any]:
    from animagenius.pipeline.compose.render import timeline_words

    heard = list(transcribers.ours.transcribe(audio).words)
    ours = timeline_words(tracks)
    measured = summary(start_errors(ours, heard), ours)
    reference = summary(start_errors(evenly_spread(tracks), heard), ours)
    alone = list(transcribers.whisper_alone.transcribe(audio).words)
    unaligned = summary(start_errors(ours, alone), ours)
    onsets = onset_errors(tracks)
    return {
        "document": name,
        "voice": voice,
        "our_words": len(ours),
        "heard_words": len(heard),
        **measured,
        "whisper_alone": unaligned,
        "even_median_ms": reference["median_ms"],
        "even_p95_ms": reference["p95_ms"],
        "median_vs_even": round(measured["median_ms"] / reference["median_ms"], 3),
        "onsets": len(onsets),
        "onset_median_ms": _ms(np.median(onsets)) if onsets else None,
        "onset_p95_ms": _ms(np.percentile(onsets, 95)) if onsets else None,
    }


# ---------------------------------------------------------------- report


def print_speed(rows: list[dict[str, Any]], cache: dict[str, float], rss: dict[str, float]) -> None:
    print(f"# voice benchmark, {os.cpu_count()} cores, {date.today()}\n")
    print("| voice | speed | audio s | synthesis s | real-time factor |\n|---|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['voice']} | {row['speed']} | {row['audio_s']} | {row['synthesis_s']} | {row['rtf']} |")
    print(
        f"\nnarrate() of the same scenes again, from the cache: {cache['cached_s']} s "
        f"vs {cache['first_s']} s synthesised ({cache['ratio']}×)\n"
    )
    bare = rss["bare"]
    print("| process | peak RSS MB | vs bare python |\n|---|---:|---:|")
    for name, megabytes in rss.items():
        print(f"| {name} | {megabytes:.1f} | {megabytes / bare:.1f}× |")


def print_accuracy(rows: list[dict[str, Any]]) -> None:
    print(
        "\n| document | voice | words ours / heard / paired | median |Δ| ms | p95 |Δ| ms | bias ms "
        "| not after a pause: n, median / p95 ms | even split: median / p95 ms | median vs even "
        "| Whisper alone: median / p95 / bias ms | onset after a pause: n, median / p95 ms |"
        "\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for row in rows:
        alone = row["whisper_alone"]
        print(
            f"| {row['document']} | {row['voice']} "
            f"| {row['our_words']} / {row['heard_words']} / {row['matched']} "
            f"| {row['median_ms']} | {row['p95_ms']} | {row['bias_ms']} "
            f"| {row['not_after_pause']}: {row['not_after_pause_median_ms']} "
            f"/ {row['not_after_pause_p95_ms']} "
            f"| {row['even_median_ms']} / {row['even_p95_ms']} | {row['median_vs_even']}× "
            f"| {alone['median_ms']} / {alone['p95_ms']} / {alone['bias_ms']} "
            f"| {row['onsets']}: {row['onset_median_ms']} / {row['onset_p95_ms']} |"
        )


def bars_pass(rows: list[dict[str, Any]]) -> bool:
    piper = [row for row in rows if row["voice"].startswith("piper")]
    return all(row["median_ms"] <= 1000 * MEDIAN_BAR_S and row["p95_ms"] <= 1000 * P95_BAR_S for row in piper)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args()

    from animagenius.pipeline.providers.local.whisper import WhisperTranscriber
    from animagenius.pipeline.voice.voices import VOICES

    piper, espeak = VOICES.create("piper"), VOICES.create("espeak")
    piper.synthesize("Warm up.")  # model load is not part of the synthesis time
    espeak.synthesize("Warm up.")
    drafted = {name: draft(args.corpus / path, piper.words_per_minute) for name, path in DOCUMENTS.items()}
    scenes = [scene for _, script in drafted.values() for scene in script.scenes]

    speed_rows = [{"voice": "piper", "speed": s, **real_time_factor(piper, scenes, s)} for s in SPEEDS]
    speed_rows.append({"voice": "espeak", "speed": 1.0, **real_time_factor(espeak, scenes, 1.0)})
    cache = cache_speedup(piper, tuple(drafted["pep-0020"][1].scenes))
    rss = {name: peak_rss_mb(name) for name in ("bare", "piper", "espeak")}
    print_speed(speed_rows, cache, rss)

    ours = WhisperTranscriber.default()  # what TRANSCRIBERS.create("whisper") makes
    transcribers = Transcribers(
        ours=ours, whisper_alone=WhisperTranscriber(ours.model_dir, forced_alignment=False)
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as folder:
        for name, (document, script) in drafted.items():
            rows.append(caption_accuracy(name, document, script, transcribers, Path(folder)))
        for name, (_, script) in drafted.items():
            rows.append(espeak_accuracy(name, script, transcribers, Path(folder)))
    print_accuracy(rows)
    passed = bars_pass(rows)
    print(f"\nbars (Piper): median |Δ| ≤ {MEDIAN_BAR_S * 1000:.0f} ms, p95 ≤ {P95_BAR_S * 1000:.0f} ms: "
          f"{'pass' if passed else 'FAIL'}")  # fmt: skip
    if args.json:
        figures = {"date": str(date.today()), "cores": os.cpu_count(), "speed": speed_rows, "cache": cache,
                   "rss_mb": rss, "captions": rows}  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
