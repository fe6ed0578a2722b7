"""Script writers by name, and the fallback chain that tries them in order.

`SCRIPT_WRITERS.create(name, settings=...)` makes one; `script_writer_chain(names, settings=...)` makes the
chain configured by `SCRIPT_WRITERS` (e.g. "openai,offline"). The offline writer always works, so it ends
every chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from animagenius.pipeline.domain import Outline, ScriptRequest, SourceDocument
from animagenius.pipeline.errors import ProviderError
from animagenius.pipeline.providers.protocols import ScriptWriter, TokenUsage, WrittenScript
from animagenius.pipeline.providers.registry import Registry
from animagenius.pipeline.providers.remote.config import LlmConfig

OFFLINE = "offline"


class WriterSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    llm: LlmConfig = LlmConfig()
    cache_dir: Path | None = None  # where remote writers keep answers, keyed by (outline, request, model)


SCRIPT_WRITERS: Registry[ScriptWriter] = Registry("script writer")


@SCRIPT_WRITERS.register(OFFLINE)
def _offline(*, settings: WriterSettings) -> ScriptWriter:
    from animagenius.pipeline.script.offline import OfflineWriter

    return OfflineWriter()


@SCRIPT_WRITERS.register("openai")
def _openai(*, settings: WriterSettings) -> ScriptWriter:
    from animagenius.pipeline.providers.remote.llm_writer import LlmScriptWriter

    return LlmScriptWriter(settings.llm, cache_dir=settings.cache_dir)


def default_chain(llm: LlmConfig) -> list[str]:
    """What runs when SCRIPT_WRITERS is not set: the LLM when a key is configured, then the offline writer."""
    return ["openai", OFFLINE] if llm.enabled else [OFFLINE]


class FallbackWriter:
    """Tries each writer in turn; the script says which one answered and why the others did not."""

    def __init__(self, writers: Sequence[ScriptWriter]) -> None:
        if not writers:
            raise ValueError("a fallback chain needs at least one writer")
        self.writers = list(writers)
        self.name = " → ".join(writer.name for writer in self.writers)

    def write(self, document: SourceDocument, outline: Outline, request: ScriptRequest) -> WrittenScript:
        notices: list[str] = []
        spent: list[TokenUsage] = []  # calls of writers that failed are paid for all the same
        for position, writer in enumerate(self.writers):
            try:
                result = writer.write(document, outline, request)
            except ProviderError as error:
                spent.extend(error.usage)
                if position == len(self.writers) - 1:
                    error.usage = tuple(spent)
                    raise
                following = self.writers[position + 1].name
                notices.append(
                    f"The {writer.name} script writer failed ({error}); the {following} writer was used."
                )
                continue
            return replace(result, usage=(*spent, *result.usage), notices=(*notices, *result.notices))
        raise AssertionError("unreachable: the last writer either returns or raises")


def script_writer_chain(names: Sequence[str], *, settings: WriterSettings) -> FallbackWriter:
    """The configured chain, with the offline writer added at the end if it is not there already."""
    chain = [name for name in names if name]
    if OFFLINE not in chain:
        chain.append(OFFLINE)
    return FallbackWriter([SCRIPT_WRITERS.create(name, settings=settings) for name in chain])
