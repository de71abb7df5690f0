"""The money and job audit: the checks ``trt doctor`` prints and the dashboard can show.

Each check is one rule over the whole database (queries in ``storage.audit``) with its first
offending rows as one-line descriptions. Amounts are in minor units (kopecks), as stored.

Grace periods: an open job gets ``DEADLINE_GRACE_S`` past its deadline before it counts as stuck (the
engine fails it at the deadline on its next pass). A finished job whose delivery is still being
retried gets ``DELIVERY_GRACE_S`` (the retry backoff takes about 20 minutes before it gives up). A
parked delivery (retries exhausted, waiting for an admin) is a warning, not a failure: the user was
not wronged in money and the dashboard's "retry delivery" is the fix.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trt_local.storage import audit
from trt_local.storage.audit import Offenders
from trt_local.storage.db import Database

DEADLINE_GRACE_S = 5 * 60
DELIVERY_GRACE_S = 60 * 60
SHOWN = 5  # offending rows listed per check


@dataclass(frozen=True, slots=True)
class AuditCheck:
    name: str
    ok: bool
    detail: str  # one line: what holds, or how many rows break it
    offenders: tuple[str, ...] = ()  # the first offending rows, one line each
    warning: bool = False  # listed for an admin, but not a broken rule


def _when(ts: float | None) -> str:
    return "-" if ts is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _job(row: dict[str, Any]) -> str:
    return f"job {row['job_id']} (ref {row['ref']}, user {row['user_id']})"


def _ledger(row: dict[str, Any]) -> str:
    return f"ledger row {row['ledger_id']} (ref {row['ref']}, user {row['user_id']})"


def _check(
    name: str,
    ok_detail: str,
    found: list[tuple[Offenders, str, Callable[[dict[str, Any]], str]]],
) -> AuditCheck:
    """One check from one or more queries: (offenders, what they are, how to show a row)."""
    problems = [(offenders, what, show) for offenders, what, show in found if offenders.total]
    if not problems:
        return AuditCheck(name, True, ok_detail)
    detail = "; ".join(f"{offenders.total} {what}" for offenders, what, _ in problems)
    lines = [show(row) for offenders, _, show in problems for row in offenders.rows]
    return AuditCheck(name, False, detail, tuple(lines[:SHOWN]))


async def run_audit(db: Database, *, now: float) -> list[AuditCheck]:
    """Every money and job rule, in a fixed order: balances, refunds, charges, deadlines, parked."""
    balances = _check(
        "balances",
        "every balance equals the sum of its ledger rows",
        [
            (
                await audit.balance_mismatches(db, SHOWN),
                "user(s) whose balance is not their ledger sum",
                lambda r: (
                    f"user {r['user_id']}: balance {r['balance']}, ledger sum {r['ledger_sum']}"
                ),
            )
        ],
    )
    refunds = _check(
        "refunds",
        "every failed paid job was refunded exactly once",
        [
            (
                await audit.failed_jobs_not_refunded_once(db, SHOWN),
                "failed paid job(s) not refunded exactly once",
                lambda r: (
                    f"{_job(r)}: price {r['price']}, {r['refunds']} refund(s) "
                    f"totalling {r['refunded']}"
                ),
            ),
            (
                await audit.refunds_of_jobs_that_did_not_fail(db, SHOWN),
                "refund(s) of jobs that did not fail",
                lambda r: (
                    f"{_ledger(r)}: refund {r['amount']} of job {r['job_id']}, "
                    f"which is {r['status']} ({r['basis']})"
                ),
            ),
        ],
    )
    charges = _check(
        "charges",
        "every paid job has its charge and every charge its job",
        [
            (
                await audit.orphan_charges(db, SHOWN),
                "charge(s) without their job",
                lambda r: (
                    f"{_ledger(r)}: charge {r['amount']}, "
                    + (
                        "no job has this ref"
                        if r["job_id"] is None
                        else f"job {r['job_id']} is user {r['job_user_id']}'s, "
                        f"{r['basis']}, price {r['job_price']}"
                    )
                ),
            ),
            (
                await audit.paid_jobs_without_charge(db, SHOWN),
                "paid job(s) without a charge",
                lambda r: f"{_job(r)}: {r['status']}, price {r['price']}, never charged",
            ),
        ],
    )
    deadlines = _check(
        "deadlines",
        "no job is open past its deadline",
        [
            (
                await audit.overdue_jobs(
                    db, now, grace_s=DEADLINE_GRACE_S, delivery_grace_s=DELIVERY_GRACE_S
                ),
                "job(s) open past their deadline",
                lambda r: (
                    f"job {r['job_id']} (user {r['user_id']}): {r['status']}, "
                    f"deadline {_when(r['deadline_at'])}, "
                    f"{int((now - r['deadline_at']) // 60)} min ago"
                ),
            )
        ],
    )
    parked = await audit.parked_deliveries(db, SHOWN)
    deliveries = AuditCheck(
        "deliveries",
        True,
        f"{parked.total} delivery(ies) parked after their retries: retry them in the dashboard"
        if parked.total
        else "no delivery is parked",
        tuple(
            f"job {r['job_id']} (user {r['user_id']}): finished {_when(r['finished_at'])}, "
            f"{r['delivery_attempts']} attempts"
            for r in parked.rows
        ),
        warning=bool(parked.total),
    )
    return [balances, refunds, charges, deadlines, deliveries]
