"""The shared filter every reader asks: what is an icon, a rule, a blank; how a borrowed sentence is cut."""

from __future__ import annotations

import pytest
from PIL import Image

from animagenius.pipeline.ingest.pictures import excerpt, fingerprint, rejection
from tests.pipeline.ingest_pictures.pictures_helpers import PROSE, logo, photo


@pytest.mark.parametrize(
    ("picture", "page_share", "reason"),
    [
        (logo((16, 16)), None, "icon"),
        (logo((60, 60)), None, "icon"),  # smaller than 64 × 64 in all
        (Image.new("RGB", (2000, 4), "black"), None, "icon"),  # 4 px high: a hairline
        (logo((900, 60)), None, "rule"),  # 15:1, a divider or a banner strip
        (Image.new("RGB", (800, 600), (240, 240, 240)), None, "blank"),
        (Image.new("RGBA", (800, 600), (0, 0, 0, 0)), None, "blank"),  # transparent, not a black square
        (photo(), 0.004, "icon"),  # a photo shown as a thumbnail-sized button
        (photo(), 0.2, None),
        (logo(), None, None),  # a flat two-colour logo is content
        (logo((140, 56)), None, None),  # a "powered by" badge
    ],
)
def test_rejection(picture: Image.Image, page_share: float | None, reason: str | None) -> None:
    assert rejection(picture, page_share=page_share) == reason


def test_the_same_picture_scaled_or_re_encoded_has_the_same_fingerprint() -> None:
    original = photo()
    smaller = original.resize((240, 160), Image.Resampling.LANCZOS)
    assert fingerprint(original) == fingerprint(smaller) == fingerprint(original.convert("RGBA"))
    assert fingerprint(original) != fingerprint(photo(seed=5)) != fingerprint(logo())


@pytest.mark.parametrize("sentence", [*PROSE, "It is white.", "Closed."])
def test_an_excerpt_never_equals_the_sentence_it_comes_from(sentence: str) -> None:
    cut = excerpt(sentence)
    assert cut.endswith("…") and cut[:-1] != sentence and sentence not in cut
    assert sentence.startswith(cut[:-1].rstrip())
