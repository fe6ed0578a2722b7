"""File responses that browsers can seek in (HTTP Range), for video playback."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
_CHUNK = 256 * 1024


def ranged_file_response(
    request: HttpRequest, path: Path, *, filename: str, download: bool
) -> HttpResponseBase:
    size = path.stat().st_size
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or (not match.group(1) and not match.group(2)):
        response = FileResponse(
            path.open("rb"), as_attachment=download, filename=filename, content_type=content_type
        )
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    start = int(first) if first else max(0, size - int(last))
    end = min(int(last), size - 1) if first and last else size - 1
    if start >= size or start > end:
        unsatisfiable = HttpResponse(status=416)
        unsatisfiable["Content-Range"] = f"bytes */{size}"
        return unsatisfiable
    streaming = StreamingHttpResponse(_read(path, start, end), status=206, content_type=content_type)
    streaming["Content-Length"] = str(end - start + 1)
    streaming["Content-Range"] = f"bytes {start}-{end}/{size}"
    streaming["Accept-Ranges"] = "bytes"
    return streaming


def _read(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
