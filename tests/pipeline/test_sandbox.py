"""Untrusted files are read in a child process with a time limit and a memory ceiling."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from animagenius.billing.plans import plan_for
from animagenius.pipeline.errors import InputError, NoContent, ProcessingTimeout, TooLarge, UnsupportedFormat
from animagenius.pipeline.ingest import DEFAULT_LIMITS, ingest


def test_isolated_reading_gives_the_same_document(corpus: Path, tmp_path: Path):
    paper = corpus / "pdf/tracemonkey.pdf"
    isolated = ingest([paper], assets_dir=tmp_path / "child", isolated=True)
    in_process = ingest([paper], assets_dir=tmp_path / "child")  # same folder: same figure file paths
    assert isolated == in_process
    assert sum(block.image is not None for block in isolated.blocks) == 13


def test_wall_clock_limit_stops_a_slow_read(corpus: Path):
    limits = DEFAULT_LIMITS.model_copy(update={"timeout_s": 0.05})
    started = time.monotonic()
    with pytest.raises(ProcessingTimeout, match=r"tracemonkey\.pdf took longer than 0 s to read"):
        ingest([corpus / "pdf/tracemonkey.pdf"], limits=limits, isolated=True)
    assert time.monotonic() - started < 30


def test_memory_ceiling_turns_into_a_clear_error(corpus: Path):
    limits = DEFAULT_LIMITS.model_copy(update={"memory_bytes": 60 * 2**20})
    with pytest.raises(TooLarge, match=r"tracemonkey\.pdf needs more"):
        ingest([corpus / "pdf/tracemonkey.pdf"], limits=limits, isolated=True)


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (Path(__file__).parents[2] / ".." / "shared" / "corpus" / "pdf").glob("*.pdf")),
)
def test_every_corpus_pdf_reads_or_fails_specifically_in_isolation(corpus: Path, name: str):
    try:
        document = ingest([corpus / "pdf" / name], isolated=True)
    except InputError as error:
        message = str(error)
    else:
        message = name if document.word_count >= 3 else "too few words"
    assert name in message


def test_free_tier_page_limit_is_checked_before_reading(corpus: Path):
    limits = plan_for("free").ingest.model_copy(update={"max_pages": 5})
    with pytest.raises(TooLarge, match=r"tracemonkey\.pdf has 14 pages; your plan's limit is 5"):
        ingest([corpus / "pdf/tracemonkey.pdf"], limits=limits, isolated=True)


def test_size_limit_names_the_plan_limit(tmp_path: Path):
    big = tmp_path / "notes.txt"
    big.write_text("word " * 300_000)
    limits = DEFAULT_LIMITS.model_copy(update={"max_bytes": 2**20})
    with pytest.raises(TooLarge, match=r"notes\.txt is 1 MB; your plan's limit is 1 MB"):
        ingest([big], limits=limits)


def test_playlist_disguised_as_video_is_refused(tmp_path: Path):
    playlist = tmp_path / "clip.mp4"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:10,\nhttp://127.0.0.1:9/segment0.ts\n#EXT-X-ENDLIST\n"
    )
    with pytest.raises(UnsupportedFormat, match=r"clip\.mp4 is a streaming playlist"):
        ingest([playlist], isolated=True)


def test_empty_file_in_isolation_keeps_its_specific_error(tmp_path: Path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(NoContent, match=r"empty\.md is empty"):
        ingest([empty], isolated=True)
