"""Writes the disk or the file system refuses: told apart from bugs, and never half-done."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from tests.filesystem import read_only
from trt_local.storage.access import StorageUnavailable, check_writable, storage_failure
from trt_local.storage.db import Database


async def test_a_commit_that_fails_is_rolled_back_and_the_next_transaction_works(
    tmp_path: Path,
) -> None:
    """A COMMIT can fail (a deferred constraint here, a full disk in production). The transaction
    must not stay open: its rows would linger and every later BEGIN on the connection fail."""
    db = await Database.open(tmp_path / "trt.db")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as tx:
                await tx.execute("PRAGMA defer_foreign_keys = ON")  # checked at COMMIT
                await tx.execute(
                    "INSERT INTO ledger (user_id, amount_minor, kind, ref, balance_after, "
                    "created_at) VALUES (404, -100, 'charge', 'no-such-user', 0, 0)"
                )
        assert await db.scalar("SELECT COUNT(*) FROM ledger") == 0
        await db.write(
            "INSERT INTO users (id, first_name, first_seen, last_seen) VALUES (1, 'a', 0, 0)"
        )
        assert await db.scalar("SELECT COUNT(*) FROM users") == 1
    finally:
        await db.close()


async def test_opening_a_database_in_a_read_only_folder_is_storage_unavailable(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "trt.db")
    await db.close()  # the -wal and -shm files go with the last connection
    with read_only(tmp_path), pytest.raises(StorageUnavailable) as raised:
        await Database.open(tmp_path / "trt.db")
    assert raised.value.data_dir == tmp_path
    assert str(raised.value).startswith(f"cannot write to the data folder {tmp_path} (")


def test_check_writable_accepts_a_fresh_folder_and_refuses_a_read_only_database(
    tmp_path: Path,
) -> None:
    check_writable(tmp_path / "new", tmp_path / "new" / "trt.db")
    assert list((tmp_path / "new").iterdir()) == []  # the probe leaves nothing behind
    database = tmp_path / "trt.db"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    check_writable(tmp_path, database)
    with read_only(database), pytest.raises(StorageUnavailable, match="readonly database"):
        check_writable(tmp_path, database)


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (sqlite3.OperationalError("database or disk is full"), False),  # no code: not classified
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EROFS, "Read-only file system"), True),
        (OSError(errno.ECONNREFUSED, "Connection refused"), False),
        (ValueError("boom"), False),
    ],
)
def test_storage_failure_knows_refused_writes(error: BaseException, refused: bool) -> None:
    assert (storage_failure(error) is not None) is refused


def test_storage_failure_reads_sqlite_result_codes(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "full.db", isolation_level=None)
    try:
        conn.execute("CREATE TABLE t (b BLOB NOT NULL)")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError) as full:
            conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
        with pytest.raises(sqlite3.IntegrityError) as constraint:
            conn.execute("INSERT INTO t VALUES (NULL)")
    finally:
        conn.close()
    assert storage_failure(full.value) == "database or disk is full"
    assert storage_failure(constraint.value) is None
