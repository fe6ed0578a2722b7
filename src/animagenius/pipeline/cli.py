"""`animagenius render FILE -o out.mp4`: the whole pipeline from the command line, no server needed.

Exit codes: 0 success, 2 bad input or options (one line on stderr saying what to change), 1 a bug.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from animagenius.pipeline.domain import MAX_DURATION_S, MIN_DURATION_S, Aspect, RenderOptions, Resolution
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _render(args)
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
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return EXIT_OK


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
