from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.db import models

from animagenius.core.models import BaseModel
from animagenius.pipeline.video import RenderOptions

VIDEO_MEDIA_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "gif": "image/gif"}


def video_media_type(video_format: str) -> str:
    """The type a rendered video of `video_format` (mp4, webm or gif) is served as."""
    return VIDEO_MEDIA_TYPES.get(video_format, "application/octet-stream")


def _default_voice() -> str:
    return str(settings.VOICE_PROVIDER)


class Project(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Queued"
        SCRIPTING = "scripting", "Writing script"
        REVIEW = "review", "Script ready"
        RENDERING = "rendering", "Rendering"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=200, blank=True, help_text="blank: taken from the document when read")
    source_name = models.CharField(max_length=255, blank=True, help_text="what the person uploaded")
    about = models.TextField(
        blank=True,
        help_text="the person's own words about the uploads, narrated first (photos and silent clips have "
        "none of their own); at most pipeline.about.MAX_ABOUT_CHARS characters",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text="the person's render options: pipeline.video.RenderOptions as JSON (studio/options.py), "
        "without the plan's mark and the brand kit, which are added at render time; a field left out has "
        "its default",
    )
    voice = models.CharField(max_length=40, default=_default_voice, help_text="voice registry name")
    extra_renditions = models.JSONField(
        default=list,
        blank=True,
        help_text='more renditions each render makes beside the main video, as specs like "9:16,720p,webm"',
    )
    ai_script = models.JSONField(null=True, blank=True)
    video = models.FileField(
        upload_to="videos/", blank=True, help_text="the main rendition of the last render"
    )
    video_duration_s = models.FloatField(null=True, blank=True)
    source_blocks = models.JSONField(
        default=list,
        blank=True,
        help_text="compact outline of the read document (kind, short text, picture name per block), "
        "for the visual picker and for checking edited scripts without reading the files again",
    )

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def render_options(self) -> RenderOptions:
        """The options the person chose for this project (`options`), read by their contract."""
        return RenderOptions.model_validate(self.options)

    @property
    def display_title(self) -> str:
        return self.title or self.source_name or "Untitled"

    @property
    def download_stem(self) -> str:
        """The start of its files' names when downloaded."""
        return Path(self.display_title).stem[:80] or "video"


class ScriptVersion(BaseModel):
    """One saved state of a project's script. Versions are never changed; saving adds the next number."""

    EDITED = "edited"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="script_versions")
    number = models.PositiveIntegerField(help_text="1 for the drafted script, then one more per save")
    script = models.JSONField(help_text="the pipeline's Script, as JSON")
    writer = models.CharField(max_length=40, help_text='who wrote it: a writer\'s name, or "edited"')
    notices = models.JSONField(default=list, blank=True, help_text="plain-words notes from the writer")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="script_versions",
        help_text="the person who saved it; empty when a script writer drafted it",
    )
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="restorations"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "number"], name="script_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="script_version_number_positive"),
        ]
        ordering: ClassVar = ["-number"]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"

    @property
    def estimated_duration_s(self) -> float:
        return round(sum(scene.get("estimated_s", 0.0) for scene in self.script.get("scenes", ())), 1)


class RenderJob(BaseModel):
    class Kind(models.TextChoices):
        SCRIPT = "script", "Write script"
        RENDER = "render", "Render video"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED: ClassVar = (Status.DONE, Status.FAILED, Status.CANCELLED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="render_jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RENDER)
    script_version = models.ForeignKey(
        ScriptVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="render_jobs",
        help_text="render jobs: the saved script version rendered",
    )
    recording = models.ForeignKey(
        "Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="render jobs: the person's own reading of the script, narrating instead of the voice",
    )
    render_after = models.BooleanField(
        default=False, help_text="script jobs: queue the render of the drafted script at once"
    )
    notices = models.JSONField(default=list, blank=True, help_text="plain-words notes for the person")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0-100")
    stage = models.CharField(max_length=40, default="queued")
    provider = models.CharField(max_length=40, default="local-ffmpeg")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="the dispatch message running it"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    progress_at_start = models.FloatField(
        default=0.0, help_text="where the bar stood when this run started (a render after its script: ~6)"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="queued again after a transient failure: starts no earlier than this"
    )
    resolution = models.CharField(max_length=8, blank=True, help_text="of the video rendered, for estimates")
    video_format = models.CharField(max_length=4, blank=True)
    extra_renditions = models.JSONField(
        default=list, blank=True, help_text="render jobs: the project's extra renditions when it was queued"
    )
    video_s = models.FloatField(null=True, blank=True, help_text="length of the video it made, seconds")

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["project", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.project} [{self.status}]"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class Rendition(BaseModel):
    """One video a render job made (the main one first, position 0), with its poster, preview and captions."""

    job = models.ForeignKey(RenderJob, on_delete=models.CASCADE, related_name="renditions")
    position = models.PositiveSmallIntegerField(help_text="0: the project's main video; then as asked for")
    aspect = models.CharField(max_length=8)
    resolution = models.CharField(max_length=8)
    video_format = models.CharField(max_length=4)
    codec = models.CharField(max_length=4, help_text="of an mp4: h264 or h265")
    video = models.FileField(upload_to="videos/")
    size_bytes = models.PositiveBigIntegerField(default=0)
    poster = models.FileField(upload_to="videos/", help_text="a JPEG frame of the video")
    preview = models.FileField(upload_to="videos/", blank=True, help_text="3 s muted MP4; none for a GIF")
    captions = models.FileField(upload_to="videos/", blank=True, help_text="WebVTT of the narration")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["job", "position"], name="rendition_position_unique"),
        ]
        ordering: ClassVar = ["position"]

    def __str__(self) -> str:
        return self.label

    FILE_NAMES: ClassVar = {"video": "", "poster": "-poster", "preview": "-preview", "captions": ""}
    """Its files (model fields) by the name in their address, and what their download name adds."""

    @property
    def label(self) -> str:
        codec = " H.265" if self.codec == "h265" else ""
        return f"{self.aspect} · {self.resolution} · {self.video_format.upper()}{codec}"

    def media_type(self, kind: str) -> str:
        """The type of the file `kind` (one of FILE_NAMES): what we rendered, whatever its name says."""
        if kind == "poster":
            return "image/jpeg"
        if kind == "captions":
            return "text/vtt; charset=utf-8"
        return video_media_type(self.video_format)  # the video, or its preview (the same format, cut short)

    def download_name(self, kind: str) -> str:
        """The name the file `kind` (one of FILE_NAMES) downloads as, e.g. "Tides-9x16-720p-poster.jpg": its
        extension, too, is what we rendered."""
        suffix = {"poster": ".jpg", "captions": ".vtt"}.get(kind, f".{self.video_format}")
        spec = f"{self.aspect.replace(':', 'x')}-{self.resolution}"
        return f"{self.job.project.download_stem}-{spec}{self.FILE_NAMES[kind]}{suffix}"


class Asset(BaseModel):
    class Kind(models.TextChoices):
        SOURCE = "source", "Source document"
        VIDEO = "video", "Rendered video"
        MUSIC = "music", "Background music"
        RECORDING = "recording", "Narration recording"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0, help_text="upload order within the project")
    file = models.FileField(upload_to="assets/")
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["project", "kind", "position"])]

    def __str__(self) -> str:
        return self.original_name


class FileProcessingLog(BaseModel):
    class Status(models.TextChoices):
        OK = "ok", "OK"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="processing_logs")
    render_job = models.ForeignKey(RenderJob, on_delete=models.CASCADE, null=True, related_name="logs")
    step = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices)
    message = models.TextField(blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"{self.step}: {self.status}"


class BrandKit(BaseModel):
    """A person's brand on their videos: accent colour, slide typeface, corner logo (checked on upload)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_kit")
    accent = models.CharField(max_length=7, blank=True, help_text="#rrggbb; blank: the theme's")
    font = models.FileField(upload_to="brand/fonts/", blank=True)
    font_name = models.CharField(max_length=120, blank=True, help_text="as uploaded")
    logo = models.FileField(upload_to="brand/logos/", blank=True)

    def __str__(self) -> str:
        return f"brand kit of {self.owner}"


class WorkerBeat(models.Model):
    """A render worker that is alive: each worker writes its row every WORKER_BEAT_EVERY_S (config/celery.py),
    so a provider's capacity is the slots of the workers on its queue that beat lately."""

    hostname = models.CharField(max_length=200, primary_key=True)
    queues = models.JSONField(default=list, help_text="the Celery queues it consumes")
    slots = models.PositiveSmallIntegerField(default=1, help_text="jobs it runs at once (its concurrency)")
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} ({', '.join(self.queues)})"


class SegmentBatch(BaseModel):
    """A render's runs of segments handed out to helpers on other workers as well as rendered by its own
    (studio/jobs/farm.py): the plan they render from, and how many runs are done, counted as each is."""

    job = models.ForeignKey(RenderJob, on_delete=models.CASCADE, related_name="segment_batches")
    plan = models.BinaryField(help_text="the pickled compose.segments.RunPlan")
    runs = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.done}/{self.runs} runs of job {self.job_id}"


class SegmentRun(models.Model):
    """One run of a batch: who renders it, how far it got, and when its renderer last said so."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"

    batch = models.ForeignKey(SegmentBatch, on_delete=models.CASCADE, related_name="segment_runs")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process rendering it")
    progress = models.FloatField(default=0.0, help_text="0-1")
    beat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="segment_run_once")]

    def __str__(self) -> str:
        return f"run {self.number} ({self.status})"
