"""Aggregate queries for the dashboard: open jobs, jobs and money per hour, recent failures.

Each query is shaped to use an index on a table of 100 000+ rows (checked by the TUI tests with
``EXPLAIN QUERY PLAN``): open jobs through the partial index ``jobs_open`` (its WHERE clause must
be repeated literally, or SQLite will not use it), time ranges through ``jobs_created``, the
ledger per hour through one range of the covering ``ledger_kind`` per hour and kind, recent
failures through the partial ``jobs_failed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from trt_local.storage.db import Database
from trt_local.storage.ledger import KINDS

OPEN_SQL = "status IN ('queued', 'creating', 'running', 'succeeded')"
HOUR_S = 3600


@dataclass(frozen=True, slots=True)
class FailureRow:
    job_id: int
    user_id: int
    model_id: str
    error_code: str | None
    error_detail: str | None
    at: float  # when it failed (finished_at, else the last update)


async def open_job_counts(db: Database) -> dict[str, int]:
    """How many jobs are in each non-terminal status (absent: none)."""
    rows = await db.fetch_all(f"SELECT status, COUNT(*) FROM jobs WHERE {OPEN_SQL} GROUP BY status")
    return {str(row[0]): int(row[1]) for row in rows}


async def jobs_per_hour(db: Database, start: float, hours: int) -> list[int]:
    """Jobs created in each of ``hours`` hours from ``start`` (oldest first)."""
    rows = await db.fetch_all(
        "SELECT CAST((created_at - ?) / ? AS INTEGER) AS bucket, COUNT(*) FROM jobs "
        "WHERE created_at >= ? AND created_at < ? GROUP BY bucket",
        (start, HOUR_S, start, start + hours * HOUR_S),
    )
    counts = [0] * hours
    for bucket, count in rows:
        if 0 <= bucket < hours:
            counts[bucket] = int(count)
    return counts


async def jobs_between(db: Database, start: float, end: float) -> int:
    value = await db.scalar(
        "SELECT COUNT(*) FROM jobs WHERE created_at >= ? AND created_at < ?", (start, end)
    )
    return int(value or 0)


async def ledger_per_hour(db: Database, start: float, hours: int) -> dict[str, list[int]]:
    """Ledger sums per kind for each of ``hours`` hours from ``start`` (oldest first)."""
    # One range of the covering ledger_kind (kind, created_at, amount_minor) per hour and kind:
    # grouping the day's rows by hour would sort every one of them (a busy day has 30 000).
    kinds = ", ".join(f"('{kind}')" for kind in KINDS)
    rows = await db.fetch_all(
        "WITH RECURSIVE hours(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM hours WHERE n + 1 < ?), "
        f"kinds(kind) AS (VALUES {kinds}) "
        "SELECT n, kind, (SELECT SUM(amount_minor) FROM ledger WHERE kind = kinds.kind "
        "AND created_at >= ? + n * ? AND created_at < ? + (n + 1) * ?) AS total "
        "FROM hours, kinds",  # no WHERE on total: it would run every subquery twice
        (hours, start, HOUR_S, start, HOUR_S),
    )
    sums: dict[str, list[int]] = {}
    for bucket, kind, total in rows:
        if total is not None and 0 <= bucket < hours:
            sums.setdefault(str(kind), [0] * hours)[bucket] = int(total)
    return sums


# How money came in, told by the top-up's ledger ref: Stars and transfers name their payment.
_TOPUP_METHOD = (
    "CASE WHEN ref LIKE 'stars:%' THEN 'stars' WHEN ref LIKE 'transfer:%' THEN 'transfer' "
    "ELSE 'admin' END"
)


async def topups_by_method(db: Database, start: float, end: float) -> dict[str, int]:
    """Top-ups (ledger kind ``topup``) between ``start`` and ``end``: stars / transfer / admin."""
    rows = await db.fetch_all(
        f"SELECT {_TOPUP_METHOD} AS method, SUM(amount_minor) FROM ledger "
        "WHERE kind = 'topup' AND created_at >= ? AND created_at < ? GROUP BY method",
        (start, end),
    )
    return {str(method): int(total) for method, total in rows}


async def recent_failures(db: Database, since: float, limit: int) -> list[FailureRow]:
    """Failed jobs created since ``since``, newest first (bounded by the ``jobs_created`` range)."""
    rows = await db.fetch_all(
        "SELECT id, user_id, model_id, error_code, error_detail, "
        "COALESCE(finished_at, updated_at) AS at FROM jobs "
        "WHERE created_at >= ? AND status = 'failed' ORDER BY created_at DESC LIMIT ?",
        (since, limit),
    )
    return [
        FailureRow(
            job_id=int(row["id"]),
            user_id=int(row["user_id"]),
            model_id=str(row["model_id"]),
            error_code=row["error_code"],
            error_detail=row["error_detail"],
            at=float(row["at"]),
        )
        for row in rows
    ]
