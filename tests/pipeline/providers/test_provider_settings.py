"""Every provider's settings are read once, as one frozen ProviderSettings, and handed to the registries."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
from pydantic import SecretStr

from animagenius.pipeline.errors import InvalidOption, ProviderUnavailable
from animagenius.pipeline.providers.images import configured_image_generator
from animagenius.pipeline.providers.remote.config import ReplicateConfig, SpeechConfig
from animagenius.pipeline.providers.settings import ProviderSettings
from animagenius.pipeline.providers.videos import configured_video_generator
from animagenius.pipeline.voice.transcribers import TRANSCRIBERS
from animagenius.pipeline.voice.voices import VOICES


def test_from_env_reads_every_provider_once() -> None:
    settings = ProviderSettings.from_env(
        {
            "LLM_API_KEY": "llm-key",
            "TTS_VOICE": "nova",
            "ELEVENLABS_VOICE_ID": "voice123",
            "IMAGES_QUALITY": "high",
            "REPLICATE_POLL_S": "2",
            "ASR_MODEL_DIR": "~/whisper",
        }
    )
    assert settings.llm.enabled and settings.speech.voice == "nova"
    assert settings.elevenlabs.voice_id == "voice123" and settings.images.quality == "high"
    assert settings.replicate.poll_s == 2.0
    assert settings.asr_model_dir == Path("~/whisper").expanduser()
    with pytest.raises(pydantic.ValidationError):
        settings.llm = settings.llm  # type: ignore[misc]  # frozen


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TTS_MAX_ATTEMPTS", "many", "TTS_MAX_ATTEMPTS='many' is not a whole number"),
        ("ELEVENLABS_OUTPUT_FORMAT", "ogg", "ELEVENLABS_OUTPUT_FORMAT"),
        (
            "REPLICATE_BASE_URL",
            "replicate.com",
            "REPLICATE_BASE_URL='replicate.com' must start with https://",
        ),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(InvalidOption, match=message):
        ProviderSettings.from_env({variable: value})


def test_the_registries_make_providers_from_the_settings_they_are_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("TTS_API_KEY", "REPLICATE_API_KEY", "IMAGES_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    keyed = ProviderSettings(
        speech=SpeechConfig(api_key=SecretStr("tts-key"), voice="nova"),
        replicate=ReplicateConfig(api_key=SecretStr("r8-key")),
    )

    assert VOICES.create("openai", settings=keyed).name == "openai:nova"
    with pytest.raises(ProviderUnavailable, match="TTS_API_KEY"):
        VOICES.create("openai")  # none given: read from the environment, which has no key
    assert configured_video_generator("replicate", settings=keyed) is not None
    assert configured_video_generator("replicate") is None
    assert configured_image_generator("replicate", settings=keyed) is not None


def test_the_transcriber_reads_its_model_folder_from_the_settings(tmp_path: Path) -> None:
    settings = ProviderSettings(asr_model_dir=tmp_path / "no-model-here")
    with pytest.raises(InvalidOption, match=r"no Whisper model in .*no-model-here.*ASR_MODEL_DIR"):
        TRANSCRIBERS.create("whisper", settings=settings)
