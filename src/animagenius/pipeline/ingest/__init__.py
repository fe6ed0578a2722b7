"""Turn uploaded files (or pasted text) into a `SourceDocument`."""

from animagenius.pipeline.ingest.limits import DEFAULT_LIMITS, IngestLimits
from animagenius.pipeline.ingest.reader import ingest, ingest_text, read_file

__all__ = ["DEFAULT_LIMITS", "IngestLimits", "ingest", "ingest_text", "read_file"]
