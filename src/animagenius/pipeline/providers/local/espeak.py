"""espeak-ng (the Debian `espeak-ng` package) as the last-resort voice, timed by its own phoneme events.

It speaks about a hundred languages (`EspeakTTS.for_language("fr")`), robotic but clear; the voice for a
language is the one espeak-ng itself prefers for that tag (its voice files rank their languages).

libespeak-ng reports, for every phoneme it speaks, the character position of its word in our text and the
audio position where the phoneme starts; the first phoneme of a word gives the word its real start. (Its word
events would do too, but they fire up to 0.1 s early, at the last phoneme of the word before.) The library
keeps global state, so one lock serialises every synthesis in the process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from animagenius.pipeline.domain import WordTiming
from animagenius.pipeline.errors import ProviderError, ProviderUnavailable
from animagenius.pipeline.providers.protocols import Speech, VoiceQuality

ESPEAK_DEFAULT_WPM = 175
PACE_WPM: dict[str, float] = {"en": 167, "fr": 201, "de": 171, "es": 162, "it": 162, "pt": 157, "nl": 160}
"""How fast each language's voice sounds at ESPEAK_DEFAULT_WPM, in the words a minute that make the script
estimate (`speaking_time_s`, fitted to Piper's English) match it: French reads the same letters faster, the
Romance languages and Dutch slower. Measured on ~40 sentences of one article per language (bench/documents)
spoken in scene-sized groups, 2026-12-07; other languages are assumed to sound like ESPEAK_DEFAULT_WPM."""
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAMETER_RATE = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_PHONEME = 7
_INITIALIZE_PHONEME_EVENTS = 0x0001
_SILENCE = 0.01  # |sample| below this counts as the quiet after a word
_DEFAULT_VOICE = "en-us"


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


class _VoiceEntry(ctypes.Structure):  # espeak_VOICE
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # (priority byte, NUL-terminated tag) pairs, ended by a 0 byte
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass
class _Library:
    lib: ctypes.CDLL
    sample_rate: int
    lock: threading.Lock


@functools.cache
def _library() -> _Library:
    path = ctypes.util.find_library("espeak-ng")
    if path is None:
        raise ProviderError("espeak-ng is not installed; run `make system-deps` (Debian package espeak-ng)")
    lib = ctypes.CDLL(path)
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceEntry))
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
        ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip
    sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INITIALIZE_PHONEME_EVENTS)
    if sample_rate <= 0:
        raise ProviderError("espeak-ng could not start (its data files are missing?)")
    return _Library(lib=lib, sample_rate=sample_rate, lock=threading.Lock())


@dataclass(frozen=True)
class EspeakVoiceInfo:
    name: str  # espeak-ng's name for it, e.g. "French (France)"
    languages: tuple[tuple[int, str], ...]  # (priority, lower-case tag); a lower number is a better fit


@functools.cache
def espeak_voices() -> tuple[EspeakVoiceInfo, ...]:
    """The voices espeak-ng has (Debian's 1.51 has 131), each with the language tags it speaks."""
    library = _library()
    with library.lock:
        listed = library.lib.espeak_ListVoices(None)
        voices, index = [], 0
        while listed[index]:
            entry = listed[index].contents
            voices.append(EspeakVoiceInfo(entry.name.decode(), _languages(entry.languages)))
            index += 1
    return tuple(voices)


def _languages(address: int | None) -> tuple[tuple[int, str], ...]:
    languages = []
    while address and (priority := ctypes.string_at(address, 1)[0]):
        tag = ctypes.string_at(address + 1)
        languages.append((priority, tag.decode()))
        address += len(tag) + 2  # the priority byte, the tag, its NUL
    return tuple(languages)


def espeak_voice_for(language: str) -> tuple[str, EspeakVoiceInfo] | None:
    """The tag espeak-ng is best asked for to speak `language` (BCP 47), and its voice; None if it has none.

    The whole tag is tried first ("pt-BR" → "pt-br"), then the language alone ("fr-CA" → "fr").
    """
    wanted = language.lower()
    for tag in dict.fromkeys((wanted, wanted.split("-")[0])):
        fits = [
            (priority, info)
            for info in espeak_voices()
            for priority, spoken in info.languages
            if spoken == tag
        ]
        if fits:
            return tag, min(fits, key=lambda fit: fit[0])[1]
    return None


def language_name(language: str) -> str:
    """The language of a BCP 47 tag in words, as espeak-ng names it ("fr" → "French", "en-US" → "English
    (America)"); the tag itself when espeak-ng does not know it or is not installed."""
    try:
        found = espeak_voice_for(language)
    except ProviderError:
        found = None
    if found is None:
        return language
    tag, info = found
    return info.name if "-" in tag else info.name.split(" (")[0]


class EspeakTTS:
    quality: VoiceQuality = "synthetic"

    def __init__(self, voice: str = _DEFAULT_VOICE, *, name: str = "") -> None:
        self.voice = voice
        self.name = f"espeak:{voice}"
        self.identity = f"{self.name}:libespeak-ng"
        self.language = _bcp47(voice)
        speaker = f"espeak-ng's {name} voice" if name else "espeak-ng"
        self.description = f"{speaker}, robotic but always available; the fallback when another voice fails"
        self.words_per_minute = float(PACE_WPM.get(self.language.split("-")[0], ESPEAK_DEFAULT_WPM))

    @classmethod
    def for_language(cls, language: str) -> EspeakTTS:
        """espeak-ng's voice for `language` (BCP 47); ProviderUnavailable when it has none."""
        found = espeak_voice_for(language)
        if found is None:
            raise ProviderUnavailable(f"espeak-ng has no voice for the language {language!r}")
        tag, info = found
        return cls(tag, name=info.name)

    def synthesize(self, text: str, *, speed: float = 1.0) -> Speech:
        library = _library()
        samples, word_events = _speak(library, text, voice=self.voice, rate=round(ESPEAK_DEFAULT_WPM * speed))
        words = _word_timings(text, word_events, samples, library.sample_rate)
        return Speech(samples=samples, sample_rate=library.sample_rate, words=words)


def _bcp47(tag: str) -> str:
    """espeak-ng's lower-case tag as BCP 47 writes it: "pt-br" → "pt-BR", "en-gb-x-rp" → "en-GB-x-rp"."""
    language, *rest = tag.split("-")
    return "-".join([language, *(part.upper() if len(part) == 2 else part for part in rest)])


def _speak(
    library: _Library, text: str, *, voice: str, rate: int
) -> tuple[npt.NDArray[np.float32], list[tuple[int, float]]]:
    """The audio of `text` and, per phoneme, (0-based character position of its word, start seconds)."""
    chunks: list[npt.NDArray[np.int16]] = []
    events: list[tuple[int, float]] = []

    def collect(wav: ctypes._Pointer[ctypes.c_short], count: int, event: ctypes._Pointer[_Event]) -> int:
        if wav and count > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        index = 0
        while event[index].type != _EVENT_LIST_TERMINATED:
            pause = event[index].id.string.startswith(b"_")
            if event[index].type == _EVENT_PHONEME and not pause:
                events.append((event[index].text_position - 1, event[index].audio_position / 1000))
            index += 1
        return 0

    callback = _SynthCallback(collect)
    encoded = text.encode("utf-8") + b"\0"
    with library.lock:
        library.lib.espeak_SetSynthCallback(callback)
        found = library.lib.espeak_SetVoiceByName(voice.encode())
        if found != 0:
            raise ProviderUnavailable(f"espeak-ng has no voice {voice!r}")
        library.lib.espeak_SetParameter(_PARAMETER_RATE, rate, 0)
        status = library.lib.espeak_Synth(
            encoded, len(encoded), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
    if status != 0:
        raise ProviderError(f"espeak-ng failed to speak (status {status})")
    pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    return (pcm.astype(np.float32) / 32768.0), events


def _token_starts(text: str) -> list[int]:
    starts, position = [], 0
    for token in text.split():
        position = text.index(token, position)
        starts.append(position)
        position += len(token)
    return starts


def _word_timings(
    text: str, events: list[tuple[int, float]], samples: npt.NDArray[np.float32], rate: int
) -> tuple[WordTiming, ...]:
    """One timing per written word: its first phoneme starts it, the quiet before the next word ends it.

    espeak sometimes speaks two written words as one ("that it"); the second then gets no time of its own
    and is shown with the first, at the end of their sound.
    """
    tokens = text.split()
    starts = _event_starts(text, events)
    total_s = len(samples) / rate
    words = []
    previous_end = 0.0
    for index, token in enumerate(tokens):
        start = starts.get(index)
        if start is None:
            start = end = previous_end
        else:
            start = max(start, previous_end)  # events are in whole milliseconds, sound ends are not
            later = [starts[i] for i in range(index + 1, len(tokens)) if i in starts]
            end = _sound_end(samples, rate, start, min(later, default=total_s))
        words.append(WordTiming(word=token, start_s=round(start, 3), end_s=round(end, 3)))
        previous_end = end
    return tuple(words)


def _event_starts(text: str, events: list[tuple[int, float]]) -> dict[int, float]:
    """Start time of each written word (by index) that espeak reported phonemes for."""
    token_starts = _token_starts(text)
    starts: dict[int, float] = {}
    for position, start_s in events:
        spoken_at = _next_letter_or_digit(text, position)  # the event of "-- and" is the one of "and"
        owner = max((i for i, start in enumerate(token_starts) if start <= spoken_at), default=0)
        starts.setdefault(owner, start_s)
    return starts


def _next_letter_or_digit(text: str, position: int) -> int:
    for index in range(position, len(text)):
        if text[index].isalnum():
            return index
    return position


def _sound_end(samples: npt.NDArray[np.float32], rate: int, start_s: float, limit_s: float) -> float:
    segment = samples[round(start_s * rate) : round(limit_s * rate)]
    loud = np.flatnonzero(np.abs(segment) > _SILENCE)
    if loud.size == 0:
        return start_s
    return start_s + (int(loud[-1]) + 1) / rate
