"""How large an upload may be, and refusing a larger one before it is written anywhere.

One rule for the studio's forms and the API alike: each file up to the person's plan limit (within the
installation's UPLOAD_MAX_BYTES), and a body no larger than the most files a form takes at that size plus
its text fields. A body whose Content-Length says it is larger is refused before a byte of it is read; a file
that turns out larger while it arrives is stopped at the limit (Django's StopUpload): the part written so far
is removed and nothing more is read.

UploadLimitMiddleware puts the handler first on every request that can carry files. The studio's pages read
their body before the CSRF check would, so a refusal is a page saying the limit (413); the API reads its own
once it knows the caller, and answers the same refusal in JSON (api/errors.py).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from animagenius.accounts.models import User
from animagenius.billing.plans import plan_for
from animagenius.pipeline.compose.music import music_check
from animagenius.pipeline.errors import InputError, InvalidOption
from animagenius.pipeline.ingest import IngestLimits

MAX_FILES = 20
"""Most documents one video is made from; with the music file, the most files one form takes."""
MB = 2**20


class UploadTooLarge(RequestDataTooBig):
    """An upload larger than the person's plan takes; the message says the limit and what to do."""


def upload_max_bytes(*, user: User | None) -> int:
    """The largest file `user` may upload: the plan's limit, within the installation's. Nobody signed in:
    the free plan's."""
    tier = user.subscription_tier if user is not None else User.Tier.FREE
    return min(settings.UPLOAD_MAX_BYTES, plan_for(tier).ingest.max_bytes)


def upload_limits(*, user: User) -> IngestLimits:
    """The plan's limits on what `user` hands in, its size limit the one uploads are held to."""
    return plan_for(user.subscription_tier).ingest.model_copy(
        update={"max_bytes": upload_max_bytes(user=user)}
    )


def body_max_bytes(*, max_bytes: int) -> int:
    """The largest request body a form could need: every file and the music file at `max_bytes`, and the
    text fields."""
    return max_bytes * (MAX_FILES + 1) + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def size_text(size: int) -> str:
    """A size as people read it: "25 MB", "1.5 MB", "4 KB"."""
    if size >= MB:
        return f"{size // MB} MB" if size % MB == 0 else f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def file_too_large(name: str, *, max_bytes: int) -> str:
    return (
        f"{name} is larger than your plan's {size_text(max_bytes)} limit for one file; "
        "upload a smaller or shorter version."
    )


def body_too_large(size: int, *, max_bytes: int) -> str:
    return (
        f"This upload ({size_text(size)}) is larger than your plan takes at once: files of up to "
        f"{size_text(max_bytes)} each, at most {MAX_FILES} of them. Upload fewer or smaller files."
    )


def uploader(request: HttpRequest) -> User | None:
    """Who is uploading: the API's caller once it is known, else the signed-in person."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, User):
        return auth
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


class PlanLimitUploadHandler(FileUploadHandler):
    """The first of a request's upload handlers: refuses a body its Content-Length says is too large before
    anything is read, and passes each file's chunks on to the handlers that store them until the file is
    over the limit; then it stops the upload (the parser removes the partial file and reads no more) and,
    once the parser has finished, raises UploadTooLarge so nobody goes on with part of the request."""

    def __init__(self, request: HttpRequest, *, max_bytes: Callable[[], int]) -> None:
        super().__init__(request)
        self._max_bytes_of = max_bytes
        self._max_bytes: int | None = None
        self._received = 0
        self.refusal: UploadTooLarge | None = None

    @property
    def max_bytes(self) -> int:
        """Asked for when reading starts: by then the API knows its caller."""
        if self._max_bytes is None:
            self._max_bytes = self._max_bytes_of()
        return self._max_bytes

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str | bytes,
        encoding: str | None = None,
    ) -> None:
        if content_length > body_max_bytes(max_bytes=self.max_bytes):
            raise UploadTooLarge(body_too_large(content_length, max_bytes=self.max_bytes))

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0
        if self.content_length is not None and self.content_length > self.max_bytes:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._received += len(raw_data)
        if self._received > self.max_bytes:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file

    def upload_complete(self) -> None:
        if self.refusal is not None:
            raise self.refusal

    def _refuse(self) -> None:
        self.refusal = UploadTooLarge(file_too_large(self.file_name or "The file", max_bytes=self.max_bytes))
        raise StopUpload(connection_reset=True)


class UploadLimitMiddleware:
    """Puts PlanLimitUploadHandler first on every form post, and answers a refused upload to a studio page
    with a page saying the plan's limit (413). Sits before CsrfViewMiddleware, which reads the body too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _is_upload(request):
            handler = PlanLimitUploadHandler(
                request, max_bytes=lambda: upload_max_bytes(user=uploader(request))
            )
            request.upload_handlers = [handler, *request.upload_handlers]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # views exempt from Django's CSRF check (the API) read their body themselves, once the caller is known
        if not _is_upload(request) or getattr(view, "csrf_exempt", False):
            return None
        try:
            request.POST  # noqa: B018 -- read (or refuse) the body now
        except UploadTooLarge as refusal:
            return upload_refused_page(request, refusal)
        return None


def upload_refused_page(request: HttpRequest, refusal: UploadTooLarge) -> HttpResponse:
    max_bytes = upload_max_bytes(user=uploader(request))
    context = {"message": str(refusal), "limit": size_text(max_bytes), "max_files": MAX_FILES}
    return render(request, "413.html", context, status=413)


def _is_upload(request: HttpRequest) -> bool:
    return request.method == "POST" and request.content_type == "multipart/form-data"


def music_problem(upload: UploadedFile) -> str:
    """Why the pipeline could not play `upload` as background music, or "" if it can."""
    return upload_problem(upload, lambda copy: music_check(str(copy)))


def upload_problem(upload: UploadedFile, check: Callable[[Path], object]) -> str:
    """The message of the InputError `check` raises on a copy of `upload`, or "" if it raises none."""
    name = re.sub(r"[^\w.\- ]+", "_", Path(upload.name or "").name).strip(" .")[:120] or "upload"
    with tempfile.TemporaryDirectory(prefix="animagenius-upload-check-") as folder:
        copy = Path(folder) / name  # the pipeline's message names the file as the person knows it
        with copy.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        upload.seek(0)
        try:
            check(copy)
        except (InputError, InvalidOption) as error:
            return str(error)
    return ""
