"""Ingest: real documents become headings, paragraphs and list items that remember where they came from;
bad uploads become one specific, explained error."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from animagenius.pipeline.domain import SourceDocument
from animagenius.pipeline.errors import CorruptFile, InputError, NoContent, UnsupportedFormat
from animagenius.pipeline.ingest import ingest, ingest_text

PLAIN_TEXT = """Quarterly report

Our team shipped the new editor in March. Customers adopted it quickly, and support tickets fell by a third.

Next quarter we will focus on exports. The goal is to render every video in under a minute.
"""


def headings(document: SourceDocument) -> list[str]:
    return [block.text for block in document.blocks if block.kind == "heading"]


def kinds(document: SourceDocument) -> set[str]:
    return {block.kind for block in document.blocks}


# ---------------------------------------------------------------- readers


def test_pdf_paper_has_title_sections_and_page_numbers(corpus: Path) -> None:
    document = ingest([corpus / "pdf/tracemonkey.pdf"])

    assert document.title == "Trace-based Just-in-Time Type Specialization for Dynamic Languages"
    assert {"Abstract", "Introduction", "Evaluation", "Related Work", "Conclusions"} <= set(
        headings(document)
    )
    assert document.word_count > 8000  # 14 pages of two-column prose
    assert {block.source.file for block in document.blocks} == {"tracemonkey.pdf"}

    assert all(block.source.page is not None for block in document.blocks), "every PDF block has its page"
    pages = [block.source.page or 0 for block in document.blocks]
    assert pages == sorted(pages), "blocks must follow the pages in reading order"
    assert set(pages) == set(range(1, 15)), "every one of the 14 pages contributes text"

    by_text = {block.text: block for block in document.blocks if block.kind == "heading"}
    assert by_text["Introduction"].source.page == 1
    assert by_text["Conclusions"].source.page == 13
    assert by_text["Introduction"].level == 1
    assert by_text["Nesting Algorithm"].level == 2  # "4.1 Nesting Algorithm" is a subsection


def test_pdf_paragraphs_are_joined_lines_without_ligatures(corpus: Path) -> None:
    document = ingest([corpus / "pdf/tracemonkey.pdf"])
    paragraphs = [block.text for block in document.blocks if block.kind == "paragraph"]

    abstract = next(
        text for text in paragraphs if text.startswith("Dynamic languages such as JavaScript are")
    )
    assert len(abstract.split()) > 100, "the abstract's lines are joined into one paragraph"
    assert "\n" not in abstract
    assert "  " not in abstract
    assert not any("\ufb01" in text or "\ufb02" in text for text in paragraphs), "ﬁ/ﬂ ligatures are undone"


def test_rst_pep_title_and_prose_literal_lines_become_list_items(corpus: Path) -> None:
    document = ingest([corpus / "text/pep-0020.rst"])

    assert document.title == "The Zen of Python"
    assert headings(document)[:2] == ["Abstract", "The Zen of Python"]
    items = [block.text for block in document.blocks if block.kind == "list_item"]
    assert len(items) == 19, "the 19 written-down aphorisms of the code-block:: text"
    assert items[0] == "Beautiful is better than ugly."
    assert items[-1] == "Namespaces are one honking great idea -- let's do more of those!"
    assert "Although never is often better than right now." in items, "inline *emphasis* markup is removed"
    paragraphs = [block.text for block in document.blocks if block.kind == "paragraph"]
    assert paragraphs[0].startswith("Long time Pythoneer Tim Peters succinctly channels")
    prose = [block for block in document.blocks if block.kind != "code"]
    assert not any(">>>" in block.text for block in prose), "pycon code is not narrated"
    assert any(block.text.startswith(">>> import this") for block in document.blocks if block.kind == "code")
    assert not any("PEP: 20" in block.text or "Author:" in block.text for block in document.blocks)
    assert all(block.source.file == "pep-0020.rst" and block.source.page is None for block in document.blocks)


def test_rst_code_is_kept_as_code_blocks_and_roles_read_as_words(tmp_path: Path) -> None:
    path = tmp_path / "style.rst"
    path.write_text(
        "Style\n=====\n\n"
        "See :pep:`the C style guide <7>` and :pep:`257` for more.\n\n"
        "- Imports should usually be on separate lines::\n\n"
        "      import os\n      import sys\n\n"
        "  It's okay to say this though.\n\n"
        ".. code-block:: python\n\n   x = 1  # a comment\n\n"
        "Now the end.\n",
        encoding="utf-8",
    )

    document = ingest([path])

    assert [block.kind for block in document.blocks] == [
        "heading",
        "paragraph",
        "list_item",
        "code",
        "code",
        "paragraph",
    ]
    assert document.blocks[1].text == "See the C style guide and PEP 257 for more."
    assert document.blocks[3].text == "import os\nimport sys"
    assert document.blocks[4].text == "x = 1  # a comment"


def test_rst_list_items_keep_their_continuation_lines(corpus: Path) -> None:
    document = ingest([corpus / "text/pep-0572.rst"])

    items = [block.text for block in document.blocks if block.kind == "list_item"]

    assert (
        "If either assignment statements or assignment expressions can be used, prefer statements; "
        "they are a clear declaration of intent." in items
    )


def test_rst_sections_and_links(corpus: Path) -> None:
    document = ingest([corpus / "text/pep-0257.rst"])

    assert document.title == "Docstring Conventions"
    assert {"Abstract", "Rationale", "Specification", "One-line Docstrings"} <= set(headings(document))
    assert {"heading", "paragraph"} <= kinds(document)
    assert not any("`_" in block.text or "<http" in block.text for block in document.blocks)


def test_markdown_readme(corpus: Path) -> None:
    document = ingest([corpus / "text/pdfjs-README.md"])

    assert document.title == "PDF.js"
    assert {"Contributing", "Getting Started", "Building PDF.js"} <= set(headings(document))
    assert kinds(document) == {"heading", "paragraph", "list_item", "table", "code"}
    code = [block.text for block in document.blocks if block.kind == "code"]
    assert "$ npx gulp server" in code, "a fenced listing is kept whole, as code, and never narrated"
    tables = [block.rows for block in document.blocks if block.kind == "table"]
    assert ("Option", "Description", "Default") in [rows[0] for rows in tables]  # GFM tables are kept
    assert "Issue Reporting Guide" in [block.text for block in document.blocks if block.kind == "list_item"]
    assert not any(block.text.startswith("#") for block in document.blocks), "no raw Markdown syntax"
    assert all(block.source.file == "pdfjs-README.md" for block in document.blocks)


def test_plain_text_file(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(PLAIN_TEXT, encoding="utf-8")

    document = ingest([path])

    assert document.title == "Quarterly report"
    assert [block.kind for block in document.blocks] == ["heading", "paragraph", "paragraph"]
    assert document.blocks[1].text.startswith("Our team shipped the new editor in March.")
    assert all(block.source.file == "report.txt" and block.source.page is None for block in document.blocks)


def test_plain_text_in_windows_encoding_and_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(
        "Caf\u00e9 notes\r\n\r\nThe caf\u00e9 opens at nine. Coffee costs \u20ac3.\r\n".encode("cp1252")
    )

    document = ingest([path])

    assert document.title == "Café notes"
    assert document.blocks[1].text == "The café opens at nine. Coffee costs €3."


def test_pasted_markdown() -> None:
    document = ingest_text(
        "# Launch plan\n\nWe launch on **Monday**. The press kit is ready.\n\n"
        "## Risks\n\n- Servers may be slow\n- The demo video is `late`\n"
    )

    assert document.title == "Launch plan"
    assert [(block.kind, block.level) for block in document.blocks] == [
        ("heading", 1), ("paragraph", 0), ("heading", 2), ("list_item", 0), ("list_item", 0),
    ]  # fmt: skip
    assert document.blocks[1].text == "We launch on Monday. The press kit is ready."
    assert document.blocks[4].text == "The demo video is late"
    assert {block.source.file for block in document.blocks} == {"pasted text"}


def test_pasted_text_without_prose_is_refused() -> None:
    with pytest.raises(NoContent, match="pasted text"):
        ingest_text("   \n\n")
    with pytest.raises(NoContent, match="pasted text"):
        ingest_text("# Just a heading")


def test_several_files_combine_in_upload_order(corpus: Path) -> None:
    zen, readme = corpus / "text/pep-0020.rst", corpus / "text/pdfjs-README.md"

    combined = ingest([zen, readme])
    first, second = ingest([zen]), ingest([readme])

    assert combined.title == "The Zen of Python"
    assert combined.blocks == first.blocks + second.blocks
    files = [block.source.file for block in combined.blocks]
    assert files == ["pep-0020.rst"] * len(first.blocks) + ["pdfjs-README.md"] * len(second.blocks)

    reversed_order = ingest([readme, zen])
    assert reversed_order.title == "PDF.js"
    assert reversed_order.blocks[0].source.file == "pdfjs-README.md"


def test_reader_is_chosen_by_content_not_name(corpus: Path, tmp_path: Path) -> None:
    """A PDF uploaded under a wrong extension is still read as a PDF."""
    misnamed = tmp_path / "paper.txt"
    shutil.copyfile(corpus / "pdf/tracemonkey.pdf", misnamed)

    document = ingest([misnamed])

    assert document.title == "Trace-based Just-in-Time Type Specialization for Dynamic Languages"
    assert document.blocks[-1].source.page == 14


# ---------------------------------------------------------------- bad input


def _random_bytes(size: int = 4096) -> bytes:
    return random.Random(20240601).randbytes(size)


@pytest.mark.parametrize("name", ["empty.md", "empty.rst", "empty.txt", "empty.pdf"])
def test_empty_file_is_no_content(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")

    with pytest.raises(NoContent) as caught:
        ingest([path])
    assert name in str(caught.value)


def test_whitespace_only_file_is_no_content(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text("\n\n   \n\t\n", encoding="utf-8")

    with pytest.raises(NoContent, match=r"blank\.md"):
        ingest([path])


@pytest.mark.parametrize("name", ["upload.bin", "upload.md", "upload.txt", "upload.pdf"])
def test_random_bytes_are_unsupported(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_random_bytes())

    with pytest.raises(UnsupportedFormat) as caught:
        ingest([path])
    assert name in str(caught.value)


@pytest.mark.parametrize(
    ("original", "misleading_name", "kinds"),
    [
        ("images/hopper.png", "slides.pdf", {"figure"}),
        ("docx/test.docx", "slides.pdf", {"heading", "paragraph"}),
        ("images/flower.jpg", "notes.txt", {"figure"}),
        ("audio/jfk.flac", "notes.txt", {"transcript"}),
    ],
)
def test_files_are_read_as_what_they_are_not_what_they_are_called(
    corpus: Path, tmp_path: Path, original: str, misleading_name: str, kinds: set[str]
) -> None:
    path = tmp_path / misleading_name
    shutil.copyfile(corpus / original, path)

    document = ingest([path], assets_dir=tmp_path / "assets")

    assert kinds <= {block.kind for block in document.blocks}
    assert all(block.source.file == misleading_name for block in document.blocks)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("GHOSTSCRIPT-698804-1-fuzzed.pdf", NoContent),
        ("PDFBOX-3148-2-fuzzed.pdf", CorruptFile),
        ("poppler-742-0-fuzzed.pdf", CorruptFile),
        ("helloworld-bad.pdf", NoContent),
        ("scan-bad.pdf", NoContent),
    ],
)
def test_hostile_or_textless_pdf_gives_specific_error(
    corpus: Path, name: str, error: type[InputError]
) -> None:
    with pytest.raises(InputError) as caught:
        ingest([corpus / "pdf" / name])

    assert type(caught.value) is error, f"{name} raised {type(caught.value).__name__}: {caught.value}"
    assert name in str(caught.value)
    assert "\n" not in str(caught.value), "the message is one line a person can read"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.md"):
        ingest([tmp_path / "gone.md"])


def test_one_bad_file_among_good_ones_names_the_bad_one(corpus: Path, tmp_path: Path) -> None:
    empty = tmp_path / "chapter-2.md"
    empty.write_bytes(b"")

    with pytest.raises(NoContent, match=r"chapter-2\.md"):
        ingest([corpus / "text/pep-0020.rst", empty])


def _corpus_documents() -> list[str]:
    corpus = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
    folders = [corpus / "pdf", corpus / "text"]
    return sorted(
        f"{path.parent.name}/{path.name}"
        for folder in folders
        if folder.is_dir()
        for path in folder.iterdir()
    )


@pytest.mark.parametrize("relative", _corpus_documents())
def test_every_corpus_document_reads_or_fails_cleanly(corpus: Path, relative: str) -> None:
    """Never a crash: each input gives a document with text, or an InputError that names the file."""
    path = corpus / relative
    outcome: SourceDocument | InputError
    try:
        outcome = ingest([path])
    except InputError as error:
        outcome = error
    if isinstance(outcome, InputError):
        assert path.name in str(outcome), f"the message does not name the file: {outcome}"
    else:
        assert outcome.title.strip()
        assert outcome.word_count >= 3
        assert any(block.kind != "heading" for block in outcome.blocks)
        assert all(block.text and block.text.strip() == block.text for block in outcome.blocks)


def test_pdf_figures_are_extracted_with_captions_in_page_order(corpus: Path, tmp_path: Path) -> None:
    document = ingest([corpus / "pdf/tracemonkey.pdf"], assets_dir=tmp_path)

    figures = [block for block in document.blocks if block.kind == "figure"]
    numbers = [int(block.text.split()[1].rstrip(".")) for block in figures]
    assert sorted(numbers) == list(range(1, 14))
    pages = [block.source.page or 0 for block in document.blocks]
    assert pages == sorted(pages), "figures sit among the text of their own page"
    for figure in figures:
        assert figure.image is not None and figure.image.is_file() and figure.image.parent == tmp_path


def test_markdown_tables_become_rows_and_cells() -> None:
    document = ingest_text(
        "# Results\n\nThe loop got faster.\n\n"
        "| Benchmark | Before | After |\n|---|---:|---:|\n| sieve | 12.5 | 2.2 |\n| nbody | 8.25 | 4.19 |\n"
    )

    tables = [block for block in document.blocks if block.kind == "table"]
    assert len(tables) == 1
    assert tables[0].rows == (
        ("Benchmark", "Before", "After"),
        ("sieve", "12.5", "2.2"),
        ("nbody", "8.25", "4.19"),
    )
    assert "sieve | 12.5 | 2.2" in tables[0].text
    assert [block.kind for block in document.blocks] == ["heading", "paragraph", "table"]
