"""How the picture and the sound are encoded, per output: H.264 or H.265 in MP4, VP9 + Opus in WebM.

Segments are encoded with the picture's encoder and joined without re-encoding, so every segment of one
video uses exactly the same settings (part of the segment cache key). GIF is made from the H.264 video.
"""

from __future__ import annotations

from dataclasses import dataclass

from animagenius.pipeline.compose.audio import AUDIO_RATE
from animagenius.pipeline.video import RenderOptions


@dataclass(frozen=True)
class Encoding:
    name: str
    suffix: str  # of the segments and of the joined file
    video: tuple[str, ...]  # encoder arguments of every segment
    tag: tuple[str, ...]  # set on the joined file's video stream
    audio: tuple[str, ...]
    audio_suffix: str  # of the sound encoded on its own, to be joined as it is
    threading: tuple[str, ...] = ()  # how the encoder shares a frame between threads, if it can

    def threaded(self, threads: int) -> tuple[str, ...]:
        return ("-threads", str(threads), *self.threading)


H264 = Encoding(
    name="h264",
    suffix=".mp4",
    video=("-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p"),
    tag=(),
    audio=("-c:a", "aac", "-b:a", "160k", "-ar", str(AUDIO_RATE), "-ac", "2"),
    audio_suffix=".m4a",
    # slices, not frames, in parallel: no frames held in flight, so a fifth less memory (bench/README.md)
    threading=("-x264-params", "sliced-threads=1"),
)
H265 = Encoding(
    name="h265",
    suffix=".mp4",
    video=("-c:v", "libx265", "-preset", "veryfast", "-crf", "25", "-pix_fmt", "yuv420p",
           "-forced-idr", "1", "-x265-params", "log-level=error"),  # a forced keyframe starts a segment
    tag=("-tag:v", "hvc1"),  # how Safari and QuickTime recognise HEVC in MP4
    audio=H264.audio,
    audio_suffix=H264.audio_suffix,
)  # fmt: skip
VP9 = Encoding(
    name="vp9",
    suffix=".webm",
    video=("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1",
           "-crf", "32", "-b:v", "0", "-pix_fmt", "yuv420p"),
    tag=(),
    audio=("-c:a", "libopus", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-ac", "2"),
    audio_suffix=".webm",
)  # fmt: skip


def encoding_for(options: RenderOptions) -> Encoding:
    """The encoding of the video file `options` ask for (for a GIF: of the video it is made from)."""
    if options.format == "webm":
        return VP9
    return H265 if options.format == "mp4" and options.codec == "h265" else H264
