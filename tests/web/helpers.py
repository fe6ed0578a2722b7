from __future__ import annotations

import time
from typing import Any

from animagenius.studio.models import Project, RenderJob

JOB_TIMEOUT_S = 240


def wait_for_job(project: Project, *, timeout_s: float = JOB_TIMEOUT_S) -> RenderJob:
    """Poll the database (as the browser does) until the project's latest job ends."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = project.render_jobs.order_by("-created_at").first()
        if job is not None and job.is_finished:
            return job
        time.sleep(0.5)
    raise AssertionError(f"render job of {project.title!r} did not finish within {timeout_s} s")


def editor_form(script: dict[str, Any], *, version: int) -> dict[str, Any]:
    """What the script editor posts for `script` (a ScriptVersion's JSON) left as it is."""
    form: dict[str, Any] = {"version": str(version), "scene": []}
    for scene in script["scenes"]:
        form.update(scene_fields(scene["id"], scene, scene_id=scene["id"]))
        form["scene"].append(scene["id"])
    return form


def scene_fields(key: str, scene: dict[str, Any], *, scene_id: str = "") -> dict[str, Any]:
    visual = scene.get("visual") or {"kind": "slide", "block": None, "prompt": ""}
    kind = visual["kind"] if visual.get("block") is None else f"{visual['kind']}:{visual['block']}"
    bullets = list(scene.get("bullets", ()))
    return {
        f"{key}-id": scene_id,
        f"{key}-title": scene["title"],
        f"{key}-narration": scene["narration"],
        f"{key}-bullet": [*bullets, "", "", ""][: max(3, len(bullets))],
        f"{key}-visual": kind,
        f"{key}-prompt": visual.get("prompt", ""),
    }
