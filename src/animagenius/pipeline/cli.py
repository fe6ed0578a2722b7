"""The pipeline without a server.

    animagenius render FILE… -o out.mp4            read, write a script, narrate and render
    animagenius render FILE… -o out.webm           the extension picks the format: .mp4, .webm or .gif
    animagenius script FILE… -o script.json        only write the script, to edit by hand
    animagenius render FILE… --script script.json -o out.mp4   render an edited script
    animagenius render FILE… --script script.json --narration me.m4a -o out.mp4   your own voice reads it
    animagenius render photo.jpg --about "What it shows." -o out.mp4   photos and clips: say what they show
    animagenius inspect FILE…                      what AnimaGenius reads in the files, and its analysis

Exit codes: 0 success, 2 bad input or options (one line on stderr saying what to change), 1 a bug.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from enum import Enum
from pathlib import Path

from animagenius.pipeline.compose.music import TRACKS, music_check
from animagenius.pipeline.domain import Outline, Provenance, ScriptRequest, SourceDocument
from animagenius.pipeline.errors import InputError, InvalidOption, PipelineError
from animagenius.pipeline.providers.protocols import ScriptWriter
from animagenius.pipeline.providers.remote.config import LlmConfig
from animagenius.pipeline.providers.settings import ProviderSettings
from animagenius.pipeline.script.about import ABOUT, MAX_ABOUT_CHARS, about_check, with_about
from animagenius.pipeline.script.edit import script_dump, script_load
from animagenius.pipeline.video import MAX_DURATION_S, MIN_DURATION_S, VIDEO_FORMATS, RenderOptions

EXIT_OK, EXIT_BUG, EXIT_USAGE = 0, 1, 2
MAX_ENCODERS = 8


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"animagenius: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="animagenius", description="Turn documents into narrated videos.")
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render a document to MP4")
    render.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="documents (PDF, Word, PowerPoint, Markdown, HTML, text), photos, recordings or videos",
    )
    render.add_argument("-o", "--output", type=Path, required=True, help="where to write the .mp4")
    _add_render_options(render)
    render.add_argument(
        "--encoders",
        type=_encoder_count,
        default=os.environ.get("RENDER_ENCODERS", "1"),
        help="video encoders at once: 1 (default, least memory) or more, faster on several cores "
        "(default from RENDER_ENCODERS)",
    )
    render.add_argument(
        "--rendition",
        action="append",
        default=[],
        metavar="ASPECT,RESOLUTION,FORMAT",
        help="also render this version, e.g. 9:16,720p,webm, written next to -o (repeatable); it shares "
        "the script, voice and sound with the main video",
    )
    render.add_argument(
        "--duration",
        type=int,
        default=60,
        help=f"target length in seconds, {MIN_DURATION_S}-{MAX_DURATION_S} (default 60)",
    )
    render.add_argument(
        "--voice",
        default="piper",
        help="the narrating voice: piper, hibari, espeak, or openai / elevenlabs when keyed (default "
        "piper); a script in a language it does not speak is read by a voice for that language, with a note",
    )
    render.add_argument(
        "--script", type=Path, metavar="JSON", help="narrate this script (from `animagenius script`) as it is"
    )
    render.add_argument(
        "--narration",
        type=Path,
        metavar="FILE",
        help="your own recording of the --script text (audio or video file) as the narration, "
        "instead of a voice",
    )
    _add_about_option(render)
    _add_writing_options(render)
    render.add_argument("--quiet", action="store_true", help="no progress bar")

    script = commands.add_parser(
        "script", help="write the narration script as JSON, to edit before rendering"
    )
    script.add_argument("inputs", nargs="+", type=Path, metavar="FILE", help="the documents, in order")
    script.add_argument("-o", "--output", type=Path, required=True, help="where to write the .json")
    script.add_argument(
        "--duration",
        type=int,
        default=60,
        help=f"target length in seconds, {MIN_DURATION_S}-{MAX_DURATION_S} (default 60)",
    )
    _add_about_option(script)
    _add_writing_options(script)

    inspect = commands.add_parser("inspect", help="show what AnimaGenius reads in files, and its analysis")
    inspect.add_argument("inputs", nargs="+", type=Path, metavar="FILE", help="files to read, in order")
    inspect.add_argument("--json", action="store_true", help="print the document and outline as JSON")
    inspect.add_argument(
        "--assets", type=Path, help="keep extracted images and audio in this folder (default: discarded)"
    )
    _add_about_option(inspect)
    return parser


_OPTIONS_ELSEWHERE = ("target_duration_s", "format", "fps", "brand")
"""RenderOptions fields that are no option of their own: --duration (shared with `script`), the extension of
-o, and what only a program sets."""
_MORE_HELP = {
    "captions": "; SRT and WebVTT are always written",
    "music": f"; built-in: {', '.join(TRACKS)}",
}


def _render_option_names() -> list[str]:
    return [name for name in RenderOptions.model_fields if name not in _OPTIONS_ELSEWHERE]


def _add_render_options(command: argparse.ArgumentParser) -> None:
    """One option per RenderOptions field, named, described and defaulted by the contract, which also checks
    the values (`RenderOptions.read`), so a new field is a new option here."""
    for name in _render_option_names():
        field = RenderOptions.model_fields[name]
        flag = f"--{name.replace('_', '-')}"
        help = f"{field.description}{_MORE_HELP.get(name, '')}"
        if field.annotation is bool:
            command.add_argument(flag, action="store_true", help=help)
            continue
        default = field.default.value if isinstance(field.default, Enum) else field.default
        kind = {"int": int, "float": float}.get(getattr(field.annotation, "__name__", ""), str)
        command.add_argument(flag, type=kind, default=default, help=f"{help} (default {default or 'none'})")


def _add_about_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--about",
        default="",
        metavar="TEXT",
        help="a sentence or two on what the files show, narrated first: photos and silent clips have no "
        f"words of their own (at most {MAX_ABOUT_CHARS:,} characters)",
    )


def _add_writing_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--style", default="explainer", choices=("explainer", "summary", "lesson", "promo"), help="tone"
    )
    command.add_argument(
        "--writer",
        help="script writers to try in order, comma-separated (default: $SCRIPT_WRITERS, else openai,offline "
        "when LLM_API_KEY is set, else offline)",
    )
    command.add_argument("--call-to-action", default="", help="the closing line (default: the style's)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {"inspect": _inspect, "render": _render, "script": _script}
    try:
        return commands[args.command](args)
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
    from animagenius.pipeline.compose.segments import CACHE_MAX_BYTES, cache_trim
    from animagenius.pipeline.providers.images import DEFAULT_IMAGE_GENERATOR, configured_image_generator
    from animagenius.pipeline.providers.videos import DEFAULT_VIDEO_GENERATOR, configured_video_generator
    from animagenius.pipeline.run import run

    options = RenderOptions.read(
        **{name: getattr(args, name) for name in _render_option_names()},
        target_duration_s=args.duration,
        format=_video_format(args.output),
    )
    music_check(options.music)
    output: Path = args.output
    renditions = [_rendition(text, options, output) for text in args.rendition]
    about = about_check(args.about)
    _check_files(args.inputs)
    edited = script_load(args.script) if args.script else None
    if args.narration is not None and edited is None:
        raise InvalidOption(
            f"--narration {args.narration.name} needs the script you read: add --script script.json "
            "(write one with `animagenius script` and edit it to what you said)"
        )
    providers = ProviderSettings.from_env()  # once: a bad provider variable stops here, named
    writer = None if edited else _writer_chain(args.writer, llm=providers.llm)
    bar = _ProgressBar(enabled=not args.quiet)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="animagenius-") as workdir:
            result = run(
                args.inputs, options=options, workdir=Path(workdir), out=output, on_progress=bar.update,
                script=edited, writer=writer, style=args.style, call_to_action=args.call_to_action,
                voice_name=args.voice, voice_cache_dir=_user_cache_dir() / "voice", recording=args.narration,
                segment_cache_dir=_user_cache_dir() / "segments", renditions=renditions,
                image_generator=configured_image_generator(
                    os.environ.get("IMAGE_GENERATOR", DEFAULT_IMAGE_GENERATOR), settings=providers
                ),
                image_cache_dir=_user_cache_dir() / "generated-pictures",
                video_generator=configured_video_generator(
                    os.environ.get("VIDEO_GENERATOR", DEFAULT_VIDEO_GENERATOR), settings=providers
                ), providers=providers,
                video_cache_dir=_user_cache_dir() / "generated-clips",
                encoders=args.encoders, about=about,
            )  # fmt: skip
    finally:
        bar.finish()
        cache_trim(_user_cache_dir() / "segments", max_bytes=CACHE_MAX_BYTES)
    _print_notices(result.notices)
    for extra in result.renditions[1:]:
        print(f"wrote {extra.video}", file=sys.stderr)
    print(
        f"wrote {output} ({result.duration_s:.1f} s video, {len(result.script.scenes)} scenes) "
        f"and its captions as {', '.join(path.name for path in result.subtitles)} "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return EXIT_OK


def _rendition(text: str, main: RenderOptions, output: Path) -> tuple[RenderOptions, Path]:
    """`9:16,720p,webm` → those options (the rest as the main video's) and the file next to `output`."""
    try:
        options = main.rendition(text)
    except InvalidOption as error:
        raise InvalidOption(f"--{error}") from None  # "--rendition '…' …", as the person typed it
    name = (
        f"{output.stem}-{options.aspect.value.replace(':', 'x')}-{options.resolution.value}.{options.format}"
    )
    return options, output.with_name(name)


def _video_format(output: Path) -> str:
    """The container the output's extension names."""
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in VIDEO_FORMATS:
        raise InvalidOption(
            f"output {output.name!r} must end in {', '.join('.' + name for name in VIDEO_FORMATS)}: "
            "the extension picks the format"
        )
    return suffix


def _script(args: argparse.Namespace) -> int:
    from animagenius.pipeline.run import draft_script, read_sources
    from animagenius.pipeline.script.analyse import document_language
    from animagenius.pipeline.voice.voices import voice_for_script

    output: Path = args.output
    if output.suffix.lower() != ".json":
        raise InvalidOption(f"output {output.name!r} must end in .json")
    RenderOptions.read(target_duration_s=args.duration)  # the length a video may have
    about = about_check(args.about)
    _check_files(args.inputs)
    providers = ProviderSettings.from_env()  # once: a bad provider variable stops here, named
    with tempfile.TemporaryDirectory(prefix="animagenius-") as workdir:
        document = read_sources(args.inputs, workdir=Path(workdir), about=about)
        pick = voice_for_script(["piper"], language=document_language(document), settings=providers)
        request = ScriptRequest(
            target_duration_s=args.duration,
            style=args.style,
            call_to_action=args.call_to_action,
            words_per_minute=pick.voice.words_per_minute,  # timed for the voice that will read it
        )
        written = draft_script(
            document, request=request, writer=_writer_chain(args.writer, llm=providers.llm)
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(script_dump(written.script), encoding="utf-8")
    _print_notices((*written.notices, *pick.notices))
    script = written.script
    # the script points at blocks of the document read with the same text about it, so render needs it too
    again = [*map(str, args.inputs), *(["--about", about] if about else []), "--script", str(output)]
    print(
        f"wrote {output}: {len(script.scenes)} scenes, about {script.estimated_duration_s:.0f} s, "
        f"by the {written.writer} writer; edit it, then: animagenius render {shlex.join(again)} -o video.mp4",
        file=sys.stderr,
    )
    return EXIT_OK


def _writer_chain(names: str | None, *, llm: LlmConfig) -> ScriptWriter:
    from animagenius.pipeline.script.writers import WriterSettings, default_chain, script_writer_chain

    chosen = names or os.environ.get("SCRIPT_WRITERS", "")
    chain = [name.strip() for name in chosen.split(",") if name.strip()] or default_chain(llm)
    cache = _user_cache_dir() / "scripts"
    return script_writer_chain(chain, settings=WriterSettings(llm=llm, cache_dir=cache))


def _encoder_count(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_ENCODERS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of encoders; use 1 (least memory) up to {MAX_ENCODERS}"
        )
    return int(text)


def _user_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "animagenius"


def _print_notices(notices: Sequence[str]) -> None:
    for notice in notices:
        print(f"animagenius: note: {notice}", file=sys.stderr)


def _check_files(paths: Sequence[Path]) -> None:
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")


def _inspect(args: argparse.Namespace) -> int:
    import json

    from animagenius.pipeline.ingest import ingest
    from animagenius.pipeline.script.analyse import analyse

    about = about_check(args.about)
    _check_files(args.inputs)
    with tempfile.TemporaryDirectory(prefix="animagenius-") as scratch:
        assets: Path = args.assets or Path(scratch)
        assets.mkdir(parents=True, exist_ok=True)
        document = with_about(ingest(args.inputs, assets_dir=assets, isolated=True), about)
        outline = analyse(document)
    if args.json:
        payload = {"document": document.model_dump(mode="json"), "outline": outline.model_dump(mode="json")}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(_describe(document, outline))
    return EXIT_OK


def _describe(document: SourceDocument, outline: Outline) -> str:
    from animagenius.pipeline.ingest.legibility import unreadable_pages_notices

    kinds = Counter(block.kind for block in document.blocks)
    lines = [
        f"{document.title}",
        f"  language {outline.language} · {outline.word_count} words · reading time "
        f"{outline.reading_time_s / 60:.1f} min · blocks: "
        + ", ".join(f"{count} {kind}" for kind, count in kinds.most_common()),
    ]
    if outline.flagged_terms:
        lines.append(f"  needs review: {', '.join(outline.flagged_terms)}")
    lines.extend(f"  needs review: {notice}" for notice in unreadable_pages_notices(outline.unreadable_pages))
    for section in outline.sections:
        lines.append(f"\n## {section.heading or '(opening)'}")
        lines.extend(
            f"  - {point.text}" + (f" ({ABOUT.file})" if document.blocks[point.block].source == ABOUT else "")
            for point in section.key_points
        )
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
