"""Scene-by-scene script editing: drafted versions, saved edits, history, estimates and renders of a version.

Scripts are drafted by the real writers (the service the worker runs, called here in-process): the offline
writer, and the LLM writer talking HTTP to a local chat-completions server. The render test goes through
the real Celery worker.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.billing.models import UsageMetric
from animagenius.pipeline.domain import Script
from animagenius.pipeline.ingest import ingest
from animagenius.pipeline.providers.protocols import TokenUsage, WrittenScript
from animagenius.pipeline.script.writers import WriterSettings
from animagenius.pipeline.video import RenderOptions
from animagenius.studio import services
from animagenius.studio.jobs.execute import script_job_execute
from animagenius.studio.jobs.queue import script_job_create
from animagenius.studio.jobs.results import script_usage_record
from animagenius.studio.models import Project, RenderJob
from tests.factories import TIDES, project_drafted_create
from tests.pipeline.chat_server import ChatServer, usage
from tests.pipeline.llm_helpers import answer, llm_config, spoken_s, zen_draft
from tests.web.helpers import editor_form, latest, scene_fields, wait_for_job

TABLE_BLOCK = 2  # the table of TIDES


@pytest.fixture
def zen_upload(db: None, corpus: Path) -> bytes:
    return (corpus / "text/pep-0020.rst").read_bytes()


@pytest.fixture
def zen(zen_upload: bytes, user: User, settings, tmp_path) -> Project:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_WORKDIR = tmp_path / "work"
    return project_drafted_create(owner=user, name="pep-0020.rst", content=zen_upload)


def save(client: Client, project: Project, form: dict[str, Any]):
    return client.post(reverse("studio:script_save", args=[project.id]), form)


def with_narration(project: Project, position: int, narration: str) -> dict[str, Any]:
    version = latest(project)
    form = editor_form(version.script, version=version.number)
    form[f"{form['scene'][position]}-narration"] = narration
    return form


# ---------------------------------------------------------------- drafting


def test_drafted_script_is_version_one_waiting_for_review(zen: Project, signed_in: Client):
    version = latest(zen)
    job = zen.render_jobs.get()

    assert (version.number, version.writer, version.created_by) == (1, "offline", None)
    assert (job.kind, job.status, job.script_version) == ("script", "done", None)
    assert zen.status == Project.Status.REVIEW and zen.title == "The Zen of Python"
    assert zen.ai_script == version.script
    assert len(zen.source_blocks) == 28 and zen.source_blocks[3]["kind"] == "list_item"  # with its code block
    assert not UsageMetric.objects.filter(action="script").exists()  # the offline writer costs nothing

    page = signed_in.get(reverse("studio:project_detail", args=[zen.id])).content.decode()
    assert "Version 1 · saved just now" in page and "Script ready." in page
    assert page.count('class="scene-card') == len(version.script["scenes"]) + 1  # + the new-scene template
    first = version.script["scenes"][0]
    assert f'value="{first["title"]}"' in page and first["narration"] in page
    assert f"of {round(version.script['target_duration_s'])} s" in page
    assert f'value="quote:{first["source_blocks"][0]}"' in page  # the hook's own block can be quoted


def test_without_review_the_render_of_version_one_is_queued(
    db: None, user: User, corpus: Path, settings, tmp_path
):
    settings.MEDIA_ROOT, settings.RENDER_WORKDIR = tmp_path / "media", tmp_path / "work"
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions(),
        uploads=[SimpleUploadedFile("zen.rst", (corpus / "text/pep-0020.rst").read_bytes())],
    )
    script_job = script_job_create(project=project, render_after=True)
    script_job_execute(job_id=script_job.id)

    render = project.render_jobs.get(kind="render")
    assert render.status == RenderJob.Status.QUEUED and render.script_version == latest(project)
    assert render.progress == pytest.approx(6.0)  # the bar goes on from where the script job ended


def test_upload_form_asks_for_review_by_default(signed_in: Client):
    page = signed_in.get(reverse("studio:project_list")).content.decode()
    assert re.search(r'<input type="checkbox" name="review"[^>]* checked', page)
    assert "Let me review the script before rendering" in page


def test_upload_with_review_queues_a_script_job(signed_in: Client, user: User, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = {"text": TIDES, "aspect": "16:9", "resolution": "720p", "duration": "30", "review": "on"}
    response = signed_in.post(reverse("studio:project_list"), form)

    job = Project.objects.get(owner=user).render_jobs.get()
    assert response.status_code == 302
    assert (job.kind, job.render_after, job.status) == ("script", False, "queued")


# ---------------------------------------------------------------- saving


def test_save_bumps_the_version_and_keeps_history(zen: Project, signed_in: Client, user: User):
    narration = "Python's design fits in nineteen short lines, and each one is worth reading twice."
    response = save(signed_in, zen, with_narration(zen, 1, narration))

    assert response.status_code == 302
    v1, v2 = zen.script_versions.order_by("number")
    assert (v2.number, v2.writer, v2.created_by) == (2, "edited", user)
    assert v2.script["scenes"][1]["narration"] == narration
    assert v1.script["scenes"][1]["narration"] != narration  # history is kept as it was
    zen.refresh_from_db()
    assert zen.ai_script == v2.script
    page = signed_in.get(response["Location"]).content.decode()
    assert "Saved version 2." in page and "Version 2 · saved just now" in page
    assert 'id="version-1"' in page and 'id="version-2"' in page and "drafted by the offline writer" in page


INVALID_EDITS = [
    pytest.param({"narration": "   "}, "Narration: must not be blank", id="blank-narration"),
    pytest.param({"title": ""}, "Title: must not be blank", id="blank-title"),
    pytest.param({"bullet": ["1", "2", "3", "4"]}, "a scene has at most 3 bullets, not 4", id="4-bullets"),
    pytest.param(
        {"visual": "figure:99"}, "shows source block 99, but the document has blocks 0-27", id="missing-block"
    ),
    pytest.param(
        {"visual": "table:3"}, "shows block 3 as a table, but that block is a list_item", id="wrong-kind"
    ),
    pytest.param({"visual": "generated", "prompt": " "}, "a generated visual needs a prompt", id="no-prompt"),
    pytest.param({"visual": "sparkles:x"}, "Visual: choose one from the list", id="junk"),
    pytest.param({"visual": "slide:999"}, "Visual: choose one from the list", id="slide-with-block"),
]


@pytest.mark.parametrize(("change", "message"), INVALID_EDITS)
def test_invalid_edit_comes_back_with_the_reason_next_to_the_scene(
    zen: Project, signed_in: Client, change: dict[str, Any], message: str
):
    version = latest(zen)
    form = editor_form(version.script, version=1)
    key = form["scene"][1]
    form.update({f"{key}-{name}": value for name, value in change.items()})
    form[f"{form['scene'][2]}-narration"] = "Kept while the other scene is fixed."

    response = save(signed_in, zen, form)

    assert response.status_code == 422
    page = response.content.decode()
    card = page[page.index(f'id="scene-{key}"') :]
    card = card[: card.index("</li>")]
    assert message in card.replace("&#x27;", "'")
    assert "Nothing was saved" in page
    assert "Kept while the other scene is fixed." in page  # nothing the person typed is lost
    assert zen.script_versions.count() == 1


def test_edits_to_another_persons_script_are_not_found(zen: Project, client: Client):
    client.force_login(User.objects.create_user("eve@example.com", "another-passphrase-1"))
    version = latest(zen)
    form = editor_form(version.script, version=1)
    urls = [
        reverse("studio:script_save", args=[zen.id]),
        reverse("studio:script_estimate", args=[zen.id]),
        reverse("studio:project_render", args=[zen.id]),
        reverse("studio:script_version_restore", args=[zen.id, version.id]),
    ]
    for url in urls:
        assert client.post(url, {**form, "version": str(version.id)}).status_code == 404, url
    assert zen.script_versions.count() == 1 and zen.render_jobs.count() == 1


def test_a_save_over_a_newer_version_is_refused(zen: Project, signed_in: Client):
    stale = editor_form(latest(zen).script, version=1)
    assert save(signed_in, zen, with_narration(zen, 0, "Saved first, in another tab.")).status_code == 302

    response = save(signed_in, zen, stale)

    assert response.status_code == 409
    assert "Version 2 was saved after you opened version 1" in response.content.decode()
    assert zen.script_versions.count() == 2


def test_reorder_delete_and_add_are_applied(zen: Project, signed_in: Client):
    version = latest(zen)
    form = editor_form(version.script, version=1)
    first, second, third, last = form["scene"]
    added = {"title": "Tabs or spaces", "narration": "Pick one way, and keep to it.", "bullets": ["One way"]}
    form.update(scene_fields("newk1", added))
    form["scene"] = [third, first, "newk1", last]  # the second scene is deleted

    assert save(signed_in, zen, form).status_code == 302

    scenes = latest(zen).script["scenes"]
    old = {scene["id"]: scene for scene in version.script["scenes"]}
    assert [scene["title"] for scene in scenes] == [
        old[third]["title"], old[first]["title"], "Tabs or spaces", old[last]["title"],
    ]  # fmt: skip
    assert second not in {scene["id"] for scene in scenes}
    assert (scenes[2]["role"], scenes[2]["bullets"], scenes[2]["id"]) == ("body", ["One way"], "s5")
    assert scenes[2]["estimated_s"] > 0


def test_a_table_of_the_document_can_be_shown(db: None, user: User, signed_in: Client, settings, tmp_path):
    settings.MEDIA_ROOT, settings.RENDER_WORKDIR = tmp_path / "media", tmp_path / "work"
    project = project_drafted_create(owner=user)
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert f'<option value="table:{TABLE_BLOCK}">Table: Place | Range (m) Bay of Fundy | 16 Bristol' in page

    form = editor_form(latest(project).script, version=1)
    form[f"{form['scene'][0]}-visual"] = f"table:{TABLE_BLOCK}"
    assert save(signed_in, project, form).status_code == 302
    shown = latest(project).script["scenes"][0]["visual"]
    assert shown == {"kind": "table", "block": TABLE_BLOCK, "prompt": "", "text": "", "icon": ""}


SETUP = (
    "# Setting up\n\nA virtual environment keeps a project's packages apart from the system's own.\n\n"
    "- Create the environment\n- Activate it\n- Install the requirements\n\n"
    "The whole setup takes three commands:\n\n```\npython -m venv .venv\n. .venv/bin/activate\n"
    "pip install -r requirements.txt\n```\n\nA virtual environment is a folder with its own interpreter.\n"
)


def test_the_picker_offers_listings_lists_and_cards_and_a_planned_visual_survives_a_save(
    db: None, user: User, signed_in: Client, settings, tmp_path
):
    settings.MEDIA_ROOT, settings.RENDER_WORKDIR = tmp_path / "media", tmp_path / "work"
    project = project_drafted_create(owner=user, name="setup.md", content=SETUP.encode())
    blocks = [block["kind"] for block in project.source_blocks]
    code, first_item = blocks.index("code"), blocks.index("list_item")
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert f'<option value="code:{code}">Code: python -m venv .venv' in page
    assert f'<option value="diagram:{first_item}">Diagram: Create the environment</option>' in page

    script = latest(project).script
    planned = [scene["visual"] for scene in script["scenes"]]
    assert any(visual["kind"] not in ("slide", "quote") for visual in planned), planned
    assert save(signed_in, project, editor_form(script, version=1)).status_code == 302
    assert [scene["visual"] for scene in latest(project).script["scenes"]] == planned, (
        "saving unchanged scenes keeps what the planner chose, a quote's sentence included"
    )


def test_restore_saves_a_copy_as_the_newest_version(zen: Project, signed_in: Client):
    v1 = latest(zen)
    save(signed_in, zen, with_narration(zen, 0, "An edit that will be undone."))

    response = signed_in.post(reverse("studio:script_version_restore", args=[zen.id, v1.id]))

    assert response.status_code == 302
    v3 = latest(zen)
    assert (v3.number, v3.restored_from, v3.script) == (3, v1, v1.script)
    zen.refresh_from_db()
    assert zen.ai_script == v1.script
    page = signed_in.get(response["Location"]).content.decode()
    assert "Version 1 restored as version 3." in page and "restored from version 1" in page


# ---------------------------------------------------------------- estimates


def estimate(client: Client, project: Project, form: dict[str, Any]) -> tuple[float, dict[str, float]]:
    response = client.post(reverse("studio:script_estimate", args=[project.id]), form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    total = float(re.search(r'id="script-total-s">(\d+)<', page).group(1))  # type: ignore[union-attr]
    scenes = re.findall(r'id="estimate-([\w-]+)" hx-swap-oob="true">≈ (\d+) s', page)
    return total, {key: float(seconds) for key, seconds in scenes}


def test_estimate_follows_the_text(zen: Project, signed_in: Client):
    version = latest(zen)
    form = editor_form(version.script, version=1)
    key = form["scene"][1]
    total, scenes = estimate(signed_in, zen, form)
    assert total == round(Script.model_validate(version.script).estimated_duration_s)
    assert set(scenes) == set(form["scene"])

    form[f"{key}-narration"] += " " + "Readability counts, and so does every extra sentence here. " * 4
    longer_total, longer = estimate(signed_in, zen, form)

    assert longer[key] > scenes[key] + 10 and longer_total > total + 10
    assert all(longer[other] == scenes[other] for other in scenes if other != key)


def test_estimate_covers_scenes_added_in_the_page(zen: Project, signed_in: Client):
    form = editor_form(latest(zen).script, version=1)
    form.update(scene_fields("newk9", {"title": "New", "narration": "A short new scene."}))
    form["scene"].append("newk9")
    _, scenes = estimate(signed_in, zen, form)
    assert scenes["newk9"] >= 1


# ---------------------------------------------------------------- rendering


def test_render_of_an_outdated_version_is_refused(zen: Project, signed_in: Client):
    v1 = latest(zen)
    save(signed_in, zen, with_narration(zen, 0, "A newer version exists."))

    response = signed_in.post(reverse("studio:project_render", args=[zen.id]), {"version": str(v1.id)})

    assert response.status_code == 409
    assert "Version 2 was saved after version 1" in response.content.decode()
    assert not zen.render_jobs.filter(kind="render").exists()


def test_render_is_refused_while_a_job_is_running(zen: Project, signed_in: Client):
    version = latest(zen)
    RenderJob.objects.create(project=zen, kind="render", script_version=version)
    response = signed_in.post(reverse("studio:project_render", args=[zen.id]), {"version": str(version.id)})
    assert response.status_code == 409
    assert "already being worked on" in response.content.decode()


@pytest.mark.parametrize("version", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_render_of_an_unknown_version_is_not_found(zen: Project, signed_in: Client, version: str):
    response = signed_in.post(reverse("studio:project_render", args=[zen.id]), {"version": version})
    assert response.status_code == 404


# ---------------------------------------------------------------- usage


def llm_writes_the_script(server: ChatServer, settings, tmp_path: Path) -> None:
    settings.SCRIPT_WRITERS = ["openai", "offline"]
    settings.SCRIPT_WRITER_SETTINGS = WriterSettings(llm=llm_config(server, max_attempts=1), cache_dir=None)
    settings.MEDIA_ROOT, settings.RENDER_WORKDIR = tmp_path / "media", tmp_path / "work"


def test_llm_written_script_records_tokens_and_cost(
    db: None, user: User, corpus: Path, chat_server: ChatServer, settings, tmp_path
):
    llm_writes_the_script(chat_server, settings, tmp_path)
    draft = zen_draft(ingest([corpus / "text/pep-0020.rst"]))
    chat_server.queue(answer(draft, tokens=usage(1800, 420, cost=0.0031)))
    project = services.project_create(
        owner=user,
        title="",
        options=RenderOptions(target_duration_s=round(spoken_s(draft))),
        uploads=[SimpleUploadedFile("pep-0020.rst", (corpus / "text/pep-0020.rst").read_bytes())],
    )
    job = script_job_create(project=project, render_after=False)

    script_job_execute(job_id=job.id)

    version = latest(project)
    assert (version.writer, version.notices) == ("openai", [])
    narrations = [scene["narration"] for scene in version.script["scenes"]]
    assert narrations == [scene["narration"] for scene in draft["scenes"]]
    row = UsageMetric.objects.get(user=user, action="script")
    assert (row.resource_type, row.quantity) == ("llm_tokens", 2220)
    assert row.metadata["cost_usd"] == pytest.approx(0.0031)
    assert (row.metadata["prompt_tokens"], row.metadata["job"]) == (1800, str(job.id))


def test_fallback_to_the_offline_writer_is_said_on_the_job(
    zen_upload: bytes, user: User, chat_server: ChatServer, signed_in: Client, settings, tmp_path
):
    llm_writes_the_script(chat_server, settings, tmp_path)  # nothing queued: the server answers 400

    project = project_drafted_create(owner=user, name="pep-0020.rst", content=zen_upload)

    version, job = latest(project), project.render_jobs.get()
    assert version.writer == "offline"
    [notice] = job.notices
    assert notice.startswith("The openai script writer failed (") and "the offline writer was used" in notice
    assert version.notices == job.notices
    assert not UsageMetric.objects.filter(action="script").exists()
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert 'id="job-notices"' in page and "The openai script writer failed" in page


def test_llm_usage_is_recorded_per_model_call(zen: Project):
    job = zen.render_jobs.get()
    script = Script.model_validate(latest(zen).script)
    written = WrittenScript(
        script=script,
        writer="openai",
        usage=(TokenUsage("gpt-x", 1200, 300, 0.0021), TokenUsage("gpt-x", 400, 150, 0.0007)),
    )

    script_usage_record(project=zen, job=job, written=written)

    rows = list(UsageMetric.objects.filter(user=zen.owner, action="script").order_by("quantity"))
    assert [(row.resource_type, row.quantity) for row in rows] == [("llm_tokens", 550), ("llm_tokens", 1500)]
    assert rows[1].metadata == {
        "model": "gpt-x", "prompt_tokens": 1200, "completion_tokens": 300, "cost_usd": 0.0021,
        "job": str(job.id), "project": str(zen.id), "writer": "openai", "cached": False,
    }  # fmt: skip


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_render_uses_the_saved_version(celery_worker, signed_in: Client, corpus: Path):
    upload = SimpleUploadedFile("pep-0020.rst", (corpus / "text/pep-0020.rst").read_bytes())
    form = {"source_file": upload, "aspect": "16:9", "resolution": "720p", "duration": "30", "review": "on"}
    response = signed_in.post(reverse("studio:project_list"), form)
    project = Project.objects.get(id=response["Location"].rstrip("/").split("/")[-1])
    assert wait_for_job(project, timeout_s=90).status == RenderJob.Status.DONE
    assert not project.render_jobs.filter(kind="render").exists()  # waits for the person

    narration = "Edited before rendering: the Zen of Python, in a few calm words."
    assert save(signed_in, project, with_narration(project, 0, narration)).status_code == 302
    saved = latest(project)
    response = signed_in.post(reverse("studio:project_render", args=[project.id]), {"version": str(saved.id)})
    assert response.status_code == 302
    job = wait_for_job(project)

    assert job.status == RenderJob.Status.DONE, job.error
    assert (job.kind, job.script_version) == ("render", saved)
    project.refresh_from_db()
    assert project.status == Project.Status.DONE and project.video
    assert project.ai_script == saved.script and project.ai_script["scenes"][0]["narration"] == narration
    page = signed_in.get(reverse("studio:project_detail", args=[project.id])).content.decode()
    assert "<video" in page and "from script version 2" in page
