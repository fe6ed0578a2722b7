from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from animagenius.pipeline.domain import Aspect, RenderOptions, Resolution
from animagenius.pipeline.errors import InvalidOption

DURATIONS = [(30, "30 seconds"), (60, "1 minute"), (120, "2 minutes"), (180, "3 minutes")]
ACCEPT = (
    ".md,.markdown,.txt,.rst,.html,.htm,.pdf,.docx,.pptx,.jpg,.jpeg,.png,.webp,.gif,.tif,.tiff,"
    ".wav,.mp3,.m4a,.flac,.ogg,.mp4,.mov,.webm,.mkv"
)


MAX_FILES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files, kept in the order the browser sent them (the order the person picked them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ProjectForm(forms.Form):
    title = forms.CharField(
        max_length=200, required=False, help_text="Optional; taken from the file otherwise."
    )
    source_file = MultipleFileField(
        required=False,
        allow_empty_file=True,  # the renderer explains what is wrong with a file, empty ones included
        label="Documents",
        help_text="PDF, Word, PowerPoint, Markdown, HTML or text; photos, recordings or videos. "
        "Several files become one video, in the order chosen.",
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
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
        uploads: list[UploadedFile] = data.get("source_file") or []
        text = (data.get("text") or "").strip()
        if not uploads and not text:
            raise forms.ValidationError("Choose a document to upload or paste some text.")
        if uploads and text:
            raise forms.ValidationError("Upload documents or paste text, not both.")
        if len(uploads) > MAX_FILES:
            self.add_error("source_file", f"Choose at most {MAX_FILES} files for one video.")
        limit = self.max_bytes // (1024 * 1024)
        for upload in uploads:
            if (upload.size or 0) > self.max_bytes:
                self.add_error(
                    "source_file",
                    f"{upload.name} is larger than your plan's {limit} MB limit; upload a shorter version.",
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
