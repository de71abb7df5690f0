"""Manual bank transfers end to end: the details, the proof, the admins' review, expiry.

The top-up screen's "Bank transfer" button sends ``xfer|<amount_minor>``; these tests press that
callback on the menu message, as the button would.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from tests.e2e.test_generation import png
from trt_local.app import TrtApp
from trt_local.bot import codec
from trt_local.bot.texts_transfers import EN, RU
from trt_local.emulator import ChatMessage, EmulatedUser, TelegramEmulator

DETAILS = "Card 2200 1234 5678 9010\nHolder: A. Petrova <Sber>"
OLGA, PAVEL, ANN, BOB = 9001, 9002, 1001, 1002
HOUR = 3600


def ledger(home: Path) -> list[tuple[int, str, int, str]]:
    with sqlite3.connect(home / "trt.db") as conn:
        return conn.execute("SELECT user_id, kind, amount_minor, ref FROM ledger").fetchall()


def statuses(home: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(home / "trt.db") as conn:
        return conn.execute("SELECT id, status FROM payments ORDER BY id").fetchall()


async def ask_to_transfer(person: Person, amount_minor: int) -> ChatMessage:
    """/start, then the Bank transfer button for ``amount_minor``: the details screen."""
    person.user.mark_read()
    await person.send("/start")
    menu = await person.user.next_message()
    person.clock.jump(1)
    await person.user.press_data(codec.encode("xfer", amount_minor), menu.message_id)
    return await person.user.wait_for(
        lambda m: m.message_id == menu.message_id and "Card 2200" in m.content
    )


async def card(admin: EmulatedUser, number: int) -> ChatMessage:
    """The proof of transfer #``number`` as this admin got it, with its review buttons."""
    return await admin.wait_for(lambda m: f"Transfer #{number}:" in m.content and m.buttons != ())


def bot_with_one_admin(
    emu: TelegramEmulator, home: Path, clock: JumpClock
) -> AbstractAsyncContextManager[TrtApp]:
    return running_bot(emu, home, admin_ids=(OLGA,), clock=clock, payment_details=DETAILS)


async def answer_of(emu: TelegramEmulator, query_id: str) -> str:
    return (await emu.wait_callback_answer(query_id)).text or ""


async def test_two_admins_approving_at_once_credit_once_and_both_see_it(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    olga, pavel = emu.user(OLGA, "Olga"), emu.user(PAVEL, "Pavel")
    ann = Person(emu.user(ANN, "Ann"), clock)
    async with running_bot(
        emu, tmp_path, admin_ids=(OLGA, PAVEL), clock=clock, payment_details=DETAILS
    ) as app:
        details = await ask_to_transfer(ann, 15_000)
        assert "Transfer exactly ₽150 to:" in details.content
        assert "Holder: A. Petrova <Sber>" in details.content  # shown as typed, not as HTML

        await ann.user.send_photo(png(), caption="paid from Sber, 12:40")
        await ann.wait("Request #1 for ₽150 is under review")
        cards = [await card(admin, 1) for admin in (olga, pavel)]
        for proof in cards:
            assert proof.media_kind == "photo"
            assert "₽150" in proof.content and "Ann" in proof.content
            assert "Comment: paid from Sber, 12:40" in proof.content
            assert proof.button_texts == ["✅ Approve", "❌ Reject"]

        taps = await asyncio.gather(
            olga.press("✅ Approve", cards[0].message_id),
            pavel.press("✅ Approve", cards[1].message_id),
        )
        answers = sorted([await answer_of(emu, tap) for tap in taps])
        assert re.fullmatch(r"Already approved by (Olga|Pavel)\.", answers[0])
        assert answers[1] == "Approved: ₽150 credited, balance ₽150."

        confirmed = await ann.wait("is confirmed")
        assert (
            "Your transfer of ₽150 is confirmed (request #1). Balance: ₽150." in confirmed.content
        )
        for admin, proof in zip((olga, pavel), cards, strict=True):
            outcome = await admin.wait_for(
                lambda m, p=proof: m.message_id == p.message_id and "Approved by" in m.content
            )
            assert outcome.button_texts == []  # nothing left to press

        late = await olga.press_data(codec.encode("tra", 1), cards[0].message_id)
        assert (await answer_of(emu, late)).startswith("Already approved by")
        assert await app.services.billing.balance(ANN) == 15_000
    assert ledger(tmp_path) == [(ANN, "topup", 15_000, "transfer:1")]
    assert statuses(tmp_path) == [(1, "approved")]


async def test_reject_asks_a_reason_that_survives_a_restart_and_reaches_the_user(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    olga = emu.user(OLGA, "Olga")
    ivan = Person(emu.user(ANN, "Иван", language_code="ru"), clock)
    async with bot_with_one_admin(emu, tmp_path, clock):
        details = await ask_to_transfer(ivan, 50_000)
        assert "Переведите ровно <b>" not in details.content  # HTML was rendered, not shown
        assert "Переведите ровно 500 ₽:" in details.content

        await ivan.user.send_document(png(), "receipt.png", "image/png", caption="перевёл")
        await ivan.wait("Заявка №1 на 500 ₽ отправлена на проверку")
        proof = await card(olga, 1)
        assert proof.media_kind == "document"  # an image file stays a file
        await olga.press("❌ Reject", proof.message_id)
        await olga.wait_for(lambda m: "Why is transfer #1 (₽500 from Иван) rejected?" in m.content)

    async with bot_with_one_admin(emu, tmp_path, clock) as app:
        await olga.send("No payment of 500 ₽ arrived")
        await olga.wait_for(lambda m: "Transfer #1 rejected; the user got the reason." in m.content)
        told = await ivan.wait("отклонён")
        assert "Перевод на 500 ₽ отклонён (заявка №1)." in told.content
        assert "Причина: No payment of 500 ₽ arrived" in told.content
        await olga.wait_for(
            lambda m: (
                m.message_id == proof.message_id
                and "Rejected by Olga: No payment of 500 ₽ arrived" in m.content
            )
        )
        late = await olga.press_data(codec.encode("tra", 1), proof.message_id)
        assert await answer_of(emu, late) == "Already rejected by Olga."
        assert await app.services.billing.balance(ANN) == 0
    assert ledger(tmp_path) == []
    assert statuses(tmp_path) == [(1, "rejected")]


async def test_the_same_screenshot_twice_is_refused(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    olga = emu.user(OLGA, "Olga")
    ann = Person(emu.user(ANN, "Ann"), clock)
    async with bot_with_one_admin(emu, tmp_path, clock):
        await ask_to_transfer(ann, 15_000)
    async with bot_with_one_admin(emu, tmp_path, clock) as app:
        # The wait for the proof survived the restart.
        first = await ann.user.send_photo(png(), caption="paid")
        await ann.wait("under review")
        await card(olga, 1)

        details = await ask_to_transfer(ann, 15_000)
        await ann.user.send_again(first.message_id, caption="paid, here it is again")
        await ann.wait("This screenshot was already submitted.")
        assert [t.id for t in await app.services.transfers.pending()] == [1]

        # Another button means Ann moved on: a photo now is not taken as a proof.
        await ann.press("🏠 Menu", details.message_id)
        await ann.wait("What shall we make?")
        await ann.user.send_photo(png(32, 32))
        await ann.wait("I am not waiting for a file right now")
        assert [t.id for t in await app.services.transfers.pending()] == [1]
    assert sum(m.buttons != () for m in olga.messages) == 1  # one card, for the one request
    assert statuses(tmp_path) == [(1, "pending")]


async def test_an_unreviewed_request_expires_and_the_user_is_told(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    olga = emu.user(OLGA, "Olga")
    ann = Person(emu.user(ANN, "Ann"), clock)
    async with running_bot(
        emu,
        tmp_path,
        admin_ids=(OLGA,),
        clock=clock,
        support="@trt_support",
        payment_details=DETAILS,
    ) as app:
        await ask_to_transfer(ann, 15_000)
        await ann.user.send_photo(png())
        await ann.wait("under review")
        proof = await card(olga, 1)
        watch = app.services.transfer_watch

        clock.jump(71 * HOUR)
        await watch.run_once()
        assert statuses(tmp_path) == [(1, "pending")]  # 71 h: still open

        clock.jump(2 * HOUR)
        watch.wake()
        told = await ann.wait("closed")
        assert "Request #1 for ₽150 closed: nobody checked it in time." in told.content
        assert "contact support: @trt_support" in told.content
        await olga.wait_for(
            lambda m: m.message_id == proof.message_id and "Closed without review." in m.content
        )
        late = await olga.press_data(codec.encode("tra", 1), proof.message_id)
        assert await answer_of(emu, late) == "This request has already closed without review."
        assert await app.services.billing.balance(ANN) == 0
    assert ledger(tmp_path) == []
    assert statuses(tmp_path) == [(1, "expired")]


async def test_a_non_admin_pressing_approve_with_forged_data_is_refused(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    olga = emu.user(OLGA, "Olga")
    ann = Person(emu.user(ANN, "Ann"), clock)
    bob = Person(emu.user(BOB, "Bob"), clock)
    async with running_bot(
        emu, tmp_path, admin_ids=(OLGA,), clock=clock, payment_details=DETAILS
    ) as app:
        await ask_to_transfer(ann, 15_000)
        await ann.user.send_photo(png())
        await ann.wait("under review")
        await card(olga, 1)
        await bob.send("/start")
        await bob.user.next_message()

        for forger, data in ((bob, "tra"), (ann, "tra"), (bob, "trr")):
            clock.jump(1)
            query = await forger.user.press_data(codec.encode(data, 1))
            answer = await emu.wait_callback_answer(query)
            assert (answer.text, answer.show_alert) == ("Not allowed.", True)
        await bob.send("approve it, please")  # not taken as a reject reason
        await bob.wait("I understand menu buttons and commands")

        assert await app.services.billing.balance(ANN) == 0
        assert [t.status for t in await app.services.transfers.pending()] == ["pending"]
    assert ledger(tmp_path) == []


async def test_without_payment_details_transfers_are_off(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    olga = emu.user(OLGA, "Olga")
    async with running_bot(emu, tmp_path, admin_ids=(OLGA,), clock=clock) as app:
        assert app.services.payment_details == ""  # the top-up screen offers no transfer then
        people = (
            (Person(emu.user(ANN, "Ann"), clock), "not available", "not waiting for a file"),
            (Person(emu.user(BOB, "Борис", language_code="ru"), clock), "недоступна", "не жду"),
        )
        for person, unavailable, stray in people:
            await person.send("/start")
            menu = await person.user.next_message()
            clock.jump(1)
            query = await person.user.press_data(codec.encode("xfer", 15_000), menu.message_id)
            answer = await emu.wait_callback_answer(query)
            assert unavailable in (answer.text or "") and answer.show_alert
            await person.user.send_photo(png())
            await person.wait(stray)
    assert statuses(tmp_path) == [] and olga.messages == []


def test_every_transfer_text_exists_in_russian_and_english() -> None:
    assert RU.keys() == EN.keys()
    fields = re.compile(r"{(\w+)}")
    for key in EN:
        assert set(fields.findall(RU[key])) == set(fields.findall(EN[key])), key
        assert RU[key] != EN[key] or key.startswith("btn."), key
