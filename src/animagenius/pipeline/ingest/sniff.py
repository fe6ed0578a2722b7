"""What a file really is, from its first bytes — never from its name alone."""

from __future__ import annotations

import zipfile
from enum import StrEnum
from pathlib import Path

HEAD_BYTES = 4096


class Kind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    PPTX = "pptx"
    OLE2 = "ole2"  # legacy .doc/.ppt, or a password-protected .docx/.pptx
    ZIP = "zip"  # some other zip archive
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    PLAYLIST = "playlist"  # HLS/DASH manifests: they point at other files, often on the network
    HTML = "html"
    TEXT = "text"
    BINARY = "binary"


_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
_AUDIO_MAGIC = (b"fLaC", b"ID3", b"OggS", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xf1", b"\xff\xf9")
_EBML = b"\x1a\x45\xdf\xa3"  # Matroska / WebM
_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"F4A ")
_TEXT_SUFFIXES = {".html": Kind.HTML, ".htm": Kind.HTML, ".xhtml": Kind.HTML}


def sniff(path: Path) -> Kind:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return _from_head(head, path)


def _from_head(head: bytes, path: Path) -> Kind:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"%PDF-") or (path.suffix.lower() == ".pdf" and b"%PDF-" in head[:1024]):
        return Kind.PDF
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Kind.OLE2
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return Kind.IMAGE
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Kind.AUDIO
    if head[4:8] == b"ftyp":
        return Kind.AUDIO if head[8:12] in _AUDIO_BRANDS else Kind.VIDEO
    if head.startswith(_EBML):
        return Kind.VIDEO
    if head.startswith(_AUDIO_MAGIC):
        return Kind.AUDIO
    if stripped.startswith(b"#EXTM3U") or b"<MPD" in head[:512]:
        return Kind.PLAYLIST
    if b"\x00" in head:
        return Kind.BINARY
    lowered = stripped[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or _TEXT_SUFFIXES.get(path.suffix.lower()):
        return Kind.HTML
    return Kind.TEXT


def _office_kind(path: Path) -> Kind:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist()[:5000])
    except (zipfile.BadZipFile, OSError, ValueError):
        return Kind.BINARY
    if "word/document.xml" in names:
        return Kind.DOCX
    if "ppt/presentation.xml" in names:
        return Kind.PPTX
    return Kind.ZIP
