"""The dashboard's and the admin panel's queries use indexes: no plain table scan of jobs,
ledger, users or payments.

Each storage function the screens call runs against a recording database; every statement it
issued is then explained with ``EXPLAIN QUERY PLAN`` on the real schema. A ``SCAN`` without an
index (or a full walk of one) fails the test. The exceptions: the newest-first walk of
``users_last_seen``, which a LIMIT ends after one page; the walk of the partial index
``users_admins``, which holds the admins only; and the count of all users on the Stats screen,
which walks the smallest index: SQLite's cheapest count. (The all-time totals of jobs and money
in grew with history: they are rows of ``totals``, kept by triggers.)
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.tui.seed import migrated
from trt_local.core.broadcast import Audience, AudienceKind, standard_audiences
from trt_local.core.jobs import JobStatus
from trt_local.storage import exports, job_queries, overview, stats, user_queries
from trt_local.storage.broadcasts import BroadcastsRepo
from trt_local.storage.db import Database, Row
from trt_local.storage.job_queries import JobFilter
from trt_local.storage.payments import PaymentsRepo
from trt_local.storage.referrals import ReferralsRepo
from trt_local.storage.transfers import TransfersRepo
from trt_local.storage.users import UsersRepo

WHOLE_TABLE_COUNTS = frozenset({"SELECT COUNT(*) FROM users"})


class RecordingDatabase:
    """Stands in for ``Database`` in read-only queries; remembers every statement."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.statements.append((sql, tuple(params)))
        return await self._db.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        self.statements.append((sql, tuple(params)))
        return await self._db.fetch_one(sql, params)

    async def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.statements.append((sql, tuple(params)))
        return await self._db.scalar(sql, params)


def full_scans(database: Path, sql: str, params: tuple[Any, ...]) -> list[str]:
    """Plan steps that read a whole table or index, except the one allowed ordered walk."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    if sql in WHOLE_TABLE_COUNTS:
        return [step for step in plan if step.startswith("SCAN") and "COVERING INDEX" not in step]
    # Walking users_last_seen newest first stops after a page of matches (LIMIT); users_admins
    # is partial (admins only). A query's own CTEs (hours of a day, the models found) and
    # constant rows are a few rows, not a table.
    ctes = set(re.findall(r"(\w+)\(\w+(?:, \w+)*\) AS \(", sql))
    return [
        step
        for step in plan
        if step.startswith("SCAN")
        and not any(i in step for i in ("users_last_seen", "users_admins", "CONSTANT ROW"))
        and step.split()[1] not in ctes
    ]


async def test_dashboard_queries_are_indexed(tmp_path: Path) -> None:
    path = tmp_path / "trt.db"
    await migrated(path)
    db = await Database.open(path)
    try:
        recorder = RecordingDatabase(db)
        fake: Any = recorder  # duck-typed: the storage functions only read
        for wanted in (
            JobFilter(),
            JobFilter(user_id=42),
            JobFilter(model_id="z-image"),
            *(JobFilter(status=status) for status in JobStatus),
        ):
            await job_queries.page(fake, wanted, before_id=None, limit=100)
            await job_queries.page(fake, wanted, before_id=5000, limit=100)
        await stats.open_job_counts(fake)
        await stats.jobs_per_hour(fake, 0.0, 24)
        await stats.jobs_between(fake, 0.0, 1.0)
        await stats.ledger_per_hour(fake, 0.0, 24)
        await stats.recent_failures(fake, 0.0, 8)
        await stats.topups_by_method(fake, 0.0, 1.0)
        # Payments and the user detail's referral line.
        await TransfersRepo(fake).pending()
        await PaymentsRepo(fake).recent(method="stars", limit=50)
        await ReferralsRepo(fake).referrer_of(42)
        await ReferralsRepo(fake).invited_count(42)
        for text in ("", "@ann", "42", "ann"):
            await user_queries.search(fake, text, day="2025-01-01", limit=100)
        await user_queries.get(fake, 42, day="2025-01-01")
        # The admin panel: Stats, the user card, admins, exports.
        periods = overview.Periods(today=3.0, week=2.0, month=1.0)
        await overview.user_counts(fake, periods)
        await overview.job_counts(fake, periods)
        await overview.topups_by_method(fake, periods)
        await overview.refunds(fake, periods)
        await user_queries.by_username(fake, "ann", day="2025-01-01")
        await user_queries.card_facts(fake, 42)
        await UsersRepo(fake).admin_ids()
        for table in exports.COLUMNS:
            async for _ in exports.pages(fake, table):
                pass
    finally:
        await db.close()
    assert len(recorder.statements) >= 40
    problems = {
        sql: scans
        for sql, params in recorder.statements
        if (scans := full_scans(path, sql, params))
    }
    assert problems == {}


def plan_of(database: Path, sql: str, params: tuple[Any, ...]) -> list[str]:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


async def test_period_totals_read_only_index_ranges_never_sort_a_period(tmp_path: Path) -> None:
    # On 1 000 000 ledger rows and 650 000 jobs (bench/money.py) sorting a month of rows for a
    # GROUP BY, or looking up each row, took 100 ms to 2 s per screen.
    path = tmp_path / "trt.db"
    await migrated(path)
    db = await Database.open(path)
    try:
        recorder = RecordingDatabase(db)
        fake: Any = recorder
        periods = overview.Periods(today=3.0, week=2.0, month=1.0)
        await overview.job_counts(fake, periods)
        await overview.topups_by_method(fake, periods)
        stats_statements = list(recorder.statements)
        await overview.refunds(fake, periods)
        await stats.ledger_per_hour(fake, 0.0, 24)
        period_statements = list(recorder.statements)
        recorder.statements.clear()
        await stats.recent_failures(fake, 0.0, 8)
        await TransfersRepo(fake).pending()
        await TransfersRepo(fake).expired_candidates(1.0)
        short_lists = list(recorder.statements)
        recorder.statements.clear()
        await BroadcastsRepo(fake).audience_size(Audience(AudienceKind.PAID), 1.0)
        [(paid_sql, paid_params)] = recorder.statements
        recorder.statements.clear()
        await BroadcastsRepo(fake).audience_sizes(standard_audiences(), 1.0)
        [(sizes_sql, sizes_params)] = recorder.statements
    finally:
        await db.close()
    for sql, params in period_statements:
        plan = plan_of(path, sql, params)
        assert not [step for step in plan if "TEMP B-TREE FOR GROUP BY" in step], sql
        searches = [step for step in plan if step.startswith("SEARCH")]
        covered = ("COVERING INDEX", "totals USING PRIMARY KEY")  # WITHOUT ROWID: the key is all
        assert all(any(c in step for c in covered) for step in searches), (sql, plan)
    # The Stats' jobs and money in read a bounded period of rows, and the all-time totals from
    # ``totals``: no statement walks every job, every failed job or every payment.
    # (A search with no condition is the MIN lookup that finds the first model: one entry.)
    plans = [plan_of(path, sql, params) for sql, params in stats_statements]
    assert any(step.startswith("SEARCH totals") for plan in plans for step in plan)
    for plan in plans:
        for step in plan:
            if step.startswith(("SEARCH jobs", "SEARCH payments")) and "(" in step:
                assert ">" in step, plan
    # The newest failures and the pending transfers are a few rows: found without walking every
    # failed job or every transfer ever made.
    for sql, params in short_lists:
        plan = " ".join(plan_of(path, sql, params))
        assert "jobs_failed" in plan or "payments_status (status=?)" in plan, (sql, plan)
    # Whether each of 100 000 users ever topped up: a column of their row (users.paid_at), not a
    # probe of the ledger or the payments per user.
    assert plan_of(path, paid_sql, paid_params) == ["SCAN u"]
    # The broadcast screen's audience sizes: one pass over the users, not one per audience.
    sizes_plan = plan_of(path, sizes_sql, sizes_params)
    assert [step for step in sizes_plan if step.startswith("SCAN")] == ["SCAN u"]
