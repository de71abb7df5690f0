"""Whole tables read page by page for CSV exports: memory stays one page, whatever the size.

Each page continues after the last id seen (keyset paging through the primary key), so a page
costs the same at row 1 and at row 1 000 000, and rows written meanwhile never shift a page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from trt_local.storage.db import Database, Row

PAGE = 2000

# What each export reads: its table and columns, in the order the CSV shows them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": (
        "id",
        "username",
        "first_name",
        "last_name",
        "language",
        "tg_language",
        "first_seen",
        "last_seen",
        "blocked",
        "is_admin",
        "referrer_id",
        "balance_minor",
        "bonus_free",
    ),
    "payments": (
        "id",
        "user_id",
        "method",
        "status",
        "amount_minor",
        "stars",
        "external_id",
        "comment",
        "reason",
        "actor_id",
        "created_at",
        "decided_at",
    ),
    "ledger": (
        "id",
        "user_id",
        "kind",
        "amount_minor",
        "balance_after",
        "ref",
        "actor_id",
        "reason",
        "created_at",
    ),
}


async def pages(db: Database, table: str, *, size: int = PAGE) -> AsyncIterator[list[Row]]:
    """Every row of ``table`` (one of :data:`COLUMNS`) in id order, ``size`` rows at a time."""
    columns = ", ".join(COLUMNS[table])  # KeyError for anything else: never SQL from outside
    after = -(2**63)
    while True:
        rows = await db.fetch_all(
            f"SELECT {columns} FROM {table} WHERE id > ? ORDER BY id LIMIT ?", (after, size)
        )
        if not rows:
            return
        yield rows
        after = int(rows[-1]["id"])
