"""Concurrency: one job per intent, no overspend, no job made from a rolled-back row.

Real SQLite file, the real Kie client over the sandbox, a fake clock; the money invariant is
checked after every test by the conftest. Some tests hold one actor at the exact point of a race
(a confirm's open transaction) while the scheduler reads, to replay an interleaving that load
produces only sometimes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
import pytest

from trt_local.core import InsufficientFunds
from trt_local.core.jobs import JobStatus
from trt_local.kie import KieSandbox
from trt_local.services import generation as generation_module
from trt_local.services.billing import Billing
from trt_local.services.engine import Engine
from trt_local.services.generation import GenerationService
from trt_local.storage import ledger
from trt_local.storage.db import Database
from trt_local.storage.jobs import JobRecord, JobsRepo

from .conftest import MakeUser
from .helpers import FakeClock, RecordingNotifier, run_until, status_is

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
