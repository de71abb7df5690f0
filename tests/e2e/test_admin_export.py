"""/export sends users, payments or the ledger as a CSV document that a spreadsheet opens (UTF-8
with a byte order mark) and that parses back to the rows in the database."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.e2e.admin_support import document_bytes
from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.emulator import ChatMessage, TelegramEmulator
from trt_local.storage.db import Database

OWNER = 9400
ANN, BORIS = 5501, 5502


def parse(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def add_payments(db: Database, now: float) -> None:
    """Two top-ups as the payments table holds them (the Stars and transfer flows write these)."""
    await db.write_many(
        "INSERT INTO payments (user_id, method, amount_minor, stars, external_id, comment, "
        "status, created_at, updated_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (ANN, "stars", 15_000, 100, "charge-1", "", "paid", now, now, now),
            (
                BORIS,
                "transfer",
                50_050,
                None,
                "proof:x",
                "Сбер, перевод",
                "pending",
                now,
                now,
                None,
            ),
        ],
    )


async def export(owner: Person, what: str) -> ChatMessage:
    owner.user.mark_read()
    await owner.send(f"/export {what}")
    return await owner.user.wait_for(
        lambda m: (
            m.media_kind == "document" and what in (m.raw.get("document", {}).get("file_name", ""))
        )
    )


async def test_exports_parse_back_to_the_database_rows(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock) as app:
        ann = Person(emu.user(ANN, "=HYPERLINK(1)", username="ann"), clock)
        await ann.send("/start")
        await ann.wait("Hi")
        boris = Person(emu.user(BORIS, "Борис", language_code="ru"), clock)
        await boris.send("/start")
        await boris.wait("Привет")
        owner = Person(emu.user(OWNER, "Boss"), clock)
        await owner.send(f'/topup {ANN} 150.50 first, "quoted" money')
        await owner.wait(f"to user {ANN}")
        assert app.db is not None
        await add_payments(app.db, clock())

        users = parse(document_bytes(emu, await export(owner, "users")))
        assert [row["id"] for row in users] == [str(ANN), str(BORIS), str(OWNER)]
        assert users[0]["first_name"] == "'=HYPERLINK(1)"  # not run as a formula
        assert users[0]["username"] == "ann" and users[0]["balance (RUB)"] == "150.50"
        assert users[1]["first_name"] == "Борис" and users[1]["balance (RUB)"] == "0.00"

        payments = parse(document_bytes(emu, await export(owner, "payments")))
        assert [(p["user_id"], p["method"], p["status"], p["amount (RUB)"]) for p in payments] == [
            (str(ANN), "stars", "paid", "150.00"),
            (str(BORIS), "transfer", "pending", "500.50"),
        ]
        assert payments[1]["comment"] == "Сбер, перевод" and payments[1]["decided_at"] == ""

        # The panel's way to the same file.
        await owner.send("/admin")
        await owner.press("📤 Export")
        await owner.press("Ledger")
        sent = await owner.user.wait_for(
            lambda m: m.media_kind == "document" and "ledger" in m.raw["document"]["file_name"]
        )
        assert sent.caption == "Ledger: 1 rows."
        [row] = parse(document_bytes(emu, sent))
        assert (row["user_id"], row["kind"], row["amount (RUB)"], row["actor_id"]) == (
            str(ANN),
            "topup",
            "150.50",
            str(OWNER),
        )
        assert row["reason"] == 'first, "quoted" money' and row["balance_after (RUB)"] == "150.50"

        owner.user.mark_read()
        await owner.send("/export everything")
        assert (await owner.user.next_message()).content == "Usage: /export users|payments|ledger"
