"""``trt doctor`` as a real process: the money and job checks print their first offending rows."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.processes import bot_env, finish, spawn
from trt_local.emulator import EmulatorServer, TelegramEmulator
from trt_local.storage.db import Database


@pytest.fixture
async def server(emu: TelegramEmulator) -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(emu) as started:
        yield started


def _job(conn: sqlite3.Connection, ref: str, user_id: int, status: str, **extra: object) -> None:
    now = time.time()
    row: dict[str, object] = {
        "ref": ref,
        "user_id": user_id,
        "chat_id": user_id,
        "model_id": "nano-banana-pro",
        "category": "text-to-image",
        "output": "image",
        "params": "{}",
        "kie_input": "{}",
        "price_minor": 1415,
        "basis": "paid",
        "credits": "18",
        "status": status,
        "deadline_at": now + 600,
        "created_at": now,
        "updated_at": now,
        **extra,
    }
    conn.execute(
        f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        tuple(row.values()),
    )


def _ledger(conn: sqlite3.Connection, user_id: int, amount: int, kind: str, ref: str) -> None:
    conn.execute(
        "INSERT INTO ledger (user_id, amount_minor, kind, ref, balance_after, created_at) "
        "VALUES (?, ?, ?, ?, 0, 0)",
        (user_id, amount, kind, ref),
    )
    conn.execute(
        "UPDATE users SET balance_minor = balance_minor + ? WHERE id = ?", (amount, user_id)
    )


async def seed_defects(database: Path) -> None:
    """One defect of each kind the doctor looks for (balances stay equal to ledger sums)."""
    db = await Database.open(database)  # the schema, by the product's migrations
    await db.close()
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        for user_id in (1, 2, 3, 4, 5, 6):
            conn.execute(
                "INSERT INTO users (id, first_name, first_seen, last_seen) VALUES (?, 'u', 0, 0)",
                (user_id,),
            )
            _ledger(conn, user_id, 10_000, "topup", f"seed-{user_id}")
        for n in range(7):  # failed without the refund: more than the five shown
            _job(conn, f"1-lost-{n}", 1, "failed")
            _ledger(conn, 1, -1415, "charge", f"1-lost-{n}")
        _ledger(conn, 2, -1415, "charge", "2-ghost")  # charged, no job
        _job(conn, "3-unpaid", 3, "delivered")  # paid, never charged
        _job(conn, "4-late", 4, "running", deadline_at=time.time() - 3600)
        _ledger(conn, 4, -1415, "charge", "4-late")
        _job(conn, "5-parked", 5, "succeeded", next_poll_at=None, delivery_attempts=8)
        _ledger(conn, 5, -1415, "charge", "5-parked")


async def test_doctor_lists_money_and_job_defects_and_fails(
    server: EmulatorServer, tmp_path: Path
) -> None:
    await seed_defects(tmp_path / "trt.db")

    code, output = await finish(await spawn(bot_env(tmp_path, server), "doctor"))

    assert code == 1, output
    lines = output.splitlines()
    marks = {line.split(":")[0]: line for line in lines if not line.startswith(" ")}
    assert marks["ok   balances"].endswith("every balance equals the sum of its ledger rows")
    assert marks["FAIL refunds"].endswith("7 failed paid job(s) not refunded exactly once")
    assert marks["FAIL charges"].endswith(
        "1 charge(s) without their job; 1 paid job(s) without a charge"
    )
    assert marks["FAIL deadlines"].endswith("1 job(s) open past their deadline")
    assert marks["warn deliveries"].startswith("warn deliveries: 1 delivery(ies) parked")
    assert marks["ok   telegram"]
    refunds = lines.index(marks["FAIL refunds"])
    shown = lines[refunds + 1 : refunds + 6]
    assert [line.strip().split(" (")[0] for line in shown] == [f"job {n}" for n in range(1, 6)]
    assert not lines[refunds + 6].startswith(" ")  # five rows, not seven
    assert any("ref 2-ghost" in line and "no job has this ref" in line for line in lines)
    assert any("ref 3-unpaid" in line and "never charged" in line for line in lines)
    assert any(line.strip().startswith("job 9 (user 4): running, deadline") for line in lines)
    assert any(line.strip().startswith("job 10 (user 5): finished") for line in lines)


async def test_doctor_passes_the_money_checks_on_a_clean_database(
    server: EmulatorServer, tmp_path: Path
) -> None:
    code, output = await finish(await spawn(bot_env(tmp_path, server), "doctor"))

    assert code == 0, output
    names = [line.split(":")[0] for line in output.splitlines()]
    for name in ("balances", "refunds", "charges", "deadlines", "deliveries"):
        assert f"ok   {name}" in names
