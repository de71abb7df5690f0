"""Telegram Stars top-ups end to end: the real Application, real SQLite, the emulator's payments."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

from telegram import LabeledPrice

from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person, new_invoice
from trt_local.app import TrtApp
from trt_local.emulator import ChatEvent, ChatMessage, TelegramEmulator, faults
from trt_local.kie import KieSandbox

ADMIN = 900
ANN = 5001
BOB = 5002


def rows(home: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(home / "trt.db")) as conn:
        return conn.execute(sql, params).fetchall()


def money(home: Path, user_id: int) -> list[tuple[object, ...]]:
    """The user's ledger: (kind, amount) oldest first."""
    return rows(
        home, "SELECT kind, amount_minor FROM ledger WHERE user_id = ? ORDER BY id", user_id
    )


def balance(home: Path, user_id: int) -> int:
    [(value,)] = rows(home, "SELECT balance_minor FROM users WHERE id = ?", user_id)
    assert isinstance(value, int)
    return value


def payload_of(home: Path, payment_id: int) -> str:
    [(payload,)] = rows(home, "SELECT payload FROM payments WHERE id = ?", payment_id)
    assert isinstance(payload, str)
    return payload


async def settled(emu: TelegramEmulator, app: TrtApp) -> None:
    """Every update sent so far was fetched, confirmed and handled (no wall-clock wait)."""
    await emu.wait_until(lambda: True if emu.pending_updates == 0 and emu.is_polling else None, 5)
    assert app.application is not None
    await app.application.update_queue.join()


async def open_invoice(person: Person, preset: str) -> ChatMessage:
    return await new_invoice(person, "💳 Top up", preset)


async def test_stars_top_up_credits_once_with_a_receipt(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        await ann.send("/start")
        await ann.send("/balance")
        screen = await ann.wait("Balance: ₽0")
        assert {"💳 Top up", "👥 Invite friends", "🎟 Promo code", "📜 History", "🏠 Menu"} <= set(
            screen.button_texts
        )
        await ann.press("💳 Top up")
        top_up = await ann.wait_button("₽100 · 160 ⭐")
        assert {"₽50 · 80 ⭐", "₽150 · 240 ⭐", "₽500 · 800 ⭐", "✏️ Other amount"} <= set(
            top_up.button_texts
        )
        assert "from ₽50 to ₽50 000" in top_up.content
        await ann.press("₽100 · 160 ⭐")
        offer = await ann.wait("costs 160 ⭐")  # the price in Stars is said before paying
        assert "₽100" in offer.content
        invoice = await ann.user.wait_for(lambda m: m.media_kind == "invoice")
        assert (invoice.raw["invoice"]["currency"], invoice.raw["invoice"]["total_amount"]) == (
            "XTR",
            160,
        )
        [send] = emu.calls_to("sendInvoice")
        assert send.params.get("provider_token", "") == ""

        outcome = await ann.user.pay(invoice.message_id)
        assert outcome.ok and outcome.message_id is not None
        receipt = await ann.wait("Payment received")
        assert (
            "+₽100 (160 ⭐), payment #1" in receipt.content and "Balance: ₽100" in receipt.content
        )

        # Telegram hands the same successful_payment over again: nothing more is credited, and
        # the user hears nothing more (no second receipt, no error).
        seen = len(ann.user.messages)
        await ann.user.redeliver(outcome.message_id)
        await settled(emu, app)
        assert len(ann.user.messages) == seen
    assert money(tmp_path, ANN) == [("topup", 10_000)]
    assert sum("Payment received" in m.content for m in ann.user.messages) == 1
    assert rows(tmp_path, "SELECT status, external_id FROM payments") == [
        ("paid", outcome.charge_id)
    ]


async def test_pre_checkout_refuses_foreign_paid_expired_mismatched_and_blocked(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock) as app:
        assert app.application is not None and app.services is not None
        bot = app.application.bot
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        bob = Person(emu.user(BOB, "Bob", language_code="en"), clock)
        await bob.send("/start")
        first = await open_invoice(ann, "₽50 · 80 ⭐")
        ann_payload = payload_of(tmp_path, 1)

        async def forged(user_id: int, payload: str, stars: int) -> int:
            """An invoice carrying ``payload`` (as if forwarded or replayed) in ``user_id``'s chat."""
            message = await bot.send_invoice(
                user_id, "Top-up", "Top-up", payload, "XTR", [LabeledPrice("Top-up", stars)]
            )
            return message.message_id

        # Someone else's payload.
        refused = await bob.user.pay(await forged(BOB, ann_payload, 80))
        assert (refused.ok, refused.error_message) == (
            False,
            "This invoice is not known. Open the top-up again: /balance",
        )
        # The right payload at the wrong price.
        refused = await ann.user.pay(await forged(ANN, ann_payload, 1))
        assert not refused.ok and "amount does not match" in (refused.error_message or "")
        # Paid already: the same payload again.
        assert (await ann.user.pay(first.message_id)).ok
        await ann.wait("Payment received")
        refused = await ann.user.pay(await forged(ANN, ann_payload, 80))
        assert not refused.ok and "paid already" in (refused.error_message or "")
        # Out of date: an invoice a day and more old.
        stale = await open_invoice(ann, "₽100 · 160 ⭐")
        clock.jump(25 * 3600)
        refused = await ann.user.pay(stale.message_id)
        assert not refused.ok and "out of date" in (refused.error_message or "")
        # A blocked user pays nothing.
        fresh = await open_invoice(ann, "₽150 · 240 ⭐")
        await app.services.admin.set_blocked(ADMIN, ANN, True)
        refused = await ann.user.pay(fresh.message_id)
        assert (refused.ok, refused.error_message) == (
            False,
            "Your access to this bot is restricted.",
        )
    assert [p.payload for p in emu.payments] == [ann_payload]  # Telegram took only one payment
    assert money(tmp_path, ANN) == [("topup", 5_000)]
    assert money(tmp_path, BOB) == []


async def test_a_payment_taken_as_the_user_is_blocked_is_still_credited(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    """Blocked between the ok pre-checkout and the payment: Telegram has the Stars, so we record
    them (and they can be refunded) instead of dropping the payment at the gate."""
    clock = JumpClock()

    def block_on_ok(event: ChatEvent) -> None:
        # Runs right after the bot answered ok, before Telegram sends successful_payment.
        if event.kind == "pre_checkout_answer" and event.text is None:
            with contextlib.closing(sqlite3.connect(tmp_path / "trt.db")) as conn, conn:
                conn.execute("UPDATE users SET blocked = 1 WHERE id = ?", (ANN,))

    async with running_bot(emu, tmp_path, clock=clock):
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        invoice = await open_invoice(ann, "₽50 · 80 ⭐")
        emu.on_change(block_on_ok)
        assert (await ann.user.pay(invoice.message_id)).ok
        receipt = await ann.wait("Payment received")
    assert "Balance: ₽50" in receipt.content
    assert money(tmp_path, ANN) == [("topup", 5_000)]
    assert rows(tmp_path, "SELECT blocked FROM users WHERE id = ?", ANN) == [(1,)]


async def test_custom_amount_out_of_range_or_not_a_number_says_the_range(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock):
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        await ann.send("/balance")
        await ann.press("💳 Top up")
        await ann.press("✏️ Other amount")
        await ann.wait("Type the amount to top up, from ₽50 to ₽50 000")
        for typed in ("lots", "10", "50001", "-70"):
            ann.user.mark_read()
            await ann.send(typed)
            answer = await ann.user.next_message()
            assert answer.content.startswith(
                "That won't do: the amount must be from ₽50 to ₽50 000"
            )
            assert "✏️ Other amount" in answer.button_texts  # the top-up screen again
        await ann.send("75")
        await ann.wait("A top-up of ₽75 costs 120 ⭐")
        invoice = await ann.user.wait_for(lambda m: m.media_kind == "invoice")
        assert invoice.raw["invoice"]["total_amount"] == 120
        # The question is answered: another number is not an amount any more.
        ann.user.mark_read()
        await ann.send("80")
        assert "menu buttons" in (await ann.user.next_message()).content
    assert rows(tmp_path, "SELECT amount_minor, stars, status FROM payments") == [
        (7_500, 120, "open")
    ]


async def test_another_button_forgets_the_amount_question(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock):
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        await ann.send("/balance")
        await ann.press("💳 Top up")
        await ann.press("✏️ Other amount")
        await ann.wait("Type the amount")
        await ann.press("« Back")  # back to the top-up screen: the question is dropped
        await ann.wait_button("✏️ Other amount")
        ann.user.mark_read()
        await ann.send("100")
        assert "menu buttons" in (await ann.user.next_message()).content
    assert rows(tmp_path, "SELECT COUNT(*) FROM payments") == [(0,)]


async def test_admin_refund_takes_the_money_back_and_tells_the_user(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        ann = Person(emu.user(ANN, "Ann", language_code="ru"), clock)
        invoice = await new_invoice(ann, "💳 Пополнить", "100 ₽ · 160 ⭐")
        assert (await ann.user.pay(invoice.message_id)).ok
        await ann.wait("Оплата получена")

        await boss.send("/refund_stars 1")
        done = await boss.wait("Payment #1 refunded")
        assert "160 ⭐ to user 5001, ₽100 taken from the balance" in done.content
        assert "User's balance: ₽0" in done.content and "The user was told" in done.content
        told = await ann.wait("Платёж №1 возвращён")
        assert "160 ⭐ вернутся" in told.content and "Баланс: 0 ₽" in told.content

        await boss.send("/refund_stars 1")  # again: Telegram is not asked twice
        await boss.wait("Payment #1 was refunded already")
    assert [p.refunded for p in emu.payments] == [True]
    assert len(emu.calls_to("refundStarPayment")) == 1
    assert money(tmp_path, ANN) == [("topup", 10_000), ("payment_refund", -10_000)]
    assert rows(tmp_path, "SELECT status, actor_id FROM payments") == [("refunded", ADMIN)]


async def test_refund_moves_money_only_once_telegram_has_refunded(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock) as app:
        assert app.application is not None
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        invoice = await open_invoice(ann, "₽100 · 160 ⭐")
        outcome = await ann.user.pay(invoice.message_id)
        assert outcome.ok and outcome.charge_id is not None
        await ann.wait("Payment received")

        emu.inject("refundStarPayment", faults.network_error())
        await boss.send("/refund_stars 1")
        await boss.wait("Telegram did not confirm the refund of payment #1")
        emu.inject("refundStarPayment", faults.bad_request("CHARGE_NOT_FOUND"))
        await boss.send("/refund_stars 1")
        refused = await boss.wait("Telegram refused to refund payment #1")
        assert "Nothing changed" in refused.content
        assert money(tmp_path, ANN) == [("topup", 10_000)]

        # As if an earlier call had refunded and only its answer was lost: Telegram now says
        # "already refunded", which completes the refund here, once.
        await app.application.bot.refund_star_payment(ANN, outcome.charge_id)
        await boss.send("/refund_stars 1")
        await boss.wait("Payment #1 refunded")
        await ann.wait("Payment #1 was refunded")
    assert money(tmp_path, ANN) == [("topup", 10_000), ("payment_refund", -10_000)]


async def test_refund_is_refused_once_the_money_is_spent(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock, sandbox = JumpClock(), KieSandbox(speed=0)
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock, sandbox=sandbox):
        boss = Person(emu.user(ADMIN, "Boss", language_code="en"), clock)
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        invoice = await open_invoice(ann, "₽50 · 80 ⭐")
        assert (await ann.user.pay(invoice.message_id)).ok
        await ann.wait("Payment received")
        await ann.paid_image("a lighthouse at dawn")  # ₽5.11 of the ₽50 is spent
        await ann.wait("queued")

        await boss.send("/refund_stars 1")
        refused = await boss.wait("cannot be refunded")
        assert "the user's balance is ₽44.89 and ₽50 would have to be taken" in refused.content
        assert "Nothing changed" in refused.content
    assert emu.calls_to("refundStarPayment") == [] and not emu.payments[0].refunded
    assert money(tmp_path, ANN) == [("topup", 5_000), ("charge", -511)]
    assert rows(tmp_path, "SELECT status FROM payments") == [("paid",)]


async def test_refund_stars_from_a_non_admin_is_an_unknown_command(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, admin_ids=[ADMIN], clock=clock):
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        bob = Person(emu.user(BOB, "Bob", language_code="en"), clock)
        invoice = await open_invoice(ann, "₽100 · 160 ⭐")
        assert (await ann.user.pay(invoice.message_id)).ok
        await ann.wait("Payment received")

        bob.user.mark_read()
        await bob.send("/refund_stars 1")
        answer = await bob.user.next_message()
        assert answer.content == "I don't know that command. Here is the menu:"
    assert emu.calls_to("refundStarPayment") == [] and not emu.payments[0].refunded
    assert money(tmp_path, ANN) == [("topup", 10_000)]
    assert balance(tmp_path, ANN) == 10_000


async def test_paysupport_and_terms(emu: TelegramEmulator, tmp_path: Path) -> None:
    clock = JumpClock()
    async with running_bot(emu, tmp_path, clock=clock, support="@trt_help"):
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        ivan = Person(emu.user(BOB, "Ivan", language_code="ru"), clock)
        await ann.send("/paysupport")
        support = await ann.wait("Payment questions")
        assert "@trt_help" in support.content and "refunded while that money is unspent" in (
            support.content
        )
        await ivan.send("/paysupport")
        await ivan.wait("Вопросы об оплате")
        await ann.send("/terms")
        await ann.wait("A top-up is a prepayment for generations")
        await ivan.send("/terms")
        await ivan.wait("Пополнение баланса — предоплата за генерации")
    published = [json.loads(c.params["commands"]) for c in emu.calls_to("setMyCommands")]
    assert len(published) == 2  # ru and en menus of commands
    for commands in published:
        assert {"balance", "paysupport", "terms"} <= {c["command"] for c in commands}


async def test_terms_from_the_config_are_shown_as_written(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    terms = "Our terms: <b> is not markup here.\nRefunds within 14 days."
    async with running_bot(emu, tmp_path, clock=clock, terms=terms):
        ann = Person(emu.user(ANN, "Ann", language_code="en"), clock)
        await ann.send("/terms")
        shown = await ann.wait("Our terms")
    assert shown.content == terms
