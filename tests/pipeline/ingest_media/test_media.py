"""Audio and video uploads: what was said (with word times), the scenes with their keyframes, and hostile or
broken files refused with a specific error, quickly, without touching the network."""

from __future__ import annotations

import itertools
import random
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from animagenius.pipeline.domain import Block, SourceDocument
from animagenius.pipeline.errors import CorruptFile, InvalidOption, NoContent, TooLarge, UnsupportedFormat
from animagenius.pipeline.ingest.media import probe, read_audio, read_video
from animagenius.pipeline.media.ffmpeg import USER_MEDIA_INPUT, ffmpeg_exe, run_limited
from animagenius.pipeline.providers.local.whisper import WhisperTranscriber
from animagenius.pipeline.providers.protocols import Transcriber, Transcript
from animagenius.pipeline.voice.transcribers import TRANSCRIBERS

JFK_LINE = "ask not what your country can do for you"
VIDEOS = ["bigbuckbunny.mp4", "scene_cuts.mp4", "carphone_distorted.mp4"]
SCENE_CUTS_S = [1.2, 3.04, 5.48, 7.48]  # where the footage in scene_cuts.mp4 changes shot (frame by frame)
MB = 1024 * 1024


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def of_kind(document: SourceDocument, kind: str) -> list[Block]:
    return [block for block in document.blocks if block.kind == kind]


def grey(image: Image.Image) -> npt.NDArray[np.float64]:
    """A small greyscale copy, for comparing pictures."""
    return np.asarray(image.convert("L").resize((160, 34)), dtype=np.float64)


def jpeg_size(path: Path | None) -> tuple[int, int]:
    assert path is not None and path.is_file(), "the keyframe was written"
    with Image.open(path) as image:
        assert image.format == "JPEG"
        image.verify()
    with Image.open(path) as image:
        image.load()  # decodes every pixel: a truncated JPEG fails here
        return image.size


def read_or_error(path: Path, *, transcriber: Transcriber, assets_dir: Path) -> SourceDocument | CorruptFile:
    """The document, or the CorruptFile error; any other exception fails the test."""
    try:
        return read_video(path, transcriber=transcriber, assets_dir=assets_dir)
    except CorruptFile as error:
        return error


class MustNotTranscribe:
    """A transcriber for checks that must be decided before any speech recognition starts."""

    name = "must-not-transcribe"

    def transcribe(self, audio: Path) -> Transcript:
        raise AssertionError(f"transcription started on {audio}")


class Listener:
    """A TCP port on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.setblocking(False)
        self.port: int = self.socket.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                connection, _ = self.socket.accept()
            except BlockingIOError:
                return count
            connection.close()
            count += 1


@pytest.fixture
def listener() -> Iterator[Listener]:
    listening = Listener()
    yield listening
    listening.socket.close()


# ---------------------------------------------------------------- speech


@pytest.fixture(scope="module")
def jfk(corpus: Path, transcriber: Transcriber, tmp_path_factory: pytest.TempPathFactory) -> SourceDocument:
    return read_audio(
        corpus / "audio/jfk.flac", transcriber=transcriber, assets_dir=tmp_path_factory.mktemp("a")
    )


def test_transcript_of_jfk_has_the_famous_line(jfk: SourceDocument) -> None:
    spoken = normalised(" ".join(block.text for block in jfk.blocks))
    assert JFK_LINE in spoken
    assert normalised(" ".join(word.word for word in jfk.words)) == spoken, (
        "the timed words are the transcript"
    )
    assert jfk.language == "en"
    assert "fellow americans" in normalised(jfk.title)


def test_word_times_run_forward_within_the_recording(jfk: SourceDocument, corpus: Path, ffprobe: Any) -> None:
    duration = float(ffprobe(corpus / "audio/jfk.flac")["format"]["duration"])
    starts = [word.start_s for word in jfk.words]
    assert starts == sorted(starts)
    assert all(0 <= word.start_s <= word.end_s <= duration for word in jfk.words)
    country = [word for word in jfk.words if normalised(word.word) == "country"]
    assert len(country) == 2 and 3.0 < country[0].start_s < 7.0 and country[1].start_s > 9.0


def test_each_speech_segment_is_a_block_that_points_at_its_time(jfk: SourceDocument, corpus: Path) -> None:
    assert jfk.blocks and all(block.kind == "transcript" for block in jfk.blocks)
    previous_end = 0.0
    for block in jfk.blocks:
        start, end = block.source.start_s, block.source.end_s
        assert block.source.file == "jfk.flac" and start is not None and end is not None
        assert previous_end <= start < end <= 11.0
        inside = [w for w in jfk.words if start - 0.01 <= w.start_s and w.end_s <= end + 0.01]
        assert normalised(" ".join(w.word for w in inside)) == normalised(block.text)
        previous_end = end
    assert jfk.media[0].kind == "audio" and jfk.media[0].path == corpus / "audio/jfk.flac"
    assert jfk.media[0].duration_s == pytest.approx(11.0, abs=0.05)


def test_the_working_copy_of_the_sound_is_removed(
    corpus: Path, transcriber: Transcriber, tmp_path: Path
) -> None:
    read_audio(corpus / "audio/jfk.flac", transcriber=transcriber, assets_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_silence_is_no_content(silence_wav: Path, transcriber: Transcriber, tmp_path: Path) -> None:
    with pytest.raises(NoContent, match=r"no speech found in silence\.wav"):
        read_audio(silence_wav, transcriber=transcriber, assets_dir=tmp_path)


def test_cover_art_does_not_make_a_recording_a_video(
    cover_art_mp3: Path, transcriber: Transcriber, tmp_path: Path
) -> None:
    assert probe(cover_art_mp3).has_video is False
    document = read_video(cover_art_mp3, transcriber=transcriber, assets_dir=tmp_path)
    assert document.media[0].kind == "audio"
    assert JFK_LINE in normalised(" ".join(block.text for block in document.blocks))


def test_an_mp4_with_only_sound_is_read_as_a_recording(
    sound_only_mp4: Path, transcriber: Transcriber, tmp_path: Path
) -> None:
    document = read_video(sound_only_mp4, transcriber=transcriber, assets_dir=tmp_path)
    assert [media.kind for media in document.media] == ["audio"]
    assert of_kind(document, "figure") == []
    assert JFK_LINE in normalised(" ".join(block.text for block in document.blocks))


def test_the_transcriber_can_read_any_audio_file_itself(corpus: Path, transcriber: Transcriber) -> None:
    transcript = transcriber.transcribe(corpus / "audio/jfk.flac")  # 44.1 kHz stereo FLAC: decoded by ffmpeg
    assert JFK_LINE in normalised(transcript.text)
    assert transcript.duration_s == pytest.approx(11.0, abs=0.05)
    assert [start for start, _, _ in transcript.segments] == sorted(
        start for start, _, _ in transcript.segments
    )


def test_a_missing_model_directory_is_refused_without_a_download(tmp_path: Path) -> None:
    missing = tmp_path / "no-model-here"
    with pytest.raises(InvalidOption, match=re.escape(str(missing))):
        WhisperTranscriber(missing)


def test_the_registry_names_the_whisper_transcriber() -> None:
    assert TRANSCRIBERS.names == ["whisper"]
    assert TRANSCRIBERS.create("whisper").name.startswith("whisper:")
    with pytest.raises(InvalidOption, match="known: whisper"):
        TRANSCRIBERS.create("dictaphone")


# ---------------------------------------------------------------- video


@pytest.fixture(scope="module")
def videos(
    corpus: Path, transcriber: Transcriber, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    assets = tmp_path_factory.mktemp("v")
    return {
        name: read_video(corpus / "video" / name, transcriber=transcriber, assets_dir=assets)
        for name in VIDEOS
    }


@pytest.mark.parametrize("name", VIDEOS)
def test_video_scenes_cover_the_clip_each_with_a_keyframe(
    name: str, videos: dict[str, SourceDocument], corpus: Path, ffprobe: Any
) -> None:
    document = videos[name]
    facts = ffprobe(corpus / "video" / name)
    duration = float(facts["format"]["duration"])
    figures = of_kind(document, "figure")
    assert figures, "at least one scene"
    assert figures[0].source.start_s == 0.0
    assert figures[-1].source.end_s == pytest.approx(duration, abs=0.1)
    for figure, following in itertools.pairwise(figures):
        assert figure.source.end_s == following.source.start_s, "scenes follow each other without gaps"
    stream = next(s for s in facts["streams"] if s["codec_type"] == "video")
    sar = Fraction(stream.get("sample_aspect_ratio", "1:1").replace(":", "/"))
    aspect = stream["width"] * sar / stream["height"]
    for figure in figures:
        assert figure.source.file == name
        width, height = jpeg_size(figure.image)
        assert width / height == pytest.approx(float(aspect), rel=0.02), "keyframes have square pixels"
    media = document.media[0]
    assert media.kind == "video" and media.duration_s == pytest.approx(duration, abs=0.1)
    assert media.width == round(stream["width"] * sar) and media.height == stream["height"]


def test_scene_cuts_are_found_where_the_shot_changes(videos: dict[str, SourceDocument]) -> None:
    starts = [figure.source.start_s for figure in of_kind(videos["scene_cuts.mp4"], "figure")]
    assert len(starts) >= 5
    assert starts[0] == 0.0
    assert starts[1:5] == pytest.approx(SCENE_CUTS_S, abs=0.05)


def test_each_keyframe_shows_the_middle_of_its_scene(
    videos: dict[str, SourceDocument], corpus: Path, grab_frame: Any
) -> None:
    figures = of_kind(videos["scene_cuts.mp4"], "figure")
    frames = [grey(Image.open(str(figure.image))) for figure in figures]
    for figure, frame in zip(figures, frames, strict=True):
        assert figure.source.start_s is not None and figure.source.end_s is not None
        middle = (figure.source.start_s + figure.source.end_s) / 2
        expected = grey(grab_frame(corpus / "video/scene_cuts.mp4", middle))
        assert np.abs(frame - expected).mean() < 8, f"keyframe of the scene at {figure.source.start_s} s"
    for first, second in itertools.pairwise(frames):
        assert np.abs(first - second).mean() > 10, "neighbouring scenes look different"


def test_music_without_words_gives_scenes_and_no_transcript(videos: dict[str, SourceDocument]) -> None:
    document = videos["bigbuckbunny.mp4"]  # has a sound track: music and effects, no speech
    assert of_kind(document, "transcript") == []
    assert document.words == ()
    assert document.title == "Bigbuckbunny"


def test_a_silent_clip_is_its_scenes(videos: dict[str, SourceDocument]) -> None:
    document = videos["carphone_distorted.mp4"]  # no sound track at all
    assert [block.kind for block in document.blocks] == ["figure"] * len(document.blocks)
    assert document.language == "und"


def test_a_rotated_phone_clip_is_upright(rotated_mp4: Path, transcriber: Transcriber, tmp_path: Path) -> None:
    facts = probe(rotated_mp4)
    assert facts.height is not None and facts.width is not None and facts.height > facts.width
    document = read_video(rotated_mp4, transcriber=transcriber, assets_dir=tmp_path)
    width, height = jpeg_size(of_kind(document, "figure")[0].image)
    assert height > width


def test_a_clip_that_does_not_state_its_duration_is_measured(piped_mkv: Path, ffprobe: Any) -> None:
    assert "duration" not in ffprobe(piped_mkv)["format"], "the file really lacks a duration"
    facts = probe(piped_mkv)
    assert facts.duration_s == pytest.approx(5.31, abs=0.1)
    assert (facts.has_video, facts.has_audio, facts.video_codec, facts.audio_codec) == (
        True,
        True,
        "h264",
        "aac",
    )


# ---------------------------------------------------------------- limits


def test_a_recording_over_the_limit_is_refused_before_transcription(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(TooLarge) as refused:
        read_audio(
            corpus / "audio/jfk.flac", transcriber=MustNotTranscribe(), assets_dir=tmp_path, max_duration_s=5
        )
    assert "jfk.flac" in str(refused.value) and "0:11" in str(refused.value) and "0:05" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_a_video_over_the_limit_is_refused_before_any_work(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(TooLarge, match=r"scene_cuts\.mp4 is 0:10 long; the limit is 0:08"):
        read_video(
            corpus / "video/scene_cuts.mp4",
            transcriber=MustNotTranscribe(),
            assets_dir=tmp_path,
            max_duration_s=8,
        )
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- hostile and broken files


@pytest.mark.parametrize("reader", [read_audio, read_video])
@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_named_as_media_are_unsupported(reader: Any, seed: int, tmp_path: Path) -> None:
    fake = tmp_path / ("clip.mp4" if reader is read_video else "voice.mp3")
    fake.write_bytes(random.Random(seed).randbytes(200_000))
    with pytest.raises(UnsupportedFormat, match=rf"{fake.name} is not an audio or video file"):
        reader(fake, transcriber=MustNotTranscribe(), assets_dir=tmp_path / "assets")
    assert not (tmp_path / "assets").exists()


def test_an_hls_playlist_named_mp4_is_refused_without_a_connection(
    listener: Listener, tmp_path: Path
) -> None:
    playlist = tmp_path / "movie.mp4"
    segment = f"http://127.0.0.1:{listener.port}/x.ts"
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{segment}\n#EXT-X-ENDLIST\n")
    started = time.monotonic()
    with pytest.raises(UnsupportedFormat, match=r"movie\.mp4 is a streaming playlist"):
        read_video(playlist, transcriber=MustNotTranscribe(), assets_dir=tmp_path / "assets")
    assert time.monotonic() - started < 20
    assert listener.connections() == 0


def test_ffmpeg_with_the_safe_input_options_opens_no_network_url(listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/clip.mp4"
    refused = run_limited(
        [ffmpeg_exe(), "-nostdin", *USER_MEDIA_INPUT, "-i", url], timeout_s=10, memory_bytes=2048 * MB
    )
    assert b"not on whitelist" in refused.stderr
    assert listener.connections() == 0
    # the same command without the options does connect: the listener would have noticed
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-rw_timeout", "1000000", "-i", url], capture_output=True, timeout=30
    )
    assert listener.connections() >= 1


def test_ffmpeg_with_the_safe_input_options_follows_no_playlist(hls_segment: Path, tmp_path: Path) -> None:
    playlist = tmp_path / "list.m3u8"  # points at a local file, which the file protocol alone would allow
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:4,\n{hls_segment}\n#EXT-X-ENDLIST\n")
    decode = ["-i", str(playlist), "-f", "null", "-"]
    followed = subprocess.run([ffmpeg_exe(), "-nostdin", *decode], capture_output=True, timeout=60)
    assert followed.returncode == 0, "plain ffmpeg reads the file the playlist names"
    refused = run_limited(
        [ffmpeg_exe(), "-nostdin", *USER_MEDIA_INPUT, *decode], timeout_s=10, memory_bytes=2048 * MB
    )
    assert refused.returncode != 0 and b"not on whitelist" in refused.stderr


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        pytest.param(b"", NoContent, "is empty", id="empty"),
        pytest.param(b"Meeting notes\n\nJust text.\n", UnsupportedFormat, "is a text file", id="text"),
        pytest.param(
            "\ufeff  #EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n".encode(),
            UnsupportedFormat,
            "is a streaming playlist",
            id="hls-with-bom",
        ),
        pytest.param(
            b"ffconcat version 1.0\nfile '/etc/passwd'\n",
            UnsupportedFormat,
            "is a streaming playlist",
            id="concat",
        ),
        pytest.param(
            b'<?xml version="1.0"?><MPD><Period/></MPD>',
            UnsupportedFormat,
            "is a streaming playlist",
            id="dash",
        ),
    ],
)
def test_files_that_are_not_recordings_get_a_specific_error(
    content: bytes, error: type[Exception], message: str, tmp_path: Path
) -> None:
    upload = tmp_path / "upload.mp3"
    upload.write_bytes(content)
    with pytest.raises(error, match=rf"upload\.mp3 {message}"):
        read_audio(upload, transcriber=MustNotTranscribe(), assets_dir=tmp_path)


@pytest.mark.parametrize("fraction", [0.3, 0.6])
def test_a_cut_off_video_is_read_or_reported_corrupt(
    fraction: float, corpus: Path, transcriber: Transcriber, tmp_path: Path
) -> None:
    original = (corpus / "video/bigbuckbunny.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(original[: int(len(original) * fraction)])
    started = time.monotonic()
    outcome = read_or_error(cut, transcriber=transcriber, assets_dir=tmp_path / "assets")
    assert time.monotonic() - started < 30
    if isinstance(outcome, CorruptFile):
        assert "cut.mp4" in str(outcome)
    else:
        for figure in of_kind(outcome, "figure"):
            jpeg_size(figure.image)


def test_a_cut_off_streamable_video_still_gives_its_first_scene(
    corpus: Path, transcriber: Transcriber, tmp_path: Path
) -> None:
    streamable = tmp_path / "streamable.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(corpus / "video/bigbuckbunny.mp4"), "-c", "copy",
         "-movflags", "+faststart", str(streamable)],
        check=True, timeout=60,
    )  # fmt: skip
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(streamable.read_bytes()[: int(streamable.stat().st_size * 0.3)])
    document = read_video(cut, transcriber=transcriber, assets_dir=tmp_path / "assets")
    figures = of_kind(document, "figure")
    assert figures and figures[0].source.start_s == 0.0
    jpeg_size(figures[0].image)


def test_model_dir_comes_from_asr_model_dir(tmp_path, monkeypatch):
    from animagenius.pipeline.errors import InvalidOption
    from animagenius.pipeline.voice.transcribers import TRANSCRIBERS

    monkeypatch.setenv("ASR_MODEL_DIR", str(tmp_path / "no-model-here"))
    with pytest.raises(InvalidOption, match=r"no Whisper model in .*no-model-here.*ASR_MODEL_DIR"):
        TRANSCRIBERS.create("whisper")
