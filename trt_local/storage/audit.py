"""Audit queries: rows that break a money or job rule, for ``trt doctor`` and the dashboard.

Each query returns the first offenders (oldest first, at most ``limit``) and how many there are in
all (``COUNT(*) OVER ()``), so a large database is checked in one pass and the report stays short.
The rules (DESIGN §4, §5):

- every balance equals the sum of the user's ledger rows;
- a failed paid job (price > 0) has exactly one ``refund`` row with the job's ref, of its price; and
  no job that did not fail paid was refunded;
- a paid job has its ``charge`` row (ref = job ref, minus its price, same user), and every charge
  belongs to such a job;
- no job is open past its deadline; a delivery that gave up (``succeeded`` with no next attempt) is
  "parked": it waits for an admin's retry, so it is listed apart, not as a broken rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trt_local.storage.db import Database, Row

# The partial index jobs_open is used only when its WHERE clause is repeated literally.
_OPEN = "status IN ('queued', 'creating', 'running', 'succeeded')"


@dataclass(frozen=True, slots=True)
class Offenders:
    """The first offending rows of one rule and how many there are in all."""

    total: int
    rows: tuple[dict[str, Any], ...]


async def _offenders(db: Database, sql: str, params: tuple[Any, ...], limit: int) -> Offenders:
    rows: list[Row] = await db.fetch_all(f"{sql} LIMIT ?", (*params, limit))
    total = int(rows[0]["total"]) if rows else 0
    return Offenders(total, tuple({k: row[k] for k in row.keys() if k != "total"} for row in rows))  # noqa: SIM118 - sqlite3.Row


async def balance_mismatches(db: Database, limit: int = 5) -> Offenders:
    """Users whose balance is not the sum of their ledger rows."""
    return await _offenders(
        db,
        "SELECT u.id AS user_id, u.balance_minor AS balance, "
        "COALESCE(SUM(l.amount_minor), 0) AS ledger_sum, COUNT(*) OVER () AS total "
        "FROM users u LEFT JOIN ledger l ON l.user_id = u.id "
        "GROUP BY u.id HAVING u.balance_minor != ledger_sum ORDER BY u.id",
        (),
        limit,
    )


async def failed_jobs_not_refunded_once(db: Database, limit: int = 5) -> Offenders:
    """Failed paid jobs without exactly one refund of their price (none, two, or a wrong sum)."""
    return await _offenders(
        db,
        "SELECT j.id AS job_id, j.ref, j.user_id, j.price_minor AS price, "
        "COUNT(l.id) AS refunds, COALESCE(SUM(l.amount_minor), 0) AS refunded, "
        "COUNT(*) OVER () AS total "
        "FROM jobs j LEFT JOIN ledger l ON l.kind = 'refund' AND l.ref = j.ref "
        "WHERE j.status = 'failed' AND j.basis = 'paid' AND j.price_minor > 0 "
        "GROUP BY j.id HAVING refunds != 1 OR refunded != j.price_minor ORDER BY j.id",
        (),
        limit,
    )


async def refunds_of_jobs_that_did_not_fail(db: Database, limit: int = 5) -> Offenders:
    """Refund rows for a job that was delivered, is still open, was free, or is someone else's."""
    return await _offenders(
        db,
        "SELECT l.id AS ledger_id, l.ref, l.user_id, l.amount_minor AS amount, j.id AS job_id, "
        "j.status, j.basis, COUNT(*) OVER () AS total "
        "FROM ledger l JOIN jobs j ON j.ref = l.ref "
        "WHERE l.kind = 'refund' AND (j.status != 'failed' OR j.basis != 'paid' "
        "OR j.user_id != l.user_id) ORDER BY l.id",
        (),
        limit,
    )


async def orphan_charges(db: Database, limit: int = 5) -> Offenders:
    """Charge rows that match no paid job of the same user and price."""
    return await _offenders(
        db,
        "SELECT l.id AS ledger_id, l.ref, l.user_id, l.amount_minor AS amount, j.id AS job_id, "
        "j.user_id AS job_user_id, j.basis, j.price_minor AS job_price, COUNT(*) OVER () AS total "
        "FROM ledger l LEFT JOIN jobs j ON j.ref = l.ref "
        "WHERE l.kind = 'charge' AND (j.id IS NULL OR j.user_id != l.user_id "
        "OR j.basis != 'paid' OR -l.amount_minor != j.price_minor) ORDER BY l.id",
        (),
        limit,
    )


async def paid_jobs_without_charge(db: Database, limit: int = 5) -> Offenders:
    """Paid jobs (price > 0) that have no charge row: generated for free by mistake."""
    return await _offenders(
        db,
        "SELECT j.id AS job_id, j.ref, j.user_id, j.price_minor AS price, j.status, "
        "COUNT(*) OVER () AS total "
        "FROM jobs j LEFT JOIN ledger l ON l.kind = 'charge' AND l.ref = j.ref "
        "WHERE j.basis = 'paid' AND j.price_minor > 0 AND l.id IS NULL ORDER BY j.id",
        (),
        limit,
    )


async def overdue_jobs(
    db: Database, now: float, *, grace_s: float, delivery_grace_s: float, limit: int = 5
) -> Offenders:
    """Jobs still open ``grace_s`` after their deadline; a delivery that is still being retried
    (``succeeded`` with a next attempt) gets ``delivery_grace_s`` for its backoff."""
    return await _offenders(
        db,
        "SELECT id AS job_id, user_id, status, deadline_at, COUNT(*) OVER () AS total "
        f"FROM jobs WHERE {_OPEN} AND ("
        "(status != 'succeeded' AND deadline_at < ?) "
        "OR (status = 'succeeded' AND next_poll_at IS NOT NULL AND deadline_at < ?)"
        ") ORDER BY deadline_at, id",
        (now - grace_s, now - delivery_grace_s),
        limit,
    )


async def parked_deliveries(db: Database, limit: int = 5) -> Offenders:
    """Finished jobs whose delivery gave up after its retries; an admin retries them."""
    return await _offenders(
        db,
        "SELECT id AS job_id, user_id, finished_at, delivery_attempts, COUNT(*) OVER () AS total "
        f"FROM jobs WHERE {_OPEN} AND status = 'succeeded' AND next_poll_at IS NULL "
        "ORDER BY id",
        (),
        limit,
    )
