"""In a real browser: the new-video form plays a sample of the chosen voice, and asks for a music file only
when the person picks "My own file"."""

from __future__ import annotations

import wave

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_script_editor import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_preview_plays_the_chosen_voice(page: Page, live_server, settings, tmp_path):
    settings.VOICE_PREVIEW_DIR = tmp_path / "previews"
    sign_in(page, live_server.url)
    music_file = page.locator("#field-music_file")
    expect(music_file).to_be_hidden()
    page.select_option("select[name=music]", "file")
    expect(music_file).to_be_visible()

    page.select_option("select[name=voice]", "espeak")
    page.get_by_role("button", name="▶ Preview").click()

    page.wait_for_function(
        "() => { const a = document.querySelector('#voice-preview-audio'); return a && a.readyState >= 1; }",
        timeout=30000,
    )
    src, duration = page.evaluate(
        "() => { const a = document.querySelector('#voice-preview-audio'); return [a.src, a.duration]; }"
    )
    assert src.endswith("/voices/espeak/preview")
    with wave.open(str(tmp_path / "previews" / "espeak.wav"), "rb") as made:
        seconds = made.getnframes() / made.getframerate()
    assert abs(duration - seconds) <= 0.05, f"the page plays {duration:.2f} s of a {seconds:.2f} s sample"
