"""The drift check against the sandbox's catalog: no drift on the packaged catalog, a gone and a
repriced model both listed (and left alone), a probe per family when the catalog endpoint is
missing or unreadable, and a watch that asks Kie at most once an hour."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx

from trt_local.kie import KieClient, KieSandbox, SlidingWindowLimiter
from trt_local.kie.catalog_api import CatalogAPI, status_path
from trt_local.services.kie_drift import (
    CHECK_EVERY_S,
    FIRST_CHECK_AFTER_S,
    KieDriftWatch,
    check_drift,
    credits_text,
    our_credits,
)
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.bot_state import BotStateRepo
from trt_local.storage.db import Database

from .helpers import FakeClock


def _api(kie: KieClient, clock: FakeClock) -> CatalogAPI:
    return CatalogAPI(kie, limiter=SlidingWindowLimiter(1, 1.0, clock=clock, sleep=clock.sleep))


def _asked(sandbox: KieSandbox) -> list[str]:
    return [r.url.split("/api/v1/", 1)[-1] for r in sandbox.requests]


async def test_the_packaged_catalog_shows_no_drift(
    settings: RuntimeSettings, kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    enabled = settings.catalog().enabled_models()

    report = await check_drift(_api(kie, clock), enabled, now=clock())

    assert report.clean and report.summary() == "no drift"
    assert report.differences == report.notes == ()
    # Dedicated families' names are not Market catalog names: the sandbox lists them anyway.
    assert _asked(sandbox) == ["models"]


async def test_a_gone_and_a_repriced_model_are_listed_and_left_alone(
    settings: RuntimeSettings, kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.catalog.drop("z-image")
    sandbox.catalog.reprice("kling-2.6/text-to-video", 55, 130)
    prices_before = settings.prices

    report = await check_drift(_api(kie, clock), settings.catalog().enabled_models(), now=0)

    assert report.differences == (
        "model z-image: Kie no longer lists it",
        "model kling-2.6/text-to-video: price 55/110/220 → 55/130 credits (Kie), ours 55/110/220",
    )
    assert report.summary() == "2 differences"
    # It only reports: the model stays on and no price moved.
    await settings.reload()
    assert settings.catalog().get("z-image").enabled  # type: ignore[union-attr]
    assert settings.prices == prices_before


async def test_without_a_catalog_endpoint_each_family_is_probed(
    settings: RuntimeSettings, kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.catalog.missing()
    enabled = settings.catalog().enabled_models()

    report = await check_drift(_api(kie, clock), enabled, now=clock())

    assert report.clean
    assert report.notes == ("Kie's catalog endpoint answered 404; probed each family instead",)
    probes = [r for r in _asked(sandbox) if r != "models"]
    # one free status call per status endpoint of the families on (Veo and its 4K share one)
    paths = {status_path(model.endpoint) for model in enabled}
    assert sorted(probes) == sorted(path.split("/api/v1/", 1)[-1] for path in paths)
    assert "jobs/recordInfo" in probes and "veo/record-info" in probes
    assert not sandbox.created  # never a createTask


async def test_a_feature_disabled_family_lists_each_of_its_models(
    settings: RuntimeSettings, kie: KieClient, sandbox: KieSandbox, clock: FakeClock
) -> None:
    sandbox.catalog.garble()
    sandbox.fail_next("record", 505)
    enabled = settings.catalog().enabled_models()

    report = await check_drift(_api(kie, clock), enabled, now=clock())

    assert report.notes == (
        "Kie's catalog endpoint did not answer in a known shape; probed each family instead",
    )
    # the first family probed (the Market's, z-image's) answers 505: each of its models is listed
    assert report.differences == tuple(
        f"model {model.id}: Kie answers 505 feature disabled"
        for model in enabled
        if model.endpoint == "jobs"
    )
    assert "model z-image: Kie answers 505 feature disabled" in report.differences


async def test_the_watch_asks_kie_at_most_hourly_and_remembers_across_a_restart(
    db: Database,
    settings: RuntimeSettings,
    kie: KieClient,
    sandbox: KieSandbox,
    clock: FakeClock,
) -> None:
    def watch() -> KieDriftWatch:
        return KieDriftWatch(_api(kie, clock), settings, BotStateRepo(db), clock=clock)

    first = await watch().refresh()
    assert first.clean and _asked(sandbox) == ["models"]

    sandbox.catalog.drop("z-image")
    clock.advance(59 * 60)
    restarted = watch()
    assert await restarted.last() == first
    assert await restarted.refresh() == first  # younger than an hour: Kie is not asked
    assert _asked(sandbox) == ["models"]

    clock.advance(2 * 60)
    later = await restarted.refresh()
    assert _asked(sandbox) == ["models", "models"]
    assert later.differences == ("model z-image: Kie no longer lists it",)
    assert later.checked_at == clock()
    assert restarted.report == later


class Ticks:
    """A sleep that moves the fake clock and then waits until the test releases it."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.asked: list[float] = []
        self._go = asyncio.Semaphore(0)
        self.waiting = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        self.waiting.set()
        await self._go.acquire()
        self.clock.advance(seconds)

    async def tick(self) -> None:
        self.waiting.clear()
        self._go.release()
        await self.waiting.wait()


async def test_the_background_watch_checks_after_start_then_hourly(
    db: Database,
    settings: RuntimeSettings,
    kie: KieClient,
    sandbox: KieSandbox,
    clock: FakeClock,
) -> None:
    ticks = Ticks(clock)
    watch = KieDriftWatch(
        _api(kie, clock), settings, BotStateRepo(db), clock=clock, sleep=ticks.sleep
    )
    watch.start()
    try:
        await ticks.waiting.wait()  # nothing is asked at start
        assert ticks.asked == [FIRST_CHECK_AFTER_S] and _asked(sandbox) == []
        await ticks.tick()
        assert watch.report is not None and watch.report.clean
        sandbox.catalog.drop("z-image")
        await ticks.tick()
        assert watch.report.differences == ("model z-image: Kie no longer lists it",)
        assert ticks.asked == [FIRST_CHECK_AFTER_S, CHECK_EVERY_S, CHECK_EVERY_S]
        assert _asked(sandbox) == ["models", "models"]
    finally:
        await watch.stop()


async def test_one_page_of_the_catalog_and_the_price_endpoint(
    settings: RuntimeSettings, clock: FakeClock
) -> None:
    """A paged answer without prices: the price endpoint is asked for a listed model, and a
    model not on the page is probed rather than called gone."""
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/api/v1/models":
            page = {"list": [{"model": "grok-imagine/text-to-video"}], "total": 120}
            return httpx.Response(200, json={"code": 200, "msg": "success", "data": page})
        if request.url.path.endswith("/price"):
            data = {"pricingDesc": "25 credits per video"}
            return httpx.Response(200, json={"code": 200, "msg": "success", "data": data})
        return httpx.Response(200, json={"code": 404, "msg": "Task not found", "data": None})

    catalog = settings.catalog()
    models = [catalog.get("z-image"), catalog.get("grok-imagine/text-to-video")]
    async with KieClient("sk-test", transport=httpx.MockTransport(answer)) as kie:
        report = await check_drift(_api(kie, clock), [m for m in models if m], now=clock())

    grok = catalog.get("grok-imagine/text-to-video")
    assert grok is not None and Decimal(25) not in our_credits(grok)
    ours = credits_text(our_credits(grok))
    assert report.differences == (
        f"model grok-imagine/text-to-video: price {ours} → 25 credits (Kie), ours {ours}",
    )
    assert report.notes == (
        "Kie's catalog answered one page only; models not on it were probed instead",
    )
    assert asked == [
        "/api/v1/models",
        "/api/v1/models/grok-imagine/text-to-video/price",
        "/api/v1/jobs/recordInfo",
    ]


async def test_a_model_kie_names_no_price_for_is_noted_not_counted(
    settings: RuntimeSettings, clock: FakeClock
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        data: object = {"model": "z-image", "taskType": "text-to-image"}
        if request.url.path == "/api/v1/models":
            data = [data]
        return httpx.Response(200, json={"code": 200, "msg": "success", "data": data})

    z_image = settings.catalog().get("z-image")
    assert z_image is not None
    async with KieClient("sk-test", transport=httpx.MockTransport(answer)) as kie:
        report = await check_drift(_api(kie, clock), [z_image], now=clock())

    assert report.clean
    assert report.notes == ("Kie named no price for 1 model(s): z-image",)
