"""A small client for OpenAI-compatible `POST /chat/completions` (OpenRouter, OpenAI, vLLM, Ollama…).

It sends one conversation and returns the answer's text with its token usage and cost. Structured output is
asked for with `response_format: json_schema`; answers can be streamed (server-sent events). Transient
failures (429, 5xx, connection errors, timeouts) are retried with exponential backoff and jitter, honouring
`Retry-After`; everything else fails at once with a typed error saying what to fix.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from animagenius.pipeline.errors import (
    ProviderBadOutput,
    ProviderError,
    ProviderRateLimited,
    ProviderUnavailable,
)
from animagenius.pipeline.providers.protocols import TokenUsage
from animagenius.pipeline.providers.remote.config import LlmConfig, LlmTask
from animagenius.pipeline.providers.remote.http import (
    CONNECT_TIMEOUT_S,
    ERROR_DETAIL_CHARS,
    Retryable,
    attempts_text,
    error_detail,
    retry_after_s,
    retryable_status,
    with_retries,
)
from animagenius.pipeline.providers.remote.http import preview as _preview

__all__ = ["ChatClient", "ChatReply", "Message", "retry_after_s", "server_sent_events"]

Message = dict[str, str]


@dataclass(frozen=True)
class ChatReply:
    content: str
    usage: TokenUsage
    model: str
    finish_reason: str | None = None  # "length" means the answer was cut off at the token limit


class ChatClient:
    """Sends chat completions to `config.base_url`; retries transient failures up to `max_attempts` times."""

    def __init__(self, config: LlmConfig, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self._sleep = sleep

    @property
    def url(self) -> str:
        return self.config.base_url.rstrip("/") + "/chat/completions"

    def complete(
        self,
        messages: Sequence[Message],
        *,
        task: LlmTask = "script",
        json_schema: dict[str, Any] | None = None,
        schema_name: str = "answer",
        stream: bool | None = None,
    ) -> ChatReply:
        """The model's answer to `messages`; `stream=None` follows `config.stream`."""
        if not self.config.enabled:
            raise ProviderUnavailable("no LLM API key is configured; set LLM_API_KEY")
        streaming = self.config.stream if stream is None else stream
        body = self._body(messages, task=task, json_schema=json_schema, schema_name=schema_name)
        if streaming:
            body |= {"stream": True, "stream_options": {"include_usage": True}}
        return self._with_retries(body, task=task, streaming=streaming)

    def _body(
        self,
        messages: Sequence[Message],
        *,
        task: LlmTask,
        json_schema: dict[str, Any] | None,
        schema_name: str,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.config.model_for(task), "messages": list(messages)}
        if json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "strict": True, "schema": json_schema},
            }
            if _is_openrouter(self.config.base_url):
                # Route only to providers that honour response_format, instead of silently ignoring it.
                body["provider"] = {"require_parameters": True}
        return body

    def _headers(self) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.config.api_key.get_secret_value()}",
            "Content-Type": "application/json",
        }
        if self.config.app_url:
            headers["HTTP-Referer"] = self.config.app_url
        if self.config.app_name:
            headers["X-Title"] = self.config.app_name
        return headers

    def _with_retries(self, body: dict[str, Any], *, task: LlmTask, streaming: bool) -> ChatReply:
        return with_retries(
            lambda: self._attempt(body, task=task, streaming=streaming),
            max_attempts=self.config.max_attempts,
            backoff_s=self.config.backoff_s,
            give_up=_give_up,
            sleep=self._sleep,
        )

    def _attempt(self, body: dict[str, Any], *, task: LlmTask, streaming: bool) -> ChatReply:
        timeout_s = self.config.timeout_s
        # httpx's read timeout applies per read; the deadline bounds the whole answer.
        deadline = time.monotonic() + timeout_s
        timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, CONNECT_TIMEOUT_S))
        try:
            with (
                httpx.Client(timeout=timeout) as client,
                client.stream("POST", self.url, json=body, headers=self._headers()) as response,
            ):
                self._check_status(response, task=task)
                if streaming:
                    return self._read_stream(response, task=task, deadline=deadline)
                return self._read_completion(response, task=task, deadline=deadline)
        except httpx.TimeoutException:
            raise Retryable(
                f"the LLM endpoint did not answer within {timeout_s:g} s (LLM_TIMEOUT_S)"
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise ProviderUnavailable(
                f"LLM_BASE_URL={self.config.base_url!r} is not usable ({error})"
            ) from None
        except httpx.TransportError as error:
            raise Retryable(f"cannot reach the LLM endpoint at {self.config.base_url} ({error})") from None
        except httpx.HTTPError as error:  # e.g. a body that fails to decode: trying again will not help
            raise ProviderUnavailable(f"the LLM endpoint's answer could not be read ({error})") from None

    def _check_status(self, response: httpx.Response, *, task: LlmTask) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        detail = error_detail(response)
        retryable = retryable_status(response, f"the LLM endpoint answered HTTP {status}{detail}")
        if retryable is not None:
            raise retryable
        raise ProviderUnavailable(self._refusal(status, detail, task=task))

    def _refusal(self, status: int, detail: str, *, task: LlmTask) -> str:
        model_variable = f"LLM_MODEL_{task.upper()}"
        return {
            401: f"the LLM endpoint refused the API key (HTTP 401{detail}); check LLM_API_KEY",
            402: f"the LLM account has no credit left (HTTP 402{detail}); top it up or change LLM_API_KEY",
            403: f"the LLM endpoint denied access (HTTP 403{detail}); check LLM_API_KEY and its permissions",
            404: f"the LLM endpoint has no {self.url} or no model {self.config.model_for(task)!r} "
            f"(HTTP 404{detail}); check LLM_BASE_URL and {model_variable}",
        }.get(
            status,
            f"the LLM endpoint rejected the request (HTTP {status}{detail}); "
            f"check {model_variable} supports JSON-schema output",
        )

    def _read_completion(self, response: httpx.Response, *, task: LlmTask, deadline: float) -> ChatReply:
        raw = b"".join(_before(deadline, response.iter_bytes(), self.config.timeout_s))
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ProviderBadOutput(
                f"the LLM endpoint answered with something that is not JSON: {_preview(raw)}"
            ) from None
        if not isinstance(data, dict):
            raise ProviderBadOutput(
                f"the LLM endpoint answered with JSON that is not an object: {_preview(raw)}"
            )
        _raise_reported_error(data)
        message, finish_reason = _first_message(data)
        return ChatReply(
            content=_message_content(message),
            usage=self._usage(data.get("usage"), model=str(data.get("model") or self.config.model_for(task))),
            model=str(data.get("model") or self.config.model_for(task)),
            finish_reason=finish_reason,
        )

    def _read_stream(self, response: httpx.Response, *, task: LlmTask, deadline: float) -> ChatReply:
        parts: list[str] = []
        usage: object = None
        model = self.config.model_for(task)
        finish_reason: str | None = None
        lines = _before(deadline, response.iter_lines(), self.config.timeout_s)
        for event in server_sent_events(lines):
            if event == "[DONE]":
                return ChatReply(
                    content="".join(parts),
                    usage=self._usage(usage, model=model),
                    model=model,
                    finish_reason=finish_reason,
                )
            chunk = _stream_chunk(event)
            model = str(chunk.get("model") or model)
            usage = chunk.get("usage") or usage
            choices = chunk.get("choices") or []
            if choices and isinstance(choices[0], dict):
                delta = choices[0].get("delta") or {}
                parts.append(str(delta.get("content") or ""))
                finish_reason = choices[0].get("finish_reason") or finish_reason
        raise ProviderUnavailable("the LLM endpoint's stream ended before [DONE]; the answer is incomplete")

    def _usage(self, reported: object, *, model: str) -> TokenUsage:
        usage = reported if isinstance(reported, dict) else {}
        prompt_tokens = _token_count(usage.get("prompt_tokens"))
        completion_tokens = _token_count(usage.get("completion_tokens"))
        cost = usage.get("cost")
        if not isinstance(cost, int | float) or isinstance(cost, bool):
            cost = (
                prompt_tokens * self.config.price_prompt_per_mtok
                + completion_tokens * self.config.price_completion_per_mtok
            ) / 1_000_000
        return TokenUsage(
            model=model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost_usd=float(cost),
        )


def server_sent_events(lines: Iterator[str]) -> Iterator[str]:
    """The data of each server-sent event; comment lines (": OPENROUTER PROCESSING") are keep-alives."""
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield "\n".join(data)
                data = []
        elif line.startswith(":"):
            continue
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").removeprefix(" "))
    if data:
        yield "\n".join(data)


def _before(deadline: float, chunks: Iterator[Any], timeout_s: float) -> Iterator[Any]:
    for chunk in chunks:
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout(f"the answer took longer than {timeout_s:g} s")
        yield chunk


def _give_up(failure: Retryable, attempts: int) -> ProviderError:
    tries = attempts_text(attempts)
    if failure.rate_limited:
        return ProviderRateLimited(
            f"the LLM endpoint kept rate-limiting us ({failure}) after {tries}; try again later",
            retry_after_s=failure.retry_after_s,
        )
    return ProviderUnavailable(f"{failure}, after {tries}; try again later or check LLM_BASE_URL")


def _raise_reported_error(data: dict[str, Any]) -> None:
    """Some endpoints (OpenRouter among them) report upstream failures in a 200 body or mid-stream."""
    error = data.get("error")
    if error:
        message = error.get("message") if isinstance(error, dict) else error
        raise ProviderUnavailable(f"the LLM endpoint reported an error: {str(message)[:ERROR_DETAIL_CHARS]}")


def _first_message(data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ProviderBadOutput(f"the LLM endpoint's answer has no choices: {_preview(json.dumps(data))}")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise ProviderBadOutput("the LLM endpoint's answer has no message in its first choice")
    return message, choices[0].get("finish_reason")


def _message_content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if message.get("refusal"):
        raise ProviderBadOutput(
            f"the model refused to answer: {str(message['refusal'])[:ERROR_DETAIL_CHARS]}"
        )
    raise ProviderBadOutput("the LLM endpoint's answer has no text content")


def _stream_chunk(event: str) -> dict[str, Any]:
    try:
        chunk = json.loads(event)
    except json.JSONDecodeError:
        raise ProviderBadOutput(
            f"the LLM endpoint streamed something that is not JSON: {_preview(event)}"
        ) from None
    if not isinstance(chunk, dict):
        raise ProviderBadOutput(f"the LLM endpoint streamed JSON that is not an object: {_preview(event)}")
    _raise_reported_error(chunk)
    return chunk


def _token_count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _is_openrouter(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    return host == "openrouter.ai" or host.endswith(".openrouter.ai")
