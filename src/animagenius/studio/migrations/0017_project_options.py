from django.db import migrations, models


class Migration(migrations.Migration):
    """A project's render options become one JSON field (pipeline.video.RenderOptions); 0018 copies the
    columns into it and 0019 drops them."""

    dependencies = [
        ("studio", "0016_project_about"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="options",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="the person's render options: pipeline.video.RenderOptions as JSON (studio/options.py), "
                "without the plan's mark and the brand kit, which are added at render time; a field left out has "
                "its default",
            ),
        ),
    ]
