"""The ``jobs`` table: generation jobs from confirm to delivery or refund.

Every status change is a conditional ``UPDATE … WHERE status = <expected>``: when two actors race
(the poller, the deadline, an admin), exactly one of them moves the job and the others see
``False`` and back off. ``next_poll_at`` is the one "act again at" time for every open state:
send the create (queued), poll (running), deliver (succeeded).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import aiosqlite

from trt_local.core.jobs import JobStatus, OutputKind
from trt_local.core.pricing import QuoteBasis
from trt_local.storage.db import Database, Row, first_row

OPEN_STATUSES: tuple[JobStatus, ...] = (
    JobStatus.QUEUED,
    JobStatus.CREATING,
    JobStatus.RUNNING,
    JobStatus.SUCCEEDED,
)
_OPEN_SQL = "('queued', 'creating', 'running', 'succeeded')"

# Columns an engine step may set; keeps the generic UPDATE below free of caller-built SQL.
_UPDATABLE = frozenset(
    {
        "status",
        "task_id",
        "create_attempts",
        "reached_failures",
        "poll_failures",
        "delivery_attempts",
        "next_poll_at",
        "result",
        "error_code",
        "error_detail",
        "started_at",
        "finished_at",
        "delivered_at",
        "deadline_at",
        "notified_at",
    }
)


def dump_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _load_object(raw: str | None) -> Mapping[str, Any]:
    if not raw:
        return MappingProxyType({})
    decoded = json.loads(raw)
    return MappingProxyType(decoded if isinstance(decoded, dict) else {})


@dataclass(frozen=True, slots=True)
class NewJob:
    """What confirm writes; the id, status and counters come from the table."""

    ref: str
    user_id: int
    chat_id: int
    model_id: str
    title: str
    category: str
    output: OutputKind
    params: Mapping[str, object]
    kie_input: Mapping[str, object]
    media_seconds: float | None
    price_minor: int
    basis: QuoteBasis
    free_day: str | None
    credits: Decimal
    deadline_at: float
    status_message_id: int | None
    created_at: float
    free_source: str | None = None


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: int
    ref: str
    user_id: int
    chat_id: int
    model_id: str
    title: str
    category: str
    output: OutputKind
    params: Mapping[str, Any]
    kie_input: Mapping[str, Any]
    media_seconds: float | None
    price_minor: int
    basis: QuoteBasis
    free_day: str | None
    credits: Decimal
    status: JobStatus
    task_id: str | None
    create_attempts: int
    reached_failures: int
    poll_failures: int
    delivery_attempts: int
    next_poll_at: float | None
    deadline_at: float
    status_message_id: int | None
    result: Mapping[str, Any]
    error_code: str | None
    error_detail: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    delivered_at: float | None
    updated_at: float
    notified_at: float | None
    free_source: str | None  # 'daily' or 'bonus' for a free job

    @classmethod
    def from_row(cls, row: Row) -> JobRecord:
        values = {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row
        values["output"] = OutputKind(values["output"])
        values["basis"] = QuoteBasis(values["basis"])
        values["status"] = JobStatus(values["status"])
        values["credits"] = Decimal(values["credits"])
        values["params"] = _load_object(values["params"])
        values["kie_input"] = _load_object(values["kie_input"])
        values["result"] = _load_object(values["result"])
        return cls(**values)


async def insert(tx: aiosqlite.Connection, job: NewJob) -> JobRecord:
    """Write a new ``queued`` job inside the caller's transaction; returns it as stored (in the
    same trip to SQLite's thread: confirms hold the write lock meanwhile)."""
    row = await first_row(
        tx,
        "INSERT INTO jobs (ref, user_id, chat_id, model_id, title, category, output, params, "
        "kie_input, media_seconds, price_minor, basis, free_day, credits, status, next_poll_at, "
        "deadline_at, status_message_id, created_at, updated_at, free_source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?) RETURNING *",
        (
            job.ref,
            job.user_id,
            job.chat_id,
            job.model_id,
            job.title,
            job.category,
            job.output.value,
            dump_json(dict(job.params)),
            dump_json(dict(job.kie_input)),
            job.media_seconds,
            job.price_minor,
            job.basis.value,
            job.free_day,
            str(job.credits),
            job.created_at,
            job.deadline_at,
            job.status_message_id,
            job.created_at,
            job.created_at,
            job.free_source,
        ),
    )
    assert row is not None
    return JobRecord.from_row(row)


async def get_tx(tx: aiosqlite.Connection, job_id: int) -> JobRecord | None:
    row = await first_row(tx, "SELECT * FROM jobs WHERE id = ?", (job_id,))
    return None if row is None else JobRecord.from_row(row)


async def by_ref_tx(tx: aiosqlite.Connection, ref: str) -> JobRecord | None:
    row = await first_row(tx, "SELECT * FROM jobs WHERE ref = ?", (ref,))
    return None if row is None else JobRecord.from_row(row)


def _assignments(fields: Mapping[str, Any]) -> str:
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    return ", ".join(f"{name} = ?" for name in fields)


async def update_tx(
    tx: aiosqlite.Connection,
    job_id: int,
    *,
    expect: Collection[JobStatus],
    now: float,
    **fields: Any,
) -> bool:
    """Set ``fields`` if the job is in one of the ``expect`` states; False if it was not."""
    assignments = _assignments(fields)
    states = ", ".join("?" for _ in expect)
    cursor = await tx.execute(
        f"UPDATE jobs SET {assignments}, updated_at = ? WHERE id = ? AND status IN ({states})",
        (*fields.values(), now, job_id, *(status.value for status in expect)),
    )
    return cursor.rowcount == 1


class JobsRepo:
    """Reads and single-statement writes of jobs outside a caller's transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, job_id: int) -> JobRecord | None:
        row = await self._db.fetch_one("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return None if row is None else JobRecord.from_row(row)

    async def update(
        self, job_id: int, *, expect: Collection[JobStatus], now: float, **fields: Any
    ) -> bool:
        async with self._db.transaction() as tx:
            return await update_tx(tx, job_id, expect=expect, now=now, **fields)

    async def by_ref(self, ref: str) -> JobRecord | None:
        row = await self._db.fetch_one("SELECT * FROM jobs WHERE ref = ?", (ref,))
        return None if row is None else JobRecord.from_row(row)

    async def claim(
        self, job_id: int, *, expect: JobStatus, now: float, **fields: Any
    ) -> JobRecord | None:
        """Move the job on if it is in ``expect`` and return the row as written; None if not.

        The caller acts on the returned row only — never on a copy read earlier — so what it
        sends is exactly what the table holds for this id now.
        """
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                f"UPDATE jobs SET {_assignments(fields)}, updated_at = ? "
                "WHERE id = ? AND status = ? RETURNING *",
                (*fields.values(), now, job_id, expect.value),
            )
            row = await cursor.fetchone()
            await cursor.close()
        return None if row is None else JobRecord.from_row(row)

    async def count_running(self) -> int:
        """Jobs Kie is working on (with the creates in flight: what the global cap limits)."""
        value = await self._db.scalar("SELECT COUNT(*) FROM jobs WHERE status = 'running'")
        return int(value or 0)

    async def unnotified_failures(self, since: float) -> list[JobRecord]:
        """Failed jobs whose user was not told yet (the notice was lost to a stop or crash)."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE status = 'failed' AND notified_at IS NULL "
            "AND finished_at >= ? ORDER BY finished_at",
            (since,),
        )
        return [JobRecord.from_row(row) for row in rows]

    async def history(self, user_id: int, offset: int, limit: int) -> tuple[list[JobRecord], int]:
        """One user's jobs, newest first, and how many there are in all."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        total = await self._db.scalar("SELECT COUNT(*) FROM jobs WHERE user_id = ?", (user_id,))
        return [JobRecord.from_row(row) for row in rows], int(total)

    async def recent(
        self, statuses: Iterable[JobStatus] | None, *, limit: int, offset: int = 0
    ) -> list[JobRecord]:
        """Jobs for the dashboard, newest first, optionally only in some states."""
        wanted = [status.value for status in statuses] if statuses is not None else None
        where = f"WHERE status IN ({', '.join('?' for _ in wanted)})" if wanted else ""
        rows = await self._db.fetch_all(
            f"SELECT * FROM jobs {where} ORDER BY id DESC LIMIT ? OFFSET ?",
            (*(wanted or ()), limit, offset),
        )
        return [JobRecord.from_row(row) for row in rows]

    async def in_status(self, status: JobStatus) -> list[JobRecord]:
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE status = ? ORDER BY id", (status.value,)
        )
        return [JobRecord.from_row(row) for row in rows]

    async def due(self, status: JobStatus, now: float, *, limit: int = -1) -> list[JobRecord]:
        """Jobs in ``status`` whose ``next_poll_at`` has come, earliest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE status = ? AND next_poll_at <= ? "
            "ORDER BY next_poll_at, id LIMIT ?",
            (status.value, now, limit),
        )
        return [JobRecord.from_row(row) for row in rows]

    async def past_deadline(self, status: JobStatus, now: float) -> list[JobRecord]:
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE status = ? AND deadline_at <= ? ORDER BY id",
            (status.value, now),
        )
        return [JobRecord.from_row(row) for row in rows]

    async def next_due(
        self,
        exclude: Sequence[int] = (),
        *,
        statuses: Collection[JobStatus] = (
            JobStatus.QUEUED,
            JobStatus.RUNNING,
            JobStatus.SUCCEEDED,
        ),
    ) -> float | None:
        """The earliest ``next_poll_at`` of a job in ``statuses`` not in ``exclude`` (busy ones)."""
        if not statuses:
            return None
        states = ", ".join("?" for _ in statuses)
        marks = ", ".join("?" for _ in exclude)
        skip = f" AND id NOT IN ({marks})" if exclude else ""
        value = await self._db.scalar(
            f"SELECT MIN(next_poll_at) FROM jobs WHERE status IN ({states}){skip}",
            (*(status.value for status in statuses), *exclude),
        )
        return None if value is None else float(value)

    async def reschedule_all(self, status: JobStatus, at: float) -> int:
        """Make every job in ``status`` due at ``at`` (used when the engine starts)."""
        return await self._db.write(
            "UPDATE jobs SET next_poll_at = ?, updated_at = ? WHERE status = ?",
            (at, at, status.value),
        )

    async def counts_by_status(self) -> dict[JobStatus, int]:
        rows = await self._db.fetch_all("SELECT status, COUNT(*) FROM jobs GROUP BY status")
        return {JobStatus(row[0]): int(row[1]) for row in rows}
