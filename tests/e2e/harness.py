"""Running the real TrtApp (real PTB Application, real SQLite) against the Telegram emulator."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

from trt_local.app import TrtApp
from trt_local.config import Settings
from trt_local.emulator import TelegramEmulator
from trt_local.emulator.request import BASE_FILE_URL, BASE_URL, EmulatorRequest
from trt_local.kie import KieSandbox
from trt_local.paths import resolve_paths

TOKEN = "123456:DEMO-token-for-tests"


def make_settings(
    home: Path,
    *,
    admin_ids: Iterable[int] = (),
    support: str = "",
    terms: str = "",
    payment_details: str = "",
) -> Settings:
    return Settings(
        paths=resolve_paths({}, home=home),
        telegram_token=TOKEN,
        telegram_api_base=BASE_URL,
        telegram_file_base=BASE_FILE_URL,
        admin_ids=frozenset(admin_ids),
        sandbox=True,
        support_contact=support,
        terms_text=terms,
        payment_details=payment_details,
    )


@contextlib.asynccontextmanager
async def running_bot(
    emu: TelegramEmulator,
    home: Path,
    *,
    admin_ids: Iterable[int] = (),
    clock: Callable[[], float] | None = None,
    support: str = "",
    terms: str = "",
    sandbox: KieSandbox | None = None,
    payment_details: str = "",
) -> AsyncIterator[TrtApp]:
    settings = make_settings(
        home, admin_ids=admin_ids, support=support, terms=terms, payment_details=payment_details
    )
    app = TrtApp(
        settings,
        requests=(EmulatorRequest(emu), EmulatorRequest(emu)),
        kie_sandbox=sandbox,
        clock=clock or time.time,
    )
    try:
        await app.start()
        await emu.wait_polling()
        yield app
    finally:
        await app.stop()


class JumpClock:
    """Real time plus jumps: the bot keeps flowing while a test skips minutes ahead."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def jump(self, seconds: float) -> None:
        self.offset += seconds


def money_invariant_violations(database: Path) -> list[tuple[int, int, int]]:
    """Users whose balance is not the sum of their ledger rows (must always be empty)."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute(
            "SELECT u.id, u.balance_minor, COALESCE(SUM(l.amount_minor), 0) AS total "
            "FROM users u LEFT JOIN ledger l ON l.user_id = u.id "
            "GROUP BY u.id HAVING u.balance_minor != total"
        ).fetchall()


def free_grant_violations(database: Path) -> list[tuple[int, int, int]]:
    """Users whose granted free generations are not the sum of their grants (must be empty)."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute(
            "SELECT u.id, u.bonus_free, COALESCE(SUM(g.amount), 0) AS total "
            "FROM users u LEFT JOIN free_grants g ON g.user_id = u.id "
            "GROUP BY u.id HAVING u.bonus_free != total"
        ).fetchall()


def consistency_violations(database: Path) -> list[str]:
    """Everything a crash must not leave behind, one sentence each (must always be empty).

    The money invariant above; every job finished (delivered, or failed); a paid job charged once,
    its price, on its own user; a failed paid job refunded once, a delivered one never; no charge
    or refund that belongs to no job. ``UNIQUE (kind, ref)`` makes a second charge for one ref
    impossible today; counting keeps this check honest if the keys ever change.
    """
    problems = [
        f"user {user}: balance {balance} but ledger sum {total}"
        for user, balance, total in money_invariant_violations(database)
    ]
    with contextlib.closing(sqlite3.connect(database)) as conn:
        jobs = conn.execute(
            "SELECT id, ref, user_id, status, basis, price_minor FROM jobs ORDER BY id"
        ).fetchall()
        rows = conn.execute(
            "SELECT kind, ref, user_id, amount_minor FROM ledger WHERE kind IN ('charge', 'refund')"
        ).fetchall()
    by_ref: dict[str, list[tuple[str, int, int]]] = {}
    for kind, ref, user, amount in rows:
        by_ref.setdefault(ref, []).append((kind, user, amount))
    for job_id, ref, user, status, basis, price in jobs:
        money = by_ref.pop(ref, [])
        charges = [(u, a) for k, u, a in money if k == "charge"]
        refunds = [(u, a) for k, u, a in money if k == "refund"]
        paid = basis == "paid" and price > 0
        if status not in ("delivered", "failed"):
            problems.append(f"job {job_id} is still {status}")
        if charges != ([(user, -price)] if paid else []):
            problems.append(
                f"job {job_id} (user {user}, price {price}): (user, amount) charges {charges}"
            )
        if refunds != ([(user, price)] if paid and status == "failed" else []):
            problems.append(
                f"job {job_id} ({status}, user {user}, price {price}): (user, amount) refunds {refunds}"
            )
    problems += [
        f"ledger {kind} {ref!r} has no job" for ref in by_ref for kind, _, _ in by_ref[ref]
    ]
    return problems


def ledger(database: Path, user_id: int) -> list[tuple[str, int]]:
    """The user's ledger rows (kind, amount) in order."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute(
            "SELECT kind, amount_minor FROM ledger WHERE user_id = ? ORDER BY id", (user_id,)
        ).fetchall()


def job_statuses(database: Path, user_id: int) -> list[str]:
    """The statuses of the user's jobs, oldest first."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        rows = conn.execute("SELECT status FROM jobs WHERE user_id = ? ORDER BY id", (user_id,))
        return [status for (status,) in rows]


def times_said(emu: TelegramEmulator, chat_id: int, phrase: str) -> int:
    """How many sends and edits to ``chat_id`` the bot made with ``phrase`` in the text (each
    attempt counts, so a notice said twice is caught even when it edits the same message)."""
    return sum(
        1
        for call in emu.calls
        if call.method in ("sendMessage", "editMessageText")
        and call.params.get("chat_id") == str(chat_id)
        and phrase in call.params.get("text", "")
    )
