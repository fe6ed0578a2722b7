"""The contracts every provider of a kind fulfils."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from animagenius.pipeline.domain import WordTiming


@dataclass(frozen=True)
class Speech:
    samples: npt.NDArray[np.float32]  # mono, -1..1
    sample_rate: int
    words: tuple[WordTiming, ...]

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


class Voice(Protocol):
    name: str

    def synthesize(self, text: str) -> Speech:
        """Speak `text`, returning audio with the start and end time of every word in it."""
        ...
