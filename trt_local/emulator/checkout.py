"""The user's side of a Telegram Stars payment: pre-checkout query, the bot's answer, the receipt.

Telegram asks the bot with a ``pre_checkout_query`` and charges only when the bot answers ``ok``;
the payment then arrives as a user message with ``successful_payment`` and a unique
``telegram_payment_charge_id`` (the id ``refundStarPayment`` takes).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from trt_local.emulator.errors import EmulatorError
from trt_local.emulator.records import PaymentOutcome, StarPayment
from trt_local.emulator.state import ChatState, PreCheckout

if TYPE_CHECKING:
    from trt_local.emulator.world import TelegramEmulator


async def pay_invoice(
    emu: TelegramEmulator,
    chat: ChatState,
    invoice_message_id: int,
    timeout: float,  # noqa: ASYNC109 - Telegram too gives the bot a bounded time to answer
) -> PaymentOutcome:
    state = emu.state
    invoice = chat.invoices.get(invoice_message_id)
    if invoice is None or invoice_message_id not in chat.messages:
        raise EmulatorError(f"message #{invoice_message_id} is not an invoice in this chat")
    if invoice.paid:
        raise EmulatorError(f"invoice #{invoice_message_id} is already paid")
    if chat.blocked:
        raise EmulatorError(f"user {chat.user.id} has blocked the bot; call unblock() first")
    query_id = state.unique_id()
    query = PreCheckout(chat.user.id, invoice_message_id)
    state.pre_checkouts[query_id] = query
    state.push_update(
        "pre_checkout_query",
        {
            "id": query_id,
            "from": chat.user.user_json(),
            "currency": invoice.currency,
            "total_amount": invoice.total_amount,
            "invoice_payload": invoice.payload,
        },
    )
    await emu.commit()
    try:
        await emu.wait_until(lambda: True if query.answered else None, timeout)
    except TimeoutError:
        raise TimeoutError(
            f"the bot did not answer the pre-checkout query within {timeout}s"
        ) from None
    if not query.ok:
        return PaymentOutcome(ok=False, error_message=query.error_message)
    if invoice.paid:  # a concurrent pay() of the same invoice won the race
        raise EmulatorError(f"invoice #{invoice_message_id} is already paid")
    charge_id = f"stx{secrets.token_urlsafe(24)}"
    invoice.paid = True
    state.payments[charge_id] = StarPayment(
        charge_id, chat.user.id, invoice.currency, invoice.total_amount, invoice.payload
    )
    receipt = state.user_message(
        chat,
        {
            "successful_payment": {
                "currency": invoice.currency,
                "total_amount": invoice.total_amount,
                "invoice_payload": invoice.payload,
                "telegram_payment_charge_id": charge_id,
                "provider_payment_charge_id": "",
            }
        },
    )
    await emu.commit()
    return PaymentOutcome(ok=True, charge_id=charge_id, message_id=receipt["message_id"])
