"""Can the bot write its data? A read-only file or folder and a full disk, told apart from bugs.

SQLite reports these several ways (``SQLITE_READONLY*``, ``SQLITE_CANTOPEN``, ``SQLITE_FULL``,
``SQLITE_IOERR*``, ``SQLITE_PERM``) and the folder itself as ``OSError`` (EACCES, EROFS, ENOSPC…).
To an operator they mean one thing: the data folder must be writable and its disk must have room.
At start that is a configuration error (exit 2, one sentence: :class:`StorageUnavailable`); while
the bot runs, :func:`storage_failure` lets the bot tell a user "cannot save right now" instead of
reporting a bug — the transaction was rolled back, so nothing was half-written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
from pathlib import Path

# Primary result codes (the low byte of an extended code) that mean "cannot write here".
_SQLITE_CODES = {
    3: "SQLITE_PERM",
    8: "SQLITE_READONLY",
    10: "SQLITE_IOERR",
    13: "SQLITE_FULL",
    14: "SQLITE_CANTOPEN",
}
_ERRNOS = {
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EFBIG,
    errno.ENOTDIR,
    errno.EEXIST,
}
PROBE_TIMEOUT_S = 5.0  # another instance may hold the write lock for a moment


class StorageUnavailable(Exception):
    """The data folder or database cannot be written; ``str()`` is the sentence for the operator."""

    def __init__(self, data_dir: Path, reason: str) -> None:
        super().__init__(
            f"cannot write to the data folder {data_dir} ({reason}): make the folder and the "
            "files in it writable for this user and free some disk space, or set TRT_HOME to "
            "another folder"
        )
        self.data_dir = data_dir
        self.reason = reason


def storage_failure(exc: BaseException) -> str | None:
    """Why ``exc`` means the data cannot be written (full, read-only, I/O), or None if it does not."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _SQLITE_CODES:
            return str(exc)
        return None
    if isinstance(exc, OSError) and exc.errno in _ERRNOS:
        return exc.strerror or str(exc)
    return None


def check_writable(data_dir: Path, database: Path) -> None:
    """Raise :class:`StorageUnavailable` unless the folder and the database (if any) take a write.

    A probe file shows whether the folder is writable (SQLite creates its ``-wal`` and ``-shm``
    files there); an existing database gets a committed no-op write (its ``user_version`` set to
    itself), which a read-only file, a full disk or a broken one refuses.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(prefix=".trt-write-check-", dir=data_dir)
        os.close(descriptor)
        os.unlink(probe)
    except OSError as exc:
        raise StorageUnavailable(data_dir, storage_failure(exc) or str(exc)) from None
    if not database.exists():
        return
    try:
        with contextlib.closing(
            sqlite3.connect(database, timeout=PROBE_TIMEOUT_S, isolation_level=None)
        ) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                conn.execute(f"PRAGMA user_version = {version}")
                conn.execute("COMMIT")
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
    except sqlite3.Error as exc:
        reason = storage_failure(exc)
        if reason is None:
            raise
        raise StorageUnavailable(data_dir, reason) from None
