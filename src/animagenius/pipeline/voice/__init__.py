"""Narration: what the voice says (`text`), one WAV per scene with word timings (`narrate`), the voice
registry and its fallback chain (`voices`), speech recognisers (`transcribers`), word timings of known text
(`align`) and a person's own recording as the narration (`recording`)."""
