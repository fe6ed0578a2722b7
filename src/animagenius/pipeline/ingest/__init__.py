"""Turn uploaded files (or pasted text) into a `SourceDocument`."""

from animagenius.pipeline.ingest.reader import MAX_FILE_BYTES, ingest, ingest_text

__all__ = ["MAX_FILE_BYTES", "ingest", "ingest_text"]
