"""What a confirm checks about its user, read in one statement inside its transaction.

Confirms are serialized by the write lock, so every trip to SQLite's thread while it is held
lowers how many users can pay per second (bench/money.py): the three facts come back together.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from trt_local.storage.db import first_row
from trt_local.storage.jobs import OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class ConfirmFacts:
    free_used: int  # free generations used on the quota day
    bonus_free: int  # granted free generations left
    open_jobs: int  # the user's unfinished jobs (the per-user cap counts these)


async def confirm_facts_tx(tx: aiosqlite.Connection, user_id: int, day: str) -> ConfirmFacts:
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    row = await first_row(
        tx,
        "SELECT (SELECT used FROM free_usage WHERE user_id = ? AND day = ?), "
        "(SELECT bonus_free FROM users WHERE id = ?), "
        f"(SELECT COUNT(*) FROM jobs WHERE status IN ({marks}) AND user_id = ?)",
        (user_id, day, user_id, *(status.value for status in OPEN_STATUSES), user_id),
    )
    used, bonus, open_jobs = tuple(row) if row is not None else (0, 0, 0)
    return ConfirmFacts(int(used or 0), int(bonus or 0), int(open_jobs or 0))
