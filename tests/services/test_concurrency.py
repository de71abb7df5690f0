"""Concurrency: one job per intent, no overspend, no job made from a rolled-back row, the cap kept.

Real SQLite file, the real Kie client over the sandbox, a fake clock; the money invariant is
checked after every test by the conftest. Some tests hold one actor at the exact point of a race
(a confirm's open transaction, a createTask, a send) while the scheduler reads, to replay an
interleaving that load produces only sometimes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import aiosqlite
import httpx
import pytest

from trt_local.core import InsufficientFunds
from trt_local.core.jobs import JobStatus
from trt_local.kie import KieClient, KieSandbox, sandbox_media
from trt_local.kie.sandbox_media import render_png
from trt_local.services import generation as generation_module
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.services.ports import JobView, ResultFile
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.storage import ledger
from trt_local.storage.db import Database
from trt_local.storage.jobs import JobRecord, JobsRepo

from .conftest import MakeUser
from .helpers import FakeClock, Gate, RecordingNotifier, run_until, status_is

PAID = "nano-banana-pro"  # an image model: 18 credits → 1415 kopecks with the default prices
PRICE = 1415
FOX = {"prompt": "Ann's secret fox"}
CAT = {"prompt": "Bob's cat on a roof"}


class HeldCharge:
    """``ledger.post`` as confirm calls it, held for one user right after that user's job insert.

    While it waits, the confirm's transaction is open with the job row written and not committed;
    released, it charges (the real post) or raises an error of its own.
    """

    def __init__(self, user_id: int, *, then_raise: Exception | None = None) -> None:
        self._user_id = user_id
        self._then_raise = then_raise
        self.inserted = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, tx: aiosqlite.Connection, **kwargs: Any) -> int | None:
        if kwargs["user_id"] == self._user_id:
            self.inserted.set()
            await self.release.wait()
            if self._then_raise is not None:
                raise self._then_raise
        return await ledger.post(tx, **kwargs)


class DueSpy:
    """The scheduler's ``JobsRepo.due`` reads of one state: what they returned, and a hook run
    once, after the next such read and before the scheduler acts on it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, status: JobStatus) -> None:
        self.status = status
        self.seen: list[JobRecord] = []
        self.read = asyncio.Event()
        self.during: Callable[[], Awaitable[None]] | None = None
        self.done = asyncio.Event()
        monkeypatch.setattr(JobsRepo, "due", self._wrap(JobsRepo.due))

    def _wrap(
        self, real: Callable[..., Awaitable[list[JobRecord]]]
    ) -> Callable[..., Awaitable[list[JobRecord]]]:
        async def due(
            repo: JobsRepo, status: JobStatus, now: float, **kwargs: Any
        ) -> list[JobRecord]:
            records = await real(repo, status, now, **kwargs)
            if status is self.status:
                self.seen.extend(records)
                self.read.set()
                hook, self.during = self.during, None
                if hook is not None:
                    await hook()
                    self.done.set()
            return records

        return due


class AtKie(httpx.AsyncBaseTransport):
    """In front of the sandbox: at every createTask, how many of our jobs are creating or running
    and how many Kie tasks are unfinished. The global cap must bound both."""

    def __init__(self, sandbox: KieSandbox, db: Database) -> None:
        self._sandbox = sandbox
        self._db = db
        self._open: set[str] = set()
        self.peak_jobs = 0
        self.peak_tasks = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/createTask"):
            return await self._sandbox.handle_async_request(request)
        jobs = await self._db.scalar(
            "SELECT COUNT(*) FROM jobs WHERE status IN ('creating', 'running')"
        )
        self.peak_jobs = max(self.peak_jobs, int(jobs))
        response = await self._sandbox.handle_async_request(request)
        self._open = {
            task for task in self._open if self._sandbox.state_of(task) not in ("success", "fail")
        }
        self._open.update(task.task_id for task in self._sandbox.created[-1:])
        self.peak_tasks = max(self.peak_tasks, len(self._open))
        return response


@dataclass
class HeldNotifier(RecordingNotifier):
    """A bot whose sends can be held: ``sending`` is set when one is waiting for ``release``."""

    hold_sends: bool = False
    sending: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def send_part(self, job: JobView, files: Sequence[ResultFile]) -> Sequence[str]:
        if self.hold_sends:
            self.sending.set()
            await self.release.wait()
        return await super().send_part(job, files)


def charges_sql() -> str:
    return "SELECT user_id, amount_minor, ref FROM ledger WHERE kind = 'charge' ORDER BY id"


# -- one user, a hundred taps -------------------------------------------------------------------


async def test_a_hundred_taps_of_one_confirm_make_one_job_and_one_charge(
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    billing: Billing,
    db: Database,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    user = await make_user(60, balance=5000)

    taps = await asyncio.gather(
        *(
            generation.confirm(user=user, chat_id=60, model_id=PAID, values=CAT, ref="60-nonce")
            for _ in range(100)
        )
    )

    assert len({job.id for job in taps}) == 1
    assert sorted(job.duplicate for job in taps) == [False] + [True] * 99
    assert await billing.balance(60) == 5000 - PRICE
    assert [tuple(row) for row in await db.fetch_all(charges_sql())] == [(60, -PRICE, "60-nonce")]
    await run_until(engine, clock, status_is(generation, taps[0].id, JobStatus.DELIVERED))
    assert len(sandbox.created) == 1
    assert notifier.delivered_ids() == [taps[0].id]


# -- a confirm that rolls back while the scheduler runs ----------------------------------------


@pytest.mark.parametrize(
    ("ann_balance", "then_raise", "expected"),
    [
        (0, None, InsufficientFunds),  # the natural rollback: not enough money
        (5000, RuntimeError("bug after the insert"), RuntimeError),  # any error after the insert
    ],
    ids=["insufficient-funds", "error-after-insert"],
)
async def test_a_rolled_back_confirm_is_never_sent_to_kie_nor_billed_to_the_next_user(
    ann_balance: int,
    then_raise: Exception | None,
    expected: type[Exception],
    generation: GenerationService,
    engine: Engine,
    sandbox: KieSandbox,
    billing: Billing,
    db: Database,
    clock: FakeClock,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ann = await make_user(70, balance=ann_balance)
    bob = await make_user(71, balance=5000)
    held = HeldCharge(ann.id, then_raise=then_raise)
    monkeypatch.setattr(generation_module, "post", held)
    spy = DueSpy(monkeypatch, JobStatus.QUEUED)

    # The reported interleaving: Ann's confirm has written her job and not committed; Bob's
    # confirm waits for the write lock; the scheduler looks for queued jobs right then.
    ann_confirm = asyncio.create_task(
        generation.confirm(user=ann, chat_id=70, model_id=PAID, values=FOX, ref="ann-1")
    )
    await held.inserted.wait()
    bob_confirm = asyncio.create_task(
        generation.confirm(user=bob, chat_id=71, model_id=PAID, values=CAT, ref="bob-1")
    )
    scheduler_pass = asyncio.create_task(engine.run_once())
    await spy.read.wait()
    held.release.set()  # Ann's transaction rolls back; then Bob's commits

    with pytest.raises(expected):
        await ann_confirm
    bob_job = await bob_confirm
    await scheduler_pass
    await run_until(engine, clock, status_is(generation, bob_job.id, JobStatus.DELIVERED))

    # Kie was asked for Bob's picture, once, and Bob's job is that task.
    assert [(task.model, task.input["prompt"]) for task in sandbox.created] == [
        (PAID, CAT["prompt"])
    ]
    stored = await generation.get(bob_job.id)
    assert stored is not None and stored.task_id == sandbox.created[0].task_id
    assert stored.params == CAT
    # Only Bob received anything, and it was his own job.
    assert {(item.job.id, item.job.chat_id) for item in notifier.delivered} == {(bob_job.id, 71)}
    assert [item.job.params["prompt"] for item in notifier.delivered] == [CAT["prompt"]]
    # Money: Bob paid for his own job once; Ann paid nothing and has no job.
    assert await billing.balance(bob.id) == 5000 - PRICE
    assert [tuple(row) for row in await db.fetch_all(charges_sql())] == [(71, -PRICE, "bob-1")]
    assert await billing.balance(ann.id) == ann_balance
    assert (await generation.history(ann.id))[1] == 0
    # The scheduler never even saw Ann's uncommitted row.
    assert [record.ref for record in spy.seen if record.user_id == ann.id] == []


# -- the scheduler's reads race its own steps ---------------------------------------------------


async def test_a_result_sent_while_the_scheduler_reads_is_not_sent_again(
    db: Database,
    kie: KieClient,
    settings: RuntimeSettings,
    clock: FakeClock,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    notifier = HeldNotifier(hold_sends=True)
    engine = Engine(db, kie, notifier, settings, clock=clock, sleep=clock.sleep)
    generation = GenerationService(db, settings, engine.settlement, clock=clock, wake=engine.wake)
    spy = DueSpy(monkeypatch, JobStatus.SUCCEEDED)
    user = await make_user(90, balance=5000)

    async def finish_the_send() -> None:
        notifier.release.set()
        await engine.drain()  # the send is recorded: the job is delivered

    await engine.start()
    try:
        job = await generation.confirm(user=user, chat_id=90, model_id=PAID, values=CAT, ref="r")
        await notifier.sending.wait()  # the result is on its way, the job still 'succeeded'
        # The send ends while a scheduler pass is reading the jobs waiting for delivery.
        spy.during = finish_the_send
        engine.wake()
        await spy.done.wait()
        await engine.drain()
    finally:
        await engine.stop()

    assert (notifier.delivered_ids(), notifier.send_attempts) == ([job.id], 1)
    assert await status_is(generation, job.id, JobStatus.DELIVERED)()


async def test_a_create_that_ends_while_the_scheduler_reads_still_counts_against_the_cap(
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    gate: Gate,
    db: Database,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await settings.set_job_caps(global_cap=1)
    at_kie = AtKie(sandbox, db)
    gate.inner = at_kie
    gate.hold_creates = True
    spy = DueSpy(monkeypatch, JobStatus.QUEUED)
    ann, bob = await make_user(91, balance=5000), await make_user(92, balance=5000)

    async def finish_the_create() -> None:
        gate.hold_creates = False
        gate.release.set()
        await engine.drain()  # Ann's job is running at Kie

    await engine.start()
    try:
        first = await generation.confirm(user=ann, chat_id=91, model_id=PAID, values=FOX, ref="a")
        await gate.create_arrived.wait()  # Ann's createTask is on its way
        # Bob's confirm wakes the scheduler; Ann's create ends while it reads the queue.
        spy.during = finish_the_create
        second = await generation.confirm(user=bob, chat_id=92, model_id=PAID, values=CAT, ref="b")
        await spy.done.wait()
        await notifier.wait_for(lambda: len(notifier.delivered) == 2)
    finally:
        await engine.stop()

    assert (at_kie.peak_jobs, at_kie.peak_tasks) == (1, 1)
    assert notifier.delivered_ids() == [first.id, second.id]


async def test_the_running_scheduler_keeps_polling_while_the_cap_holds_the_queue(
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    gate: Gate,
    db: Database,
    notifier: RecordingNotifier,
    make_user: MakeUser,
) -> None:
    # One job at Kie, one waiting: only a poll (a timer, not a step ending) frees the slot.
    await settings.set_job_caps(global_cap=1)
    at_kie = AtKie(sandbox, db)
    gate.inner = at_kie
    users = [await make_user(user_id, balance=5000) for user_id in (80, 81)]

    await engine.start()
    try:
        jobs = [
            await generation.confirm(
                user=user, chat_id=user.id, model_id=PAID, values=CAT, ref=f"{user.id}-nonce"
            )
            for user in users
        ]
        await notifier.wait_for(lambda: len(notifier.delivered) == 2)
    finally:
        await engine.stop()

    assert notifier.delivered_ids() == [job.id for job in jobs]
    assert (at_kie.peak_jobs, at_kie.peak_tasks) == (1, 1)


# -- a thousand users at once -------------------------------------------------------------------

CROWD = 1000
CAP = 50
SPEED = 5  # ~40 s per picture: at Kie's create budget (1.8/s) more than CAP would run at once


async def test_a_thousand_users_confirming_at_once_queue_and_each_get_their_own_result(
    generation: GenerationService,
    engine: Engine,
    settings: RuntimeSettings,
    sandbox: KieSandbox,
    gate: Gate,
    db: Database,
    notifier: RecordingNotifier,
    make_user: MakeUser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await settings.set_job_caps(global_cap=CAP)
    sandbox.credits = Decimal(10 * CROWD)
    sandbox.account.speed = SPEED
    # The sandbox draws each picture in pure Python (~50 ms at 512 px); thumbnails keep this fast.
    monkeypatch.setattr(sandbox_media, "render_png", lambda _w, _h, seed: render_png(8, 8, seed))
    at_kie = AtKie(sandbox, db)
    gate.inner = at_kie
    users = [await make_user(1000 + n, balance=PRICE) for n in range(CROWD)]  # one job's worth

    await engine.start()  # the scheduler runs while everyone confirms
    try:
        jobs = await asyncio.gather(
            *(
                generation.confirm(
                    user=user,
                    chat_id=user.id,
                    model_id=PAID,
                    values={"prompt": f"portrait of user {user.id}"},
                    ref=f"{user.id}-nonce",
                )
                for user in users
            )
        )
        await notifier.wait_for(lambda: len(notifier.delivered) >= CROWD, timeout=60)
        await engine.drain()
    finally:
        await engine.stop()

    # Nobody was turned away, nobody overspent, everyone paid once for their own job.
    assert len({job.id for job in jobs}) == CROWD and not any(job.duplicate for job in jobs)
    assert await db.scalar("SELECT MIN(balance_minor) FROM users") == 0
    charges = await db.fetch_all(charges_sql())
    assert sorted(tuple(row) for row in charges) == [
        (user.id, -PRICE, f"{user.id}-nonce") for user in users
    ]
    # Every job delivered exactly once, to its user, made from that user's prompt.
    assert sorted(notifier.delivered_ids()) == sorted(job.id for job in jobs)
    assert all(item.job.chat_id == item.job.user_id for item in notifier.delivered)
    assert len(sandbox.created) == CROWD
    prompts = {task.task_id: task.input["prompt"] for task in sandbox.created}
    for job in jobs:
        stored = await generation.get(job.id)
        assert stored is not None and stored.status is JobStatus.DELIVERED
        assert stored.task_id is not None
        assert prompts[stored.task_id] == f"portrait of user {job.user_id}"
    # Never more than the cap at Kie, and the cap was reached: the rest waited in the queue.
    assert (at_kie.peak_jobs, at_kie.peak_tasks) == (CAP, CAP)
    # Those who waited were told their place: never behind their turn, and only moving forward.
    rank = {job.id: n for n, job in enumerate(sorted(jobs, key=lambda job: job.id), start=1)}
    places: dict[int, list[int]] = {}
    for job_id, place in notifier.places:
        assert 1 <= place.position <= rank[job_id] and place.wait_s > 0
        places.setdefault(job_id, []).append(place.position)
    assert len(places) >= CROWD - CAP
    assert all(told == sorted(told, reverse=True) for told in places.values())
