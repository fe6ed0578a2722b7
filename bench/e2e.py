"""A document to a finished video, end to end with the offline providers, against the code before issue 18.

Each document is rendered to a 60-second 1080p 16:9 MP4 through `run()` (ingest → script → voice → stills →
video) twice in the same invocation, each in a child process on an empty work folder and empty caches: once
by this checkout and once by a reference checkout (default: the commit before issue 18's visuals, checked
out into a temporary git worktree). Reported per run: wall seconds of each stage (from `run()`'s progress
reports), the total, the peak RSS of the child and its ffmpegs together, and the ratio to the reference.
A contact sheet of each video (a frame every 2 s) is written next to the JSON, for docs/.

Run: `PYTHONPATH=src .venv/bin/python bench/e2e.py [--reference REF] [--sheets DIR] [--json out.json]
[DOCUMENT ...]` (default: tracemonkey.pdf).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
REFERENCE = "c4809a6"  # main before issue 18 (visuals) began
DEFAULT_DOCUMENTS = (CORPUS / "pdf" / "tracemonkey.pdf",)
CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from animagenius.pipeline.domain import RenderOptions
    from animagenius.pipeline.run import run

    source, workdir = Path(sys.argv[1]), Path(sys.argv[2])
    marks, started = [], time.perf_counter()

    def progress(stage, fraction):
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter() - started))

    options = RenderOptions.read(aspect="16:9", resolution="1080p", target_duration_s=60)
    result = run([source], options=options, workdir=workdir / "job", out=workdir / "video.mp4",
                 on_progress=progress)
    total = time.perf_counter() - started
    ends = [at for _, at in marks[1:]] + [total]
    stages = {stage: round(end - at, 2) for (stage, at), end in zip(marks, ends) if stage != "done"}
    print(json.dumps({"total_s": round(total, 2), "stages": stages, "video_s": result.duration_s,
                      "kinds": [scene.visual.kind for scene in result.script.scenes]}))
    """
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", nargs="*", type=Path, default=list(DEFAULT_DOCUMENTS))
    parser.add_argument("--reference", default=REFERENCE, help="git ref of the code to compare with")
    parser.add_argument("--sheets", type=Path, help="folder for contact sheets (PNG) of every video")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="e2e-") as temporary:
        reference = Path(temporary) / "reference"
        add = ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(reference), args.reference]
        subprocess.run(add, check=True, capture_output=True)
        try:
            for document in args.documents:
                for label, source in (("reference", reference / "src"), ("now", ROOT / "src")):
                    workdir = Path(temporary) / f"{document.stem}-{label}"
                    workdir.mkdir()
                    measured = _render(document, source, workdir)
                    measured.update(document=document.name, code=label)
                    results.append(measured)
                    _print(measured)
                    if args.sheets:
                        args.sheets.mkdir(parents=True, exist_ok=True)
                        _contact_sheet(workdir / "video.mp4", args.sheets / f"{document.stem}-{label}.png")
                now, before = results[-1], results[-2]
                print(
                    f"{document.name}: now / reference = {now['total_s'] / before['total_s']:.2f}× time, "
                    f"{now['peak_rss_mb'] / before['peak_rss_mb']:.2f}× peak RSS"
                )
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(reference)],
                           check=False, capture_output=True)  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def _render(document: Path, source: Path, workdir: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(document), str(workdir)], env=env, stdout=subprocess.PIPE, text=True
    )
    peak = _PeakRss(child.pid)
    output, _ = child.communicate()
    peak.stop()
    if child.returncode:
        raise SystemExit(f"rendering {document.name} with {source} failed ({child.returncode})")
    measured: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    measured["peak_rss_mb"] = round(peak.mb, 1)
    return measured


class _PeakRss:
    """The largest RSS of a process and its descendants together, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.mb, self._done = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(0.02):
            self.mb = max(self.mb, sum(_rss_kb(pid) for pid in _tree(self.pid)) / 1024)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(child) for child in children]
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _contact_sheet(video: Path, out: Path, *, every_s: float = 2.0, columns: int = 6) -> None:
    from animagenius.pipeline.media.ffmpeg import ffmpeg_exe

    rows = 6
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-i", str(video), "-vf",
         f"fps=1/{every_s},scale=320:-2,tile={columns}x{rows}", "-frames:v", "1", str(out)],
        check=True,
    )  # fmt: skip


def _print(measured: dict[str, Any]) -> None:
    stages = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in measured["stages"].items())
    print(
        f"{measured['document']:<20} {measured['code']:<9} {measured['total_s']:>6.1f} s  "
        f"peak {measured['peak_rss_mb']:>6.1f} MB  ({stages})  {' '.join(measured['kinds'])}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
