"""Errors a person can act on. Every message says what is wrong and what to do about it."""


class PipelineError(Exception):
    """Base for failures the pipeline explains to the user (bad input, impossible options)."""

    code = "pipeline_error"


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
