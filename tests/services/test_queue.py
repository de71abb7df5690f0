"""Queue, don't refuse: beyond the global cap paid jobs wait their turn, and a stop loses none."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieClient, KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine, EngineLimits
from trt_local.services.generation import GenerationService
from trt_local.services.ports import JobView, QueuePlace
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage.db import Database

from .conftest import MakeEngine, MakeUser
from .helpers import API_KEY, FakeClock, RecordingNotifier, run_until, status_of

PAID = "nano-banana-pro"  # 1415 kopecks at the default prices
CAT = {"prompt": "a cat on a roof"}


async def confirm_many(
    generation: GenerationService, make_user: MakeUser, first_id: int, count: int
) -> list[JobView]:
    users = [await make_user(first_id + n, balance=5000) for n in range(count)]
    return list(
        await asyncio.gather(
            *(
                generation.confirm(
                    user=user, chat_id=user.id, model_id=PAID, values=CAT, ref=f"q-{user.id}"
                )
                for user in users
            )
        )
    )


async def test_beyond_the_global_cap_paid_jobs_wait_in_the_queue_and_all_are_delivered(
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    billing: Billing,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    await settings.set_job_caps(global_cap=3)
    jobs = await confirm_many(generation, make_user, 300, 12)
    assert all(job.status is JobStatus.QUEUED for job in jobs)  # nobody turned away

    most_at_kie = 0

    async def all_delivered() -> bool:
        nonlocal most_at_kie
        counts = await generation.counts_by_status()
        at_kie = counts.get(JobStatus.CREATING, 0) + counts.get(JobStatus.RUNNING, 0)
        most_at_kie = max(most_at_kie, at_kie)
        return counts.get(JobStatus.DELIVERED, 0) == len(jobs)

    await run_until(engine, clock, all_delivered)

    assert most_at_kie == 3
    assert sorted(notifier.delivered_ids()) == sorted(job.id for job in jobs)
    for job in jobs:
        assert await billing.balance(job.user_id) == 5000 - 1415  # one charge each
    places: dict[int, list[QueuePlace]] = defaultdict(list)
    for job_id, place in notifier.places:
        places[job_id].append(place)
    last = jobs[-1].id
    # The last to confirm was told it had 9 jobs ahead of it beyond the 3 at Kie, and a wait.
    assert places[last][0].position == 9 and places[last][0].wait_s > 0
    for told in places.values():  # a place only ever gets better
        assert [p.position for p in told] == sorted((p.position for p in told), reverse=True)
    assert not places[jobs[0].id]  # the first ones went straight to Kie


async def test_a_new_global_cap_applies_to_the_next_pass(
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    sandbox.hang_tasks()  # nothing finishes: what is at Kie stays there
    await settings.set_job_caps(global_cap=2)
    jobs = await confirm_many(generation, make_user, 320, 5)
    await engine.run_once()
    assert [await status_of(generation, job.id) for job in jobs].count(JobStatus.RUNNING) == 2

    await settings.set_job_caps(global_cap=4)
    await engine.run_once()
    assert [await status_of(generation, job.id) for job in jobs].count(JobStatus.RUNNING) == 4


class HeldLimiter:
    """Kie's create budget, used up: every create waits here until released."""

    def __init__(self) -> None:
        self.waiting = asyncio.Event()
        self.release = asyncio.Event()

    async def acquire(self) -> None:
        self.waiting.set()
        await self.release.wait()


async def test_a_stop_while_jobs_wait_for_kies_budget_keeps_them_queued_and_charged_once(
    db: Database,
    sandbox: KieSandbox,
    settings: RuntimeSettings,
    generation: GenerationService,
    make_engine: MakeEngine,
    billing: Billing,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    held = HeldLimiter()
    budgetless = KieClient(
        API_KEY, transport=sandbox, clock=clock, sleep=clock.sleep, create_limiter=held
    )
    first = Engine(
        db,
        budgetless,
        notifier,
        settings,
        clock=clock,
        sleep=clock.sleep,
        limits=EngineLimits(stop_grace_s=0),
    )
    jobs = await confirm_many(generation, make_user, 340, 3)
    await first.start()
    try:
        await asyncio.wait_for(held.waiting.wait(), timeout=5)
    finally:
        await asyncio.wait_for(first.stop(), timeout=5)
        await budgetless.aclose()

    # Nothing went to Kie, so nothing is failed or refunded: the jobs simply wait on.
    assert [await status_of(generation, job.id) for job in jobs] == [JobStatus.QUEUED] * 3
    assert notifier.failed == [] and sandbox.created == []
    restarted = make_engine()
    await restarted.resume()

    async def all_delivered() -> bool:
        statuses = [await status_of(generation, job.id) for job in jobs]
        return statuses == [JobStatus.DELIVERED] * 3

    await run_until(restarted, clock, all_delivered)
    for job in jobs:
        assert await billing.balance(job.user_id) == 5000 - 1415
