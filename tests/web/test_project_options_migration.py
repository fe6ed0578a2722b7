"""The migration that moves a project's option columns into its `options` JSON keeps every row's values,
forwards and backwards (studio migrations 0017-0019)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from animagenius.pipeline.video import RenderOptions

BEFORE = [("studio", "0016_project_about")]
AFTER = [("studio", "0019_project_option_columns_remove")]
COLUMNS = {
    "aspect": "9:16",
    "resolution": "1080p",
    "target_duration_s": 120,
    "caption_style": "karaoke",
    "music": "calm",
    "speed": 1.25,
    "video_format": "mp4",
    "codec": "h265",
    "theme": "light",
    "transition": "wipe",
}


def migrate(to: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()  # what the last migration did is seen
    executor.migrate(to)
    return executor.loader.project_state(to).apps


@pytest.mark.django_db(transaction=True)
def test_a_projects_option_columns_become_its_options_and_back(django_user_model):
    old = migrate(BEFORE)
    owner = old.get_model("accounts", "User").objects.create(email="old@example.com")
    made = old.get_model("studio", "Project").objects.create(owner_id=owner.id, voice="espeak", **COLUMNS)
    plain = old.get_model("studio", "Project").objects.create(owner_id=owner.id)  # every column's default

    try:
        new = migrate(AFTER)
        projects = new.get_model("studio", "Project").objects
        options = projects.get(id=made.id).options
        assert options == {
            "aspect": "9:16", "resolution": "1080p", "target_duration_s": 120, "captions": "karaoke",
            "music": "calm", "speed": 1.25, "format": "mp4", "codec": "h265", "theme": "light",
            "transition": "wipe",
        }  # fmt: skip
        assert RenderOptions.model_validate(options).caption_position == "bottom", "an option added later"
        assert RenderOptions.model_validate(projects.get(id=plain.id).options) == RenderOptions()
        assert projects.get(id=made.id).voice == "espeak"

        back = migrate(BEFORE)
        row = back.get_model("studio", "Project").objects.get(id=made.id)
        assert {column: getattr(row, column) for column in COLUMNS} == COLUMNS
    finally:
        migrate(AFTER)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
