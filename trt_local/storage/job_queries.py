"""Pages of the jobs table for the dashboard: newest first, filtered, keyset-paged by id.

Paging by ``id < before`` (never OFFSET) keeps every page as cheap as the first on 100 000+ jobs.
A user filter uses ``jobs_user``, a model filter ``jobs_model``, an open status the partial index
``jobs_open`` (its WHERE clause repeated literally so SQLite accepts it). A terminal status has no
index of its own: the scan walks ids downwards and stops after a page of matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from trt_local.core.jobs import JobStatus
from trt_local.storage.db import Database, Row
from trt_local.storage.jobs import OPEN_STATUSES

_OPEN_SQL = "status IN ('queued', 'creating', 'running', 'succeeded')"
_COLUMNS = (
    "id, user_id, model_id, title, status, price_minor, basis, created_at, updated_at, error_code"
)


@dataclass(frozen=True, slots=True)
class JobFilter:
    status: JobStatus | None = None
    model_id: str | None = None
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class JobRow:
    """One line of the jobs table (the detail pane loads the whole job)."""

    id: int
    user_id: int
    model_id: str
    title: str
    status: JobStatus
    price_minor: int
    basis: str
    created_at: float
    updated_at: float
    error_code: str | None

    @classmethod
    def from_row(cls, row: Row) -> JobRow:
        return cls(
            id=int(row["id"]),
            user_id=int(row["user_id"]),
            model_id=str(row["model_id"]),
            title=str(row["title"]),
            status=JobStatus(row["status"]),
            price_minor=int(row["price_minor"]),
            basis=str(row["basis"]),
            created_at=float(row["created_at"]),
            updated_at=float(row["updated_at"]),
            error_code=row["error_code"],
        )


async def page(
    db: Database, wanted: JobFilter, *, before_id: int | None, limit: int
) -> list[JobRow]:
    """Up to ``limit`` jobs matching ``wanted`` with ids below ``before_id``, newest first."""
    clauses: list[str] = ["id < ?"]
    params: list[object] = [before_id if before_id is not None else 2**62]
    if wanted.status is not None:
        if wanted.status in OPEN_STATUSES:
            clauses.append(_OPEN_SQL)
        clauses.append("status = ?")
        params.append(wanted.status.value)
    if wanted.model_id is not None:
        clauses.append("model_id = ?")
        params.append(wanted.model_id)
    if wanted.user_id is not None:
        clauses.append("user_id = ?")
        params.append(wanted.user_id)
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM jobs WHERE {' AND '.join(clauses)} ORDER BY id DESC LIMIT ?",
        (*params, limit),
    )
    return [JobRow.from_row(row) for row in rows]
