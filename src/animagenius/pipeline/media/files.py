"""Files other processes may be reading: written beside their place and moved in whole."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_MARK = ".partial"


@contextmanager
def whole_file(out: Path) -> Iterator[Path]:
    """A fresh path beside `out` (hidden, same suffix, so tools that go by the extension still can) to write
    to; it becomes `out` when the block ends without an error and is removed in every case."""
    partial = out.with_name(f".{out.stem}.{uuid.uuid4().hex}{PARTIAL_MARK}{out.suffix}")
    try:
        yield partial
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


def is_partial(path: Path) -> bool:
    """Whether `path` is one of `whole_file`'s unfinished files."""
    return path.name.startswith(".") and PARTIAL_MARK in path.name
