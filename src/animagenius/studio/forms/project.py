"""The new-video form: the files or text, the person's own words about them, the render options (set by
name on RenderOptions, pipeline/domain.py) and the extra renditions, checked against the person's plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

from animagenius.accounts.models import User
from animagenius.billing import selectors as billing_selectors
from animagenius.billing.plans import plan_for
from animagenius.billing.selectors import RenderQuota
from animagenius.pipeline.domain import CAPTION_STYLES, TRANSITIONS, Aspect, RenderOptions, Resolution
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.music import music_tracks
from animagenius.pipeline.visuals.themes import DEFAULT_THEME, THEMES
from animagenius.pipeline.voice import voice_list
from animagenius.studio import selectors
from animagenius.studio.forms.about import about_clean, about_field
from animagenius.studio.uploads import MAX_FILES, file_too_large, music_problem, upload_max_bytes

RESOLUTIONS = [resolution.value for resolution in Resolution]
DURATIONS = [(30, "30 seconds"), (60, "1 minute"), (120, "2 minutes"), (180, "3 minutes")]
ACCEPT = (
    ".md,.markdown,.txt,.rst,.html,.htm,.pdf,.docx,.pptx,.jpg,.jpeg,.png,.webp,.gif,.tif,.tiff,"
    ".wav,.mp3,.m4a,.flac,.ogg,.mp4,.mov,.webm,.mkv"
)

SPEEDS = [(0.75, "0.75×"), (1.0, "1× (normal)"), (1.25, "1.25×"), (1.5, "1.5×")]
FORMATS = {"mp4": "MP4 (plays everywhere)", "webm": "WebM (VP9)", "gif": "GIF (no sound)"}
CODECS = {"h264": "H.264 (plays everywhere)", "h265": "H.265 (smaller files)"}
CAPTIONS = {"clean": "Clean", "bold": "Bold", "karaoke": "Karaoke (word by word)", "none": "No captions"}
CAPTION_POSITIONS = {"bottom": "At the bottom", "top": "At the top"}
OPTION_NAMES = {"duration": "target_duration_s", "video_format": "format", "caption_style": "captions"}
"""The form's fields named otherwise than the RenderOptions field they set (the API's names since v1); every
other field named like a RenderOptions field sets it."""
RENDITION_CHOICES = [
    ("9:16,720p,mp4", "Vertical 9:16, 720p MP4 (Shorts, Reels, TikTok)"),
    ("1:1,720p,mp4", "Square 1:1, 720p MP4 (feeds)"),
    ("16:9,720p,mp4", "Wide 16:9, 720p MP4"),
    ("16:9,720p,webm", "Wide 16:9, 720p WebM"),
    ("16:9,720p,gif", "Wide 16:9, 720p GIF (no sound)"),
    ("9:16,1080p,mp4", "Vertical 9:16, 1080p MP4"),
    ("16:9,1080p,mp4", "Wide 16:9, 1080p MP4"),
]
"""Common extra renditions offered as checkboxes; a client may send any spec `RenderOptions.rendition`
reads, such as "1:1,1080p,webm" or "16:9,4k,mp4,h265"."""
MAX_EXTRA_RENDITIONS = 4
OWN_MUSIC = "file"
"""The music choice that means "the file I upload"."""
MUSIC_ACCEPT = ".mp3,.m4a,.wav,.flac,.ogg"
RECORDING_ACCEPT = ".mp3,.m4a,.wav,.flac,.ogg,.opus,.webm,.mp4,.mov,.mkv"


def _option_name(field: str) -> str:
    return OPTION_NAMES.get(field, field)


def _voice_choices() -> list[tuple[str, str]]:
    """Each voice as the picker shows it: "piper — English (America), neural — Piper neural voice, …"."""
    return [
        (voice.name, f"{voice.name} — {voice.language_name}, {voice.quality} — {voice.description}")
        for voice in voice_list()
    ]


def _music_choices() -> list[tuple[str, str]]:
    tracks = [(track.name, f"{track.name.capitalize()} — {track.description}") for track in music_tracks()]
    return [("", "None"), *tracks, (OWN_MUSIC, "My own file…")]


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


def project_form(*, user: User, data: QueryDict | None = None, files: Any = None) -> ProjectForm:
    """The new-video form with the limits of `user`'s plan (the studio page and the API both use it)."""
    return ProjectForm(
        data,
        files,
        max_bytes=upload_max_bytes(user=user),
        default_voice=settings.VOICE_PROVIDER,
        resolutions=plan_for(user.subscription_tier).resolutions,
        quota=billing_selectors.render_quota_get(
            user=user, reserved_s=selectors.render_seconds_reserved(user=user)
        ),
    )


class RenditionSpecsField(forms.MultipleChoiceField):
    """Rendition specs: the offered checkboxes, or any other spec; the form checks each against the
    main video's options and the plan."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str)


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
    about = about_field()
    aspect = forms.ChoiceField(choices=[(a.value, a.value) for a in Aspect], initial=Aspect.LANDSCAPE.value)
    resolution = forms.ChoiceField(choices=[(r, r) for r in RESOLUTIONS], initial=Resolution.HD.value)
    duration = forms.TypedChoiceField(choices=DURATIONS, coerce=int, initial=60, label="Length")
    video_format = forms.ChoiceField(
        choices=list(FORMATS.items()), required=False, initial="mp4", label="Format"
    )
    codec = forms.ChoiceField(
        choices=list(CODECS.items()), required=False, initial="h264", label="Codec (MP4)"
    )
    # not required: a client that leaves them out gets the defaults
    transition = forms.ChoiceField(
        choices=[(name, name.capitalize()) for name in TRANSITIONS], required=False, initial="crossfade"
    )
    theme = forms.ChoiceField(
        choices=[(theme.name, theme.label) for theme in THEMES.values()],
        required=False,
        initial=DEFAULT_THEME,
    )
    voice = forms.ChoiceField(
        choices=_voice_choices,
        required=False,
        help_text="Press ▶ Preview to hear it. A document in a language this voice does not speak is read "
        "by a voice that speaks it, and a note on the job says which.",
    )
    speed = forms.TypedChoiceField(
        choices=SPEEDS, coerce=float, required=False, empty_value=None, initial=1.0, label="Voice speed"
    )
    caption_style = forms.TypedChoiceField(
        choices=[(style, CAPTIONS.get(style, style)) for style in CAPTION_STYLES],
        required=False,
        empty_value="clean",
        initial="clean",
        label="Captions",
    )
    caption_position = forms.ChoiceField(
        choices=list(CAPTION_POSITIONS.items()), required=False, initial="bottom", label="Captions sit"
    )
    music = forms.ChoiceField(choices=_music_choices, required=False, initial="", label="Background music")
    music_file = forms.FileField(
        required=False,
        label="Music file",
        help_text="MP3, M4A, WAV, FLAC or OGG; used when the music is “My own file”.",
        widget=forms.ClearableFileInput(attrs={"accept": MUSIC_ACCEPT}),
    )
    renditions = RenditionSpecsField(
        choices=RENDITION_CHOICES,
        required=False,
        label="Also render",
        help_text=f"Up to {MAX_EXTRA_RENDITIONS} more versions of the same video, made alongside it.",
        widget=forms.CheckboxSelectMultiple,
    )
    review = forms.BooleanField(
        required=False,
        initial=True,
        label="Let me review the script before rendering",
        help_text="Edit the scenes first; otherwise the video is made straight away.",
    )

    def __init__(
        self,
        *args: Any,
        max_bytes: int,
        default_voice: str,
        resolutions: Sequence[str],
        quota: RenderQuota,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.quota = quota
        self.max_bytes = max_bytes
        self.default_voice = default_voice
        self.resolutions = list(resolutions)
        self.fields["voice"].initial = default_voice
        resolution = cast(forms.ChoiceField, self.fields["resolution"])
        resolution.choices = [
            (value, value if value in self.resolutions else f"{value} (paid plans)") for value in RESOLUTIONS
        ]

    def clean_about(self) -> str:
        return about_clean(self.cleaned_data.get("about"))

    def clean_resolution(self) -> str:
        resolution: str = self.cleaned_data["resolution"]
        if resolution not in self.resolutions:
            raise forms.ValidationError(
                f"{resolution} video is for paid plans; choose {' or '.join(self.resolutions)}, "
                "or upgrade your plan."
            )
        return resolution

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
        for upload in uploads:
            if (upload.size or 0) > self.max_bytes:
                self.add_error(
                    "source_file", file_too_large(upload.name or "A file", max_bytes=self.max_bytes)
                )
        data["text"] = text
        if "voice" in data:
            data["voice"] = data["voice"] or self.default_voice
        if "speed" in data and data["speed"] is None:
            data["speed"] = 1.0
        self._clean_music(data)
        if not data.get("review") and data.get("duration"):
            refusal = self.quota.refusal(needed_s=data["duration"])
            if refusal:
                self.add_error(
                    "duration", f"{refusal} Or review the script first: drafting it uses no minutes."
                )
        option_fields = [name for name in self.fields if _option_name(name) in RenderOptions.model_fields]
        if all(name in data for name in option_fields):  # each one valid as a field
            chosen = {_option_name(name): data[name] for name in option_fields}
            if chosen.get("music") == OWN_MUSIC:
                chosen["music"] = ""  # the uploaded file, stored beside the options
            try:  # a field left blank has the contract's default
                data["options"] = RenderOptions.read(
                    **{name: value for name, value in chosen.items() if value not in (None, "")}
                )
            except InvalidOption as error:
                raise forms.ValidationError(str(error)) from error
            data["extra_renditions"] = self._extra_renditions(data["options"], data.get("renditions") or [])
        return data

    def _extra_renditions(self, main: RenderOptions, specs: Sequence[str]) -> list[RenderOptions]:
        """The renditions asked for beside the main video, each checked; the main one and repeats dropped."""
        if len(specs) > MAX_EXTRA_RENDITIONS:
            self.add_error("renditions", f"Choose at most {MAX_EXTRA_RENDITIONS} more renditions.")
            return []
        extras: dict[str, RenderOptions] = {}
        for spec in specs:
            try:
                extra = main.rendition(spec)
            except InvalidOption as error:
                self.add_error("renditions", f"{error}.")
                continue
            if extra.resolution.value not in self.resolutions:
                self.add_error(
                    "renditions",
                    f"{extra.resolution.value} video is for paid plans; "
                    f"choose {' or '.join(self.resolutions)} for rendition {spec!r}, or upgrade your plan.",
                )
            elif extra.rendition_spec != main.rendition_spec:
                extras.setdefault(extra.rendition_spec, extra)
        return list(extras.values())

    def _clean_music(self, data: dict[str, Any]) -> None:
        """Keep the music file only when "My own file" is chosen, and only if it can be played as music."""
        upload: UploadedFile | None = data.get("music_file") or None
        if data.get("music") != OWN_MUSIC:
            data["music_file"] = None
            return
        if upload is None:
            self.add_error("music_file", "Choose the music file to upload, or pick another music option.")
        elif (upload.size or 0) > self.max_bytes:
            self.add_error(
                "music_file", file_too_large(upload.name or "The music file", max_bytes=self.max_bytes)
            )
        else:
            problem = music_problem(upload)
            if problem:
                self.add_error("music_file", problem)
