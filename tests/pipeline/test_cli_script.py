"""`animagenius script` writes an editable script.json; `render --script` narrates it as edited."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from animagenius.pipeline.script.edit import script_load
from tests.pipeline.cli_helpers import EXIT_OK, assert_one_line_error, cli, last_line


def test_script_writes_json_that_loads_back(animagenius: Path, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "scripts" / "zen.json"

    completed = cli(
        animagenius, "script", corpus / "text/pep-0020.rst", "-o", out, "--duration", "45", cwd=tmp_path
    )

    assert completed.returncode == EXIT_OK, completed.stderr
    script = script_load(out)
    assert script.title == "The Zen of Python"
    assert script.target_duration_s == 45
    assert abs(script.estimated_duration_s - 45) <= 4.5
    assert [scene.id for scene in script.scenes] == [f"s{n}" for n in range(1, len(script.scenes) + 1)]
    assert f"--script {out}" in last_line(completed.stderr), "it says how to render the edited script"


ROSE = "A yellow rose from the garden behind our house. It opened this morning after a week of rain."


def test_script_narrates_the_description_of_a_photo(animagenius: Path, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "rose.json"

    completed = cli(
        animagenius, "script", corpus / "images/flower.jpg", "-o", out, "--about", ROSE, cwd=tmp_path
    )

    assert completed.returncode == EXIT_OK, completed.stderr
    narrated = " ".join(scene.narration for scene in script_load(out).scenes)
    assert "A yellow rose from the garden behind our house." in narrated
    assert f"--about '{ROSE}' --script {out}" in last_line(completed.stderr), "render needs the same text"


@pytest.mark.slow
def test_a_described_photo_renders_with_the_description_spoken(
    animagenius: Path, corpus: Path, tmp_path: Path
) -> None:
    photo, written, out = corpus / "images/flower.jpg", tmp_path / "rose.json", tmp_path / "rose.mp4"
    drafted = cli(animagenius, "script", photo, "-o", written, "--about", ROSE, cwd=tmp_path)
    assert drafted.returncode == EXIT_OK, drafted.stderr

    completed = cli(
        animagenius, "render", photo, "--about", ROSE, "--script", written, "-o", out, "--quiet", cwd=tmp_path
    )

    assert completed.returncode == EXIT_OK, completed.stderr
    cues = out.with_suffix(".srt").read_text().splitlines()
    captions = " ".join(line for line in cues if line.strip() and not line.isdigit() and "-->" not in line)
    assert "A yellow rose from the garden behind our house." in captions


@pytest.mark.slow
def test_render_uses_the_edited_script(
    animagenius: Path, corpus: Path, tmp_path: Path, ffprobe: Callable[[Path], dict[str, Any]]
) -> None:
    source = corpus / "text/pep-0020.rst"
    written = tmp_path / "zen.json"
    assert cli(animagenius, "script", source, "-o", written, "--duration", "30", cwd=tmp_path).returncode == 0
    data = json.loads(written.read_text())
    data["scenes"][0]["narration"] = "Hand edited opening about readable code."
    # switching a figure to a slide in an editor may leave its block behind; the slide must still render
    goodbye = {
        "title": "Goodbye",
        "narration": "Thanks for watching this video.",
        "visual": {"kind": "slide", "block": 999},
    }
    data["scenes"] = [*data["scenes"][:2], goodbye]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    out = tmp_path / "edited.mp4"

    completed = cli(animagenius, "render", source, "--script", edited, "-o", out, "--quiet", cwd=tmp_path)

    assert completed.returncode == EXIT_OK, completed.stderr
    assert "3 scenes" in last_line(completed.stderr)
    captions = out.with_suffix(".srt").read_text()
    assert "Hand edited opening" in captions
    assert "Thanks for watching" in captions
    expected = script_load(edited).estimated_duration_s
    duration = float(ffprobe(out)["format"]["duration"])
    assert abs(duration - expected) <= 0.15 * expected, (
        f"video {duration:.1f} s, script estimate {expected} s"
    )


@pytest.mark.parametrize(
    ("content", "mentions"),
    [
        ('{"title": "x", ', ("bad.json is not valid JSON", "line 1")),
        ('{"title": "x", "scenes": []}', ("bad.json", "scenes")),
        ('{"title": "x", "scenes": [{"title": "a", "narration": "  "}]}', ("scenes.0.narration", "blank")),
        ('{"title": "x", "scenes": [{"title": "a", "narration": "Hi there.", "source_blocks": [999]}]}',
         ("points at source block 999",)),
        ('{"title": "x", "scenes": [{"title": "a", "narration": "Hi.", '
         '"visual": {"kind": "figure", "block": 2}}]}',
         ("shows block 2 as a figure", "slide")),
        ("[1, 2]", ("must be a JSON object",)),
    ],
)  # fmt: skip
def test_bad_script_exits_2_naming_the_problem(
    animagenius: Path, corpus: Path, tmp_path: Path, content: str, mentions: tuple[str, ...]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)

    completed = cli(
        animagenius,
        "render",
        corpus / "text/pep-0020.rst",
        "--script",
        bad,
        "-o",
        tmp_path / "v.mp4",
        cwd=tmp_path,
    )

    assert_one_line_error(completed, *mentions)
    assert not (tmp_path / "v.mp4").exists()


def test_script_options_are_checked(animagenius: Path, corpus: Path, tmp_path: Path) -> None:
    source = corpus / "text/pep-0020.rst"

    assert_one_line_error(cli(animagenius, "script", source, "-o", tmp_path / "s.txt", cwd=tmp_path), ".json")
    assert_one_line_error(
        cli(animagenius, "script", source, "-o", tmp_path / "s.json", "--duration", "5", cwd=tmp_path),
        "15 to 600",
    )
    assert_one_line_error(
        cli(animagenius, "script", source, "-o", tmp_path / "s.json", "--writer", "gpt", cwd=tmp_path),
        "unknown script writer provider 'gpt'",
    )
