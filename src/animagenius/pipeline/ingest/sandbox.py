"""Read one untrusted file in a child process with a wall-clock timeout and a memory ceiling.

A parser that hangs, explodes in memory or crashes on a hostile file takes down only the child; the caller
gets a specific `InputError` instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from animagenius.pipeline import errors
from animagenius.pipeline.domain import SourceDocument
from animagenius.pipeline.ingest.limits import IngestLimits

_ERRORS: dict[str, type[errors.InputError]] = {
    cls.__name__: cls
    for cls in (
        errors.InputError,
        errors.UnsupportedFormat,
        errors.CorruptFile,
        errors.Encrypted,
        errors.NoContent,
        errors.TooLarge,
        errors.ProcessingTimeout,
    )
}


# how running out of address space shows in a child that could not even answer
_OUT_OF_MEMORY = ("MemoryError", "failed to map segment", "Cannot allocate memory", "std::bad_alloc")


def read_isolated(path: Path, *, limits: IngestLimits, assets_dir: Path | None) -> SourceDocument:
    request = json.dumps(
        {
            "path": str(path),
            "assets_dir": str(assets_dir) if assets_dir else None,
            "limits": limits.model_dump(),
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "animagenius.pipeline.ingest.sandbox_child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so ffmpeg children die with it
        preexec_fn=_limit_memory(limits.memory_bytes),  # setrlimit only: safe after fork
    )
    try:
        stdout, stderr = process.communicate(request, timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise errors.ProcessingTimeout(
            f"{path.name} took longer than {limits.timeout_s:.0f} s to read; it may be damaged or unusually "
            "complex — export it again, or upload a smaller part of it"
        ) from None
    return _decode(path, process.returncode, stdout, stderr)


def _decode(path: Path, returncode: int, stdout: str, stderr: str) -> SourceDocument:
    try:
        reply = json.loads(stdout.strip().splitlines()[-1]) if stdout.strip() else None
    except json.JSONDecodeError:
        reply = None
    if reply is None:
        if any(marker in stderr for marker in _OUT_OF_MEMORY):
            raise errors.TooLarge(
                f"{path.name} needs more memory to read than is allowed; upload a smaller or simpler version"
            )
        if returncode:
            reason = _exit_reason(returncode, stderr)
            raise errors.CorruptFile(
                f"{path.name} could not be read: the reader stopped on it ({reason}); "
                "open it, save or export it again, and upload the new copy"
            )
        raise errors.CorruptFile(f"{path.name} could not be read; export it again and upload the new copy")
    if "error" in reply:
        raise _ERRORS.get(reply["error"]["type"], errors.CorruptFile)(reply["error"]["message"])
    return SourceDocument.model_validate(reply["document"])


def _exit_reason(returncode: int, stderr: str) -> str:
    if returncode < 0:
        return f"signal {signal.Signals(-returncode).name}"
    last = stderr.strip().splitlines()[-1:] or [f"exit {returncode}"]
    return last[0][:120]


def _limit_memory(memory_bytes: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
