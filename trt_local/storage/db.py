"""SQLite: one writer connection, one reader connection, migrations and serialized transactions.

aiosqlite runs each connection on its own thread; concurrent handlers share them. A transaction spans
awaits, so writers take :attr:`Database.write_lock` — otherwise one handler's statements would land
inside another handler's open transaction. Reads outside a transaction go to a second connection:
in WAL mode it sees only committed rows, so no reader ever acts on a row that a transaction still
open on the writer may roll back (a job confirmed without the money for it, say). Inside a
transaction read through its connection (``tx``) to see its own writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from trt_local.storage.access import StorageUnavailable, storage_failure
from trt_local.storage.migrations import MIGRATIONS

Row = sqlite3.Row


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._reader = conn  # until open() has migrated and opened the reader
        self.path = path
        self.write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = await _connect(path)
        except sqlite3.Error as exc:
            if (reason := storage_failure(exc)) is not None:
                raise StorageUnavailable(path.parent, reason) from None
            raise
        db = cls(conn, path)
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await db.migrate()
            db._reader = await _connect(path)
            await db._reader.execute("PRAGMA query_only=ON")
        except BaseException as exc:
            # An unclosed aiosqlite connection keeps a non-daemon thread alive: the process would hang.
            await db.close()
            if (reason := storage_failure(exc)) is not None:  # read-only, disk full: exit 2
                raise StorageUnavailable(path.parent, reason) from None
            raise
        return db

    async def close(self) -> None:
        if self._reader is not self._conn:
            await self._reader.close()
        await self._conn.close()

    async def migrate(self) -> int:
        """Apply every migration newer than ``PRAGMA user_version``, each in its own transaction."""
        async with self._conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        for number, script in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            async with self.transaction() as tx:
                for statement in _split(script):
                    await tx.execute(statement)
                await tx.execute(f"PRAGMA user_version = {number}")
        return len(MIGRATIONS)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any exception."""
        async with self.write_lock, self._begun() as tx:
            yield tx

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[Writer]:
        """The write lock, held: lone statements first, then a transaction if they call for one
        (see :class:`Writer`), with no other writer in between."""
        async with self.write_lock:
            yield Writer(self._conn, self._begun)

    @asynccontextmanager
    async def _begun(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` on the writer; the caller holds the write lock."""
        try:
            await self._conn.execute("BEGIN IMMEDIATE")
            yield self._conn
            # Inside the try: a COMMIT that fails (a deferred constraint, a full disk) may leave
            # the transaction open, and then every later BEGIN here would fail: roll it back.
            await self._conn.execute("COMMIT")
        except BaseException:
            # Also when cancelled while BEGIN was still queued: aiosqlite runs statements in
            # order on its thread, so this ROLLBACK lands after that BEGIN either way.
            with contextlib.suppress(sqlite3.OperationalError):  # no transaction was open
                await asyncio.shield(self._conn.execute("ROLLBACK"))
            raise

    async def write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement in its own transaction; returns the row count.

        Without BEGIN and COMMIT around it: the connection is in autocommit mode, where SQLite
        runs a lone statement as its own transaction, taking the write lock when it starts (a
        statement that writes never upgrades from a read). That is one trip to the writer's thread
        instead of three, for the write every update makes (the inbox marking it done). The write
        lock still keeps it out of another handler's open transaction.
        """
        async with self.write_lock:
            cursor = await self._conn.execute(sql, params)
            return cursor.rowcount

    async def write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of committed data (never a row of a transaction still open).

        Reads every row the query yields, in one trip to the reader's thread instead of three
        (execute, fetch, close: each a hand-off that costs more than a point lookup): for lookups
        by key, aggregates and ``LIMIT 1`` queries, which is what it is used for.
        """
        rows = await self._reader.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows of committed data (never rows of a transaction still open); one thread trip."""
        return list(await self._reader.execute_fetchall(sql, params))

    async def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def integrity_check(self) -> str:
        return str(await self.scalar("PRAGMA integrity_check"))

    async def backup_to(self, target: Path) -> None:
        """A consistent online copy through SQLite's backup API."""
        async with self.write_lock:
            dest = await aiosqlite.connect(target)
            try:
                await self._conn.backup(dest)
            finally:
                await dest.close()


class Writer:
    """The writer connection while :meth:`Database.locked` holds the write lock."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        begun: Callable[[], contextlib.AbstractAsyncContextManager[aiosqlite.Connection]],
    ) -> None:
        self._conn = conn
        self.transaction = begun

    async def returning(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """A lone statement, its own transaction (autocommit, as :meth:`Database.write`); the
        rows of its RETURNING, in one trip to the writer's thread."""
        return list(await self._conn.execute_fetchall(sql, params))


async def first_row(tx: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> Row | None:
    """The first row a statement returns, inside a transaction, in one trip to the connection's
    thread: ``execute`` + ``fetchone`` + closing the cursor take three, and a confirm holds the
    write lock for each (bench/money.py: 25 trips per confirm became 11)."""
    rows = await tx.execute_fetchall(sql, params)
    return next(iter(rows), None)


async def _connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly what we say.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        await conn.close()
        raise
    return conn


def _split(script: str) -> list[str]:
    """Statements of a script; ``executescript`` would commit our open transaction."""
    statements, buffer = [], ""
    for piece in script.split(";"):
        buffer += piece + ";"
        # A ';' inside a comment or string leaves the statement incomplete: keep accumulating.
        if sqlite3.complete_statement(buffer):
            if _strip_comments(buffer):
                statements.append(buffer.strip())
            buffer = ""
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines()).strip(" \n;")
