"""Starting a project, one way for the studio's page and the API: what the person asked for (`ProjectStart`,
parsed by the page's form or the API's schema), checked against their plan, stored, and its script queued.

Refusals name the field they are about, by the names the page and the API share ("__all__" for the request
as a whole), so the page shows each beside its field and the API answers 422 with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from animagenius.accounts.models import User
from animagenius.billing import selectors as billing_selectors
from animagenius.billing.plans import plan_for
from animagenius.pipeline.compose.music import music_tracks
from animagenius.pipeline.errors import InvalidOption
from animagenius.pipeline.video import RenderOptions
from animagenius.pipeline.voice.narrate import voice_list
from animagenius.studio import services
from animagenius.studio.errors import StudioError
from animagenius.studio.jobs import selectors as job_selectors
from animagenius.studio.jobs.queue import script_job_create
from animagenius.studio.models import Project
from animagenius.studio.uploads import MAX_FILES, file_too_large, music_problem, upload_max_bytes

DURATIONS = [(30, "30 seconds"), (60, "1 minute"), (120, "2 minutes"), (180, "3 minutes")]
"""The lengths the studio offers (the contract allows any from MIN_DURATION_S to MAX_DURATION_S)."""
MAX_EXTRA_RENDITIONS = 4
OWN_MUSIC = "file"
"""The music choice that means "the file I upload" (`music_file`)."""


class ProjectRefused(StudioError):
    """What the person asked for does not fit their plan or the studio's offer; `errors` by field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


@dataclass(frozen=True)
class ProjectStart:
    """A new project as asked for: `uploads` or `pasted_text`, the render options, and the rest."""

    title: str
    options: RenderOptions
    uploads: Sequence[UploadedFile] = ()
    pasted_text: str = ""
    about: str = ""
    voice: str = ""
    own_music: bool = False
    """The person chose their own music file (`music_upload`) rather than a built-in track or none."""
    music_upload: UploadedFile | None = None
    renditions: Sequence[str] = ()
    """Extra renditions asked for, as specs ("9:16,720p,webm"): checked here against the options and plan."""
    review: bool = True
    """Stop after drafting the script, for the person to review; otherwise the render follows at once."""


def project_start(*, owner: User, start: ProjectStart) -> Project:
    """Check `start` against `owner`'s plan (ProjectRefused), count it against the rate limit
    (RateLimited), store the project and queue the drafting of its script, then its render unless
    `start.review`."""
    checked = _Checks(owner, start)
    extras = checked.run()
    services.project_create_limit(owner=owner)
    project = services.project_create(
        owner=owner,
        title=start.title,
        options=start.options,
        uploads=start.uploads,
        pasted_text=start.pasted_text,
        voice=start.voice,
        music_upload=start.music_upload if start.own_music else None,
        extra_renditions=extras,
        about=start.about,
    )
    script_job_create(project=project, render_after=not start.review)
    return project


class _Checks:
    def __init__(self, owner: User, start: ProjectStart) -> None:
        self.owner, self.start = owner, start
        self.errors: dict[str, list[str]] = {}
        self.max_bytes = upload_max_bytes(user=owner)
        self.resolutions = list(plan_for(owner.subscription_tier).resolutions)

    def run(self) -> list[RenderOptions]:
        """The extra renditions to make; ProjectRefused with every problem found."""
        self._sources()
        self._offer()
        self._music()
        self._plan()
        extras = self._extra_renditions()
        if self.errors:
            raise ProjectRefused(self.errors)
        return extras

    def _refuse(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def _sources(self) -> None:
        start = self.start
        if not start.uploads and not start.pasted_text.strip():
            self._refuse("__all__", "Choose a document to upload or paste some text.")
        elif start.uploads and start.pasted_text.strip():
            self._refuse("__all__", "Upload documents or paste text, not both.")
        if len(start.uploads) > MAX_FILES:
            self._refuse("source_file", f"Choose at most {MAX_FILES} files for one video.")
        for upload in start.uploads:
            if (upload.size or 0) > self.max_bytes:
                self._refuse("source_file", file_too_large(upload.name or "A file", max_bytes=self.max_bytes))

    def _offer(self) -> None:
        """What the studio offers of what the contract allows: its lengths, its voices, its music tracks."""
        options, start = self.start.options, self.start
        if options.target_duration_s not in dict(DURATIONS):
            self._refuse("duration", _not_offered(options.target_duration_s))
        if start.voice and start.voice not in {
            voice.name for voice in voice_list(settings=settings.PROVIDER_SETTINGS)
        }:
            self._refuse("voice", _not_offered(start.voice))
        tracks = [track.name for track in music_tracks()]
        if options.music and options.music not in tracks:  # never a path: that is the command line's
            self._refuse("music", _not_offered(options.music))

    def _music(self) -> None:
        """The own music file, when chosen, must be there, fit the plan and play."""
        upload = self.start.music_upload
        if not self.start.own_music:
            return
        if upload is None:
            self._refuse("music_file", "Choose the music file to upload, or pick another music option.")
        elif (upload.size or 0) > self.max_bytes:
            self._refuse(
                "music_file", file_too_large(upload.name or "The music file", max_bytes=self.max_bytes)
            )
        elif problem := music_problem(upload):
            self._refuse("music_file", problem)

    def _plan(self) -> None:
        resolution = self.start.options.resolution.value
        if resolution not in self.resolutions:
            self._refuse(
                "resolution",
                f"{resolution} video is for paid plans; choose {' or '.join(self.resolutions)}, "
                "or upgrade your plan.",
            )
        if not self.start.review:
            quota = billing_selectors.render_quota_get(
                user=self.owner, reserved_s=job_selectors.render_seconds_reserved(user=self.owner)
            )
            refusal = quota.refusal(needed_s=self.start.options.target_duration_s)
            if refusal:
                self._refuse(
                    "duration", f"{refusal} Or review the script first: drafting it uses no minutes."
                )

    def _extra_renditions(self) -> list[RenderOptions]:
        """The renditions asked for beside the main video, each checked; the main one and repeats dropped."""
        main, specs = self.start.options, self.start.renditions
        if len(specs) > MAX_EXTRA_RENDITIONS:
            self._refuse("renditions", f"Choose at most {MAX_EXTRA_RENDITIONS} more renditions.")
            return []
        extras: dict[str, RenderOptions] = {}
        for spec in specs:
            try:
                extra = main.rendition(spec)
            except InvalidOption as error:
                self._refuse("renditions", f"{error}.")
                continue
            if extra.resolution.value not in self.resolutions:
                self._refuse(
                    "renditions",
                    f"{extra.resolution.value} video is for paid plans; "
                    f"choose {' or '.join(self.resolutions)} for rendition {spec!r}, or upgrade your plan.",
                )
            elif extra.rendition_spec != main.rendition_spec:
                extras.setdefault(extra.rendition_spec, extra)
        return list(extras.values())


def _not_offered(value: object) -> str:
    """Refusing what the studio does not offer in the words of the page's form."""
    return f"Select a valid choice. {value} is not one of the available choices."
