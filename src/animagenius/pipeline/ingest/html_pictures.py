"""The pictures an HTML page shows, when they travel with it: files beside the page (a page saved with its
pictures) and `data:` URIs. Nothing is ever fetched, and no path leads outside the page's own folder."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from animagenius.pipeline.ingest.pictures import SavedPicture, save_blob

MAX_PICTURE_BYTES = 50 * 1024 * 1024
MAX_PICTURES = 200  # pictures read from one page; a page of thousands of thumbnails stops here
_DATA_URI = re.compile(r"^data:image/(?:png|jpeg|jpg|gif|webp|bmp|tiff);base64,", re.I)


@dataclass
class PageFolder:
    """Where a page's pictures may come from and where the kept copies go."""

    folder: Path | None  # the page's folder; None: only data: URIs are read
    assets_dir: Path | None
    max_pixels: int
    stem: str
    read: int = 0
    _folder_resolved: Path | None = field(default=None, init=False)

    def picture(self, source: str) -> SavedPicture | None:
        """The picture `source` (an <img src>) names, saved; None when it is not one we may read."""
        if self.read >= MAX_PICTURES:
            return None
        blob = self._data_uri(source) if source.lower().startswith("data:") else self._beside(source)
        if blob is None:
            return None
        self.read += 1
        return save_blob(blob, assets_dir=self.assets_dir, max_pixels=self.max_pixels, stem=self.stem)

    def _data_uri(self, source: str) -> bytes | None:
        found = _DATA_URI.match(source)
        if found is None or len(source) > MAX_PICTURE_BYTES * 4 // 3 + 100:
            return None
        try:
            return base64.b64decode(re.sub(r"\s+", "", source[found.end() :]), validate=True)
        except (binascii.Error, ValueError):
            return None

    def _beside(self, source: str) -> bytes | None:
        """A relative link to a file in the page's folder (or below it); never a URL, an absolute path or a
        path that climbs out of the folder, even through a symbolic link."""
        if self.folder is None:
            return None
        parts = urlsplit(source.strip())
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith(("/", "\\")):
            return None
        if self._folder_resolved is None:
            self._folder_resolved = self.folder.resolve()
        try:
            target = (self._folder_resolved / unquote(parts.path)).resolve()
            if not target.is_relative_to(self._folder_resolved) or not target.is_file():
                return None
            if target.stat().st_size > MAX_PICTURE_BYTES:
                return None
            return target.read_bytes()
        except (OSError, ValueError):
            return None
