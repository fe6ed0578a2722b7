"""Headings as titles: without their numbering and bracketed page furniture."""

from __future__ import annotations

import re

_BRACKETED = re.compile(r"\s*\[[^\]]{1,24}\]")  # "History [edit]"
_HEADING_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-Z]\.)\s+")


def clean_heading(heading: str) -> str:
    """ "3.2. Trace Trees [edit]" → "Trace Trees"."""
    heading = _BRACKETED.sub("", heading)
    return _HEADING_NUMBER.sub("", heading).strip().rstrip(".:") or heading
