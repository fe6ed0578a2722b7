"""Rendering a saved script version, optionally narrated by the person's own recording of it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from animagenius.pipeline.ingest import IngestLimits
from animagenius.pipeline.voice.recording import recording_check
from animagenius.studio.uploads import file_too_large, upload_problem

RECORDING_ACCEPT = ".mp3,.m4a,.wav,.flac,.ogg,.opus,.webm,.mp4,.mov,.mkv"


class RenderForm(forms.Form):
    """Render a saved script version; optionally narrated by the person's own reading of it."""

    version = forms.UUIDField()
    recording = forms.FileField(
        required=False,
        label="Narrate with my own recording",
        help_text="Optional: read the saved script aloud and upload the recording (audio or video); "
        "it replaces the voice, and the captions follow your words.",
        widget=forms.ClearableFileInput(attrs={"accept": RECORDING_ACCEPT}),
    )

    def __init__(self, *args: Any, limits: IngestLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits

    def clean_recording(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("recording") or None
        if upload is None:
            return None
        if (upload.size or 0) > self.limits.max_bytes:
            raise forms.ValidationError(
                file_too_large(upload.name or "The recording", max_bytes=self.limits.max_bytes)
            )
        problem = upload_problem(upload, lambda copy: recording_check(copy, limits=self.limits))
        if problem:
            raise forms.ValidationError(problem)
        return upload
