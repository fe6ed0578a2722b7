"""Render providers: the worker pools a render can go to, and which one a job goes to.

A provider is a name (recorded on each job) and the Celery queue its workers consume. The local ffmpeg
renderer on RENDER_QUEUE is the primary; a deployment may add a fallback pool (another queue, other
machines), a premium pool for enterprise work and a specialised one for heavy renders, with
`RENDER_PROVIDERS="primary=local-ffmpeg@render,fallback=pool-b@render-b"`. The choice follows the brief:
a plan with the premium pool (`billing.plans`: enterprise) → premium; heavy → specialised; the primary
while its load is under LOAD_LIMIT; else the fallback.
Load is measured, not guessed: the jobs waiting for or running on a pool over the slots of its live workers
(from the heartbeats each worker writes, see `worker_beat_write`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from animagenius.billing.plans import plan_for

ROLES = ("primary", "fallback", "premium", "specialised")
LOAD_LIMIT = 0.7  # the primary takes new work while its load is below this
HEAVY_VIDEO_S = 600.0  # a render this long, or any at 4K, is heavy
_ENTRY = re.compile(r"(?P<role>[a-z]+)=(?P<name>[A-Za-z0-9_.-]+)@(?P<queue>[A-Za-z0-9_.:-]+)")


class RenderProvidersInvalid(ValueError):
    pass


@dataclass(frozen=True)
class RenderProvider:
    name: str
    queue: str


@dataclass(frozen=True)
class RenderProviders:
    primary: RenderProvider
    fallback: RenderProvider | None = None
    premium: RenderProvider | None = None
    specialised: RenderProvider | None = None

    def all(self) -> list[RenderProvider]:
        found = [getattr(self, field.name) for field in fields(self)]
        return list(dict.fromkeys(provider for provider in found if provider is not None))

    def queues(self) -> list[str]:
        return list(dict.fromkeys(provider.queue for provider in self.all()))

    def names_on(self, queue: str) -> list[str]:
        return [provider.name for provider in self.all() if provider.queue == queue]

    def queue_of(self, name: str) -> str:
        """The queue of the provider called `name`; the primary's for a name no longer configured."""
        return next((provider.queue for provider in self.all() if provider.name == name), self.primary.queue)


def render_providers_parse(spec: str) -> RenderProviders:
    """`role=name@queue` entries, comma-separated; roles: primary (required), fallback, premium,
    specialised."""
    chosen: dict[str, RenderProvider] = {}
    for entry in (part.strip() for part in spec.split(",") if part.strip()):
        match = _ENTRY.fullmatch(entry)
        if match is None or match["role"] not in ROLES:
            raise RenderProvidersInvalid(
                f"{entry!r} is not role=name@queue with a role among {', '.join(ROLES)}"
            )
        if match["role"] in chosen:
            raise RenderProvidersInvalid(f"the {match['role']} provider is named twice")
        chosen[match["role"]] = RenderProvider(name=match["name"], queue=match["queue"])
    if "primary" not in chosen:
        raise RenderProvidersInvalid("name a primary provider, e.g. primary=local-ffmpeg@render")
    return RenderProviders(**chosen)


@dataclass(frozen=True)
class Choice:
    provider: RenderProvider
    reason: str


def render_provider_choose(
    providers: RenderProviders, *, tier: str, heavy: bool, primary_load: float
) -> Choice:
    if plan_for(tier).premium_pool and providers.premium is not None:
        return Choice(providers.premium, f"{tier} plan")
    if heavy and providers.specialised is not None:
        return Choice(providers.specialised, "heavy render")
    if primary_load < LOAD_LIMIT or providers.fallback is None:
        return Choice(providers.primary, f"primary load {primary_load:.2f}")
    return Choice(providers.fallback, f"primary load {primary_load:.2f} ≥ {LOAD_LIMIT}")


def render_is_heavy(*, video_s: float, resolutions: list[str]) -> bool:
    return video_s >= HEAVY_VIDEO_S or "4k" in resolutions
