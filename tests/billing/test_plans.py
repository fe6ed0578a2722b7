"""One `Plan` per tier (billing/plans.py) is where every plan rule is written: each tier has one, a tier
with none is named in the error, and what a person meets on the site (the upload limit, the month's render
minutes, 4K, the mark, the queue) is what their plan says."""

from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from animagenius.accounts.models import User
from animagenius.billing.plans import PLANS, Period, Plan, UnknownPlan, plan_for
from animagenius.pipeline.ingest import DEFAULT_LIMITS
from animagenius.pipeline.ingest.limits import MB
from animagenius.studio.models import Project

PASSWORD = "a-long-enough-passphrase-42"


def test_every_tier_a_person_can_have_has_a_plan():
    assert sorted(PLANS) == sorted(User.Tier.values)
    for tier, label in User.Tier.choices:
        plan = plan_for(tier)
        assert (plan.tier, plan.name) == (tier, label)
        assert plan.monthly_render_minutes > 0 and plan.concurrent_jobs >= 1
        assert plan.ingest.max_bytes > 0 and plan.resolutions


def test_a_tier_without_a_plan_is_named_with_the_plans_there_are():
    with pytest.raises(UnknownPlan, match=r"no plan for tier 'gold'; the plans are free, pro, business"):
        plan_for("gold")
    with pytest.raises(LookupError):  # callers that catch lookups still do
        plan_for("")


def test_plans_are_frozen_and_rank_upwards():
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan_for("free").watermark = False  # type: ignore[misc]
    plans = [plan_for(tier) for tier in ("free", "pro", "business", "enterprise")]
    for lower, higher in itertools.pairwise(plans):
        assert higher.queue_priority > lower.queue_priority
        assert higher.monthly_render_minutes > lower.monthly_render_minutes
        assert higher.concurrent_jobs > lower.concurrent_jobs
        assert higher.ingest.max_bytes > lower.ingest.max_bytes
    assert [plan.watermark for plan in plans] == [True, False, False, False]
    assert [plan.premium_pool for plan in plans] == [False, False, False, True]
    assert "4k" not in plan_for("free").resolutions and "4k" in plan_for("pro").resolutions
    assert plan_for("free").monthly_price == 0 and not plan_for("free").paid
    assert [plan.rank for plan in plans] == [0, 1, 2, 3]
    assert all(higher.monthly_price > lower.monthly_price for lower, higher in itertools.pairwise(plans))
    for plan in plans:  # money is Decimal to the cent; a year costs ten months
        assert isinstance(plan.monthly_price, Decimal) and plan.monthly_price.as_tuple().exponent == -2
        assert plan.price(Period.YEARLY) == plan.monthly_price * 10
    assert DEFAULT_LIMITS.max_bytes == 50 * MB  # the pipeline's own default (the CLI) is not a plan's


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENDER_WORKDIR = tmp_path / "work"
    return tmp_path


def signed_in(tier: str) -> tuple[Client, User]:
    user = User.objects.create_user(f"{tier}@example.com", PASSWORD, subscription_tier=tier)
    client = Client()
    client.force_login(user)
    return client, user


def new_video(client: Client, *, size: int) -> tuple[int, str]:
    upload = SimpleUploadedFile("notes.md", b"# Tides\n\n" + b"The sea rises and falls. " * (size // 24))
    form = {"source_file": upload, "aspect": "16:9", "resolution": "720p", "duration": "30", "review": "on"}
    response = client.post(reverse("studio:project_list"), form)
    return response.status_code, response.content.decode()


def with_plan(monkeypatch: pytest.MonkeyPatch, tier: str, **changes: object) -> Plan:
    plan = dataclasses.replace(plan_for(tier), **changes)  # type: ignore[arg-type]
    monkeypatch.setitem(PLANS, tier, plan)
    return plan


@pytest.mark.django_db
def test_the_upload_limit_a_person_meets_is_their_plans(media: Path, monkeypatch: pytest.MonkeyPatch):
    with_plan(monkeypatch, "free", ingest=plan_for("free").ingest.model_copy(update={"max_bytes": 1 * MB}))
    with_plan(monkeypatch, "pro", ingest=plan_for("pro").ingest.model_copy(update={"max_bytes": 2 * MB}))
    free, free_user = signed_in("free")
    pro, pro_user = signed_in("pro")

    refused = new_video(free, size=MB + MB // 2)
    taken = new_video(pro, size=MB + MB // 2)
    too_big_for_pro = new_video(pro, size=2 * MB + MB // 2)

    assert refused[0] == 413, refused[1]
    assert "notes.md is larger than your plan&#x27;s 1 MB limit for one file" in refused[1]
    assert not Project.objects.filter(owner=free_user).exists()
    assert taken[0] == 302 and Project.objects.filter(owner=pro_user).count() == 1
    assert too_big_for_pro[0] == 413
    assert "notes.md is larger than your plan&#x27;s 2 MB limit for one file" in too_big_for_pro[1]


@pytest.mark.django_db
def test_the_render_minutes_a_person_sees_are_their_plans(monkeypatch: pytest.MonkeyPatch):
    free, _ = signed_in("free")
    business, _ = signed_in("business")

    def summary(client: Client) -> str:
        page = client.get(reverse("studio:project_list")).content.decode()
        return page.split("Render minutes this month: ", 1)[1].split(" used", 1)[0] + " used"

    assert summary(free) == "0.0 minutes of 10 minutes used"
    assert summary(business) == "0.0 minutes of 600 minutes used"
    with_plan(monkeypatch, "business", monthly_render_minutes=45)
    assert summary(business) == "0.0 minutes of 45 minutes used"


@pytest.mark.django_db
def test_4k_is_offered_as_the_plan_says(monkeypatch: pytest.MonkeyPatch):
    free, _ = signed_in("free")
    pro, _ = signed_in("pro")

    def offers_4k(client: Client) -> bool:
        return "4k (paid plans)" not in client.get(reverse("studio:project_list")).content.decode()

    assert not offers_4k(free) and offers_4k(pro)
    with_plan(monkeypatch, "free", uhd=True)
    assert offers_4k(free)
