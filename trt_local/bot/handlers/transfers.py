"""Manual bank transfers: the details and the proof (users); Approve and Reject (admins).

The top-up screen's Bank transfer button (``xfer|<amount_minor>``) shows the payment details and
the exact amount, and the bot waits for the proof: a photo or an image file, its caption the
comment. The wait is stored, so it survives a restart; a command or another button forgets it.
Photos and texts reach this module before the wizard: what is not for a transfer (no wait
stored) is handed on to the wizard unchanged. The messages that follow a proof or a decision —
the card to every admin, the outcome to the user — are the transfer desk's (TransferWatch).
"""

from __future__ import annotations

import logging
from html import escape

from telegram import Message, Update

from trt_local.bot import codec
from trt_local.bot.context import Ctx
from trt_local.bot.handlers import referrals, wizard
from trt_local.bot.keyboards import with_nav
from trt_local.bot.screens import send_menu, show
from trt_local.bot.texts import t
from trt_local.bot.transfer_notifier import name_of
from trt_local.bot.transfer_view import already_decided
from trt_local.core.errors import TransferRefusal, TransferRefused
from trt_local.core.money import format_money

log = logging.getLogger("trt.bot.transfers")

# Buttons that keep a stored wait: the transfer's own. Any other press means the person moved on.
KEEPS_WAIT = frozenset({"xfer", "tra", "trr"})


def _money(context: Ctx, minor: int) -> str:
    return format_money(minor, context.services.settings.prices.currency, context.lang)


def _refusal(context: Ctx, refused: TransferRefused) -> str:
    if refused.code is TransferRefusal.OUT_OF_RANGE:
        low, high = refused.params["min_minor"], refused.params["max_minor"]
        return t(context.lang, "xfer.range", min=_money(context, low), max=_money(context, high))
    key = {
        TransferRefusal.OFF: "xfer.off",
        TransferRefusal.BLOCKED: "xfer.blocked",
        TransferRefusal.ALREADY_SUBMITTED: "xfer.duplicate",
    }.get(refused.code, "xfer.unknown")
    return t(context.lang, key)


def _number_arg(update: Update) -> int:
    data = codec.decode(update.callback_query.data if update.callback_query else None)
    arg = data.arg(0) if data else ""
    return int(arg) if arg.isdigit() else 0


# -- the user's side -----------------------------------------------------------------------------
async def offer(update: Update, context: Ctx) -> None:
    """Bank transfer button: the details and the exact amount, then wait for the proof."""
    query = update.callback_query
    assert query is not None and context.user is not None
    amount = _number_arg(update)  # in minor units; anything else is refused as out of range
    try:
        offered = await context.services.transfers.start(context.user, amount)
    except TransferRefused as refused:
        await query.answer(_refusal(context, refused), show_alert=True)
        return
    await query.answer()
    text = t(
        context.lang,
        "xfer.details",
        amount=_money(context, offered.amount_minor),
        details=escape(offered.details),
        hours=offered.expiry_hours,
    )
    await show(update, context, text, with_nav([], context.lang, "bal"))


def _proof(message: Message) -> tuple[str, str] | None:
    """(file_id, file_unique_id) of a photo or an image file."""
    if message.photo:
        photo = message.photo[-1]
        return photo.file_id, photo.file_unique_id
    doc = message.document
    if doc is not None and (doc.mime_type or "").startswith("image/"):
        return doc.file_id, doc.file_unique_id
    return None


async def on_media(update: Update, context: Ctx) -> None:
    """A photo or file: the proof of a transfer if one is awaited, else the wizard's."""
    assert context.user is not None
    transfers = context.services.transfers
    if await transfers.awaited_proof(context.user.id) is not None:
        # One at a time per user: two screenshots sent together make one request, not two.
        async with context.bot_data.user_lock(context.user.id):
            taken = await _take_proof(update, context)
        if taken:
            return
    await wizard.on_media(update, context)


async def _take_proof(update: Update, context: Ctx) -> bool:
    assert context.user is not None and update.message is not None
    message, lang = update.message, context.lang
    transfers = context.services.transfers
    amount = await transfers.awaited_proof(context.user.id)
    if amount is None:
        return False  # the other screenshot of the pair made the request
    picked = _proof(message)
    if picked is None:
        await message.reply_text(t(lang, "xfer.need_image", amount=_money(context, amount)))
        return True
    file_id, unique_id = picked
    try:
        record = await transfers.submit_proof(
            context.user, amount, file_id, unique_id, message.caption or ""
        )
    except TransferRefused as refused:
        await message.reply_text(_refusal(context, refused))
        return True
    text = t(lang, "xfer.submitted", id=record.id, amount=_money(context, amount))
    await send_menu(update, context, text)
    return True


async def on_text(update: Update, context: Ctx) -> None:
    """Text: an admin's reject reason, a nudge towards the proof, else the wizard's."""
    assert context.user is not None and update.message is not None
    transfers = context.services.transfers
    if context.user.is_admin:
        payment_id = await transfers.awaited_reason(context.user.id)
        if payment_id is not None:
            await _reject_with_reason(update, context, payment_id, update.message.text or "")
            return
    amount = await transfers.awaited_proof(context.user.id)
    if amount is not None:
        await update.message.reply_text(
            t(context.lang, "xfer.need_image", amount=_money(context, amount))
        )
        return
    await wizard.on_text(update, context)


async def forget_on_press(update: Update, context: Ctx) -> None:
    """Any other button: the person moved on, so their next photo or text is not for us."""
    data = codec.decode(update.callback_query.data if update.callback_query else None)
    if context.user is None or (data is not None and data.action in KEEPS_WAIT):
        return
    await context.services.transfers.forget(context.user.id)


# -- the admins' side ----------------------------------------------------------------------------
async def _admin_only(update: Update, context: Ctx) -> bool:
    query = update.callback_query
    assert query is not None and context.user is not None
    if context.user.is_admin:
        return True
    log.warning("user %s pressed a transfer review button (%s)", context.user.id, query.data)
    await query.answer(t(context.lang, "xfer.not_allowed"), show_alert=True)
    return False


async def approve(update: Update, context: Ctx) -> None:
    """Approve: credit once, however many admins tap; later taps say who approved."""
    query = update.callback_query
    assert query is not None and context.user is not None
    if not await _admin_only(update, context):
        return
    try:
        decision = await context.services.transfers.approve(context.user.id, _number_arg(update))
    except TransferRefused:
        await query.answer(t(context.lang, "xfer.unknown"), show_alert=True)
        return
    transfer = decision.transfer
    if not decision.applied:
        decided_by = await name_of(context.services.users, transfer.actor_id)
        await query.answer(already_decided(context.lang, transfer, decided_by), show_alert=True)
        return
    text = t(
        context.lang,
        "xfer.approved",
        amount=_money(context, transfer.amount_minor),
        balance=_money(context, decision.balance_minor or 0),
    )
    await query.answer(text)
    await referrals.tell_commission(context, decision.commission)


async def reject(update: Update, context: Ctx) -> None:
    """Reject: ask this admin for the reason (their next message)."""
    query = update.callback_query
    assert query is not None and context.user is not None
    if not await _admin_only(update, context):
        return
    try:
        transfer = await context.services.transfers.ask_reason(context.user.id, _number_arg(update))
    except TransferRefused:
        await query.answer(t(context.lang, "xfer.unknown"), show_alert=True)
        return
    if transfer.status != "pending":
        decided_by = await name_of(context.services.users, transfer.actor_id)
        await query.answer(already_decided(context.lang, transfer, decided_by), show_alert=True)
        return
    await query.answer()
    text = t(
        context.lang,
        "xfer.ask_reason",
        id=transfer.id,
        amount=_money(context, transfer.amount_minor),
        name=escape(await name_of(context.services.users, transfer.user_id)),
    )
    await context.bot.send_message(context.user.id, text)


async def _reject_with_reason(update: Update, context: Ctx, payment_id: int, reason: str) -> None:
    assert context.user is not None and update.message is not None
    decision = await context.services.transfers.reject(context.user.id, payment_id, reason)
    transfer = decision.transfer
    if decision.applied:
        await update.message.reply_text(t(context.lang, "xfer.rejected", id=transfer.id))
        return
    decided_by = await name_of(context.services.users, transfer.actor_id)
    await update.message.reply_text(already_decided(context.lang, transfer, decided_by))
