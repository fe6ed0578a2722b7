"""1,000 PayPal webhook deliveries (about 20 % of them duplicates, in a shuffled order) against the running
app: every event stored and applied exactly once, the final states equal to those of the same events applied
in order, and how long the app takes to answer a delivery.

The local PayPal (the simulator) runs with its --webhook-url pointing at a receiver in this process, so the
deliveries are the real signed posts PayPal would make. On a SQLite database of its own (migrated, plans made
with `manage.py paypal_sync_plans` against the simulator), PEOPLE people subscribe through the app's own
`checkout.subscription_start` (a child process with Django), approve on the simulator's approval page, and are
then billed, fail payments, get suspended, reactivated, refunded, change plan, cancel or expire on the
simulator (a fixed seed) until it has sent about DISTINCT events. Then a fifth of them (chosen at random) is
sent again through PayPal's resend call: a redelivery with a transmission id and signature of its own.

Two runs follow, each on a copy of that database with the app started fresh, as `make run` starts it: gunicorn
(localrun.web_command) and the billing Celery worker (solo pool, queue `billing`), the filesystem broker.
- reference: every distinct event once, in the order PayPal sent them, from one client;
- shuffled, 1 client: the distinct events and the redeliveries, shuffled (fixed seed), one after another;
- shuffled, N clients: the same posts from `--clients` threads at once (8), as PayPal's parallel deliveries.
Each post's handling time is the time from sending it to the app's answer (httpx, loopback). Then a child
waits until every stored event is applied and reads the outcome. Checked: every post answered 200; one
`WebhookEvent` per distinct event, its `deliveries` the posts it got; each applied exactly once (the worker's
log says "PayPal event <id> (…): …" once per event; no two `SubscriptionChange` rows from one event);
every subscription (status, tier, period, failed payments, plan, downgraded from, paid through), its person's
tier and its payments (sale id, status, amount) equal in both runs and equal to what PayPal says (its
subscription and its transactions). Exits 1 when a check fails.

Run: `.venv/bin/python bench/webhooks.py [--people 100] [--clients 8] [--json F] [--keep-logs DIR]`
(~3-5 min).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
from animagenius.billing.queue import DEFAULT_BILLING_QUEUE  # noqa: E402
from animagenius.config.localrun import web_command  # noqa: E402
from bench.webhooks_drive import Drive, Post  # noqa: E402
from tests.billing.local_paypal import receiver_serving, simulator_start  # noqa: E402
from tests.processes import free_port, process_stop, server_start  # noqa: E402

POSTS = 1000
DISTINCT = 833  # about; the last action may send two or three
SEED = 20261207
APPLY_TIMEOUT_S = 600
BIN = str(Path(sys.executable).parent)
APPLIED_LINE = re.compile(r"PayPal event (\S+) \([^)]*\): ")
EMAIL_SUBJECT = re.compile(r"^Subject: (.*)$", re.MULTILINE)  # the console email backend, in the worker's log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8, help="client threads of the shuffled run")
    parser.add_argument("--distinct", type=int, default=DISTINCT, help="about how many events PayPal sends")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep-logs", type=Path, help="copy the web, worker and simulator logs here")
    parser.add_argument("--part", choices=("subscribe", "outcome"), help=argparse.SUPPRESS)
    parser.add_argument("--expected", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        return _child(args.part, people=args.people, expected=args.expected)
    folder = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    try:
        figures = _run(folder, people=args.people, clients=args.clients, distinct=args.distinct)
    finally:
        if args.keep_logs:
            args.keep_logs.mkdir(parents=True, exist_ok=True)
            for log in folder.rglob("*.log"):
                shutil.copy(log, args.keep_logs / f"{log.parent.name}-{log.name}")
        shutil.rmtree(folder, ignore_errors=True)
    checks = _checks(figures)
    _print(figures, checks)
    if args.json:
        args.json.write_text(json.dumps({**figures, "checks": checks}, indent=2, default=str))
    return 0 if all(checks.values()) else 1


def _run(folder: Path, *, people: int, clients: int, distinct: int) -> dict[str, Any]:
    posts = round(distinct * POSTS / DISTINCT)
    with receiver_serving() as receiver:
        simulator = simulator_start(log=folder / "simulator.log", webhook_url=receiver.url)
        try:
            setup = folder / "setup"
            setup.mkdir()
            env = _env(setup, simulator.base_url)
            _manage(env, "migrate", "--noinput", "-v0")
            _manage(env, "paypal_sync_plans")
            subscribed = _child_run("subscribe", env=env, people=people)
            drive = Drive(simulator=simulator, receiver=receiver, plans=subscribed["plans"], seed=SEED)
            began = time.monotonic()
            drive.run(subscribed["subscriptions"], distinct=distinct)
            originals = drive.originals()
            redeliveries = drive.redeliveries(random.Random(SEED).sample(originals, posts - len(originals)))
            shuffled = originals + redeliveries
            random.Random(SEED + 1).shuffle(shuffled)
            driven_s = time.monotonic() - began
            paypal = drive.paypal_view()
            base = simulator.base_url
            runs = {
                "reference": _app_run(folder, "reference", base, posts=originals, clients=1),
                "shuffled, 1 client": _app_run(folder, "shuffled-1", base, posts=shuffled, clients=1),
                f"shuffled, {clients} clients": _app_run(
                    folder, f"shuffled-{clients}", base, posts=shuffled, clients=clients
                ),
            }
        finally:
            process_stop(simulator.process, timeout_s=10)
    return {
        "cores": os.cpu_count(),
        "people": people,
        "clients": clients,
        "distinct": len(originals),
        "redeliveries": len(redeliveries),
        "event_types": dict(Counter(post.event_type for post in originals).most_common()),
        "actions": drive.actions,
        "driven_s": round(driven_s, 1),
        "paypal": paypal,
        "runs": runs,
    }


def _env(var: Path, paypal_base: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "animagenius.config.settings.local",
        "DEBUG": "false",
        "ANIMAGENIUS_VAR_DIR": str(var),
        "PAYPAL_MODE": "local",
        "PAYPAL_API_BASE": paypal_base,
        "BILLING_QUEUE": DEFAULT_BILLING_QUEUE,
    }
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "PAYPAL_CLIENT_ID",
        "PAYPAL_CLIENT_SECRET",
        "PAYPAL_WEBHOOK_ID",
    ):
        env.pop(name, None)
    return env


def _manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *command], env=env, cwd=ROOT, check=True, capture_output=True
    )


def _billing_worker_command() -> list[str]:
    """The billing worker as localrun starts it under `make run` (its `_commands`)."""
    return [
        f"{BIN}/celery", "-A", "animagenius.config.celery", "worker", "-n", "billing@%h",
        "-Q", DEFAULT_BILLING_QUEUE, "--pool", "solo", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip


def _app_run(folder: Path, name: str, paypal_base: str, *, posts: list[Post], clients: int) -> dict[str, Any]:
    """The app on a copy of the setup database: `posts` sent by `clients` threads; what became of them."""
    var = folder / name
    var.mkdir()
    with (
        sqlite3.connect(folder / "setup" / "db.sqlite3") as source,
        sqlite3.connect(var / "db.sqlite3") as copy,
    ):
        source.backup(copy)
    env = _env(var, paypal_base)
    port = free_port()
    web = server_start(web_command(BIN, host="127.0.0.1", port=port), port=port, log=var / "web.log",
                       cwd=ROOT, env=env, timeout_s=60, new_session=True)  # fmt: skip
    worker = None
    try:
        worker = _worker_start(env, log=var / "worker.log")
        sent = _post_all(f"http://127.0.0.1:{port}/billing/paypal/webhook/", posts, clients=clients)
        outcome = _child_run("outcome", env=env, expected=len({post.event_id for post in posts}))
        alive = web.poll() is None and worker.poll() is None
    finally:
        if worker is not None:
            process_stop(worker, timeout_s=20, group=True)
        process_stop(web, timeout_s=20, group=True)
    worker_log = (var / "worker.log").read_text(errors="replace")
    applied = Counter(APPLIED_LINE.findall(worker_log))
    latencies = [entry["latency_s"] for entry in sent["posts"]]
    return {
        "posts": len(posts),
        "clients": clients,
        "statuses": dict(Counter(str(entry["status"]) for entry in sent["posts"])),
        "posting_s": round(sent["ended"] - sent["started"], 2),
        "p50_s": _percentile(latencies, 50),
        "p99_s": _percentile(latencies, 99),
        "max_s": max(latencies),
        "all_applied_s": _since(outcome["last_applied"], sent["started"]),
        "drain_after_last_post_s": _since(outcome["last_applied"], sent["ended"]),
        "applied_log_lines": {
            "events": len(applied),
            "more_than_once": sorted(k for k, n in applied.items() if n > 1),
        },
        "deliveries_expected": dict(Counter(post.event_id for post in posts)),
        "emails": dict(Counter(_subject(line) for line in EMAIL_SUBJECT.findall(worker_log)).most_common()),
        "outcome": outcome,
        "alive": alive,
    }


def _worker_start(env: dict[str, str], *, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        process = subprocess.Popen(_billing_worker_command(), env=env, cwd=ROOT, stdout=sink,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 90
    while " ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process_stop(process, timeout_s=0, group=True)
            raise RuntimeError(
                f"the billing worker did not start:\n{log.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.2)
    return process


def _post_all(url: str, posts: list[Post], *, clients: int) -> dict[str, Any]:
    """Each post sent as PayPal sent it (its body and PayPal headers); `clients` threads take the next one."""
    import httpx

    results: list[dict[str, Any]] = []
    lock = threading.Lock()
    pending = iter(enumerate(posts))

    def client() -> None:
        with httpx.Client(timeout=60) as http:
            while True:
                with lock:
                    number, post = next(pending, (-1, None))
                if post is None:
                    return
                began = time.monotonic()
                try:
                    status: int | str = http.post(url, content=post.body, headers=post.headers).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                entry = {"number": number, "status": status, "latency_s": time.monotonic() - began}
                with lock:
                    results.append(entry)

    started = time.time()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"started": started, "ended": time.time(), "posts": results}


def _subject(subject: str) -> str:
    """An email's kind: its subject without the plan's name or the amount."""
    return re.sub(r"(AnimaGenius \w+ plan|[0-9.]+ [A-Z]{3})", "…", subject)


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def _since(end: float | None, start: float) -> float | None:
    return None if end is None else round(end - start, 2)


def _child_run(part: str, *, env: dict[str, str], people: int = 0, expected: int = 0) -> dict[str, Any]:
    command = [sys.executable, __file__, "--part", part, "--people", str(people), "--expected", str(expected)]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"part {part} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------- checks and the summary


def _checks(figures: dict[str, Any]) -> dict[str, bool]:
    runs, paypal = figures["runs"], figures["paypal"]
    checks: dict[str, bool] = {}
    for name, run in runs.items():
        outcome = run["outcome"]
        stored = outcome["events"]
        checks[f"{name}: every post answered 200"] = run["statuses"] == {"200": run["posts"]}
        checks[
            f"{name}: one stored event per distinct event ({len(stored)}/{len(run['deliveries_expected'])})"
        ] = set(stored) == set(run["deliveries_expected"])
        checks[
            f"{name}: deliveries counted ({sum(e['deliveries'] for e in stored.values())}/{run['posts']})"
        ] = all(stored.get(k, {}).get("deliveries") == n for k, n in run["deliveries_expected"].items())
        checks[f"{name}: every event applied (within {APPLY_TIMEOUT_S} s)"] = not outcome[
            "timed_out"
        ] and all(event["applied"] for event in stored.values())
        handled = sum(1 for event in stored.values() if not event["ignored"])
        checks[f"{name}: applied once by the worker ({run['applied_log_lines']['events']}/{handled}, "
               f"{len(run['applied_log_lines']['more_than_once'])} twice)"] = (
            run["applied_log_lines"]["events"] == handled and not run["applied_log_lines"]["more_than_once"]
        )  # fmt: skip
        checks[f"{name}: no event made two subscription changes"] = not outcome["changes_repeated"]
        refused = sum(event["not_applied"] for event in stored.values())
        checks[f"{name}: no event refused as malformed or of an unknown plan ({refused})"] = not refused
        checks[f"{name}: web server and worker still running"] = run["alive"]
    reference = runs["reference"]["outcome"]["states"]
    for name, run in runs.items():
        states = run["outcome"]["states"]
        differ = sorted(
            key for key in reference.keys() | states.keys() if reference.get(key) != states.get(key)
        )
        unlike = sorted(key for key, state in states.items() if paypal.get(key) != _as_paypal_says(state))
        run["differ_from_reference"], run["differ_from_paypal"] = differ, unlike
        if name != "reference":
            checks[
                f"{name}: every subscription's final state equals the in-order run's ({len(differ)} differ)"
            ] = not differ
        checks[
            f"{name}: every subscription's state and payments are PayPal's ({len(unlike)} differ)"
        ] = not unlike
    return checks


def _as_paypal_says(state: dict[str, Any]) -> dict[str, Any]:
    """Our row in the terms Drive.paypal_view reads PayPal's: status, failed payments, plan, sales."""
    return {
        "status": state["status"],
        "failed_payments": state["failed_payments"],
        "plan": state["paypal_plan_id"],
        "sales": {sale: status for sale, status, _amount in state["payments"]},
    }


def _print(figures: dict[str, Any], checks: dict[str, bool]) -> None:
    runs = figures["runs"]
    posts = figures["distinct"] + figures["redeliveries"]
    print(f"# webhooks: {posts} deliveries against the running app, {figures['cores']} cores, SQLite\n")
    print(
        f"{figures['people']} people; {figures['distinct']} distinct events from "
        f"{sum(figures['actions'].values())} actions on the local PayPal ({figures['driven_s']} s), "
        f"{figures['redeliveries']} redeliveries"
    )
    print("events: " + ", ".join(f"{kind} {count}" for kind, count in figures["event_types"].items()))
    print("actions: " + ", ".join(f"{kind} {count}" for kind, count in figures["actions"].items()) + "\n")
    print(
        "| run | posts | clients | posting s | posts/s | p50 s | p99 s | max s | first post → all applied s "
        "| last answer → all applied s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    for name, run in runs.items():
        print(
            f"| {name} | {run['posts']} | {run['clients']} | {run['posting_s']:.2f} "
            f"| {run['posts'] / run['posting_s']:.0f} | {run['p50_s']:.4f} | {run['p99_s']:.4f} "
            f"| {run['max_s']:.4f} | {run['all_applied_s']} | {run['drain_after_last_post_s']} |"
        )
    reference = runs["reference"]
    print()
    for name, run in runs.items():
        if name == "reference":
            print(
                "reference emails: "
                + ", ".join(f"{subject} {count}" for subject, count in run["emails"].items())
            )
            continue
        print(
            f"{name} / reference: p50 {run['p50_s'] / reference['p50_s']:.2f}×, "
            f"p99 {run['p99_s'] / reference['p99_s']:.2f}×, max {run['max_s'] / reference['max_s']:.2f}×, "
            f"posts/s {_rate(run) / _rate(reference):.2f}×; emails: "
            + ", ".join(f"{subject} {count}" for subject, count in run["emails"].items())
        )
    print()
    for name, passed in checks.items():
        print(f"- {name}: {'pass' if passed else 'FAIL'}")
    for name, run in runs.items():
        for key in ("differ_from_reference", "differ_from_paypal"):
            if run.get(key):
                print(f"\n{name}, {key}: {run[key][:10]}")


def _rate(run: dict[str, Any]) -> float:
    return float(run["posts"]) / float(run["posting_s"])


# ---------------------------------------------------------------- a child: Django, the database


def _child(part: str, *, people: int, expected: int | None) -> int:
    import django

    django.setup()
    from bench.webhooks_outcome import outcome_wait, people_subscribe

    if part == "subscribe":
        result = people_subscribe(people=people)
    else:
        result = outcome_wait(expected=expected or 0, timeout_s=APPLY_TIMEOUT_S)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
