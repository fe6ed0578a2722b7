"""Errors a person can act on. Every message says what is wrong and what to do about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from animagenius.pipeline.providers.protocols import TokenUsage


class PipelineError(Exception):
    """Base for failures the pipeline explains to the user (bad input, impossible options)."""

    code = "pipeline_error"
    transient = False  # True: the same work may succeed later, so a job meeting it is retried, not failed


class InputError(PipelineError):
    """The input cannot be turned into a video as it is."""

    code = "bad_input"


class UnsupportedFormat(InputError):
    code = "unsupported_format"


class CorruptFile(InputError):
    code = "corrupt_file"


class Encrypted(InputError):
    code = "encrypted"


class NoContent(InputError):
    code = "no_content"


class TooLarge(InputError):
    code = "too_large"


class ProcessingTimeout(InputError):
    code = "timeout"


class InvalidOption(PipelineError):
    code = "invalid_option"


class RenderFailed(PipelineError):
    """The encoder failed on input we produced ourselves: a bug or a broken installation, not bad input."""

    code = "render_failed"


class EncoderKilled(RenderFailed):
    """Something outside the job killed the encoder: the kernel out of memory, an operator."""

    code = "encoder_killed"
    transient = True

    def __init__(
        self, message: str = "the encoder was stopped from outside (the machine may be out of memory)"
    ) -> None:
        super().__init__(message)


class StorageError(PipelineError):
    """A file the job made could not be kept: the storage refused it or broke. Only an operator can fix
    that, so the job fails at once."""

    code = "storage_failed"


class StorageNotWritable(StorageError):
    """The storage is not writable (permissions, a read-only disk)."""

    code = "storage_not_writable"


class StorageFull(StorageError):
    """The disk (or the quota) is full: space may be freed, so the same job may succeed later."""

    code = "storage_full"
    transient = True


class InvalidScript(InputError):
    """An edited script that cannot be rendered as it is (bad JSON, a missing field, a dangling pointer)."""

    code = "invalid_script"


class ProviderError(PipelineError):
    """A provider (LLM, voice, image…) did not deliver; a fallback chain may try the next one.

    `usage` holds what the failed attempt was billed for (tokens of calls that answered unusably), so the
    cost is recorded even when another provider ends up answering.
    """

    code = "provider_error"

    def __init__(self, message: str, *, usage: tuple[TokenUsage, ...] = ()) -> None:
        super().__init__(message)
        self.usage = usage


class ProviderUnavailable(ProviderError):
    """Unreachable, timed out, a 5xx, or refused our credentials."""

    code = "provider_unavailable"
    transient = True


class ProviderRateLimited(ProviderError):
    code = "provider_rate_limited"
    transient = True

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ProviderBadOutput(ProviderError):
    """The provider answered, but not with something we can use (malformed JSON, wrong schema)."""

    code = "provider_bad_output"
