"""`animagenius render FILE -o out.mp4` and `animagenius inspect FILE`: the pipeline without a server.

Exit codes: 0 success, 2 bad input or options (one line on stderr saying what to change), 1 a bug.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from animagenius.pipeline.domain import (
    MAX_DURATION_S,
    MIN_DURATION_S,
    Aspect,
    Outline,
    Provenance,
    RenderOptions,
    Resolution,
    SourceDocument,
)
from animagenius.pipeline.errors import InputError, InvalidOption, PipelineError

EXIT_OK, EXIT_BUG, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"animagenius: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="animagenius", description="Turn documents into narrated videos.")
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render a document to MP4")
    render.add_argument(
        "inputs", nargs="+", type=Path, metavar="FILE", help="Markdown, reStructuredText, text or PDF"
    )
    render.add_argument("-o", "--output", type=Path, required=True, help="where to write the .mp4")
    render.add_argument("--aspect", default=Aspect.LANDSCAPE.value, help="16:9, 9:16 or 1:1 (default 16:9)")
    render.add_argument("--resolution", default=Resolution.HD.value, help="720p or 1080p (default 720p)")
    render.add_argument(
        "--duration",
        type=int,
        default=60,
        help=f"target length in seconds, {MIN_DURATION_S}-{MAX_DURATION_S} (default 60)",
    )
    render.add_argument("--quiet", action="store_true", help="no progress bar")

    inspect = commands.add_parser("inspect", help="show what AnimaGenius reads in files, and its analysis")
    inspect.add_argument("inputs", nargs="+", type=Path, metavar="FILE", help="files to read, in order")
    inspect.add_argument("--json", action="store_true", help="print the document and outline as JSON")
    inspect.add_argument(
        "--assets", type=Path, help="keep extracted images and audio in this folder (default: discarded)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _inspect(args) if args.command == "inspect" else _render(args)
    except (InputError, InvalidOption) as error:
        print(f"animagenius: {error}", file=sys.stderr)
        return EXIT_USAGE
    except PipelineError as error:
        print(f"animagenius: {error}", file=sys.stderr)
        return EXIT_BUG
    except KeyboardInterrupt:
        print("\nanimagenius: interrupted", file=sys.stderr)
        return 130


def _render(args: argparse.Namespace) -> int:
    from animagenius.pipeline.run import run

    options = RenderOptions.parse(aspect=args.aspect, resolution=args.resolution, duration=args.duration)
    output: Path = args.output
    if output.suffix.lower() != ".mp4":
        raise InvalidOption(f"output {output.name!r} must end in .mp4 (other containers arrive later)")
    for path in args.inputs:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
    bar = _ProgressBar(enabled=not args.quiet)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="animagenius-") as workdir:
            result = run(
                args.inputs, options=options, workdir=Path(workdir), out=output, on_progress=bar.update
            )
    finally:
        bar.finish()
    print(
        f"wrote {output} ({result.duration_s:.1f} s video, {len(result.script.scenes)} scenes) "
        f"and its captions as {', '.join(path.name for path in result.subtitles)} "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return EXIT_OK


def _inspect(args: argparse.Namespace) -> int:
    import json

    from animagenius.pipeline.analyse import analyse
    from animagenius.pipeline.ingest import ingest

    for path in args.inputs:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
    with tempfile.TemporaryDirectory(prefix="animagenius-") as scratch:
        assets: Path = args.assets or Path(scratch)
        assets.mkdir(parents=True, exist_ok=True)
        document = ingest(args.inputs, assets_dir=assets, isolated=True)
        outline = analyse(document)
    if args.json:
        payload = {"document": document.model_dump(mode="json"), "outline": outline.model_dump(mode="json")}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(_describe(document, outline))
    return EXIT_OK


def _describe(document: SourceDocument, outline: Outline) -> str:
    kinds = Counter(block.kind for block in document.blocks)
    lines = [
        f"{document.title}",
        f"  language {outline.language} · {outline.word_count} words · reading time "
        f"{outline.reading_time_s / 60:.1f} min · blocks: "
        + ", ".join(f"{count} {kind}" for kind, count in kinds.most_common()),
    ]
    if outline.needs_review:
        lines.append(f"  needs review: {', '.join(outline.flagged_terms)}")
    for section in outline.sections:
        lines.append(f"\n## {section.heading or '(opening)'}")
        lines.extend(f"  - {point.text}" for point in section.key_points)
    if outline.highlights:
        lines.append("\nWorth showing:")
        for item in outline.highlights:
            block = document.blocks[item.block]
            caption = block.text.split("\n")[0][:90]
            lines.append(f"  - {item.kind} ({_where(block.source)}): {caption} — {item.why}")
    if outline.numbers:
        lines.append("\nNumbers worth charting:")
        lines.extend(
            f"  - {', '.join(f'{v:g}' for v in n.values)} {n.unit}: {n.text}" for n in outline.numbers
        )
    return "\n".join(lines)


def _where(source: Provenance) -> str:
    parts = [source.file]
    if source.page:
        parts.append(f"page {source.page}")
    if source.slide:
        parts.append(f"slide {source.slide}")
    if source.start_s is not None:
        parts.append(f"at {source.start_s:.1f} s")
    return ", ".join(parts)


class _ProgressBar:
    WIDTH = 30

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.last = ""

    def update(self, stage: str, fraction: float) -> None:
        if not self.enabled or (not self.last and fraction == 0.0):
            return  # draw nothing until the input is read, so a bad file leaves only the error line
        filled = round(self.WIDTH * fraction)
        line = f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {fraction * 100:5.1f}%  {stage:<18}"
        if line != self.last:
            sys.stderr.write(line)
            sys.stderr.flush()
            self.last = line

    def finish(self) -> None:
        if self.enabled and self.last:
            sys.stderr.write("\n")


if __name__ == "__main__":
    sys.exit(main())
