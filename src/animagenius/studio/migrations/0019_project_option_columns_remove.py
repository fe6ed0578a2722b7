from django.db import migrations


class Migration(migrations.Migration):
    """The option columns, copied into `options` by 0018."""

    dependencies = [
        ("studio", "0018_project_options_fill"),
    ]

    operations = [
        migrations.RemoveField(model_name="project", name=column)
        for column in (
            "aspect",
            "resolution",
            "target_duration_s",
            "caption_style",
            "music",
            "speed",
            "video_format",
            "codec",
            "theme",
            "transition",
        )
    ]
