"""`animagenius inspect`: what we read in a file and its analysis, for people and (--json) for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.pipeline.cli_helpers import EXIT_OK, EXIT_USAGE, assert_one_line_error, cli


def test_inspect_prints_outline(animagenius: Path, corpus: Path, tmp_path: Path):
    completed = cli(animagenius, "inspect", corpus / "text/pep-0020.rst", cwd=tmp_path)

    assert completed.returncode == EXIT_OK, completed.stderr
    assert completed.stdout.startswith("The Zen of Python\n")
    assert "language en" in completed.stdout
    assert "## The Zen of Python" in completed.stdout
    assert "  - If the implementation is hard to explain, it's a bad idea." in completed.stdout


def test_inspect_json_has_document_and_outline_with_provenance(
    animagenius: Path, corpus: Path, tmp_path: Path
):
    completed = cli(animagenius, "inspect", "--json", corpus / "pdf/tracemonkey.pdf", cwd=tmp_path)

    assert completed.returncode == EXIT_OK, completed.stderr
    payload = json.loads(completed.stdout)
    blocks = payload["document"]["blocks"]
    assert {block["source"]["page"] for block in blocks} == set(range(1, 15))
    outline = payload["outline"]
    assert outline["title"] == "Trace-based Just-in-Time Type Specialization for Dynamic Languages"
    assert outline["language"] == "en"
    headings = [section["heading"] for section in outline["sections"]]
    assert headings.index("Introduction") < headings.index("Evaluation") < headings.index("Conclusions")
    for section in outline["sections"]:
        for point in section["key_points"]:
            assert point["text"].split()[0] in blocks[point["block"]]["text"]


def test_inspect_bad_file_exits_2_with_the_specific_error(animagenius: Path, corpus: Path, tmp_path: Path):
    completed = cli(animagenius, "inspect", corpus / "pdf/PDFBOX-3148-2-fuzzed.pdf", cwd=tmp_path)
    assert_one_line_error(completed, "PDFBOX-3148-2-fuzzed.pdf is not a readable PDF")
    assert completed.returncode == EXIT_USAGE
