"""The processes a test's worker runs, read from Linux /proc."""

from __future__ import annotations

from pathlib import Path

from animagenius.studio.jobwatch import descendants


def running_ffmpegs(pid: int) -> list[int]:
    """The ffmpeg processes below `pid` that have not ended (a killed one stays a zombie until reaped)."""
    alive = []
    for child in descendants(pid):
        try:
            stat = Path(f"/proc/{child}/stat").read_text()
        except OSError:
            continue
        name, state = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2]
        if name.startswith("ffmpeg") and state != "Z":
            alive.append(child)
    return alive


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])
