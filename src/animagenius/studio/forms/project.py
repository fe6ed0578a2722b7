"""The new-video page's form: the files or text, the person's own words about them, the render options (set
by name on RenderOptions, pipeline/video.py) and the extra renditions, parsed into a ProjectStart; the plan
is checked by project_start (studio/start.py), whose refusals the form shows beside their fields."""

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
from animagenius.pipeline.compose.music import music_tracks
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.video import CAPTION_STYLES, TRANSITIONS, Aspect, RenderOptions, Resolution
from animagenius.pipeline.visuals.themes import DEFAULT_THEME, THEMES
from animagenius.pipeline.voice.narrate import voice_list
from animagenius.studio.forms.about import about_clean, about_field
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.options import option_name
from animagenius.studio.start import DURATIONS, MAX_EXTRA_RENDITIONS, OWN_MUSIC, ProjectRefused, ProjectStart

RESOLUTIONS = [resolution.value for resolution in Resolution]
ACCEPT = (
    ".md,.markdown,.txt,.rst,.html,.htm,.pdf,.docx,.pptx,.jpg,.jpeg,.png,.webp,.gif,.tif,.tiff,"
    ".wav,.mp3,.m4a,.flac,.ogg,.mp4,.mov,.webm,.mkv"
)

SPEEDS = [(0.75, "0.75×"), (1.0, "1× (normal)"), (1.25, "1.25×"), (1.5, "1.5×")]
FORMATS = {"mp4": "MP4 (plays everywhere)", "webm": "WebM (VP9)", "gif": "GIF (no sound)"}
CODECS = {"h264": "H.264 (plays everywhere)", "h265": "H.265 (smaller files)"}
CAPTIONS = {"clean": "Clean", "bold": "Bold", "karaoke": "Karaoke (word by word)", "none": "No captions"}
CAPTION_POSITIONS = {"bottom": "At the bottom", "top": "At the top"}
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
MUSIC_ACCEPT = ".mp3,.m4a,.wav,.flac,.ogg"


def _voice_choices() -> list[tuple[str, str]]:
    """Each voice as the picker shows it: "piper — English (America), neural — Piper neural voice, …"."""
    return [
        (voice.name, f"{voice.name} — {voice.language_name}, {voice.quality} — {voice.description}")
        for voice in voice_list(settings=settings.PROVIDER_SETTINGS)
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
    """The new-video form, showing `user`'s plan (its resolutions, the minutes left)."""
    return ProjectForm(
        data,
        files,
        default_voice=settings.VOICE_PROVIDER,
        resolutions=plan_for(user.subscription_tier).resolutions,
        quota=billing_selectors.render_quota_get(
            user=user, reserved_s=job_selectors.render_seconds_reserved(user=user)
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
        self, *args: Any, default_voice: str, resolutions: Sequence[str], quota: RenderQuota, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.quota = quota  # the page says what is left; project_start checks it
        self.default_voice = default_voice
        self.fields["voice"].initial = default_voice
        resolution = cast(forms.ChoiceField, self.fields["resolution"])
        resolution.choices = [
            (value, value if value in resolutions else f"{value} (paid plans)") for value in RESOLUTIONS
        ]

    def clean_about(self) -> str:
        return about_clean(self.cleaned_data.get("about"))

    def clean(self) -> dict[str, Any]:
        """The fields as typed, and `options`, the RenderOptions they set; the plan is project_start's."""
        data = super().clean() or {}
        data["text"] = (data.get("text") or "").strip()
        if "voice" in data:
            data["voice"] = data["voice"] or self.default_voice
        option_fields = [name for name in self.fields if option_name(name) in RenderOptions.model_fields]
        if all(name in data for name in option_fields):  # each one valid as a field
            chosen = {option_name(name): data[name] for name in option_fields}
            if chosen.get("music") == OWN_MUSIC:
                chosen["music"] = ""  # the uploaded file, stored beside the options
            try:  # a field left blank has the contract's default
                data["options"] = RenderOptions.read(
                    **{name: value for name, value in chosen.items() if value not in (None, "")}
                )
            except InvalidOption as error:
                raise forms.ValidationError(str(error)) from error
        return data

    def start(self) -> ProjectStart:
        """What the valid form asks for, for project_start."""
        data = self.cleaned_data
        return ProjectStart(
            title=data["title"],
            options=data["options"],
            uploads=data["source_file"],
            pasted_text=data["text"],
            about=data["about"],
            voice=data["voice"],
            own_music=data.get("music") == OWN_MUSIC,
            music_upload=data.get("music_file"),
            renditions=data.get("renditions") or [],
            review=data["review"],
        )

    def refused(self, refusal: ProjectRefused) -> None:
        """Show each of project_start's refusals beside its field."""
        for field, messages in refusal.errors.items():
            for message in messages:
                self.add_error(None if field == "__all__" else field, message)
