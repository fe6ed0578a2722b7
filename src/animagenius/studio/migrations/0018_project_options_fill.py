"""Copy each project's option columns into its `options` JSON, named as RenderOptions names them; backwards,
the JSON into the columns (an option the columns never had, such as caption_position, is left behind)."""

from typing import Any

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

COLUMNS = {
    "aspect": ("aspect", "16:9"),
    "resolution": ("resolution", "720p"),
    "target_duration_s": ("target_duration_s", 60),
    "caption_style": ("captions", "clean"),
    "music": ("music", ""),
    "speed": ("speed", 1.0),
    "video_format": ("format", "mp4"),
    "codec": ("codec", "h264"),
    "theme": ("theme", "dark"),
    "transition": ("transition", "crossfade"),
}
"""Each old column: the RenderOptions field it becomes, and the column's default."""
BATCH = 500


def _rewrite(apps: Apps, fields: list[str], change: Any) -> None:
    Project = apps.get_model("studio", "Project")
    batch = []
    for project in Project.objects.only("id", *fields).iterator(chunk_size=BATCH):
        change(project)
        batch.append(project)
        if len(batch) == BATCH:
            Project.objects.bulk_update(batch, fields)
            batch = []
    Project.objects.bulk_update(batch, fields)


def columns_to_json(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    def change(project: Any) -> None:
        project.options = {name: getattr(project, column) for column, (name, _) in COLUMNS.items()}

    _rewrite(apps, ["options", *COLUMNS], change)


def json_to_columns(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    def change(project: Any) -> None:
        for column, (name, default) in COLUMNS.items():
            setattr(project, column, (project.options or {}).get(name, default))

    _rewrite(apps, ["options", *COLUMNS], change)


class Migration(migrations.Migration):
    dependencies = [
        ("studio", "0017_project_options"),
    ]

    operations = [
        migrations.RunPython(columns_to_json, json_to_columns),
    ]
