"""What the studio refuses, and the HTTP status each refusal is answered with, on the pages and in the API
alike (`http_status`, the only mapping). Every message is for the person and says what to do."""

from __future__ import annotations


class StudioError(Exception):
    """A request the studio refuses. `reference`, when set, is in the server's log beside the cause; the
    person may try again after `retry_after_s`, when set."""

    reference: str = ""
    retry_after_s: int | None = None


class StudioConflict(StudioError):
    """The request does not fit the project's current state (409); catch this to catch every conflict."""


class JobInProgress(StudioConflict):
    """Another job of the project is queued or running."""


class JobEnded(StudioConflict):
    """The job to cancel has already ended."""


class ScriptAlreadyExists(StudioConflict):
    """The project's script was already drafted: it is edited or rendered, not drafted again."""


class ScriptVersionStale(StudioConflict):
    """A newer script version was saved than the one the request started from; `latest` is its number."""

    def __init__(self, message: str, *, latest: int) -> None:
        super().__init__(message)
        self.latest = latest


class ScriptVersionMismatch(StudioConflict):
    """The script version belongs to another project."""


class QuotaExceeded(StudioError):
    """The video would take more render minutes than the person's plan has left this month."""


class StorageUnavailable(StudioError):
    """The media storage would not take a file (not writable, full, gone)."""

    retry_after_s = 60

    def __init__(self, message: str, *, reference: str) -> None:
        super().__init__(message)
        self.reference = reference


_STATUS: dict[type[StudioError], int] = {
    StudioConflict: 409,
    QuotaExceeded: 402,  # Payment Required: a bigger plan, or next month, covers it
    StorageUnavailable: 503,
}


def http_status(error: StudioError) -> int:
    """The status a page or the API answers `error` with: its nearest class's (400 if none is mapped)."""
    for cls in type(error).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 400
