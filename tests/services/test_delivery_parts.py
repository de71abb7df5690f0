"""A result goes out part by part, each part recorded before the next: nothing is sent twice.

Twelve images make two albums (10 + 2). Whatever fails after the first album — the second send,
the bot's code, the process, the final "done" edit — the first album is never sent again.
"""

from __future__ import annotations

from collections.abc import Sequence

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieClient, KieSandbox
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import DeliveryError, JobView, RecipientGone, ResultFile
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.users import UserView
from trt_local.storage.db import Database

from .conftest import MakeUser
from .helpers import FakeClock, RecordingNotifier, run_until, status_is

PAID = "nano-banana-pro"
CAT = {"prompt": "a cat on a roof", "aspect_ratio": "1:1"}


async def twelve_images(
    generation: GenerationService, sandbox: KieSandbox, user: UserView
) -> JobView:
    sandbox.result_images(12)
    return await generation.confirm(
        user=user, chat_id=user.id, model_id=PAID, values=CAT, ref=f"parts-{user.id}"
    )


def sizes(notifier: RecordingNotifier) -> list[int]:
    return [len(item.files) for item in notifier.delivered]


async def test_twelve_images_go_out_as_two_albums_and_both_are_recorded(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    job = await twelve_images(generation, sandbox, await make_user(90, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert sizes(notifier) == [10, 2]
    delivered = await generation.get(job.id)
    assert delivered is not None
    assert delivered.result_file_ids == tuple(f"tg-file-{job.id}-{n}" for n in range(12))
    assert notifier.done == [job.id]


class Flaky(RecordingNotifier):
    """Sends like Telegram would, except for what a test scripts: a part that fails, a bad edit."""

    def __init__(self, fail_second: list[Exception] | None = None, *, gone: bool = False) -> None:
        super().__init__()
        self.fail_second = fail_second or []
        self.gone = gone
        self.times: list[float] = []
        self.clock: FakeClock | None = None

    async def send_part(self, job: JobView, files: Sequence[ResultFile]) -> Sequence[str]:
        if self.clock is not None:
            self.times.append(self.clock.now)
        if self.gone:
            self.send_attempts += 1
            raise RecipientGone("Forbidden: bot was blocked by the user")
        if len(files) == 2 and self.fail_second:
            self.send_attempts += 1
            raise self.fail_second.pop(0)
        return await super().send_part(job, files)

    async def job_done(self, job: JobView) -> None:
        await super().job_done(job)
        raise DeliveryError("Timed out")  # the last edit never makes it


def engine_with(
    notifier: RecordingNotifier,
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    clock: FakeClock,
) -> tuple[Engine, GenerationService]:
    engine = Engine(db, kie, notifier, settings, clock=clock, sleep=clock.sleep)
    return engine, GenerationService(db, settings, engine.settlement, clock=clock, wake=engine.wake)


async def test_a_failed_second_part_is_retried_alone_after_telegrams_wait(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    flaky = Flaky([DeliveryError("Flood control exceeded", retry_after=45)])
    flaky.clock = clock
    engine, generation = engine_with(flaky, db, kie, settings, clock)
    job = await twelve_images(generation, sandbox, await make_user(91, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert sizes(flaky) == [10, 2]  # the first album once, the second once it went through
    assert flaky.send_attempts == 3
    assert flaky.times[2] - flaky.times[1] >= 45  # Telegram's RetryAfter was honoured
    assert flaky.alerts == []


async def test_a_bug_in_the_bot_on_the_second_part_repeats_only_that_part(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    flaky = Flaky([RuntimeError("unexpected bug"), RuntimeError("and again")])
    engine, generation = engine_with(flaky, db, kie, settings, clock)
    job = await twelve_images(generation, sandbox, await make_user(92, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert sizes(flaky) == [10, 2]
    assert flaky.send_attempts == 4


async def test_a_restart_between_two_parts_sends_only_the_second(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    before = Flaky([DeliveryError("Bad Gateway")])
    engine, generation = engine_with(before, db, kie, settings, clock)
    job = await twelve_images(generation, sandbox, await make_user(93, balance=5000))

    async def first_album_out() -> bool:
        return sizes(before) == [10] and before.send_attempts == 2

    await run_until(engine, clock, first_album_out)
    after = Flaky()  # the restarted process: new engine, nothing in memory
    restarted, generation = engine_with(after, db, kie, settings, clock)
    await restarted.resume()
    await run_until(restarted, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert sizes(before) == [10] and sizes(after) == [2]
    delivered = await generation.get(job.id)
    assert delivered is not None and len(delivered.result_file_ids) == 12


async def test_a_lost_final_edit_sends_nothing_again_and_alerts_nobody(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    flaky = Flaky()
    engine, generation = engine_with(flaky, db, kie, settings, clock)
    job = await twelve_images(generation, sandbox, await make_user(94, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    for _ in range(3):  # later passes find nothing left to do for this job
        clock.advance(600)
        await engine.run_once()

    assert sizes(flaky) == [10, 2] and flaky.done == [job.id]
    assert flaky.alerts == []


async def test_a_user_who_blocked_the_bot_is_not_sent_the_rest_nor_retried(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    flaky = Flaky(gone=True)
    engine, generation = engine_with(flaky, db, kie, settings, clock)
    job = await twelve_images(generation, sandbox, await make_user(95, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    clock.advance(600)
    await engine.run_once()

    assert flaky.send_attempts == 1 and sizes(flaky) == [] and flaky.alerts == []
