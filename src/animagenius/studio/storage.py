"""Writing what people hand in to the media storage, and what they are told when the storage refuses."""

from __future__ import annotations

import errno
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

logger = logging.getLogger(__name__)

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_REFUSED = {errno.EACCES, errno.EPERM, errno.EROFS}


class StorageUnavailable(Exception):
    """The media storage would not take a file (not writable, full, gone). The message is for the person;
    `reference` is in the server's log beside the cause."""

    def __init__(self, message: str, *, reference: str) -> None:
        super().__init__(message)
        self.reference = reference


@contextmanager
def media_write(what: str) -> Iterator[None]:
    """Store `what` (e.g. "the uploaded files") inside the block; an OSError of the storage becomes
    StorageUnavailable, logged with the reference the person is shown."""
    try:
        yield
    except OSError as error:
        reference = uuid.uuid4().hex[:10]
        logger.error(
            "Could not store %s in the media storage (%s) (reference %s): %s",
            what,
            settings.MEDIA_ROOT,
            reference,
            error,
            exc_info=True,
        )
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
