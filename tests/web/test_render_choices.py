"""Choosing the voice, its speed, the caption style and background music for a video, and hearing voices.

The form is checked through the web client; the render runs the real pipeline through the services the
worker calls (in this process), as tests/web/test_script_editing.py does.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.pipeline.media.ffmpeg import ffmpeg_exe
from animagenius.pipeline.providers.local.espeak import EspeakTTS
from animagenius.pipeline.video import RenderOptions
from animagenius.pipeline.voice.narrate import voice_list
from animagenius.studio import services
from animagenius.studio.jobs.execute import script_job_execute
from animagenius.studio.jobs.queue import script_job_create
from animagenius.studio.models import Asset, Project, RenderJob
from tests.factories import TIDES_PROSE, render_job_rendered_create
from tests.pipeline.voice_helpers import preview_seconds_expected
from tests.web.helpers import new_video


def tone_wav(seconds: float = 1.0, rate: int = 44100) -> bytes:
    samples = (np.sin(2 * np.pi * 440 * np.arange(int(rate * seconds)) / rate) * 8000).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


# ---------------------------------------------------------------- the form


BAD_CHOICES = [
    ({"speed": "2"}, "speed", "2 is not one of the available choices"),
    ({"caption_style": "sparkle"}, "caption_style", "sparkle is not one of the available choices"),
    ({"voice": "nobody"}, "voice", "nobody is not one of the available choices"),
    ({"music": "disco"}, "music", "disco is not one of the available choices"),
    ({"music": "file"}, "music_file", "Choose the music file to upload"),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_CHOICES, ids=[b[1] for b in BAD_CHOICES])
def test_invalid_choices_are_shown_as_form_errors(signed_in, media, fields, field, message):
    response = new_video(signed_in, **fields)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Project.objects.exists()


def test_a_music_file_that_is_not_audio_is_refused_naming_the_problem(signed_in, media):
    song = SimpleUploadedFile("holiday song.mp3", b"These are the lyrics, not the song.\n" * 40)

    response = new_video(signed_in, music="file", music_file=song)

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["music_file"])
    assert "'holiday song.mp3' cannot be played" in errors
    assert "use an MP3, M4A, WAV, FLAC or OGG audio file" in errors
    assert not Project.objects.exists()


def test_chosen_options_are_stored_and_shown_on_the_project_page(signed_in, media):
    response = new_video(
        signed_in, voice="espeak", speed="1.25", caption_style="karaoke", music="calm", review="on"
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get()
    options = project.render_options
    assert (project.voice, options.speed, options.captions, options.music) == (
        "espeak",
        1.25,
        "karaoke",
        "calm",
    )
    page = signed_in.get(response["Location"]).content.decode()
    assert "Voice: espeak · 1.25× · karaoke captions · music: calm" in page


def test_own_music_file_is_kept_as_the_projects_music(signed_in, media):
    response = new_video(
        signed_in, music="file", music_file=SimpleUploadedFile("tone.wav", tone_wav()), review="on"
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get()
    music = project.assets.get(kind=Asset.Kind.MUSIC)
    assert music.original_name == "tone.wav" and project.render_options.music == ""
    assert Path(music.file.path).read_bytes() == tone_wav()
    page = signed_in.get(response["Location"]).content.decode()
    assert "Voice: piper · 1× · clean captions · music: tone.wav" in page


def test_defaults_need_no_new_fields(signed_in, media, settings):
    response = new_video(signed_in, review="on")  # what older clients and the e2e test send

    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get()
    options = project.render_options
    assert (project.voice, options.speed, options.captions, options.music) == (
        settings.VOICE_PROVIDER,
        1.0,
        "clean",
        "",
    )


def test_script_is_timed_for_the_chosen_voice_and_speed(user: User, media):
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30, speed=1.5),
        pasted_text=TIDES_PROSE,
        voice="espeak",
    )

    script_job_execute(job_id=script_job_create(project=project, render_after=False).id)

    version = project.script_versions.get()
    espeak = next(voice for voice in voice_list() if voice.name == "espeak")
    assert version.script["words_per_minute"] == pytest.approx(espeak.words_per_minute * 1.5)


def test_a_french_document_is_timed_for_the_french_voice_and_the_script_job_says_so(user: User, media):
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30),
        pasted_text="# Les marées\n\nLa Lune attire les océans, et deux fois par jour la mer monte puis "
        "descend le long des côtes.\n\nLes marées de vives-eaux sont les plus fortes du mois.\n",
        voice="piper",
    )

    job = script_job_create(project=project, render_after=False)
    script_job_execute(job_id=job.id)

    job.refresh_from_db()
    assert any("The script is in French" in notice and "espeak-ng" in notice for notice in job.notices)
    version = project.script_versions.get()
    french = EspeakTTS.for_language("fr")  # espeak-ng's French voice, at its measured pace
    assert version.script["language"] == "fr"
    assert version.script["words_per_minute"] == pytest.approx(french.words_per_minute)
    assert french.words_per_minute != next(v for v in voice_list() if v.name == "espeak").words_per_minute


def test_new_video_form_offers_voices_with_a_preview_button(signed_in, media):
    page = signed_in.get(reverse("studio:project_list")).content.decode()

    assert '<option value="piper"' in page and '<option value="espeak"' in page
    assert "piper — English (America), neural — " in page, "each voice shows its language and quality"
    assert "espeak — English (America), synthetic — " in page
    assert 'id="voice-preview"' in page and 'data-url="/voices/__voice__/preview"' in page
    assert "studio/new-project.js" in page
    assert '<option value="calm"' in page and '<option value="file"' in page


# ---------------------------------------------------------------- voices


def test_voice_list_is_json_with_each_voices_preview(signed_in, media):
    response = signed_in.get("/voices/")

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    voices = {voice["name"]: voice for voice in json.loads(response.content)["voices"]}
    assert {"piper", "espeak"} <= voices.keys()
    assert voices["piper"]["language"] == "en-US" and voices["piper"]["description"]
    assert voices["piper"]["language_name"] == "English (America)" and voices["piper"]["quality"] == "neural"
    assert voices["espeak"]["quality"] == "synthetic"
    assert voices["piper"]["preview"] == "/voices/piper/preview"


def test_voice_preview_is_a_playable_wav_made_once(signed_in, media):
    first = signed_in.get("/voices/espeak/preview")

    assert first.status_code == 200 and first["Content-Type"] == "audio/wav"
    body = b"".join(first.streaming_content)
    with wave.open(io.BytesIO(body)) as sample:
        seconds = sample.getnframes() / sample.getframerate()
    assert abs(seconds / preview_seconds_expected("espeak") - 1) <= 0.2, f"{seconds:.2f} s of sample"
    cached = media / "previews" / "espeak.wav"
    made_at = cached.stat().st_mtime_ns

    second = signed_in.get("/voices/espeak/preview")

    assert b"".join(second.streaming_content) == body
    assert cached.stat().st_mtime_ns == made_at  # served from the cache, not spoken again
    assert list((media / "previews").iterdir()) == [cached]  # no partial files left behind


def test_unknown_voice_preview_is_404_and_voices_need_a_login(client, signed_in, media):
    assert signed_in.get("/voices/nobody/preview").status_code == 404
    signed_in.logout()
    assert signed_in.get("/voices/").status_code == 302
    assert signed_in.get("/voices/piper/preview").status_code == 302


# ---------------------------------------------------------------- the render


def audio_quietest_db(video: Path) -> float:
    """The level of the quietest 100 ms of the video's sound, in dBFS."""
    pcm = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(video), "-ac", "1", "-ar", "48000", "-f", "s16le", "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768
    windows = samples[: len(samples) // 4800 * 4800].reshape(-1, 4800)[5:-5]  # fades at either end
    rms = np.sqrt((windows**2).mean(axis=1))
    return 20 * math.log10(max(float(rms.min()), 1e-9))


def test_speed_captions_and_music_reach_the_render(user: User, media, ffprobe):
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions.read(aspect="16:9", resolution="720p", target_duration_s=30),
        pasted_text=TIDES_PROSE,
    )
    script_job_execute(job_id=script_job_create(project=project, render_after=False).id)
    project.refresh_from_db()
    plain = render_job_rendered_create(project=project)
    assert plain.status == RenderJob.Status.DONE, plain.error
    plain_video = media / "plain.mp4"
    plain_video.write_bytes(Path(project.video.path).read_bytes())
    plain_s = project.video_duration_s
    assert plain_s is not None

    options_change(project, speed=1.25, captions="none", music="calm")
    project.refresh_from_db()
    # the same saved script, spoken faster, no captions, with music
    styled = render_job_rendered_create(project=project)

    assert styled.status == RenderJob.Status.DONE, styled.error
    styled_video = Path(project.video.path)
    probe = ffprobe(styled_video)
    audio = [s for s in probe["streams"] if s["codec_type"] == "audio"]
    assert [(s["codec_name"], s["sample_rate"]) for s in audio] == [("aac", "48000")]
    styled_s = float(probe["format"]["duration"])
    assert project.video_duration_s == pytest.approx(styled_s, abs=0.5)
    assert styled_s < plain_s * 0.92, (plain_s, styled_s)  # 1.25× speech makes the same script shorter
    # the pauses between scenes are near silence without music and carry the (ducked) music with it
    quiet = audio_quietest_db(plain_video), audio_quietest_db(styled_video)
    assert quiet[0] < -60 and quiet[1] > quiet[0] + 15 and quiet[1] > -56, quiet

    styled_copy = media / "styled.mp4"
    styled_copy.write_bytes(styled_video.read_bytes())
    options_change(project, captions="clean")
    # the same again with captions: frames differ only where they are drawn
    captioned = render_job_rendered_create(project=project)
    assert captioned.status == RenderJob.Status.DONE, captioned.error
    differences = [
        frame_difference(styled_copy, Path(project.video.path), at_s=styled_s * share)
        for share in (0.3, 0.5, 0.7)
    ]
    assert all(top < 1.0 for top, _ in differences), differences
    assert max(bottom for _, bottom in differences) > 5.0, differences


def test_captions_chosen_at_the_top_are_stored_and_drawn_in_the_top_band(signed_in, media):
    """One option's way: the form's widget, RenderOptions, the stored JSON, project_options, run, a frame."""
    response = new_video(signed_in, caption_position="top", review="on")

    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get()
    assert project.options["caption_position"] == "top" and project.options["captions"] == "clean"
    assert "clean captions at the top" in signed_in.get(response["Location"]).content.decode()
    script_job_execute(job_id=project.render_jobs.get().id)  # the draft the form queued
    project.refresh_from_db()
    captioned = render_job_rendered_create(project=project)
    assert captioned.status == RenderJob.Status.DONE, captioned.error
    at_top = media / "top.mp4"
    at_top.write_bytes(Path(project.video.path).read_bytes())
    length = project.video_duration_s
    assert length is not None
    options_change(project, captions="none")
    # the same frames without captions: they differ only where captions are drawn
    bare = render_job_rendered_create(project=project)
    assert bare.status == RenderJob.Status.DONE, bare.error

    for share in (0.3, 0.5, 0.7):
        frames = [grey_frame(video, at_s=length * share) for video in (at_top, Path(project.video.path))]
        difference = np.abs(frames[0] - frames[1])  # 320 × 180: the top caption band is rows 13-38
        top_band, below = difference[13:39].mean(), difference[45:].mean()
        assert top_band > 5.0 and below < 1.0, (share, top_band, below)


def options_change(project: Project, **changes: object) -> None:
    """Change stored options of `project` as if it had been made with them."""
    Project.objects.filter(id=project.id).update(options={**project.options, **changes})


def frame_difference(first: Path, second: Path, *, at_s: float) -> tuple[float, float]:
    """Mean absolute grey-level difference of the two videos' frames at `at_s`: top half, bottom third."""
    frames = [grey_frame(video, at_s=at_s) for video in (first, second)]
    difference = np.abs(frames[0] - frames[1])
    height = difference.shape[0]
    return float(difference[: height // 2].mean()), float(difference[height * 2 // 3 :].mean())


def grey_frame(video: Path, *, at_s: float) -> np.ndarray:
    command = [ffmpeg_exe(), "-v", "error", "-ss", f"{at_s:.2f}", "-i", str(video), "-frames:v", "1"]
    raw = subprocess.run(
        [*command, "-vf", "scale=320:180", "-pix_fmt", "gray", "-f", "rawvideo", "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(180, 320).astype(np.float64)


def test_the_chosen_format_is_stored_rendered_and_served(signed_in, media, ffprobe):
    response = new_video(signed_in, video_format="webm", review="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get()
    assert (project.render_options.format, project.render_options.codec) == ("webm", "h264")
    script_job_execute(job_id=project.render_jobs.get().id)  # the draft the form queued
    project.refresh_from_db()

    job = render_job_rendered_create(project=project)

    assert job.status == RenderJob.Status.DONE, job.error
    assert project.video.name.endswith(".webm")
    assert [s["codec_name"] for s in ffprobe(Path(project.video.path))["streams"]] == ["vp9", "opus"]
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert "Download WEBM" in page and "720p WEBM" in page
    served = signed_in.get(reverse("studio:project_video", args=[project.id]) + "?download=1")
    assert served["Content-Type"] == "video/webm"
    assert served["Content-Disposition"].endswith('.webm"')


@pytest.mark.parametrize(
    ("choice", "stored"),
    [
        ({"video_format": "mp4", "codec": "h265"}, ("mp4", "h265")),
        ({"video_format": "gif"}, ("gif", "h264")),
        ({"video_format": "mp4"}, ("mp4", "h264")),
    ],
)
def test_format_and_codec_choices_are_stored(signed_in, media, choice, stored):
    assert new_video(signed_in, **choice, review="on").status_code == 302

    options = Project.objects.get().render_options
    assert (options.format, options.codec) == stored


def test_a_codec_for_a_container_with_its_own_is_a_form_error(signed_in, media):
    response = new_video(signed_in, video_format="webm", codec="h265")

    assert response.status_code == 400
    assert "codec h265 is for .mp4 files; webm has its own" in response.content.decode()
    assert not Project.objects.exists()


def test_an_unknown_format_is_a_form_error(signed_in, media):
    response = new_video(signed_in, video_format="avi")

    assert response.status_code == 400
    assert "avi is not one of the available choices" in " ".join(
        response.context["form"].errors["video_format"]
    )
