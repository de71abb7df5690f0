"""Telegram Stars: invoice → pre-checkout query → successful_payment, declines and refunds."""

from __future__ import annotations

import pytest
from telegram import Bot, LabeledPrice, Update
from telegram.error import BadRequest
from telegram.ext import (
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from tests.emulator.conftest import make_app, running
from trt_local.emulator import EmulatorError, TelegramEmulator


async def _buy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send a 50-star invoice whose payload names the package."""
    assert update.effective_chat is not None
    await context.bot.send_invoice(
        update.effective_chat.id, "50 credits", "Top-up", "pkg:50", "XTR", [LabeledPrice("x", 50)]
    )


async def _check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Accept known payloads, decline the rest."""
    query = update.pre_checkout_query
    assert query is not None
    if query.invoice_payload.startswith("pkg:"):
        await query.answer(ok=True)
    else:
        await query.answer(ok=False, error_message="Unknown package")


async def _paid(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm the payment with its charge id."""
    assert update.message is not None and update.message.successful_payment is not None
    payment = update.message.successful_payment
    await update.message.reply_text(f"paid {payment.total_amount} {payment.currency}")


def _payments_app(emu: TelegramEmulator):  # type: ignore[no-untyped-def]
    app = make_app(emu)
    app.add_handler(CommandHandler("buy", _buy))
    app.add_handler(PreCheckoutQueryHandler(_check))
    app.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, _paid))
    return app


async def test_stars_payment_end_to_end(emu: TelegramEmulator) -> None:
    ann = emu.user(42)
    async with running(_payments_app(emu)):
        await ann.send("/buy")
        invoice = await ann.next_message()
        assert invoice.media_kind == "invoice"
        assert invoice.raw["invoice"]["total_amount"] == 50
        outcome = await ann.pay(invoice.message_id)
        confirmation = await ann.next_message()
    assert outcome.ok and outcome.charge_id is not None
    assert confirmation.text == "paid 50 XTR"
    [payment] = emu.payments
    assert (payment.charge_id, payment.user_id, payment.payload) == (
        outcome.charge_id,
        42,
        "pkg:50",
    )
    with pytest.raises(EmulatorError, match=r"already paid"):
        await ann.pay(invoice.message_id)


async def test_declined_pre_checkout_creates_no_payment(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    invoice = await bot.send_invoice(42, "Odd", "Odd thing", "odd", "XTR", [LabeledPrice("x", 5)])
    async with running(_payments_app(emu)):
        outcome = await ann.pay(invoice.message_id)
    assert (outcome.ok, outcome.error_message) == (False, "Unknown package")
    assert emu.payments == []


async def test_charge_ids_are_unique_and_refund_once(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(42)
    charges: list[str] = []
    async with running(_payments_app(emu)):
        for _ in range(2):
            await ann.send("/buy")
            invoice = await ann.next_message()
            outcome = await ann.pay(invoice.message_id)
            assert outcome.charge_id is not None
            charges.append(outcome.charge_id)
            assert (await ann.next_message()).text == "paid 50 XTR"
    assert len(set(charges)) == 2
    assert await bot.refund_star_payment(42, charges[0])
    with pytest.raises(BadRequest, match=r"(?i)CHARGE_ALREADY_REFUNDED"):
        await bot.refund_star_payment(42, charges[0])
    with pytest.raises(BadRequest, match=r"(?i)CHARGE_NOT_FOUND"):
        await bot.refund_star_payment(43, charges[1])
    assert [p.refunded for p in emu.payments] == [True, False]


async def test_stars_invoice_rules(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(42)
    prices = [LabeledPrice("a", 1), LabeledPrice("b", 2)]
    with pytest.raises(BadRequest, match=r"(?i)exactly one price"):
        await bot.send_invoice(42, "T", "D", "p", "XTR", prices)
    with pytest.raises(BadRequest, match=r"(?i)provider_token must be empty"):
        await bot.send_invoice(42, "T", "D", "p", "XTR", prices[:1], provider_token="tok")


async def test_a_payment_message_can_reach_the_bot_twice(emu: TelegramEmulator) -> None:
    """A duplicate delivery: the same successful_payment (same charge id) as a second update."""
    ann = emu.user(42)
    async with running(_payments_app(emu)):
        await ann.send("/buy")
        invoice = await ann.next_message()
        outcome = await ann.pay(invoice.message_id)
        assert (await ann.next_message()).text == "paid 50 XTR"
        assert outcome.message_id is not None
        update_id = await ann.redeliver(outcome.message_id)
        assert (await ann.next_message()).text == "paid 50 XTR"
    assert update_id > 0 and len(emu.payments) == 1
    with pytest.raises(EmulatorError, match=r"not this user's"):
        await ann.redeliver(invoice.message_id)  # the bot's invoice, not a message of Ann's
