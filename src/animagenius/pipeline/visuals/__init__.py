"""What each scene shows: planned from the source (planning), drawn for the frame (slides, charts, cards),
in the video's theme and the person's brand."""
