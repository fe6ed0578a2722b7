"""Serving a person's stored files back to them, seekable (HTTP Range) for video playback.

The type is always what we know the file to be (the format we rendered, or the format sniffed from its bytes
when it was handed in), never a guess from a name: a name can be chosen by whoever uploaded the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
_CHUNK = 256 * 1024
SANDBOX = "sandbox; default-src 'none'"
"""Content-Security-Policy of a served file: opened on its own, it runs nothing and loads nothing."""


def ranged_file_response(
    request: HttpRequest, path: Path, *, filename: str, content_type: str, download: bool
) -> HttpResponseBase:
    """`path` as `content_type`, inline (or as an attachment when `download`) under `filename`, the part
    asked for with `Range` answered 206. Raises FileNotFoundError (an OSError) if the file is gone: callers
    answer 404 in their own words."""
    handle = path.open("rb")
    try:
        size = path.stat().st_size
        response = _response(request, handle, size=size, content_type=content_type)
    except BaseException:
        handle.close()
        raise
    if response.status_code != 416:
        disposition = content_disposition_header(download, filename)
        if disposition:
            response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    return response


def _response(request: HttpRequest, handle: BinaryIO, *, size: int, content_type: str) -> HttpResponseBase:
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or (not match.group(1) and not match.group(2)):
        whole = FileResponse(handle, content_type=content_type)
        whole["Accept-Ranges"] = "bytes"
        return whole
    first, last = match.groups()
    start = int(first) if first else max(0, size - int(last))
    end = min(int(last), size - 1) if first and last else size - 1
    if start >= size or start > end:
        handle.close()
        unsatisfiable = HttpResponse(status=416)
        unsatisfiable["Content-Range"] = f"bytes */{size}"
        return unsatisfiable
    streaming = StreamingHttpResponse(_read(handle, start, end), status=206, content_type=content_type)
    streaming["Content-Length"] = str(end - start + 1)
    streaming["Content-Range"] = f"bytes {start}-{end}/{size}"
    streaming["Accept-Ranges"] = "bytes"
    return streaming


def _read(handle: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    with handle:
        handle.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
