from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from pydantic import ValidationError

from animagenius.accounts.models import User
from animagenius.billing import selectors as billing_selectors
from animagenius.billing.plans import plan_for
from animagenius.billing.selectors import RenderQuota
from animagenius.pipeline.about import MAX_ABOUT_CHARS, about_check
from animagenius.pipeline.domain import (
    CAPTION_STYLES,
    GENERATED_VISUALS,
    SOURCE_VISUALS,
    TRANSITIONS,
    Aspect,
    RenderOptions,
    Resolution,
    Scene,
    Script,
    SourceDocument,
    Visual,
    scene_time_s,
)
from animagenius.pipeline.errors import InputError, InvalidOption, InvalidScript
from animagenius.pipeline.ingest import IngestLimits
from animagenius.pipeline.music import music_check, music_tracks
from animagenius.pipeline.recording import recording_check
from animagenius.pipeline.script_edit import (
    scene_add,
    scene_delete,
    scene_reorder,
    scene_update,
    script_check_against,
)
from animagenius.pipeline.visuals.brand import colour_parse, font_check, logo_check
from animagenius.pipeline.visuals.themes import DEFAULT_THEME, THEMES
from animagenius.pipeline.voice import voice_list
from animagenius.studio import selectors
from animagenius.studio.uploads import MAX_FILES, file_too_large, upload_max_bytes

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


ABOUT_HELP = (
    "Optional, and narrated first. Photos and silent clips have no words of their own: say in a sentence "
    "or two what they show (or what a recording is about), as you would say it aloud."
)


def about_field() -> forms.CharField:
    """The person's own words about their files; the pipeline's check gives the message if too long."""
    return forms.CharField(
        required=False,
        label="About these files",
        help_text=ABOUT_HELP,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "maxlength": MAX_ABOUT_CHARS,
                "placeholder": "Our garden in May: the first roses opened after a week of rain.",
            }
        ),
    )


def _about_clean(value: str | None) -> str:
    try:
        return about_check(value or "")
    except InvalidOption as error:
        raise forms.ValidationError(_for_person(f"{error}.")) from error


class AboutForm(forms.Form):
    """The text about the files, changed where the script is written again (a failed or cancelled draft)."""

    about = about_field()

    def clean_about(self) -> str:
        return _about_clean(self.cleaned_data.get("about"))


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
        return _about_clean(self.cleaned_data.get("about"))

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


def music_problem(upload: UploadedFile) -> str:
    """Why the pipeline could not play `upload` as background music, or "" if it can."""
    return _upload_problem(upload, lambda copy: music_check(str(copy)))


def _upload_problem(upload: UploadedFile, check: Callable[[Path], object]) -> str:
    """The message of the InputError `check` raises on a copy of `upload`, or "" if it raises none."""
    name = re.sub(r"[^\w.\- ]+", "_", Path(upload.name or "").name).strip(" .")[:120] or "upload"
    with tempfile.TemporaryDirectory(prefix="animagenius-upload-check-") as folder:
        copy = Path(folder) / name  # the pipeline's message names the file as the person knows it
        with copy.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        upload.seek(0)
        try:
            check(copy)
        except (InputError, InvalidOption) as error:
            return str(error)
    return ""


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
        problem = _upload_problem(upload, lambda copy: recording_check(copy, limits=self.limits))
        if problem:
            raise forms.ValidationError(problem)
        return upload


# ---------------------------------------------------------------- the script editor

BULLET_INPUTS = 3
MAX_SCENES = 200
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
_CHECKED_SCENE = re.compile(r"^scene (\d+) \(")  # how script_check_against names a scene


@dataclass(frozen=True)
class SceneCard:
    """One scene as the editor shows it, and as the person sent it back.

    `key` names the card's inputs (`<key>-title`, …): the scene id for saved scenes, a browser-made key
    for scenes added in the page. `scene_id` is blank for those.
    """

    key: str
    scene_id: str
    role: str
    title: str
    narration: str
    bullets: tuple[str, ...]
    visual: str
    prompt: str
    source_blocks: tuple[int, ...] = ()
    estimated_s: float = 0.0
    error: str = ""

    @classmethod
    def from_scene(cls, scene: Scene) -> SceneCard:
        visual = scene.visual
        return cls(
            key=scene.id,
            scene_id=scene.id,
            role=scene.role,
            title=scene.title,
            narration=scene.narration,
            bullets=scene.bullets,
            visual=visual.kind if visual.block is None else f"{visual.kind}:{visual.block}",
            prompt=visual.prompt,
            source_blocks=scene.source_blocks,
            estimated_s=scene.estimated_s,
        )

    @property
    def bullet_inputs(self) -> tuple[str, ...]:
        return (*self.bullets, *[""] * BULLET_INPUTS)[: max(BULLET_INPUTS, len(self.bullets))]

    @property
    def role_label(self) -> str:
        return self.role.replace("_", " ").capitalize()


def scene_cards_parse(data: QueryDict, *, base: Script) -> list[SceneCard]:
    """The cards in the order the page sent them; unknown or repeated keys are ignored."""
    known = {scene.id: scene for scene in base.scenes}
    keys = [key for key in dict.fromkeys(data.getlist("scene")) if _KEY.match(key)][: MAX_SCENES + 1]
    cards = []
    for key in keys:
        scene_id = data.get(f"{key}-id", "")
        saved = known.get(scene_id)
        cards.append(
            SceneCard(
                key=key,
                scene_id=scene_id if saved else "",
                role=saved.role if saved else "body",
                title=data.get(f"{key}-title", ""),
                narration=data.get(f"{key}-narration", ""),
                bullets=tuple(bullet for bullet in data.getlist(f"{key}-bullet") if bullet.strip()),
                visual=data.get(f"{key}-visual", "slide"),
                prompt=data.get(f"{key}-prompt", ""),
                source_blocks=saved.source_blocks if saved else (),
            )
        )
    return cards


def scene_cards_estimate(cards: Sequence[SceneCard], *, words_per_minute: float) -> list[SceneCard]:
    """The cards with the pipeline's time estimate for what they say now."""
    return [
        replace(card, estimated_s=_estimate(card.narration, words_per_minute=words_per_minute))
        for card in cards
    ]


def _estimate(narration: str, *, words_per_minute: float) -> float:
    if not narration.strip():
        return 0.0
    return round(scene_time_s(narration.strip(), words_per_minute=words_per_minute), 2)


@dataclass
class ScriptEditForm:
    """The editor's form: applies the cards to the saved script through the pipeline's script edits.

    Valid: `script` is the edited script. Invalid: `cards` carry each scene's problem (`error`), and
    `error` the problem of the script as a whole; what the person typed is kept.
    """

    data: QueryDict
    base: Script
    document: SourceDocument
    cards: list[SceneCard] = field(default_factory=list)
    error: str = ""
    script: Script | None = None

    def is_valid(self) -> bool:
        self.cards = scene_cards_estimate(
            scene_cards_parse(self.data, base=self.base), words_per_minute=self.base.words_per_minute
        )
        if not self.cards:
            self.error = "A script needs at least one scene; add one before saving."
        elif len(self.cards) > MAX_SCENES:
            self.error = f"A script has at most {MAX_SCENES} scenes."
        else:
            self.script = self._apply()
        if self.errors_by_key and not self.error:
            self.error = "Nothing was saved: fix the scenes marked below, then save again."
        return self.script is not None and not self.error

    @property
    def base_number(self) -> int | None:
        number = self.data.get("version", "")
        return int(number) if number.isdigit() else None

    @property
    def errors_by_key(self) -> dict[str, str]:
        return {card.key: card.error for card in self.cards if card.error}

    def _apply(self) -> Script | None:
        script, ids = self._edit_scenes()
        if self.errors_by_key:
            return None
        kept = set(ids.values())
        try:
            for scene in self.base.scenes:
                if scene.id not in kept:
                    script = scene_delete(script, scene.id)
            script = scene_reorder(script, [ids[card.key] for card in self.cards])
            script_check_against(script, self.document)
        except InvalidScript as problem:
            self._blame(str(problem))
            return None
        return script

    def _edit_scenes(self) -> tuple[Script, dict[str, str]]:
        """Update the saved scenes and add the new ones; returns the script and each card's scene id."""
        script, ids = self.base, {}
        for position, card in enumerate(self.cards):
            try:
                script, ids[card.key] = _apply_card(script, card)
            except InvalidScript as problem:
                self.cards[position] = replace(card, error=_for_person(str(problem)))
        return script, ids

    def _blame(self, message: str) -> None:
        """Put a whole-script problem next to the scene it names, if it names one."""
        named = _CHECKED_SCENE.match(message)
        position = int(named.group(1)) - 1 if named else -1
        if 0 <= position < len(self.cards):
            self.cards[position] = replace(self.cards[position], error=_for_person(message))
        else:
            self.error = _for_person(message)


def _apply_card(script: Script, card: SceneCard) -> tuple[Script, str]:
    visual = _visual(card)
    if card.scene_id:
        kept = next((scene.visual for scene in script.scenes if scene.id == card.scene_id), None)
        if kept is not None and (kept.kind, kept.block) == (visual.kind, visual.block) and not visual.prompt:
            visual = kept  # unchanged: what the planner chose to show on it (a quote's sentence) stays
        edited = scene_update(
            script,
            card.scene_id,
            title=card.title,
            narration=card.narration,
            bullets=card.bullets,
            visual=visual,
        )
        return edited, card.scene_id
    before = {scene.id for scene in script.scenes}
    added = scene_add(
        script, after=None, title=card.title, narration=card.narration, bullets=card.bullets, visual=visual
    )
    (new_id,) = {scene.id for scene in added.scenes} - before
    return added, new_id


def _visual(card: SceneCard) -> Visual:
    kind, _, block = card.visual.partition(":")
    try:
        if kind in GENERATED_VISUALS:
            return Visual.model_validate({"kind": kind, "prompt": card.prompt.strip()})
        if block and kind in SOURCE_VISUALS:
            return Visual.model_validate({"kind": kind, "block": int(block)})
        if block:  # a slide shows no block; the renderer must not be handed one
            raise ValueError(card.visual)
        return Visual.model_validate({"kind": kind or "slide"})
    except ValueError as problem:  # ValidationError is a ValueError, and so is int("x")
        detail = (
            problem.errors()[0]["msg"].removeprefix("Value error, ")
            if isinstance(problem, ValidationError)
            else "choose one from the list"
        )
        raise InvalidScript(f"visual: {detail}") from None


_PYDANTIC_WORDING = {
    "String should have at least 1 character": "must not be blank",
    "Tuple should have at most 3 items after validation, not ": "a scene has at most 3 bullets, not ",
}


def _for_person(message: str) -> str:
    """The pipeline's message, shown next to the scene it is about: without the scene's internal id."""
    message = re.sub(r"^scene [\w-]+: ", "", message)
    message = re.sub(r"^the new scene: ", "", message)
    for wording, plain in _PYDANTIC_WORDING.items():
        message = message.replace(wording, plain)
    return message[:1].upper() + message[1:]


class BrandKitForm(forms.Form):
    accent = forms.CharField(
        required=False,
        max_length=7,
        label="Accent colour",
        help_text="Rules, bullets, table headers and the first chart colour. Leave empty for the theme's.",
        widget=forms.TextInput(attrs={"placeholder": "#2563eb", "pattern": "#?[0-9a-fA-F]{6}"}),
    )
    font = forms.FileField(
        required=False,
        label="Slide typeface",
        help_text="A .ttf or .otf font for the slides' text (captions stay in Inter).",
        widget=forms.ClearableFileInput(attrs={"accept": ".ttf,.otf"}),
    )
    remove_font = forms.BooleanField(required=False, label="Use Inter again")
    logo = forms.FileField(
        required=False,
        label="Logo",
        help_text="PNG (transparent is best), JPEG or WebP; shown in the top right corner of your videos.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")

    def clean_accent(self) -> str:
        accent = (self.cleaned_data.get("accent") or "").strip()
        if not accent:
            return ""
        try:
            red, green, blue = colour_parse(accent)
        except InputError as error:
            raise forms.ValidationError(str(error)) from None
        return f"#{red:02x}{green:02x}{blue:02x}"

    def clean_font(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("font") or None
        if upload is not None and (problem := _upload_problem(upload, font_check)):
            raise forms.ValidationError(problem)
        return upload

    def clean_logo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo") or None
        if upload is not None and (problem := _upload_problem(upload, logo_check)):
            raise forms.ValidationError(problem)
        return upload
