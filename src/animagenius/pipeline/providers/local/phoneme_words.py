"""Word timings from phoneme timings: which stretch of the spoken phonemes is which written word.

Piper times every phoneme of what it says. Phonemising each written word on its own tells which phonemes
belong to it; in running speech espeak reduces and joins words ("of an" → "əvən", "a" → "ɐ", no break after
"statement." before the next sentence), so the two phoneme sequences are aligned, not counted. Vowels count
as one class and stress and length marks are ignored, so a reduced vowel still lines up with its full form.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from animagenius.pipeline.domain import WordTiming

BREAKS = frozenset("^$ _.,;:!?¡¿—…\"'()-")  # word breaks, pauses, sentence start and end: no sound of a word
_IGNORED = frozenset("ˈˌːˑʲ\u0303\u0329\u032f")  # stress, length, palatalisation, nasal and syllabic marks
_VOWELS = frozenset("aeiouyæɐɑɒɔəɘɚɛɜɝɞɤɨɪʊʉʌʏøœɶɯɵᵻ")


@dataclass(frozen=True)
class TimedPhoneme:
    phoneme: str
    start_s: float
    end_s: float


def matching_key(phoneme: str) -> str | None:
    """What a phoneme is compared by; None for marks that are not compared at all."""
    if phoneme in _IGNORED or phoneme in BREAKS:
        return None
    return "V" if phoneme in _VOWELS else phoneme


def word_timings(
    tokens: Sequence[str], token_phonemes: Sequence[Sequence[str]], spoken: Sequence[TimedPhoneme]
) -> tuple[WordTiming, ...]:
    """One timing per token: from the first to the last spoken phoneme aligned to the token's own phonemes.

    A token none of whose phonemes were heard ("--") is timed as an instant at the end of the previous word.
    """
    owner = _owners(token_phonemes, spoken)
    words: list[WordTiming] = []
    previous_index = -1  # last spoken phoneme given to a word so far
    previous_end = next((p.start_s for p in spoken if p.phoneme not in BREAKS), 0.0)
    for index, token in enumerate(tokens):
        heard = [position for position, who in owner.items() if who == index]
        if not heard:
            words.append(WordTiming(word=token, start_s=round(previous_end, 3), end_s=round(previous_end, 3)))
            continue
        first = _extend_back(spoken, min(heard), floor=previous_index + 1)
        last = _extend_forward(spoken, max(heard), owner)
        start, end = max(spoken[first].start_s, previous_end), spoken[last].end_s
        words.append(WordTiming(word=token, start_s=round(start, 3), end_s=round(end, 3)))
        previous_index, previous_end = last, end
    return tuple(words)


def _owners(token_phonemes: Sequence[Sequence[str]], spoken: Sequence[TimedPhoneme]) -> dict[int, int]:
    """Index of a spoken phoneme → index of the token it was aligned to."""
    expected = [
        (token, key)
        for token, phonemes in enumerate(token_phonemes)
        for key in map(matching_key, phonemes)
        if key is not None
    ]
    heard = [(position, key) for position, key in enumerate(map(matching_key, (p.phoneme for p in spoken)))]
    heard = [(position, key) for position, key in heard if key is not None]
    matcher = difflib.SequenceMatcher(a=[k for _, k in expected], b=[k for _, k in heard], autojunk=False)
    owner: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            owner[heard[block.b + offset][0]] = expected[block.a + offset][0]
    return owner


def _extend_back(spoken: Sequence[TimedPhoneme], position: int, *, floor: int) -> int:
    """Take in the unmatched sounds before a word's first matched phoneme, up to the word break."""
    while position - 1 >= floor and spoken[position - 1].phoneme not in BREAKS:
        position -= 1
    while spoken[position].phoneme in _IGNORED and position + 1 < len(spoken):
        position += 1  # a stress mark has no sound of its own to start on
    return position


def _extend_forward(spoken: Sequence[TimedPhoneme], position: int, owner: dict[int, int]) -> int:
    """Take in the unmatched sounds after a word's last matched phoneme, up to the word break."""
    following = position + 1
    while following < len(spoken) and spoken[following].phoneme not in BREAKS and following not in owner:
        following += 1
    return following - 1
