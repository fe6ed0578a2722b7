"""Billing's fixtures: a webhook receiver, local PayPal simulators posting to it, and the app pointed at one
(`paypal`: settings, plans synced)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.billing.local_paypal import LocalPayPal, Receiver, Simulator, receiver_serving, simulator_start
from tests.processes import process_stop


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_serving() as record:
        yield record


@pytest.fixture
def start(tmp_path: Path, receiver: Receiver) -> Iterator[Callable[..., Simulator]]:
    """Starts simulators (extra arguments optional) posting to `receiver`; stops them all with SIGTERM."""
    started: list[Simulator] = []

    def start_one(*extra: str) -> Simulator:
        simulator = simulator_start(log=tmp_path / "simulator.log", webhook_url=receiver.url, extra=extra)
        started.append(simulator)
        return simulator

    yield start_one
    for simulator in started:
        simulator.http.close()
        process_stop(simulator.process)


@pytest.fixture
def simulator(start: Callable[..., Simulator]) -> Simulator:
    return start()


@pytest.fixture
def paypal(settings, db, start: Callable[..., Simulator], receiver: Receiver) -> LocalPayPal:
    """The app on a local PayPal of its own, its plans made there."""
    return LocalPayPal.ready(settings=settings, simulator=start(), receiver=receiver)
