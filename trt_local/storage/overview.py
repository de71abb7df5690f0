"""Aggregates for the admin panel's Stats: users, jobs, top-ups and refunds by period.

Every period query reads one index range (checked with ``EXPLAIN QUERY PLAN`` by
tests/tui/test_queries.py): new users through ``users_first_seen``, active ones through
``users_last_seen``, jobs through the covering ``jobs_created_model`` (created_at, model_id,
status) and the top models through ``jobs_model_created``, top-ups per method through the
covering ``payments_decided`` (when a payment was paid or approved), refunds through the covering
``ledger_kind``. The all-time totals of jobs and money in are rows of ``totals``, kept by
triggers (migration 11): counting them grew with history. The count of all users walks the
smallest index, SQLite's cheapest count. Sizes measured by bench/money.py. A ``+`` before a
column keeps SQLite from preferring an index that avoids a sort over one that limits the range.
Periods nest: today ⊂ 7 days ⊂ 30 days, so one range read gives all three."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trt_local.storage.db import Database

# Top-ups that brought money in: a paid Stars invoice, an approved transfer.
REVENUE_STATUSES = "('paid', 'approved')"
METHODS = ("stars", "transfer")  # payments.method (its CHECK constraint)


@dataclass(frozen=True, slots=True)
class Periods:
    """Since local midnight, the last 7 days, the last 30 days (epoch seconds)."""

    today: float
    week: float
    month: float


@dataclass(frozen=True, slots=True)
class Sums:
    today: int = 0
    week: int = 0
    month: int = 0


@dataclass(frozen=True, slots=True)
class UserCounts:
    total: int
    new: Sums
    active_today: int


@dataclass(frozen=True, slots=True)
class JobCounts:
    today: int
    week: int
    week_failed: int
    total: int
    total_failed: int
    top_models: tuple[tuple[str, int], ...]  # the last 30 days, most used first


def _sums(values: Sequence[Any]) -> Sums:
    today, week, month = (int(value or 0) for value in values)
    return Sums(today, week, month)


async def _totals(db: Database, *names: str) -> dict[str, int]:
    """Running totals (migration 11) by name."""
    marks = ", ".join("?" * len(names))
    rows = await db.fetch_all(f"SELECT name, value FROM totals WHERE name IN ({marks})", names)
    return {str(name): int(value) for name, value in rows}


async def user_counts(db: Database, periods: Periods) -> UserCounts:
    total = int(await db.scalar("SELECT COUNT(*) FROM users") or 0)
    row = await db.fetch_one(
        "SELECT SUM(first_seen >= ?), SUM(first_seen >= ?), COUNT(*) FROM users "
        "WHERE first_seen >= ?",
        (periods.today, periods.week, periods.month),
    )
    active = await db.scalar("SELECT COUNT(*) FROM users WHERE last_seen >= ?", (periods.today,))
    return UserCounts(total, _sums(tuple(row or (0, 0, 0))), int(active or 0))


async def job_counts(db: Database, periods: Periods, *, top: int = 5) -> JobCounts:
    # Plain counts of index ranges (jobs_created, the partial jobs_failed): cheaper than summing
    # expressions over the wider jobs_created_model for a week of jobs.
    row = await db.fetch_one(
        "SELECT (SELECT COUNT(*) FROM jobs WHERE created_at >= ?), "
        "(SELECT COUNT(*) FROM jobs WHERE created_at >= ?), "
        "(SELECT COUNT(*) FROM jobs WHERE status = 'failed' AND created_at >= ?)",
        (periods.today, periods.week, periods.week),
    )
    today, week, week_failed = (int(value or 0) for value in (row or (0, 0, 0)))
    totals = await _totals(db, "jobs", "jobs_failed")
    total, failed = totals.get("jobs", 0), totals.get("jobs_failed", 0)
    # Each model's count is one range of jobs_model_created (the models found by skipping along
    # that index): grouping the month's jobs instead sorts every one of them.
    rows = await db.fetch_all(
        "WITH RECURSIVE models(id) AS (SELECT MIN(model_id) FROM jobs UNION ALL "
        "SELECT (SELECT MIN(model_id) FROM jobs WHERE model_id > models.id) FROM models "
        "WHERE models.id IS NOT NULL) "
        "SELECT id, (SELECT COUNT(*) FROM jobs WHERE model_id = models.id AND created_at >= ?) "
        "AS runs FROM models WHERE id IS NOT NULL ORDER BY runs DESC, id",
        (periods.month,),
    )
    models = tuple((str(model), int(runs)) for model, runs in rows if runs)[:top]
    return JobCounts(today, week, week_failed, total, failed, models)


async def topups_by_method(db: Database, periods: Periods) -> dict[str, tuple[Sums, int]]:
    """Money in per method that brought any: (today / 7 days / 30 days, all time)."""
    # One method at a time: each sum is one range of the covering payments_decided, a GROUP BY
    # would sort every payment of the period first.
    found: dict[str, tuple[Sums, int]] = {}
    totals = await _totals(db, *(f"revenue:{method}" for method in METHODS))
    for method in METHODS:
        total = totals.get(f"revenue:{method}", 0)
        if not total:  # amounts are positive: a zero total means no such payment
            continue
        recent = await db.fetch_one(
            "SELECT SUM(CASE WHEN decided_at >= ? THEN amount_minor ELSE 0 END), "
            "SUM(CASE WHEN decided_at >= ? THEN amount_minor ELSE 0 END), SUM(amount_minor) "
            f"FROM payments WHERE method = ? AND decided_at >= ? AND status IN {REVENUE_STATUSES}",
            (periods.today, periods.week, method, periods.month),
        )
        found[method] = (_sums(tuple(recent or (0, 0, 0))), total)
    return found


async def refunds(db: Database, periods: Periods) -> dict[str, Sums]:
    """Job refunds ('refund') and Stars payments given back ('payment_refund'), as positive sums."""
    rows = await db.fetch_all(
        "SELECT kind, SUM(CASE WHEN created_at >= ? THEN ABS(amount_minor) ELSE 0 END), "
        "SUM(CASE WHEN created_at >= ? THEN ABS(amount_minor) ELSE 0 END), SUM(ABS(amount_minor)) "
        "FROM ledger WHERE kind IN ('refund', 'payment_refund') AND created_at >= ? GROUP BY kind",
        (periods.today, periods.week, periods.month),
    )
    return {str(row[0]): _sums(tuple(row)[1:]) for row in rows}
