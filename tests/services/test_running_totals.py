"""What the Stats and the "paid" audience read instead of walking history (migration 11): when a
user first paid (``users.paid_at``) and the all-time totals of jobs and money in (``totals``),
kept by triggers in the transaction of each write, and filled in for a database made before."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from trt_local.core.broadcast import Audience, AudienceKind
from trt_local.kie import KieClient
from trt_local.services.billing import Billing
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.stars import StarsService
from trt_local.services.stats import StatsService
from trt_local.services.transfers import TransferService
from trt_local.services.users import UserView
from trt_local.storage.broadcasts import BroadcastsRepo
from trt_local.storage.db import Database
from trt_local.storage.migrations import MIGRATIONS

from .conftest import MakeUser
from .helpers import FakeClock

ADMIN = 1
PAID = Audience(AudienceKind.PAID)


class Telegram:
    """The Stars refund port: Telegram gives the Stars back."""

    async def refund_star_payment(self, user_id: int, charge_id: str) -> None:
        return None


async def paid_at(db: Database) -> dict[int, float | None]:
    return {int(row[0]): row[1] for row in await db.fetch_all("SELECT id, paid_at FROM users")}


async def transfer(transfers: TransferService, user: UserView, unique: str) -> int:
    """A proof sent for 15 000; returns the pending transfer's id."""
    await transfers.start(user, 15_000)
    return (await transfers.submit_proof(user, 15_000, f"file-{unique}", unique, "")).id


async def test_a_user_counts_as_paid_from_their_first_top_up_and_only_then(
    db: Database,
    settings: RuntimeSettings,
    clock: FakeClock,
    make_user: MakeUser,
    billing: Billing,
) -> None:
    await settings.set_operator(payment_details="Card 2200 0000 0000 0000")
    stars = StarsService(db, settings, Telegram(), clock=clock)
    transfers = TransferService(db, settings, clock=clock)
    ann, bob, cat, dan, eve = [await make_user(user_id) for user_id in range(201, 206)]
    start = clock()

    invoice = await stars.open_topup(ann, 10_000)
    await stars.open_topup(eve, 10_000)  # an invoice never paid: not paid
    bobs = await transfer(transfers, bob, "AQAD1")
    eves = await transfer(transfers, eve, "AQAD2")
    await billing.adjust(ADMIN, dan.id, 700, "goodwill")  # money, but never paid
    assert set((await paid_at(db)).values()) == {None}
    assert await BroadcastsRepo(db).audience_size(PAID, clock()) == 0

    clock.advance(60)
    receipt = await stars.record_payment(ann, invoice.payload, "tg-charge-1", invoice.stars)
    clock.advance(60)
    assert (await transfers.approve(ADMIN, bobs)).applied  # when approved, not when sent
    await transfers.reject(ADMIN, eves, "no such transfer")
    clock.advance(60)
    await billing.admin_topup(ADMIN, cat.id, 5_000, "cash")
    assert await paid_at(db) == {
        201: start + 60,
        202: start + 120,
        203: start + 180,
        204: None,
        205: None,
    }

    # The first top-up stays the date: a second one, or the first given back, changes nothing
    # (a refunded Stars payment still was a payment, as the audience always counted it).
    clock.advance(60)
    again = await stars.open_topup(ann, 10_000)
    await stars.record_payment(ann, again.payload, "tg-charge-2", again.stars)
    await stars.refund(ADMIN, receipt.payment_id, "asked for it")
    assert (await paid_at(db))[201] == start + 60
    assert await BroadcastsRepo(db).audience_size(PAID, clock()) == 3


async def test_the_all_time_totals_follow_every_later_change(
    db: Database,
    settings: RuntimeSettings,
    kie: KieClient,
    clock: FakeClock,
    make_user: MakeUser,
) -> None:
    await settings.set_operator(payment_details="Card 2200 0000 0000 0000")
    stars = StarsService(db, settings, Telegram(), clock=clock)
    transfers = TransferService(db, settings, clock=clock)
    stats = StatsService(db, settings, kie, clock=clock)
    ann = await make_user(201)
    now = clock()
    for ref in ("j1", "j2", "j3"):
        await db.write(
            "INSERT INTO jobs (ref, user_id, chat_id, model_id, category, output, params, "
            "kie_input, price_minor, basis, credits, status, deadline_at, created_at, "
            "updated_at) VALUES (?, 201, 201, 'm', 'text_to_image', 'image', '{}', '{}', 0, "
            "'free', '1', 'running', ?, ?, ?)",
            (ref, now + 600, now, now),
        )
    overview = await stats.overview()
    assert (overview.jobs.total, overview.jobs.total_failed, overview.topups) == (3, 0, {})

    await db.write("UPDATE jobs SET status = 'failed' WHERE ref IN ('j1', 'j2')")
    await db.write("UPDATE jobs SET status = 'delivered' WHERE ref = 'j3'")
    invoice = await stars.open_topup(ann, 10_000)
    receipt = await stars.record_payment(ann, invoice.payload, "tg-charge-1", invoice.stars)
    pending = await transfer(transfers, ann, "AQAD1")
    overview = await stats.overview()
    assert (overview.jobs.total, overview.jobs.total_failed) == (3, 2)
    assert {method: total for method, (_, total) in overview.topups.items()} == {"stars": 10_000}

    await transfers.approve(ADMIN, pending)
    await stars.refund(ADMIN, receipt.payment_id, "asked for it")  # given back: not money in
    overview = await stats.overview()
    assert {method: total for method, (_, total) in overview.topups.items()} == {"transfer": 15_000}


async def test_a_database_from_before_gets_its_paid_dates_and_totals(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for script in MIGRATIONS[:10]:
            conn.executescript(script)
        conn.execute("PRAGMA user_version = 10")
        conn.executemany(
            "INSERT INTO users (id, first_seen, last_seen) VALUES (?, 0, 0)", [(1,), (2,), (3,)]
        )
        conn.executemany(
            "INSERT INTO ledger (user_id, amount_minor, kind, ref, balance_after, created_at) "
            "VALUES (?, ?, ?, ?, 0, ?)",
            [
                (1, 500, "topup", "admin:a", 50.0),
                (1, 300, "topup", "stars:c1", 20.0),  # the first, though written second
                (1, -200, "charge", "job-1", 60.0),
                (2, 100, "admin_adjust", "adjust:b", 30.0),
                (2, 100, "promo", "promo:X", 30.0),
            ],
        )
        conn.executemany(
            "INSERT INTO jobs (ref, user_id, chat_id, model_id, category, output, params, "
            "kie_input, price_minor, basis, credits, status, deadline_at, created_at, "
            "updated_at) VALUES (?, 1, 1, 'm', 'text_to_image', 'image', '{}', '{}', 0, 'free', "
            "'1', ?, 0, 0, 0)",
            [("j1", "delivered"), ("j2", "failed"), ("j3", "failed"), ("j4", "queued")],
        )
        conn.executemany(
            "INSERT INTO payments (user_id, method, amount_minor, status, created_at, "
            "updated_at) VALUES (1, ?, ?, ?, 0, 0)",
            [
                ("stars", 300, "paid"),
                ("stars", 700, "refunded"),
                ("transfer", 500, "approved"),
                ("transfer", 900, "pending"),
                ("transfer", 400, "rejected"),
            ],
        )
    db = await Database.open(path)  # migrates
    try:
        assert await paid_at(db) == {1: 20.0, 2: None, 3: None}
        totals = dict(await db.fetch_all("SELECT name, value FROM totals"))
        assert totals == {
            "jobs": 4,
            "jobs_failed": 2,
            "revenue:stars": 300,
            "revenue:transfer": 500,
        }
    finally:
        await db.close()
