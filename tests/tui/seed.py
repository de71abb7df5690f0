"""Big seeded databases for the dashboard tests: many users and jobs, the money invariant intact.

The rows are generated inside SQLite (recursive CTEs), which is several times faster than feeding
them from Python. Every user gets a top-up, every paid job its charge and every failed job its
refund, and balances are set to the ledger sums. Only terminal jobs are seeded, so the engine has
nothing to resume. Build one template per session and copy it per test (:func:`copy_database`).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

from trt_local.core.catalog import default_catalog
from trt_local.storage.db import Database

TOPUP_MINOR = 100_000
FIRST_USER_ID = 10_000_000
NAMES = ("Ann", "Boris", "Clara", "Dmitri", "Eva", "Fedor", "Gala", "Hugo", "Irina", "Jan")
FAILED_EVERY = 17  # job i failed when i % 17 == 5

_USERS = """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :users)
INSERT INTO users (id, username, first_name, tg_language, first_seen, last_seen)
SELECT :first + i, 'user' || i, (SELECT name FROM names WHERE k = i % :names) || i, 'en',
       :now - (:users - i) * 10.0, :now - (:users - i) * 10.0
FROM n
"""

_JOBS = """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :jobs)
INSERT INTO jobs (ref, user_id, chat_id, model_id, title, category, output, params, kie_input,
                  price_minor, basis, credits, status, task_id, error_code, deadline_at,
                  created_at, finished_at, updated_at, notified_at)
SELECT 'seed-job-' || i, :first + i % :users, :first + i % :users, m.id, m.title, m.category,
       m.output, '{"prompt":"seeded prompt ' || i || '"}', '{}', 1000 + (i % 40) * 100, 'paid', '1',
       CASE WHEN i % :every = 5 THEN 'failed' ELSE 'delivered' END, 'task-' || i,
       CASE WHEN i % :every = 5 THEN 'timeout' END,
       :start + (i + 1) * :step + 600, :start + (i + 1) * :step, :start + (i + 1) * :step + 30,
       :start + (i + 1) * :step + 30,
       CASE WHEN i % :every = 5 THEN :start + (i + 1) * :step + 30 END
FROM n JOIN models m ON m.k = i % :models
"""

_LEDGER = (
    "INSERT INTO ledger (user_id, amount_minor, kind, ref, actor_id, reason, balance_after, "
    "created_at) SELECT id, :topup, 'topup', 'seed:' || id, 1, 'seed', 0, first_seen FROM users "
    "WHERE id >= :first",
    "INSERT INTO ledger (user_id, amount_minor, kind, ref, reason, balance_after, created_at) "
    "SELECT user_id, -price_minor, 'charge', ref, 'job: ' || model_id, 0, created_at FROM jobs "
    "WHERE ref LIKE 'seed-job-%'",
    "INSERT INTO ledger (user_id, amount_minor, kind, ref, reason, balance_after, created_at) "
    "SELECT user_id, price_minor, 'refund', ref, 'job: timeout', 0, finished_at FROM jobs "
    "WHERE ref LIKE 'seed-job-%' AND status = 'failed'",
    "UPDATE users SET balance_minor = (SELECT SUM(amount_minor) FROM ledger "
    "WHERE ledger.user_id = users.id) WHERE id >= :first",
)


async def migrated(path: Path) -> None:
    """Create the schema exactly as the product does."""
    db = await Database.open(path)
    await db.close()


def seed(path: Path, *, users: int, jobs: int, now: float, span_s: float = 30 * 86400) -> None:
    """Add ``users`` users and ``jobs`` jobs (spread over ``span_s`` up to ``now``)."""
    models = [model for model in default_catalog().models if model.supported][:8]
    params = {
        "users": users,
        "jobs": jobs,
        "first": FIRST_USER_ID,
        "now": now,
        "names": len(NAMES),
        "models": len(models),
        "every": FAILED_EVERY,
        "start": now - span_s,
        "step": span_s / max(jobs, 1),
        "topup": TOPUP_MINOR,
    }
    with contextlib.closing(sqlite3.connect(path)) as conn:
        # A test database: no crash safety needed; a big cache keeps index inserts in memory.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        with conn:
            conn.execute("CREATE TEMP TABLE names (k INTEGER PRIMARY KEY, name TEXT)")
            conn.executemany("INSERT INTO names VALUES (?, ?)", enumerate(NAMES))
            conn.execute(
                "CREATE TEMP TABLE models (k INTEGER PRIMARY KEY, id TEXT, title TEXT, "
                "category TEXT, output TEXT)"
            )
            conn.executemany(
                "INSERT INTO models VALUES (?, ?, ?, ?, ?)",
                [(k, m.id, m.title, m.category.id, m.output.value) for k, m in enumerate(models)],
            )
            conn.execute(_USERS, params)
            conn.execute(_JOBS, params)
            for statement in _LEDGER:
                conn.execute(statement, params)
        conn.execute("PRAGMA journal_mode=WAL")  # as the product leaves it


def copy_database(template: Path, target_dir: Path) -> Path:
    """A private copy of a seeded template for one test; returns the new database path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "trt.db"
    shutil.copyfile(template, target)
    return target
