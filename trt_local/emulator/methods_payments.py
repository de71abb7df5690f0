"""Bot API payment methods for Telegram Stars: sendInvoice, answerPreCheckoutQuery, refunds.

The user side of a payment (the pre-checkout query and the ``successful_payment`` message) lives in
``users.py``; this module holds what the bot calls.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from trt_local.emulator.errors import bad_request
from trt_local.emulator.methods_bot import Handler
from trt_local.emulator.methods_messages import apply_markup, reply_fields
from trt_local.emulator.params import Params
from trt_local.emulator.state import EmulatorState, Invoice

STARS = "XTR"


def _checked(value: str, name: str, low: int, high: int, *, in_bytes: bool = False) -> str:
    size = len(value.encode()) if in_bytes else len(value)
    if not low <= size <= high:
        raise bad_request(f"{name.upper()}_INVALID")
    return value


def _total(p: Params, currency: str) -> int:
    prices = p.decoded("prices", what="prices")
    if not isinstance(prices, list) or not prices:
        raise bad_request("can't parse prices JSON object")
    amounts = [price.get("amount") if isinstance(price, dict) else None for price in prices]
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in amounts):
        raise bad_request("can't parse prices JSON object")
    if currency == STARS and len(prices) != 1:
        raise bad_request("exactly one price must be specified for payments in Telegram Stars")
    total = sum(a for a in amounts if isinstance(a, int))
    if total <= 0:
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
    return total


def send_invoice(state: EmulatorState, p: Params) -> dict[str, Any]:
    chat = state.writable_chat(p.chat_id())
    title = _checked(p.string("title"), "title", 1, 32)
    description = _checked(p.string("description"), "description", 1, 255)
    payload = _checked(p.string("payload"), "payload", 1, 128, in_bytes=True)
    currency = p.string("currency", required=True)
    provider_token = p.string("provider_token")
    if currency == STARS and provider_token:
        raise bad_request("provider_token must be empty for payments in Telegram Stars")
    if currency != STARS and not provider_token:
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    total = _total(p, currency)
    body: dict[str, Any] = {
        "invoice": {
            "title": title,
            "description": description,
            "start_parameter": p.string("start_parameter"),
            "currency": currency,
            "total_amount": total,
        }
    }
    reply_fields(state, chat, p, body)
    apply_markup(chat, body, p)
    message = state.add_message(chat, body, from_bot=True)
    chat.invoices[message["message_id"]] = Invoice(currency, total, payload)
    return message


def answer_pre_checkout_query(state: EmulatorState, p: Params) -> bool:
    query = state.pre_checkouts.get(p.string("pre_checkout_query_id", required=True))
    if query is None or query.answered:
        raise bad_request("QUERY_ID_INVALID")
    ok = p.flag("ok")
    error_message = p.opt_str("error_message")
    if not ok and not error_message:
        raise bad_request("error_message is empty")
    query.answered, query.ok, query.error_message = True, ok, None if ok else error_message
    state.changed("pre_checkout_answer", query.chat_id, text=query.error_message)
    return True


def refund_star_payment(state: EmulatorState, p: Params) -> bool:
    charge_id = p.string("telegram_payment_charge_id", required=True)
    payment = state.payments.get(charge_id)
    if payment is None or payment.user_id != p.integer("user_id", required=True):
        raise bad_request("CHARGE_NOT_FOUND")
    if payment.refunded:
        raise bad_request("CHARGE_ALREADY_REFUNDED")
    state.payments[charge_id] = dataclasses.replace(payment, refunded=True)
    state.changed()
    return True


METHODS: dict[str, Handler] = {
    "sendInvoice": send_invoice,
    "answerPreCheckoutQuery": answer_pre_checkout_query,
    "refundStarPayment": refund_star_payment,
}
