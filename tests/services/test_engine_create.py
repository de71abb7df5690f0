"""Sending jobs to Kie: what each createTask failure does to the job, the money and the admins."""

from __future__ import annotations

from trt_local.core.jobs import JobStatus
from trt_local.kie import KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import AlertCode, FailureReason, JobView, Phase, Refund
from trt_local.services.runtime_settings import RuntimeSettings

from .conftest import MakeUser
from .helpers import FakeClock, RecordingNotifier, non_empty, run_until, status_is, status_of

PAID = "nano-banana-pro"
CAT = {"prompt": "a cat on a roof"}


async def confirm_for(
    generation: GenerationService, make_user: MakeUser, user_id: int, ref: str = ""
) -> JobView:
    user = await make_user(user_id, balance=5000)
    return await generation.confirm(
        user=user, chat_id=user_id, model_id=PAID, values=CAT, ref=ref or f"job-{user_id}"
    )


async def test_no_kie_credits_fails_jobs_as_unavailable_with_one_admin_alert(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    jobs = [await confirm_for(generation, make_user, user_id) for user_id in (40, 41, 42)]
    sandbox.fail_next("create", 402, times=3)

    await engine.run_once()

    assert sorted(notifier.failed, key=lambda item: item[0]) == [
        (job.id, FailureReason.UNAVAILABLE, Refund(1415, False)) for job in jobs
    ]
    assert [alert.code for alert in notifier.alerts] == [AlertCode.KIE_NO_CREDITS]
    for user_id in (40, 41, 42):
        assert await billing.balance(user_id) == 5000

    # Topped up: a create succeeds, which re-arms the alert for the next outage.
    await confirm_for(generation, make_user, 43)
    await engine.run_once()
    assert len(sandbox.created) == 1
    sandbox.fail_next("create", 402)
    await confirm_for(generation, make_user, 44)
    await engine.run_once()
    assert [alert.code for alert in notifier.alerts] == [AlertCode.KIE_NO_CREDITS] * 2


async def test_rate_limited_create_is_retried_later_and_succeeds(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    job = await confirm_for(generation, make_user, 45)
    sandbox.fail_next("create", 429, times=4)  # more than the client's own attempts

    next_at = await engine.run_once()

    assert await status_of(generation, job.id) is JobStatus.QUEUED
    assert next_at is not None and next_at > clock.now
    assert sandbox.created == []
    assert [phase for _, phase, _ in notifier.progress] == [Phase.QUEUED]  # "waiting in line"

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    assert len(sandbox.created) == 1
    assert notifier.delivered_ids() == [job.id]
    assert notifier.failed == []
    assert [phase for _, phase, _ in notifier.progress][:2] == [Phase.QUEUED, Phase.GENERATING]


async def test_create_that_may_have_reached_kie_is_retried_at_most_once(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    # The answer is lost twice: Kie started two tasks, we learned of neither.
    sandbox.drop_response_next(2, operation="create")
    job = await confirm_for(generation, make_user, 46)

    await run_until(engine, clock, non_empty(notifier.failed))

    assert len(sandbox.created) == 2
    assert notifier.failed == [(job.id, FailureReason.UPSTREAM_FAILED, Refund(1415, False))]


async def test_one_lost_create_answer_is_recovered_by_the_single_retry(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.drop_response_next(1, operation="create")
    job = await confirm_for(generation, make_user, 47)

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))
    assert len(sandbox.created) == 2  # the first one is orphaned at Kie, as API.md §11 accepts
    stored = await generation.get(job.id)
    assert stored is not None and stored.task_id == sandbox.created[1].task_id


async def test_rejected_parameters_fail_as_invalid_input_or_content_rejected(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    first = await confirm_for(generation, make_user, 48)
    sandbox.fail_next("create", 422, message="aspect_ratio is invalid")
    await engine.run_once()
    second = await confirm_for(generation, make_user, 49)
    sandbox.fail_next("create", 400, message="The prompt violates our content policy")
    await engine.run_once()

    assert notifier.failed == [
        (first.id, FailureReason.INVALID_INPUT, Refund(1415, False)),
        (second.id, FailureReason.CONTENT_REJECTED, Refund(1415, False)),
    ]
    assert notifier.alerts == []


async def test_feature_disabled_switches_the_model_off_and_alerts_once(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    settings: RuntimeSettings,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    jobs = [await confirm_for(generation, make_user, user_id) for user_id in (50, 51)]
    sandbox.fail_next("create", 505, times=2)

    await engine.run_once()

    assert [reason for _, reason, _ in notifier.failed] == [FailureReason.UNAVAILABLE] * 2
    assert {job_id for job_id, _, _ in notifier.failed} == {job.id for job in jobs}
    assert [alert.code for alert in notifier.alerts] == [AlertCode.KIE_MODEL_DISABLED]
    assert PAID in notifier.alerts[0].detail
    model = settings.catalog().get(PAID)
    assert model is not None and not model.enabled


async def test_connection_refused_on_every_attempt_gives_up_after_bounded_rounds(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.connect_error_next(10_000, operation="create")
    job = await confirm_for(generation, make_user, 52)

    await run_until(engine, clock, non_empty(notifier.failed))

    assert notifier.failed == [(job.id, FailureReason.UPSTREAM_FAILED, Refund(1415, False))]
    assert clock.now < job.deadline_at  # gave up by the round limit, not the deadline
    assert sandbox.created == []
