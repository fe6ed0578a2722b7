"""Running the installed `animagenius` command as a person would."""

from __future__ import annotations

import subprocess
from pathlib import Path

EXIT_OK, EXIT_USAGE = 0, 2


def cli(script: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def last_line(stderr: str) -> str:
    lines = [line for line in stderr.replace("\r", "\n").splitlines() if line.strip()]
    assert lines, "nothing was printed on stderr"
    return lines[-1]


def assert_one_line_error(completed: subprocess.CompletedProcess[str], *mentions: str) -> None:
    assert completed.returncode == EXIT_USAGE, completed.stderr
    assert "Traceback" not in completed.stderr
    message = last_line(completed.stderr)
    assert completed.stderr.strip() == message, "the error must be the only thing on stderr"
    assert message.startswith("animagenius: "), message
    for mention in mentions:
        assert mention in message, f"{mention!r} not in {message!r}"
    assert completed.stdout == ""
