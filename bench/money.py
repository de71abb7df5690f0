"""Group 4, the money path on a big database: 100 000 users, 1 000 000 ledger rows.

The file is made by :mod:`bench.money_seed` through the product's migrations (not timed). Then,
on that file, through the real services the bot uses:

- confirms/s: ``GenerationService.confirm`` (job insert + charge in one transaction) for distinct
  users, at most 16 at once as the bot handles updates (``CONCURRENT_UPDATES``); one confirm in
  ten is tapped twice at the same moment. Afterwards: every balance equals its ledger sum
  (``Billing.invariant_violations``) and each bench ref has exactly one job and one charge;
- top-ups/s: ``StarsService.record_payment`` (the successful_payment credit, invoices opened
  beforehand; one in ten delivered twice by "Telegram") and ``TransferService.approve`` (pending
  transfers seeded beforehand), with the referral commission hook as the bot wires it;
- the baseline for both: as many bare single-row ``INSERT``s into the ledger, each committed,
  on one sqlite3 connection to the same file (so a slow disk shows as a low baseline);
- every query the dashboard and the admin panel run (services the TUI screens and
  bot/handlers/admin_*.py call), p50 and max of several runs after a warm-up, target ≤ 50 ms.
  The audit (``trt doctor``) is timed too, against no target: it checks every row by design.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from bench.money_seed import FIRST_USER_ID, seed
from bench.report import Row, at_least, at_most, group_main
from trt_local.core import default_catalog
from trt_local.core.broadcast import Audience, AudienceKind
from trt_local.core.jobs import JobStatus
from trt_local.core.pricing import PriceSettings, quota_day
from trt_local.kie import KieClient, KieSandbox
from trt_local.services.account import AccountService
from trt_local.services.admin import AdminService
from trt_local.services.audit import run_audit
from trt_local.services.billing import Billing
from trt_local.services.broadcasts import BroadcastService
from trt_local.services.engine import Engine
from trt_local.services.errors import ErrorLog
from trt_local.services.generation import GenerationService
from trt_local.services.ports import (
    AdminAlert,
    FailureReason,
    JobView,
    Phase,
    QueuePlace,
    Refund,
    ResultFile,
)
from trt_local.services.promo import PromoService
from trt_local.services.referrals import ReferralService
from trt_local.services.runtime_settings import RuntimeSettings
from trt_local.services.stars import StarsService
from trt_local.services.stats import DAY_S, StatsService, day_start
from trt_local.services.transfers import TransferService
from trt_local.services.users import UserService, UserView
from trt_local.storage import overview
from trt_local.storage import stats as storage_stats
from trt_local.storage.db import Database
from trt_local.storage.errors import ErrorsRepo
from trt_local.storage.job_queries import JobFilter
from trt_local.storage.overview import Periods
from trt_local.storage.stats import HOUR_S
from trt_local.storage.users import UsersRepo

GROUP = "4 money"
CONCURRENT = 16  # trt_local.bot.application.CONCURRENT_UPDATES: updates handled at once
QUERY_TARGET_MS = 50.0
MODEL = "nano-banana-pro"
ADMIN = 1


class _Quiet:
    """The ports the money path never reaches (no engine runs here)."""

    async def job_progress(
        self, job: JobView, phase: Phase, elapsed_s: float, place: QueuePlace | None = None
    ) -> None:
        return None

    async def send_part(self, job: JobView, files: Sequence[ResultFile]) -> Sequence[str]:
        raise AssertionError("nothing is delivered in the money bench")

    async def job_done(self, job: JobView) -> None:
        return None

    async def job_failed(self, job: JobView, reason: FailureReason, refund: Refund) -> None:
        return None

    async def alert_admins(self, alert: AdminAlert) -> None:
        return None

    async def refund_star_payment(self, user_id: int, charge_id: str) -> None:
        raise AssertionError("no refunds in the money bench")

    async def send(self, *args: object, **kwargs: object) -> object:
        raise AssertionError("no broadcasts in the money bench")


def bare_inserts(path: Path, count: int) -> float:
    """Single-row ledger INSERTs per second, each its own transaction, on one connection."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA synchronous=NORMAL")  # as Database.open sets it (WAL is persistent)
        started = time.perf_counter()
        for n in range(count):
            conn.execute(
                "INSERT INTO ledger (user_id, amount_minor, kind, ref, reason, balance_after, "
                "created_at) VALUES (?, 0, 'admin_adjust', ?, 'bare', 0, ?)",
                (FIRST_USER_ID + n, f"bare-{n}", time.time()),
            )
        elapsed = time.perf_counter() - started
        conn.execute("DELETE FROM ledger WHERE kind = 'admin_adjust' AND ref LIKE 'bare-%'")
    return count / elapsed


async def bounded(calls: Sequence[Callable[[], Awaitable[object]]]) -> tuple[list[object], float]:
    """Run every call with at most CONCURRENT at once; (results, seconds)."""
    gate = asyncio.Semaphore(CONCURRENT)

    async def one(call: Callable[[], Awaitable[object]]) -> object:
        async with gate:
            return await call()

    started = time.perf_counter()
    results = await asyncio.gather(*(one(call) for call in calls), return_exceptions=True)
    return list(results), time.perf_counter() - started


def errors_in(results: Sequence[object]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException)]


async def timings(
    name: str, call: Callable[[], Awaitable[object]], runs: int
) -> tuple[str, float, float]:
    await call()  # warm-up: the page cache and SQLite's statement cache, as on a live dashboard
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return name, statistics.median(samples), max(samples)


async def measure(folder: Path, users: int, operations: int, runs: int) -> list[Row]:
    path = folder / "trt.db"
    await (await Database.open(path)).close()  # the schema, by the product's migrations
    now = time.time()
    day = quota_day(now, PriceSettings())
    seeded = await asyncio.to_thread(seed, path, users=users, now=now, day=day)
    baseline = bare_inserts(path, operations)

    db = await Database.open(path)
    kie = KieClient("sk-bench-money", transport=KieSandbox())
    quiet = _Quiet()
    rows: list[Row] = []
    try:
        clock = time.time
        settings = await RuntimeSettings.open(db, default_catalog())
        await settings.update_prices(free_per_day=0)  # every confirm is paid and charged
        engine = Engine(db, kie, quiet, settings, clock=clock)  # never started: only settlement
        generation = GenerationService(db, settings, engine.settlement, clock=clock)
        referrals = ReferralService(db, settings, clock=clock)
        users_service = UserService(UsersRepo(db), admin_ids=frozenset({ADMIN}), clock=clock)
        billing = Billing(db, clock=clock)
        stars = StarsService(
            db, settings, quiet, clock=clock, commission=referrals.commission_for_topup
        )
        transfers = TransferService(
            db, settings, clock=clock, commission=referrals.commission_for_topup
        )
        rng = random.Random(4)
        picked = rng.sample(range(FIRST_USER_ID, FIRST_USER_ID + seeded.users), 2 * operations)

        async def view(user_id: int) -> UserView:
            found = await users_service.get(user_id)
            assert found is not None
            return found

        # -- confirms ---------------------------------------------------------------------------
        buyers = [await view(user_id) for user_id in picked[:operations]]

        def confirm(n: int) -> Callable[[], Awaitable[object]]:
            person = buyers[n]
            return lambda: generation.confirm(
                user=person,
                chat_id=person.id,
                model_id=MODEL,
                values={"prompt": f"bench {n}"},
                ref=f"bench-{n}",
            )

        calls = [confirm(n) for n in range(operations)]
        calls += [confirm(n) for n in range(0, operations, 10)]  # the double taps
        rng.shuffle(calls)
        results, seconds = await bounded(calls)
        failures = errors_in(results)
        rows.append(
            Row(
                GROUP,
                "confirms/s",
                operations / seconds,
                "/s",
                at_least(500),
                baseline,
                f"{operations} confirms + {operations // 10} double taps, {CONCURRENT} at once; "
                f"baseline: bare ledger INSERTs/s; {len(failures)} errors",
            )
        )
        jobs, refs, charges, charged = await db.fetch_one(
            "SELECT (SELECT COUNT(*) FROM jobs WHERE ref LIKE 'bench-%'), "
            "(SELECT COUNT(DISTINCT ref) FROM jobs WHERE ref LIKE 'bench-%'), "
            "(SELECT COUNT(*) FROM ledger WHERE kind = 'charge' AND ref LIKE 'bench-%'), "
            "(SELECT COUNT(DISTINCT user_id) FROM ledger WHERE kind = 'charge' "
            "AND ref LIKE 'bench-%')"
        ) or (0, 0, 0, 0)
        wrong = abs(jobs - operations) + abs(refs - operations) + abs(charges - operations)
        wrong += abs(charged - operations)
        # -- top-ups: Stars ---------------------------------------------------------------------
        payers = [await view(user_id) for user_id in picked[operations:]]
        invoices = [await stars.open_topup(payer, 10_000) for payer in payers]

        def pay(n: int) -> Callable[[], Awaitable[object]]:
            invoice = invoices[n]
            return lambda: stars.record_payment(
                payers[n], invoice.payload, f"tg-charge-{n}", invoice.stars
            )

        calls = [pay(n) for n in range(operations)]
        calls += [pay(n) for n in range(0, operations, 10)]  # Telegram delivers it twice
        rng.shuffle(calls)
        results, seconds = await bounded(calls)
        stars_failures = errors_in(results)
        rows.append(
            Row(
                GROUP,
                "Stars top-ups/s",
                operations / seconds,
                "/s",
                at_least(500),
                baseline,
                f"record_payment, {operations} + {operations // 10} repeats; "
                f"{len(stars_failures)} errors",
            )
        )
        credited = await db.scalar(
            "SELECT COUNT(*) FROM ledger WHERE kind = 'topup' AND ref LIKE 'stars:tg-charge-%'"
        )
        wrong += abs(int(credited or 0) - operations)
        # -- top-ups: transfers approved ----------------------------------------------------------
        pending = await _seed_pending_transfers(db, picked[:operations], now)
        calls = [functools.partial(transfers.approve, ADMIN, payment_id) for payment_id in pending]
        results, seconds = await bounded(calls)
        transfer_failures = errors_in(results)
        rows.append(
            Row(
                GROUP,
                "transfer approvals/s",
                operations / seconds,
                "/s",
                at_least(500),
                baseline,
                f"TransferService.approve; {len(transfer_failures)} errors",
            )
        )
        violations = await billing.invariant_violations()
        rows.append(
            Row(
                GROUP,
                "money errors",
                wrong + len(violations) + len(failures + stars_failures + transfer_failures),
                "",
                at_most(0),
                None,
                "double or missing charges/credits + balance ≠ ledger sum + exceptions",
            )
        )
        # -- the dashboard's and the admin panel's queries ---------------------------------------
        stats = StatsService(db, settings, kie, clock=clock)
        admin = AdminService(db, users_service, generation, settings, clock=clock)
        errors = ErrorLog(ErrorsRepo(db), redact=lambda text: text, clock=clock)
        promo = PromoService(db, settings, clock=clock)
        account = AccountService(db, settings, generation, clock=clock)
        broadcasts = BroadcastService(db, quiet, clock=clock)  # type: ignore[arg-type]
        someone = FIRST_USER_ID + seeded.users // 2
        newest = FIRST_USER_ID + seeded.users - 1
        last_job = int(await db.scalar("SELECT MAX(id) FROM jobs") or 0)
        some_payment = int(await db.scalar("SELECT MIN(id) FROM payments") or 0)
        queries: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("stats.queue", stats.queue),
            ("stats.activity", stats.activity),
            ("stats.overview", stats.overview),
            ("stats.recent_failures", stats.recent_failures),
            ("admin.search_users ''", lambda: admin.search_users("")),
            ("admin.search_users @user12", lambda: admin.search_users("@user12")),
            ("admin.search_users Clara4", lambda: admin.search_users("Clara4")),
            ("admin.search_users nobody", lambda: admin.search_users("zzz-nobody")),
            ("admin.search_users id", lambda: admin.search_users(str(someone))),
            ("admin.find_user @name", lambda: admin.find_user("@user4321")),
            ("admin.user_detail", lambda: admin.user_detail(someone)),
            ("admin.user_card", lambda: admin.user_card(newest)),
            ("admin.user_count", admin.user_count),
            ("admin.jobs all", lambda: admin.jobs(JobFilter())),
            ("admin.jobs failed", lambda: admin.jobs(JobFilter(status=JobStatus.FAILED))),
            ("admin.jobs queued", lambda: admin.jobs(JobFilter(status=JobStatus.QUEUED))),
            ("admin.jobs model", lambda: admin.jobs(JobFilter(model_id="qwen/text-to-image"))),
            ("admin.jobs user", lambda: admin.jobs(JobFilter(user_id=someone))),
            (
                "admin.jobs page 100",
                lambda: admin.jobs(JobFilter(), before_id=max(1, last_job - 10_000)),
            ),
            ("generation.get", lambda: generation.get(last_job)),
            ("generation.history", lambda: generation.history(someone, 0, 10)),
            ("billing.balance", lambda: billing.balance(someone)),
            ("account.overview", lambda: account.overview(someone)),
            ("stars.recent", stars.recent),
            ("stars.recent paid", lambda: stars.recent(statuses=("paid",))),
            ("stars.get", lambda: stars.get(some_payment)),
            ("transfers.pending", transfers.pending),
            ("errors.recent", errors.recent),
            ("errors.get", lambda: errors.get("E000250")),
            ("promo.codes", promo.codes),
            ("referrals.links", lambda: referrals.links(someone)),
            ("referrals.stats", lambda: referrals.stats(FIRST_USER_ID + 1)),
            ("broadcasts.audiences", broadcasts.audiences),
            ("broadcasts.history", broadcasts.history),
        ]
        # The pieces of stats.overview and stats.activity, each one storage query.
        _, midnight = day_start(now, settings.prices.timezone)
        periods = Periods(today=midnight, week=now - 7 * DAY_S, month=now - 30 * DAY_S)
        hour = (now // HOUR_S - 23) * HOUR_S
        queries += [
            ("overview.user_counts", lambda: overview.user_counts(db, periods)),
            ("overview.job_counts", lambda: overview.job_counts(db, periods)),
            ("overview.topups_by_method", lambda: overview.topups_by_method(db, periods)),
            ("overview.refunds", lambda: overview.refunds(db, periods)),
            ("stats.ledger_per_hour", lambda: storage_stats.ledger_per_hour(db, hour, 24)),
            ("stats.jobs_per_hour", lambda: storage_stats.jobs_per_hour(db, hour, 24)),
            ("stats.topups_by_method", lambda: storage_stats.topups_by_method(db, midnight, now)),
        ]
        for audience in (
            Audience(AudienceKind.ALL),
            Audience(AudienceKind.PAID),
            Audience(AudienceKind.BALANCE),
            Audience(AudienceKind.ACTIVE, 30),
            Audience(AudienceKind.JOINED, 30),
        ):
            queries.append(
                (
                    f"broadcasts.audience {audience.kind.value}",
                    functools.partial(broadcasts.audience_size, audience),
                )
            )
        for name, call in queries:
            label, p50, worst = await timings(name, call, runs)
            rows.append(
                Row(
                    GROUP,
                    label,
                    p50,
                    "ms",
                    at_most(QUERY_TARGET_MS),
                    None,
                    f"p50 of {runs}; max {worst:.1f} ms",
                )
            )
        label, p50, worst = await timings("audit (doctor)", lambda: run_audit(db, now=now), 1)
        rows.append(Row(GROUP, label, p50, "ms", None, None, "every row by design; not a screen"))
    finally:
        await kie.aclose()
        await db.close()
    size_mb = path.stat().st_size / 1e6 if path.exists() else 0.0
    rows.append(
        Row(
            GROUP,
            "database",
            size_mb,
            "MB",
            None,
            None,
            f"{seeded.users} users, {seeded.ledger_rows} ledger rows, {seeded.jobs} jobs, "
            f"{seeded.payments} payments",
        )
    )
    return rows


async def _seed_pending_transfers(db: Database, user_ids: Sequence[int], now: float) -> list[int]:
    """Proofs waiting for an admin (as ``submit_proof`` leaves them); not timed."""
    async with db.transaction() as tx:
        top = await (await tx.execute("SELECT COALESCE(MAX(id), 0) FROM payments")).fetchone()
        first = int(top[0]) + 1 if top else 1
        await tx.executemany(
            "INSERT INTO payments (id, user_id, method, amount_minor, external_id, proof_file_id, "
            "status, created_at, updated_at, told) "
            "VALUES (?, ?, 'transfer', 25000, ?, ?, 'pending', ?, ?, 'pending')",
            [
                (first + n, user_id, f"proof:bench-{n}", f"bench-{n}", now, now)
                for n, user_id in enumerate(user_ids)
            ],
        )
    return [first + n for n in range(len(user_ids))]


def run(quick: bool) -> list[Row]:
    users, operations, runs = (10_000, 300, 5) if quick else (100_000, 2_000, 9)
    with tempfile.TemporaryDirectory(prefix="trt-bench-money-") as folder:
        return asyncio.run(measure(Path(folder), users, operations, runs))


if __name__ == "__main__":
    sys.exit(group_main(run))
