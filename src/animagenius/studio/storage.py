"""Writing to the media storage (what people hand in, what the workers make), and what people and operators
are told when the storage refuses."""

from __future__ import annotations

import errno
import logging
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db.models.fields.files import FieldFile

from animagenius.pipeline.errors import StorageError, StorageFull, StorageNotWritable
from animagenius.studio.errors import StorageUnavailable

logger = logging.getLogger(__name__)

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_REFUSED = {errno.EACCES, errno.EPERM, errno.EROFS}


@contextmanager
def media_write(what: str) -> Iterator[None]:
    """Store `what` (e.g. "the uploaded files") inside the block; an OSError of the storage becomes
    StorageUnavailable, logged with the reference the person is shown."""
    try:
        yield
    except OSError as error:
        reference = _logged(error, what=what)
        if error.errno in _FULL:
            cause = "our file storage is full"
        elif error.errno in _REFUSED:
            cause = "our file storage is not accepting files"
        else:
            cause = "our file storage failed"
        raise StorageUnavailable(
            f"We could not keep {what}: {cause} at the moment, so nothing was saved. Please try again "
            f"later; if it keeps happening, contact support and quote reference {reference}.",
            reference=reference,
        ) from error


@contextmanager
def media_keep(what: str) -> Iterator[None]:
    """For a job: store `what` (e.g. "the finished video") inside the block; an OSError of the storage
    becomes the job's reason to stop, classified like every other failure: a full disk is transient (the
    job is tried again later), anything else ends it at once (an operator has to fix the storage). Logged
    with what the operator must do and the reference the person is shown."""
    try:
        yield
    except OSError as error:
        raise _job_storage_error(error, what=what) from error


def media_copy(stored: FieldFile, target: Path) -> Path:
    """A stored file copied to `target` (its folder made) for the pipeline, which reads local files."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with stored.open("rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    return target


def _job_storage_error(error: OSError, *, what: str) -> StorageError:
    if error.errno in _FULL:
        fix = "free or add space there (the job is tried again while it has attempts left)"
    elif error.errno in _REFUSED:
        fix = "make it writable by the worker's user (or mount it read-write), then render again"
    else:
        fix = "check the disk and the folder, then render again"
    reference = _logged(error, what=what, fix=fix)
    contact = f"If it keeps happening, contact support and quote reference {reference}"
    what = what[:1].upper() + what[1:]
    if error.errno in _FULL:
        return StorageFull(f"{what} was made, but our file storage is full, so it was not kept. {contact}")
    if error.errno in _REFUSED:
        return StorageNotWritable(
            f"{what} was made, but our file storage is not writable, so it could not be kept; our team has "
            f"to fix the storage before you render again. {contact}"
        )
    return StorageError(
        f"{what} was made, but our file storage failed, so it could not be kept; please render again "
        f"later. {contact}"
    )


def _logged(error: OSError, *, what: str, fix: str = "") -> str:
    """Log the storage's refusal with a new reference (the person is shown it); the reference."""
    reference = uuid.uuid4().hex[:10]
    logger.error(
        "Could not store %s in the media storage (%s) (reference %s): %s%s",
        what,
        settings.MEDIA_ROOT,
        reference,
        error,
        f". To fix: {fix}." if fix else "",
        exc_info=True,
    )
    return reference
