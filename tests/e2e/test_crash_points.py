"""Crash points: the real bot process killed at each step of a paid job and of a top-up.

Each test runs ``python -m trt_local run --headless`` against the Telegram emulator and the Kie
sandbox, both served on 127.0.0.1 by the test, so they outlive the bot. ``TRT_CRASH_AT`` makes the
bot ``os._exit(70)`` at one point (no cleanup, like a power cut); the bot is started again on the
same data folder without it, and once the user has their answer it is stopped cleanly and checked:
every job finished, balances equal ledger sums, one charge and at most one refund per job on its
own user, one credit per top-up, and each result file shown to the user once.

The bot runs on real time in its own process, so the test clock cannot skip a person's pace past
the anti-flood: the journey types two answers instead of pressing their buttons, which keeps it
within the burst (5 messages, 6 presses).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.harness import JumpClock, consistency_violations
from tests.e2e.journeys import Person
from tests.e2e.processes import bot_env, finish, spawn
from trt_local.core import crashpoints
from trt_local.emulator import EmulatedUser, EmulatorServer, TelegramEmulator
from trt_local.kie import KieSandbox, KieSandboxServer

ADMIN = 900
IMAGES = 3  # what the user asks for
RESULT_IMAGES = 12  # what Kie returns: two albums (10 + 2), so a "between" and a "last" part
TOPUP = 100  # roubles: more than three Seedream images cost
START_S = 30  # a cold start of the process on a busy 2-core machine, with margin
JOB_POINTS = {
    # point: what the user ends up with after the restart
    crashpoints.AFTER_CONFIRM_COMMIT: "delivered",
    crashpoints.BEFORE_CREATE: "refunded",  # Kie may or may not have the task: never guess
    crashpoints.AFTER_CREATE: "refunded",  # the task id was lost with the process
    crashpoints.WHILE_POLLING: "delivered",
    crashpoints.AFTER_DOWNLOAD: "delivered",
    crashpoints.BETWEEN_FILES: "delivered",
    crashpoints.AFTER_LAST_FILE: "delivered",
}


def test_every_crash_point_is_exercised() -> None:
    assert set(crashpoints.POINTS) == {*JOB_POINTS, crashpoints.DURING_TOPUP}


@dataclass(frozen=True, slots=True)
class Loopback:
    emu: TelegramEmulator
    telegram: EmulatorServer
    kie: KieSandboxServer
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        return bot_env(self.home, self.telegram, kie=self.kie, TRT_ADMIN_IDS=str(ADMIN), **extra)


@pytest.fixture
async def loopback(emu: TelegramEmulator, tmp_path: Path) -> AsyncIterator[Loopback]:
    # speed=0: a task is done at its first poll, 2.5 s after the create.
    sandbox = KieSandbox(speed=0)
    sandbox.result_images(RESULT_IMAGES)
    async with (
        EmulatorServer(emu) as telegram,
        KieSandboxServer(sandbox) as kie,
    ):
        yield Loopback(emu, telegram, kie, tmp_path)


@contextlib.asynccontextmanager
async def bot(loop: Loopback, **extra: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """The bot as a process until the block ends; killed if it is still running then."""
    proc = await spawn(loop.env(**extra))
    try:
        await loop.emu.wait_polling(timeout=START_S)
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.communicate()


async def paid_album(person: Person, admin: Person, prompt: str) -> None:
    """Seedream 4.0 with three images, paid from an admin's top-up, confirmed."""
    await person.open_model("Text to image", "Seedream 4.0")
    await admin.send(f"/topup {person.user.id} {TOPUP} crash suite")
    await admin.wait(f"to user {person.user.id}")
    await person.send(prompt)
    await person.wait("Choose the size")
    await person.send("square_hd")
    await person.wait("Choose the resolution")
    await person.send("1K")
    await person.wait("number of images")
    await person.send(str(IMAGES))
    await person.confirm()


def received_sends(emu: TelegramEmulator, user: EmulatedUser) -> list[tuple[str, ...]]:
    """Result files as the user sees them: one tuple of content digests per send (an album is one)."""
    sends: list[tuple[str, ...]] = []
    albums: dict[str, int] = {}
    for message in user.messages:
        if message.media_kind not in ("photo", "document") or message.file_id is None:
            continue
        stored = emu.state.files.get(message.file_id)
        assert stored is not None
        digest = hashlib.sha256(emu.file_bytes(stored.file_path)).hexdigest()
        album = message.raw.get("media_group_id")
        if album is None or album not in albums:
            if album is not None:
                albums[album] = len(sends)
            sends.append((digest,))
        else:
            sends[albums[album]] += (digest,)
    return sends


def job_rows(home: Path) -> list[tuple[int, str, str | None]]:
    with contextlib.closing(sqlite3.connect(home / "trt.db")) as conn:
        return conn.execute("SELECT user_id, status, task_id FROM jobs ORDER BY id").fetchall()


def topups(home: Path, user_id: int) -> list[int]:
    with contextlib.closing(sqlite3.connect(home / "trt.db")) as conn:
        rows = conn.execute(
            "SELECT amount_minor FROM ledger WHERE user_id = ? AND kind = 'topup'", (user_id,)
        ).fetchall()
    return [amount for (amount,) in rows]


async def crashed(proc: asyncio.subprocess.Process, point: str) -> None:
    """Wait for the process to die at ``point``."""
    try:
        code, output = await finish(proc, timeout=START_S)
    except TimeoutError:
        raise AssertionError(f"the bot never reached the crash point {point}") from None
    assert code == crashpoints.EXIT_CODE, f"not the crash at {point}: {output[-2000:]}"


async def stop(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM and a clean exit: in-flight steps finish, so the file is final when we read it."""
    proc.send_signal(signal.SIGTERM)
    code, output = await finish(proc)
    assert code == 0, output


@pytest.mark.parametrize("point", list(JOB_POINTS))
async def test_a_paid_job_survives_a_crash_at(point: str, loopback: Loopback) -> None:
    emu, clock = loopback.emu, JumpClock()
    ann = Person(emu.user(6001, "Ann", language_code="en"), clock)
    boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
    async with bot(loopback, TRT_CRASH_AT=point) as proc:
        await paid_album(ann, boss, f"a lighthouse, crash at {point}")
        await crashed(proc, point)

    outcome = JOB_POINTS[point]
    async with bot(loopback) as proc:
        await ann.wait("done!" if outcome == "delivered" else "Refunded:", timeout=START_S)
        await stop(proc)

    home = loopback.home
    assert consistency_violations(home / "trt.db") == []
    assert topups(home, 6001) == [TOPUP * 100]
    [(user_id, status, task_id)] = job_rows(home)
    assert (user_id, status) == (6001, "delivered" if outcome == "delivered" else "failed")
    created = loopback.kie.sandbox.created
    assert len(created) <= 1, "one job, one Kie task: a second create would be paid twice"
    sends = received_sends(emu, ann.user)
    if outcome == "refunded":
        assert sends == []
        return
    assert task_id is not None and [c.task_id for c in created] == [task_id]
    files = loopback.kie.sandbox.account.tasks[task_id].ensure_files()
    expected = sorted(hashlib.sha256(f.content).hexdigest() for f in files)
    distinct = list(dict.fromkeys(sends))
    assert sorted(d for send in distinct for d in send) == expected, (
        "each file arrives, in one send"
    )
    repeats = len(sends) - len(distinct)
    if point == crashpoints.AFTER_LAST_FILE:
        # Telegram accepted the last part and the process died before recording it: that one
        # part may be sent again after the restart (nothing can tell it was accepted), no more.
        assert repeats == 0 or (repeats == 1 and sends[-1] == sends[-2])
    else:
        assert repeats == 0, f"files sent again after a crash at {point}: {sends}"


async def test_a_top_up_is_credited_once_after_a_crash_during_it(loopback: Loopback) -> None:
    emu, clock = loopback.emu, JumpClock()
    ann = Person(emu.user(6002, "Ann", language_code="en"), clock)
    boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
    async with bot(loopback, TRT_CRASH_AT=crashpoints.DURING_TOPUP) as proc:
        await ann.send("/start")
        await ann.wait("Hi, Ann")
        await boss.send(f"/topup 6002 {TOPUP} crash suite")
        await crashed(proc, crashpoints.DURING_TOPUP)

    async with bot(loopback) as proc:
        # The command was committed but not marked handled: the restart replays it.
        await boss.wait("to user 6002", timeout=START_S)
        await stop(proc)

    assert consistency_violations(loopback.home / "trt.db") == []
    assert topups(loopback.home, 6002) == [TOPUP * 100], "one /topup, one credit"
