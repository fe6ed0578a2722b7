from __future__ import annotations

from typing import Any

from django import forms

from animagenius.pipeline.domain import Aspect, RenderOptions, Resolution
from animagenius.pipeline.errors import InvalidOption

DURATIONS = [(30, "30 seconds"), (60, "1 minute"), (120, "2 minutes"), (180, "3 minutes")]
ACCEPT = (
    ".md,.markdown,.txt,.rst,.html,.htm,.pdf,.docx,.pptx,.jpg,.jpeg,.png,.webp,.gif,.tif,.tiff,"
    ".wav,.mp3,.m4a,.flac,.ogg,.mp4,.mov,.webm,.mkv"
)


class ProjectForm(forms.Form):
    title = forms.CharField(
        max_length=200, required=False, help_text="Optional; taken from the file otherwise."
    )
    source_file = forms.FileField(
        required=False,
        allow_empty_file=True,  # the renderer explains what is wrong with a file, empty ones included
        label="Document",
        help_text="PDF, Word, PowerPoint, Markdown, HTML or text; a photo, a recording or a video.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    text = forms.CharField(
        required=False,
        label="…or paste text",
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "# A title\n\nParagraphs of text (Markdown works)."}
        ),
        max_length=200_000,
    )
    aspect = forms.ChoiceField(choices=[(a.value, a.value) for a in Aspect], initial=Aspect.LANDSCAPE.value)
    resolution = forms.ChoiceField(
        choices=[(r.value, r.value) for r in Resolution], initial=Resolution.HD.value
    )
    duration = forms.TypedChoiceField(choices=DURATIONS, coerce=int, initial=60, label="Length")

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("source_file"), (data.get("text") or "").strip()
        if not upload and not text:
            raise forms.ValidationError("Choose a document to upload or paste some text.")
        if upload and text:
            raise forms.ValidationError("Upload a document or paste text, not both.")
        if upload and upload.size > self.max_bytes:
            limit = self.max_bytes // (1024 * 1024)
            self.add_error(
                "source_file",
                f"This file is larger than your plan's {limit} MB limit; upload a shorter version.",
            )
        data["text"] = text
        if {"aspect", "resolution", "duration"} <= data.keys():
            try:
                data["options"] = RenderOptions.parse(
                    aspect=data["aspect"], resolution=data["resolution"], duration=data["duration"]
                )
            except InvalidOption as error:
                raise forms.ValidationError(str(error)) from error
        return data
