"""How a manual transfer reads in Telegram: the admins' proof card and the user's outcome."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from trt_local.bot import texts_transfers  # noqa: F401 - registers the transfer texts
from trt_local.bot.keyboards import button
from trt_local.bot.texts import t
from trt_local.core.money import format_money
from trt_local.storage.transfers import TransferRecord

CAPTION_COMMENT = 400  # a photo caption holds 1024 characters: card, comment and outcome fit
CAPTION_REASON = 300


def review_keyboard(lang: str, payment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t(lang, "btn.xfer_approve"), "tra", payment_id),
                button(t(lang, "btn.xfer_reject"), "trr", payment_id),
            ]
        ]
    )


def admin_caption(
    lang: str, transfer: TransferRecord, user_name: str, currency: str, decided_by: str = ""
) -> str:
    """The proof card; once decided, the outcome is added below."""
    lines = [
        t(
            lang,
            "xfer.admin_card",
            id=transfer.id,
            amount=format_money(transfer.amount_minor, currency, lang),
            name=escape(user_name),
            user=transfer.user_id,
        )
    ]
    if transfer.comment:
        lines.append(
            t(lang, "xfer.admin_comment", comment=escape(transfer.comment[:CAPTION_COMMENT]))
        )
    if transfer.status == "approved":
        lines.append("\n" + t(lang, "xfer.admin_approved", admin=escape(decided_by)))
    elif transfer.status == "rejected":
        reason = escape(transfer.reason[:CAPTION_REASON])
        lines.append("\n" + t(lang, "xfer.admin_rejected", admin=escape(decided_by), reason=reason))
    elif transfer.status == "expired":
        lines.append("\n" + t(lang, "xfer.admin_expired"))
    return "\n".join(lines)


def already_decided(lang: str, transfer: TransferRecord, decided_by: str) -> str:
    """The answer to a tap on a transfer someone (or the clock) has decided already."""
    key = {
        "approved": "xfer.already_approved",
        "rejected": "xfer.already_rejected",
        "expired": "xfer.already_expired",
    }.get(transfer.status, "xfer.unknown")
    return t(lang, key, admin=decided_by)


def user_outcome(
    lang: str, transfer: TransferRecord, balance_minor: int | None, currency: str, contact: str
) -> str:
    amount = format_money(transfer.amount_minor, currency, lang)
    if transfer.status == "approved":
        balance = format_money(balance_minor or 0, currency, lang)
        return t(lang, "xfer.user_approved", id=transfer.id, amount=amount, balance=balance)
    if transfer.status == "rejected":
        reason = escape(transfer.reason)
        return t(lang, "xfer.user_rejected", id=transfer.id, amount=amount, reason=reason)
    if contact:
        return t(lang, "xfer.user_expired_contact", id=transfer.id, amount=amount, contact=contact)
    return t(lang, "xfer.user_expired", id=transfer.id, amount=amount)
