"""Polling running jobs: priority under a tight budget, 404 grace, transient errors, progress."""

from __future__ import annotations

import itertools

from trt_local.kie import KieSandbox
from trt_local.services.engine import Engine, EngineLimits
from trt_local.services.generation import GenerationService
from trt_local.services.ports import FailureReason, JobView, Phase, Refund
from trt_local.services.runtime_settings import RuntimeSettings

from .conftest import MakeEngine, MakeUser
from .helpers import FakeClock, Gate, RecordingNotifier, non_empty, run_until

IMAGE = "nano-banana-pro"  # typical 15 s
VIDEO = "kling-2.6/text-to-video"  # typical 120 s
CAT = {"prompt": "a cat on a roof"}


async def confirm_for(
    generation: GenerationService, make_user: MakeUser, user_id: int, model_id: str = IMAGE
) -> JobView:
    user = await make_user(user_id, balance=10_000)
    return await generation.confirm(
        user=user, chat_id=user_id, model_id=model_id, values=CAT, ref=f"job-{user_id}"
    )


async def task_of(generation: GenerationService, job_id: int) -> str:
    job = await generation.get(job_id)
    assert job is not None and job.task_id is not None
    return job.task_id


async def test_when_polls_exceed_the_budget_the_likeliest_done_go_first(
    generation: GenerationService,
    make_engine: MakeEngine,
    sandbox: KieSandbox,
    gate: Gate,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    engine = make_engine(EngineLimits(polls=2))
    sandbox.hang_tasks()
    start = clock.now
    started: dict[str, int] = {}
    # (name, model, start offset): at t+100 the running-time/typical ratios are
    # video 100/120 = 0.8, old image 60/15 = 4, image 30/15 = 2, fresh image 10/15 = 0.7.
    for user_id, (name, model, offset) in enumerate(
        [("video", VIDEO, 0), ("old", IMAGE, 40), ("mid", IMAGE, 70), ("fresh", IMAGE, 90)],
        start=80,
    ):
        clock.now = start + offset
        job = await confirm_for(generation, make_user, user_id, model)
        await engine.run_once()
        started[name] = job.id
    clock.now = start + 100
    tasks = {name: await task_of(generation, job_id) for name, job_id in started.items()}

    gate.polled.clear()
    await engine.run_once()
    first_pass = set(gate.polled)
    gate.polled.clear()
    await engine.run_once()

    assert first_pass == {tasks["old"], tasks["mid"]}  # not simply the oldest (the video)
    assert gate.polled == [tasks["video"], tasks["fresh"]]


async def test_task_not_found_right_after_creation_gets_grace_polls_then_fails(
    generation: GenerationService,
    make_engine: MakeEngine,
    sandbox: KieSandbox,
    gate: Gate,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    engine = make_engine()
    sandbox.fail_next("record", 404, times=100)
    job = await confirm_for(generation, make_user, 90)

    await run_until(engine, clock, non_empty(notifier.failed))

    assert notifier.failed == [(job.id, FailureReason.UPSTREAM_FAILED, Refund(1415, False))]
    assert len(gate.polled) == 4  # three grace polls, then the verdict


async def test_a_lagging_404_then_success_is_delivered(
    generation: GenerationService,
    make_engine: MakeEngine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    engine = make_engine()
    sandbox.fail_next("record", 404, times=2)
    job = await confirm_for(generation, make_user, 91)

    await run_until(engine, clock, non_empty(notifier.delivered))
    assert notifier.delivered_ids() == [job.id]


async def test_transient_poll_errors_keep_the_job_polling(
    generation: GenerationService,
    make_engine: MakeEngine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    engine = make_engine()
    sandbox.fail_next("record", 500, times=9)  # beyond the client's own retries, twice over
    job = await confirm_for(generation, make_user, 92)

    await run_until(engine, clock, non_empty(notifier.delivered))
    assert notifier.delivered_ids() == [job.id]
    assert notifier.failed == []


async def test_progress_reports_phase_changes_and_at_most_every_ten_seconds(
    generation: GenerationService,
    make_engine: MakeEngine,
    sandbox: KieSandbox,
    settings: RuntimeSettings,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    engine = make_engine()
    sandbox.hang_tasks()
    job = await confirm_for(generation, make_user, 93, VIDEO)

    await run_until(engine, clock, non_empty(notifier.failed))

    reports = [(phase, elapsed) for job_id, phase, elapsed in notifier.progress if job_id == job.id]
    phases = [phase for phase, _ in reports]
    slow_after = settings.timing(job.output).slow_after_s
    assert phases[0] is Phase.GENERATING and phases[-1] is Phase.SLOW
    assert phases == sorted(phases, key=[Phase.GENERATING, Phase.SLOW].index)  # never back
    first_slow = phases.index(Phase.SLOW)
    assert reports[first_slow][1] >= slow_after > reports[first_slow - 1][1]
    for (phase_a, at_a), (phase_b, at_b) in itertools.pairwise(reports):
        assert phase_a != phase_b or at_b - at_a >= 10
    assert notifier.failed == [(job.id, FailureReason.TIMEOUT, Refund(4323, False))]


async def test_a_video_is_delivered_seconds_after_it_is_done_not_a_long_poll_gap_later(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    job = await confirm_for(generation, make_user, 96, VIDEO)
    await engine.run_once()  # sent to Kie
    task = sandbox.account.tasks[await task_of(generation, job.id)]
    # Done after 2 min 35 s: the old cadence (15 s gaps after 2 min) found it 13 s late.
    task.duration = 155.0

    await run_until(engine, clock, non_empty(notifier.delivered))

    assert notifier.delivered_ids() == [job.id]
    assert clock.now - (task.created_at + task.duration) <= 2.5
