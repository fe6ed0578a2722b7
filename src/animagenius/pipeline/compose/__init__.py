"""Turn slides, narration and word timings into the finished video with one ffmpeg filtergraph."""
