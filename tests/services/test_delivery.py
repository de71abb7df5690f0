"""Delivery: results are downloaded at once, handed to the bot, retried when sending fails."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from trt_local.core.jobs import JobStatus, OutputKind
from trt_local.kie import KieClient, KieSandbox
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine, EngineLimits
from trt_local.services.generation import GenerationService
from trt_local.services.ports import (
    AlertCode,
    FailureReason,
    JobView,
    Phase,
    QueuePlace,
    Refund,
    ResultFile,
)
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.users import UserView
from trt_local.storage.db import Database

from .conftest import MakeEngine, MakeUser
from .helpers import FakeClock, Gate, RecordingNotifier, non_empty, run_until, status_is

PAID = "nano-banana-pro"
SQUARE_CAT = {"prompt": "a cat on a roof", "aspect_ratio": "1:1"}


async def confirm_for(
    generation: GenerationService,
    user: UserView,
    model_id: str = PAID,
    values: dict[str, object] | None = None,
) -> JobView:
    return await generation.confirm(
        user=user,
        chat_id=user.id,
        model_id=model_id,
        values=values or SQUARE_CAT,
        ref=f"job-{user.id}-{model_id}",
    )


def downloads(sandbox: KieSandbox) -> int:
    return sum(1 for request in sandbox.requests if "/files/" in request.url)


async def test_success_delivers_image_files_with_their_size_and_keeps_the_file_ids(
    generation: GenerationService,
    engine: Engine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    job = await confirm_for(generation, await make_user(70, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    [sent] = notifier.delivered
    [file] = sent.files
    assert (file.kind, file.mime_type, file.too_big) == (OutputKind.IMAGE, "image/png", False)
    assert (file.width, file.height) == (512, 512)
    assert file.content is not None and file.content.startswith(b"\x89PNG")
    stored = await generation.get(job.id)
    assert stored is not None
    assert stored.result_file_ids == (f"tg-file-{job.id}-0",)
    assert stored.delivered_at is not None


async def test_failed_sends_are_retried_with_backoff_and_download_only_once(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    notifier.failing_sends = 3
    job = await confirm_for(generation, await make_user(71, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert notifier.send_attempts == 4
    assert notifier.delivered_ids() == [job.id]
    assert downloads(sandbox) == 1
    assert notifier.failed == []


async def test_a_result_that_cannot_be_sent_is_parked_and_retried_on_demand(
    generation: GenerationService,
    engine: Engine,
    make_engine: MakeEngine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    notifier.failing_sends = 10_000
    job = await confirm_for(generation, await make_user(72, balance=5000))

    await run_until(engine, clock, non_empty(notifier.alerts))
    attempts = notifier.send_attempts
    assert [alert.code for alert in notifier.alerts] == [AlertCode.DELIVERY_STUCK]
    assert await engine.run_once() is None  # nothing scheduled: no retry loop
    assert notifier.send_attempts == attempts

    # After a restart it is tried once more (still failing: parked again).
    restarted = make_engine()
    await restarted.resume()
    await restarted.run_once()
    assert notifier.send_attempts == attempts + 1
    assert await restarted.run_once() is None

    notifier.failing_sends = 0  # Telegram is back; the admin presses "retry delivery"
    assert await generation.retry_delivery(job.id)
    await restarted.run_once()
    assert notifier.delivered_ids() == [job.id]
    assert not await generation.retry_delivery(job.id)  # delivered: nothing to retry


async def test_a_file_over_the_limit_is_passed_as_a_link(
    generation: GenerationService,
    make_engine: MakeEngine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    engine = make_engine(EngineLimits(max_file_bytes=1000))
    job = await confirm_for(generation, await make_user(73, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    [file] = notifier.delivered[0].files
    assert (file.too_big, file.content, file.kind) == (True, None, OutputKind.IMAGE)
    assert file.url.startswith("https://sandbox.kie.invalid/files/")


async def test_a_result_that_cannot_be_downloaded_is_refunded(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    billing: Billing,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.fail_next("download", 404)
    job = await confirm_for(generation, await make_user(74, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.FAILED))

    assert notifier.failed == [(job.id, FailureReason.NO_RESULT, Refund(1415, False))]
    assert notifier.delivered == []
    assert await billing.balance(74) == 5000


async def test_a_download_that_fails_for_a_while_is_retried(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    sandbox.fail_next("download", 503, times=6)  # more than the client retries in one go
    job = await confirm_for(generation, await make_user(75, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert notifier.delivered_ids() == [job.id]
    assert notifier.failed == []


async def test_success_without_files_is_no_result(
    generation: GenerationService,
    engine: Engine,
    gate: Gate,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    gate.empty_results = True
    job = await confirm_for(generation, await make_user(76, balance=5000))

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.FAILED))

    assert notifier.failed == [(job.id, FailureReason.NO_RESULT, Refund(1415, False))]


async def test_a_text_result_is_delivered_as_text(
    generation: GenerationService,
    engine: Engine,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    admin = await make_user(77, admin=True)  # speech-to-text is off by default; admins may run it
    values: dict[str, object] = {"audio_url": "https://files.example/voice.ogg"}
    job = await confirm_for(generation, admin, "elevenlabs/speech-to-text", values)

    await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    [file] = notifier.delivered[0].files
    assert (file.kind, file.text) == (OutputKind.TEXT, "This is a sandbox transcript.")
    stored = await generation.get(job.id)
    assert stored is not None and stored.result_text == "This is a sandbox transcript."


class BrokenNotifier(RecordingNotifier):
    """A bot with bugs: progress edits always crash, the first send crashes unexpectedly."""

    async def job_progress(
        self, job: JobView, phase: Phase, elapsed_s: float, place: QueuePlace | None = None
    ) -> None:
        raise RuntimeError("edit failed")

    async def send_part(self, job: JobView, files: Sequence[ResultFile]) -> Sequence[str]:
        if self.send_attempts == 0:
            self.send_attempts += 1
            raise RuntimeError("unexpected bug in the bot")
        return await super().send_part(job, files)


async def test_a_crashing_notifier_neither_stops_the_job_nor_loses_the_result(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    generation: GenerationService,
    clock: FakeClock,
    make_user: MakeUser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier = BrokenNotifier()
    engine = Engine(db, kie, notifier, settings, clock=clock, sleep=clock.sleep)
    job = await confirm_for(generation, await make_user(78, balance=5000))

    with caplog.at_level(logging.ERROR):
        await run_until(engine, clock, status_is(generation, job.id, JobStatus.DELIVERED))

    assert notifier.delivered_ids() == [job.id]
    assert notifier.send_attempts == 2
    assert any("unexpected bug" in (record.exc_text or "") for record in caplog.records)
