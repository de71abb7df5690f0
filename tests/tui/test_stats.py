"""The numbers behind the Dashboard screen: today in the configured time zone, hour by hour."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from trt_local.core.catalog import default_catalog
from trt_local.kie import KieClient, KieSandbox
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.stats import StatsService, day_start
from trt_local.storage.db import Database

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2025, 6, 15, 10, 30, tzinfo=MOSCOW).timestamp()  # 10:30 in Moscow
HOUR = 3600.0


async def add_user(db: Database, user_id: int) -> None:
    await db.write(
        "INSERT INTO users (id, first_name, first_seen, last_seen) VALUES (?, 'x', 0, 0)",
        (user_id,),
    )


async def add_ledger(db: Database, user_id: int, amount: int, kind: str, at: float) -> None:
    # Direct rows: the statistics read the ledger, they do not care how it was written.
    await db.write(
        "INSERT INTO ledger (user_id, amount_minor, kind, ref, balance_after, created_at) "
        "VALUES (?, ?, ?, ?, 0, ?)",
        (user_id, amount, kind, f"{kind}-{at}-{amount}", at),
    )


async def add_job(db: Database, job_id: int, at: float, status: str = "delivered") -> None:
    await db.write(
        "INSERT INTO jobs (id, ref, user_id, chat_id, model_id, category, output, params, "
        "kie_input, price_minor, basis, credits, status, deadline_at, created_at, updated_at, "
        "error_code) VALUES (?, ?, 1, 1, 'z-image', 't2i', 'image', '{}', '{}', 0, 'free', '1', "
        "?, ?, ?, ?, ?)",
        (job_id, f"r{job_id}", status, at + 600, at, at, "timeout" if status == "failed" else None),
    )


def test_day_start_follows_the_time_zone() -> None:
    day, midnight = day_start(NOW, "Europe/Moscow")
    assert day == "2025-06-15"
    assert midnight == datetime(2025, 6, 15, tzinfo=MOSCOW).timestamp()


async def test_today_and_the_last_24_hours(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "trt.db")
    kie = KieClient("key", transport=KieSandbox(speed=0))
    try:
        settings = await RuntimeSettings.open(db, default_catalog())
        stats = StatsService(db, settings, kie, clock=lambda: NOW)
        await add_user(db, 1)
        midnight = day_start(NOW, "Europe/Moscow")[1]
        await add_ledger(db, 1, 10_000, "topup", midnight + HOUR)
        await add_ledger(db, 1, -500, "charge", midnight + 2 * HOUR)
        await add_ledger(db, 1, -300, "charge", NOW - 60)
        await add_ledger(db, 1, 300, "refund", NOW - 30)
        await add_ledger(db, 1, -999, "charge", midnight - HOUR)  # yesterday evening
        await db.write(  # the rows above are the whole story: keep the money invariant
            "UPDATE users SET balance_minor = (SELECT SUM(amount_minor) FROM ledger) WHERE id = 1"
        )
        await add_job(db, 1, midnight - HOUR)
        await add_job(db, 2, midnight + 2 * HOUR)
        await add_job(db, 3, NOW - 60, status="failed")
        await add_job(db, 4, NOW - 25 * HOUR)  # older than the window

        activity = await stats.activity()
        assert activity.day == "2025-06-15" and activity.jobs_today == 2
        assert activity.revenue_today_minor == 500  # 500 + 300 charged, 300 refunded
        assert (activity.refunds_today_minor, activity.topups_today_minor) == (300, 10_000)
        assert len(activity.jobs_per_hour) == len(activity.revenue_per_hour) == 24
        assert sum(activity.jobs_per_hour) == 3 and activity.jobs_per_hour[-1] == 1
        assert sum(activity.revenue_per_hour) == 999 + 500 and activity.revenue_per_hour[-1] == 0

        [failure] = await stats.recent_failures()
        assert (failure.job_id, failure.error_code) == (3, "timeout")
        queue = await stats.queue()
        assert queue.open == 0
    finally:
        await kie.aclose()
        await db.close()
