"""Rate limits (§10): at most 18 creates per 10 s and 8 polls per second, on a fake clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from trt_local.kie import SlidingWindowLimiter

from .helpers import FakeClock, MakeClient, envelope


def _max_in_any_window(stamps: list[float], period: float) -> int:
    return max(sum(1 for s in stamps if start <= s < start + period) for start in stamps)


async def test_window_admits_a_burst_then_waits_for_the_oldest(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(18, 10.0, clock=clock, sleep=clock.sleep)
    stamps: list[float] = []

    for _ in range(40):
        await limiter.acquire()
        stamps.append(clock.now)

    assert stamps[:18] == [0.0] * 18
    assert stamps[18] == 10.0
    assert _max_in_any_window(stamps, 10.0) == 18


async def test_window_frees_slots_as_time_passes(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(2, 1.0, clock=clock, sleep=clock.sleep)

    await limiter.acquire()
    clock.advance(0.6)
    await limiter.acquire()
    await limiter.acquire()  # must wait until the first call is 1 s old

    assert clock.now == pytest.approx(1.0)
    assert clock.sleeps == [pytest.approx(0.4)]


async def test_concurrent_callers_share_one_window(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(3, 1.0, clock=clock, sleep=clock.sleep)
    stamps: list[float] = []

    async def call() -> None:
        await limiter.acquire()
        stamps.append(clock.now)

    await asyncio.gather(*(call() for _ in range(7)))

    assert sorted(stamps) == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]


def test_limiter_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0, 1.0)


async def test_client_paces_creates_at_18_per_10_seconds(
    make_client: MakeClient, clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now)
        return envelope({"taskId": f"t{len(sent_at)}"})

    client = make_client(httpx.MockTransport(handler))

    for _ in range(20):
        await client.create_task("z-image", {"prompt": "cat"})

    assert sent_at[:18] == [0.0] * 18
    assert sent_at[18:] == [10.0, 10.0]


async def test_client_paces_polls_at_8_per_second(
    make_client: MakeClient, clock: FakeClock
) -> None:
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now)
        return envelope({"taskId": "t1", "state": "queuing"})

    client = make_client(httpx.MockTransport(handler))

    for _ in range(17):
        await client.record_info("t1")

    assert sent_at.count(0.0) == 8
    assert sent_at[8:16] == [1.0] * 8
    assert sent_at[16] == 2.0


async def test_clients_given_one_limiter_share_it(
    make_client: MakeClient, clock: FakeClock
) -> None:
    shared = SlidingWindowLimiter(2, 10.0, clock=clock, sleep=clock.sleep)
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now)
        return envelope({"taskId": "t"})

    first = make_client(httpx.MockTransport(handler), create_limiter=shared)
    second = make_client(httpx.MockTransport(handler), create_limiter=shared)

    await first.create_task("z-image", {"prompt": "a"})
    await second.create_task("z-image", {"prompt": "b"})
    await first.create_task("z-image", {"prompt": "c"})

    assert sent_at == [0.0, 0.0, 10.0]
