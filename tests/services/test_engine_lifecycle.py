"""The scheduler's life: the real loop, idling without work, stopping, and resuming after a crash."""

from __future__ import annotations

import asyncio
import logging

import pytest

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine, EngineLimits
from trt_local.services.generation import GenerationService
from trt_local.services.ports import FailureReason, JobView, Refund
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database

from .conftest import MakeEngine, MakeUser
from .helpers import FakeClock, Gate, RecordingNotifier, run_until, status_is, status_of

PAID = "nano-banana-pro"
CAT = {"prompt": "a cat on a roof"}


async def confirm_for(generation: GenerationService, make_user: MakeUser, user_id: int) -> JobView:
    user = await make_user(user_id, balance=5000)
    return await generation.confirm(
        user=user, chat_id=user_id, model_id=PAID, values=CAT, ref=f"job-{user_id}"
    )


async def settle() -> None:
    """Let every ready task run until nothing is left to do right now."""
    for _ in range(50):
        await asyncio.sleep(0)


async def test_the_running_loop_delivers_a_confirmed_job_then_idles(
    db: Database,
    settings: RuntimeSettings,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    generation = GenerationService(db, settings, engine.settlement, clock=clock, wake=engine.wake)
    await engine.start()
    try:
        await settle()
        assert sandbox.requests == [] and clock.sleeps == []  # no work: no polling, no timers

        job = await confirm_for(generation, make_user, 60)
        await notifier.wait_for(lambda: bool(notifier.delivered))
        await engine.drain()
        assert notifier.delivered_ids() == [job.id]
        assert await status_of(generation, job.id) is JobStatus.DELIVERED

        await settle()
        sleeps, requests = len(clock.sleeps), len(sandbox.requests)
        await settle()
        assert (len(clock.sleeps), len(sandbox.requests)) == (sleeps, requests)  # idle again
        assert engine.running
    finally:
        await asyncio.wait_for(engine.stop(), timeout=2)
    assert not engine.running


async def test_restart_in_the_middle_of_a_running_job_delivers_it_once(
    generation: GenerationService,
    engine: Engine,
    make_engine: MakeEngine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    job = await confirm_for(generation, make_user, 61)
    await engine.run_once()
    clock.advance(3)
    await engine.run_once()  # polled once: still generating
    assert await status_of(generation, job.id) is JobStatus.RUNNING

    # The process dies here; a new engine on the same database takes over.
    restarted = make_engine()
    await restarted.resume()

    await run_until(restarted, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    assert notifier.delivered_ids() == [job.id]
    assert len(sandbox.created) == 1


async def test_a_job_cut_off_while_creating_is_refunded_on_the_next_start(
    generation: GenerationService,
    make_engine: MakeEngine,
    gate: Gate,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate.hold_creates = True  # the createTask request is in flight when the process stops
    job = await confirm_for(generation, make_user, 62)
    first = make_engine(EngineLimits(stop_grace_s=0))
    await first.start()
    await asyncio.wait_for(gate.create_arrived.wait(), timeout=2)
    assert await status_of(generation, job.id) is JobStatus.CREATING
    await asyncio.wait_for(first.stop(), timeout=2)
    assert await status_of(generation, job.id) is JobStatus.CREATING

    second = make_engine()
    with caplog.at_level(logging.WARNING, logger="trt.engine"):
        await second.resume()
    await second.notices.drain()

    assert await status_of(generation, job.id) is JobStatus.FAILED
    assert notifier.failed == [(job.id, FailureReason.UPSTREAM_FAILED, Refund(1415, False))]
    assert await billing.balance(62) == 5000
    assert any("may or may not exist" in record.message for record in caplog.records)


async def test_an_undelivered_result_is_sent_after_a_restart_without_waiting(
    generation: GenerationService,
    engine: Engine,
    make_engine: MakeEngine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    notifier.failing_sends = 1  # Telegram is down for the first send
    job = await confirm_for(generation, make_user, 63)

    async def send_failed() -> bool:
        return notifier.send_attempts == 1

    await run_until(engine, clock, send_failed)
    assert await status_of(generation, job.id) is JobStatus.SUCCEEDED

    restarted = make_engine()
    await restarted.resume()
    await restarted.run_once()

    assert await status_of(generation, job.id) is JobStatus.DELIVERED
    assert notifier.delivered_ids() == [job.id]


async def test_stop_is_prompt_and_safe_to_call_twice(engine: Engine) -> None:
    await engine.start()
    await asyncio.wait_for(engine.stop(), timeout=2)
    await asyncio.wait_for(engine.stop(), timeout=2)
    assert not engine.running
