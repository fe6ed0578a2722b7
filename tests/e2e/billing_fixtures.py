"""A local PayPal for the browser tests, as `make run` has it: the simulator posting its signed webhooks to
the live server, the app (the live server's thread) pointed at it with its plans made there, and a billing
worker — a separate process, told where PayPal is through its environment — applying the stored events."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from tests.billing.local_paypal import CLIENT, WEBHOOK_ID, Simulator, simulator_start
from tests.conftest import ROOT, Worker, process_env
from tests.processes import celery_worker_start, process_stop


@dataclass(frozen=True)
class LivePayPal:
    simulator: Simulator
    worker: Worker  # consumes settings.BILLING_QUEUE; its emails go to its log (the console backend)

    @property
    def dashboard_url(self) -> str:
        return f"{self.simulator.base_url}/simulator/"

    def email_subjects(self, to: str) -> list[str]:
        """Subjects of the emails the worker has sent to `to` so far, oldest first."""
        subjects, recipient = [], ""
        for line in self.worker.output().splitlines():
            if line.startswith("To: "):
                recipient = line.removeprefix("To: ").strip()
            elif line.startswith("Subject: ") and recipient == to:
                subjects.append(line.removeprefix("Subject: ").strip())
        return subjects

    def email_wait(self, *, to: str, subject: str, count: int, timeout_s: float = 60) -> None:
        """Until the worker has sent `count` emails with `subject` to `to`."""
        deadline = time.monotonic() + timeout_s
        while self.email_subjects(to).count(subject) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{count} × {subject!r} to {to} not sent in {timeout_s:.0f} s; sent: "
                    f"{self.email_subjects(to)}\n{self.worker.output()[-3000:]}"
                )
            time.sleep(0.5)


@contextlib.contextmanager
def live_paypal_running(*, settings: Any, app_url: str, logs: Path) -> Iterator[LivePayPal]:
    """The simulator, its webhooks posted to `app_url`; `settings.PAYPAL` pointed at it and the plans synced;
    a billing worker on the same database, broker and PayPal."""
    from django.urls import reverse

    from animagenius.billing.paypal.settings import PayPalSettings
    from animagenius.billing.plan_sync import paypal_plans_sync

    simulator = simulator_start(log=logs / "simulator.log", webhook_url=app_url + reverse("paypal_webhook"))
    worker_process = None
    try:
        settings.PAYPAL = PayPalSettings(
            mode="local",
            client_id=CLIENT[0],
            client_secret=CLIENT[1],
            webhook_id=WEBHOOK_ID,
            base_url=simulator.base_url,
        )
        list(paypal_plans_sync())
        worker_log = logs / "billing-worker.log"
        worker_process = celery_worker_start(
            queue=settings.BILLING_QUEUE,
            hostname=f"billing-{os.getpid()}@%h",
            log=worker_log,
            cwd=ROOT,
            env=process_env(
                PAYPAL_MODE="local",
                PAYPAL_API_BASE=simulator.base_url,
                PAYPAL_CLIENT_ID=CLIENT[0],
                PAYPAL_CLIENT_SECRET=CLIENT[1],
                PAYPAL_WEBHOOK_ID=WEBHOOK_ID,
                EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            ),
        )
        yield LivePayPal(simulator, Worker(worker_process, worker_log))
    finally:
        if worker_process is not None:
            process_stop(worker_process)
        simulator.http.close()
        process_stop(simulator.process)


def frame(video: Path, *, at_s: float, size: tuple[int, int]) -> Image.Image:
    """The frame of `video` (`size` pixels) shown at `at_s` seconds."""
    from animagenius.pipeline.media.ffmpeg import ffmpeg_exe

    command = [ffmpeg_exe(), "-v", "error", "-ss", f"{at_s:.2f}", "-i", str(video), "-frames:v", "1"]
    raw = subprocess.run(
        [*command, "-pix_fmt", "rgb24", "-f", "rawvideo", "-"], capture_output=True, check=True, timeout=60
    ).stdout
    return Image.frombytes("RGB", size, raw)


def mark_read(image: Image.Image, folder: Path) -> bool:
    """Whether the AnimaGenius mark reads in the top right of `image` (where the Free plan's videos carry
    it; tests/web/test_themes_and_mark.py finds it there with the same reading)."""
    from animagenius.pipeline.providers.local.rapid_ocr import RapidOCR

    corner = folder / "corner.png"
    image.crop((image.width // 2, 0, image.width, image.height // 5)).save(corner)
    return "AnimaGenius" in RapidOCR().read(corner).text.replace(" ", "")
