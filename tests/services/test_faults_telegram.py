"""Telegram trouble in the middle of a result of several parts, on the fake clock.

A result of eleven images goes out as two parts (an album of ten, then one photo). Whatever
Telegram does to the second part, the first is never sent again; only the part in flight may be
repeated. End to end with the real bot: tests/e2e/test_faults_telegram.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieClient, KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import DeliveryError, JobView, RecipientGone, ResultFile
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database

from .conftest import MakeUser
from .helpers import FakeClock, Gate, RecordingNotifier, run_until, status_is

PAID = "nano-banana-pro"
PRICE = 1415
BALANCE = 5000


class TroubledNotifier(RecordingNotifier):
    """``trouble[n]`` is raised by the n-th send (1-based); ``lost`` sends reach the user first."""

    def __init__(self, trouble: dict[int, Exception], lost: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.trouble = trouble
        self.lost = lost
        self.attempt_times: list[float] = []
        self.clock: FakeClock | None = None

    async def send_part(self, job: JobView, files: Sequence[ResultFile]) -> Sequence[str]:
        number = self.send_attempts + 1
        if self.clock is not None:
            self.attempt_times.append(self.clock.now)
        problem = self.trouble.get(number)
        if problem is None:
            return await super().send_part(job, files)
        if number in self.lost:  # Telegram took it; the answer never came back
            await super().send_part(job, files)
        else:
            self.send_attempts += 1
        raise problem

    def part_sizes(self) -> list[int]:
        return [len(item.files) for item in self.delivered]


async def eleven_images(
    generation: GenerationService, gate: Gate, make_user: MakeUser, user_id: int
) -> JobView:
    gate.repeat_results = 11  # Kie answers with eleven image URLs: parts of 10 and 1
    user = await make_user(user_id, balance=BALANCE)
    return await generation.confirm(
        user=user,
        chat_id=user_id,
        model_id=PAID,
        values={"prompt": "eleven cats"},
        ref=f"job-{user_id}",
    )


def engine_with(
    notifier: RecordingNotifier,
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    clock: FakeClock,
) -> Engine:
    return Engine(db, kie, notifier, settings, clock=clock, sleep=clock.sleep)


async def test_a_failed_second_part_is_retried_alone(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    generation: GenerationService,
    gate: Gate,
    clock: FakeClock,
    billing: Billing,
    make_user: MakeUser,
) -> None:
    notifier = TroubledNotifier({2: DeliveryError("Telegram is down")})
    engine = engine_with(notifier, db, kie, settings, clock)
    job = await eleven_images(generation, gate, make_user, 400)

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    await engine.run_once()

    assert notifier.part_sizes() == [10, 1]  # the album once, the photo once
    assert notifier.done == [job.id] and notifier.failed == [] and notifier.alerts == []
    stored = await generation.get(job.id)
    assert stored is not None and len(stored.result_file_ids) == 11
    assert await billing.balance(400) == BALANCE - PRICE


async def test_a_part_sent_but_unanswered_is_the_only_one_repeated(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    generation: GenerationService,
    gate: Gate,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    notifier = TroubledNotifier({2: DeliveryError("timed out")}, lost=frozenset({2}))
    engine = engine_with(notifier, db, kie, settings, clock)
    job = await eleven_images(generation, gate, make_user, 401)

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert notifier.part_sizes() == [10, 1, 1]  # the part in flight twice, the album once
    assert notifier.done == [job.id]


async def test_retry_after_on_a_part_is_honoured_before_the_next_attempt(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    generation: GenerationService,
    gate: Gate,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    notifier = TroubledNotifier({2: DeliveryError("flood control", retry_after=120)})
    notifier.clock = clock
    engine = engine_with(notifier, db, kie, settings, clock)
    job = await eleven_images(generation, gate, make_user, 402)

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    refused_at, retried_at = notifier.attempt_times[1:3]
    assert retried_at - refused_at >= 120  # Telegram's wait, not the usual 5 s backoff
    assert notifier.part_sizes() == [10, 1]


async def test_a_user_who_blocks_the_bot_mid_result_gets_no_more_and_stays_charged(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    generation: GenerationService,
    gate: Gate,
    clock: FakeClock,
    billing: Billing,
    sandbox: KieSandbox,
    make_user: MakeUser,
) -> None:
    notifier = TroubledNotifier({2: RecipientGone("Forbidden: bot was blocked by the user")})
    engine = engine_with(notifier, db, kie, settings, clock)
    job = await eleven_images(generation, gate, make_user, 403)

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    for _ in range(3):  # no retry storm afterwards
        clock.advance(600)
        assert await engine.run_once() is None

    assert notifier.send_attempts == 2 and notifier.part_sizes() == [10]
    assert notifier.done == [] and notifier.failed == [] and notifier.alerts == []
    assert await billing.balance(403) == BALANCE - PRICE
    assert sum("/files/" in r.url for r in sandbox.requests) == 11  # downloaded once
