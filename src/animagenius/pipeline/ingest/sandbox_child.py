"""The sandbox's child process (ingest/sandbox.py starts it): read one request on stdin, read the file, answer
one JSON line on stdout. A module of its own so the sandbox never imports the reader that calls it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from animagenius.pipeline import errors
from animagenius.pipeline.ingest.limits import IngestLimits
from animagenius.pipeline.ingest.reader import read_file


def serve() -> None:
    """Read one request on stdin, answer one JSON line on stdout."""
    request = json.loads(sys.stdin.read())
    limits = IngestLimits.model_validate(request["limits"])
    assets_dir = Path(request["assets_dir"]) if request["assets_dir"] else None
    path = Path(request["path"])
    try:
        document = read_file(path, limits=limits, assets_dir=assets_dir)
        reply: dict[str, object] = {"document": document.model_dump(mode="json")}
    except errors.InputError as error:
        reply = {"error": {"type": type(error).__name__, "message": str(error)}}
    except MemoryError:
        message = (
            f"{path.name} needs more than {limits.memory_bytes // 2**20} MB of memory to read; "
            "upload a smaller or simpler version"
        )
        reply = {"error": {"type": "TooLarge", "message": message}}
    except RecursionError:
        reply = {"error": {"type": "CorruptFile", "message": f"{path.name} is nested too deeply to read"}}
    sys.stdout.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    serve()
