"""Retry rules: createTask is repeated only when no task can exist; status calls on any blip."""

from __future__ import annotations

import httpx
import pytest

from trt_local.kie import KieClient, KieTransportError, RateLimitedError, RetryPolicy

from .helpers import FakeClock, MakeClient, Scripted, envelope

CREATED = envelope({"taskId": "task_ok"})
RUNNING = envelope({"taskId": "task_ok", "state": "generating"})


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("read timed out"), httpx.RemoteProtocolError("server hung up")],
    ids=["read-timeout", "dropped-response"],
)
async def test_create_after_reaching_kie_is_sent_once(
    make_client: MakeClient, failure: Exception
) -> None:
    script = Scripted(failure, CREATED)
    client = make_client(script.transport)

    with pytest.raises(KieTransportError) as caught:
        await client.create_task("z-image", {"prompt": "cat"})

    assert caught.value.reached is True
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("connection refused"), httpx.ConnectTimeout("connect timed out")],
    ids=["connect-error", "connect-timeout"],
)
async def test_create_that_never_left_is_retried(
    make_client: MakeClient, clock: FakeClock, failure: Exception
) -> None:
    script = Scripted(failure, failure, CREATED)
    client = make_client(script.transport)

    assert await client.create_task("z-image", {"prompt": "cat"}) == "task_ok"
    assert len(script.requests) == 3
    assert clock.sleeps == [1.0, 2.0]  # exponential: base 1 s, factor 2


async def test_create_gives_up_after_capped_attempts(make_client: MakeClient) -> None:
    script = Scripted(httpx.ConnectError("connection refused"))
    client = make_client(script.transport)

    with pytest.raises(KieTransportError) as caught:
        await client.create_task("z-image", {"prompt": "cat"})

    assert caught.value.reached is False
    assert len(script.requests) == 4


async def test_rate_limited_create_backs_off_twice_as_hard(
    make_client: MakeClient, clock: FakeClock
) -> None:
    limited = envelope(None, code=429, msg="Rate limit exceeded")
    script = Scripted(limited, limited, limited, CREATED)
    client = make_client(script.transport)

    assert await client.create_task("z-image", {"prompt": "cat"}) == "task_ok"
    assert clock.sleeps == [2.0, 4.0, 8.0]


async def test_maintenance_backs_off_longer(make_client: MakeClient, clock: FakeClock) -> None:
    script = Scripted(envelope(None, code=455, msg="maintenance"), CREATED)
    client = make_client(script.transport)

    assert await client.create_task("z-image", {"prompt": "cat"}) == "task_ok"
    assert clock.sleeps == [5.0]


async def test_backoff_is_capped_and_jittered(make_client: MakeClient, clock: FakeClock) -> None:
    seen: list[float] = []

    def half(ceiling: float) -> float:
        seen.append(ceiling)
        return ceiling / 2

    policy = RetryPolicy(max_attempts=6, base_delay=1.0, max_delay=10.0)
    script = Scripted(envelope(None, code=429, msg="slow down"))
    client = make_client(script.transport, jitter=half, create_retry=policy)

    with pytest.raises(RateLimitedError):
        await client.create_task("z-image", {"prompt": "cat"})

    assert seen == [2.0, 4.0, 8.0, 10.0, 10.0]
    assert clock.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0]


async def test_default_jitter_stays_within_the_ceiling(clock: FakeClock) -> None:
    script = Scripted(httpx.ConnectError("refused"), CREATED)
    async with KieClient("key", transport=script.transport, clock=clock, sleep=clock.sleep) as c:
        await c.create_task("z-image", {"prompt": "cat"})

    assert len(clock.sleeps) == 1
    assert 0.0 <= clock.sleeps[0] <= 1.0


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectError("refused"),
        envelope(None, code=500, msg="internal"),
        envelope(None, code=429, msg="slow down"),
        envelope(None, code=455, msg="maintenance"),
    ],
    ids=["read-timeout", "connect", "500", "429", "455"],
)
async def test_record_info_retries_transient_failures(
    make_client: MakeClient, failure: httpx.Response | Exception
) -> None:
    script = Scripted(failure, RUNNING)
    client = make_client(script.transport)

    record = await client.record_info("task_ok")

    assert record.state == "generating"
    assert len(script.requests) == 2


async def test_credits_retry_server_errors(make_client: MakeClient) -> None:
    script = Scripted(envelope(None, code=500, msg="internal"), envelope(12))
    client = make_client(script.transport)

    assert await client.credits() == 12
    assert len(script.requests) == 2
