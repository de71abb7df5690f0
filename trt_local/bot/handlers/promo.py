"""Promo codes: /promo and the Promo code button for users; /promo_new, /promo_list, /promo_off
for admins (anyone else gets the unknown-command answer)."""

from __future__ import annotations

import re
from datetime import date

from telegram import Update

from trt_local.bot.context import Ctx
from trt_local.bot.handlers import fallback
from trt_local.bot.harmless import answer
from trt_local.bot.keyboards import with_nav
from trt_local.bot.screens import send_menu, show
from trt_local.bot.texts import t
from trt_local.core.errors import AmountError
from trt_local.core.money import format_money, parse_amount
from trt_local.core.money_in import MAX_TOPUP_MINOR
from trt_local.core.promo import (
    MAX_FREE_GENERATIONS,
    MAX_USES,
    PromoInvalid,
    PromoRefused,
    canonical_code,
    last_valid_day,
)
from trt_local.storage.promo import PromoRecord

PENDING_KIND = "promo"  # what the bot waits for after the Promo code button
LIST_LIMIT = 50  # codes per /promo_list answer: a Telegram message holds 4096 characters
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FREE = re.compile(r"^free:(\d{1,9})$", re.IGNORECASE)


async def promo_command(update: Update, context: Ctx) -> None:
    """/promo [CODE]: redeem a code, or ask for one."""
    if context.args:
        await _redeem(update, context, context.args[0])
    else:
        await _ask(update, context)


async def promo_button(update: Update, context: Ctx) -> None:
    """The Promo code button: ask for the code."""
    if update.callback_query:
        await answer(update.callback_query)
    await _ask(update, context)


async def on_code(update: Update, context: Ctx) -> None:
    """The text a user sent after the bot asked for a promo code."""
    assert update.message is not None
    await _redeem(update, context, update.message.text or "")


async def _ask(update: Update, context: Ctx) -> None:
    assert context.user is not None
    # Stored, so the answer still counts after a restart; a command or a press forgets it.
    await context.services.pending_input.expect(context.user.id, PENDING_KIND)
    await show(update, context, t(context.lang, "promo.ask"), with_nav([], context.lang, "bal"))


async def _redeem(update: Update, context: Ctx, code: str) -> None:
    assert context.user is not None
    lang = context.lang
    try:
        done = await context.services.promo.redeem(context.user.id, code)
    except PromoRefused as refusal:
        await send_menu(update, context, t(lang, f"promo.refused.{refusal.reason.value}"))
        return
    currency = context.services.settings.prices.currency
    lines = [t(lang, "promo.done", code=done.code)]
    if done.amount_minor:
        lines.append(
            t(
                lang,
                "promo.done_money",
                amount=format_money(done.amount_minor, currency, lang),
                balance=format_money(done.balance_minor, currency, lang),
            )
        )
    if done.free_generations:
        lines.append(t(lang, "promo.done_free", count=done.free_generations, total=done.bonus_free))
    await send_menu(update, context, "\n".join(lines))


# -- admins ------------------------------------------------------------------------------------


async def promo_new(update: Update, context: Ctx) -> None:
    """/promo_new CODE AMOUNT|free:N [max_uses] [YYYY-MM-DD] — admins only."""
    assert context.user is not None and update.message is not None
    if not context.user.is_admin:
        await fallback.unknown_command(update, context)
        return
    lang = context.lang
    parsed = _parse_new(context.args or [])
    if parsed is None:
        await update.message.reply_text(t(lang, "promo_new.usage"))
        return
    code, amount, free, max_uses, expires = parsed
    try:
        record = await context.services.promo.create(
            context.user.id,
            code,
            amount_minor=amount,
            free_generations=free,
            max_uses=max_uses,
            expires=expires,
        )
    except PromoInvalid as error:
        await update.message.reply_text(_problem(context, error, code))
        return
    await update.message.reply_text(
        t(
            lang,
            "promo_new.done",
            code=record.code,
            reward=_reward(context, record),
            uses=_uses(lang, record),
            expiry=_expiry(context, record),
        )
    )


async def promo_list(update: Update, context: Ctx) -> None:
    """/promo_list — admins only: every code with its uses."""
    assert context.user is not None and update.message is not None
    if not context.user.is_admin:
        await fallback.unknown_command(update, context)
        return
    lang = context.lang
    codes = await context.services.promo.codes()
    if not codes:
        await update.message.reply_text(t(lang, "promo_list.empty"))
        return
    lines = [t(lang, "promo_list.title")]
    for record in codes[:LIST_LIMIT]:
        lines.append(
            t(
                lang,
                "promo_list.row",
                code=record.code,
                reward=_reward(context, record),
                uses=record.uses,
                limit=f"/{record.max_uses}" if record.max_uses else "",
                expiry=_expiry(context, record),
                state=t(lang, "promo.state_on" if record.active else "promo.state_off"),
            )
        )
    if len(codes) > LIST_LIMIT:
        lines.append(t(lang, "promo_list.more", count=len(codes) - LIST_LIMIT))
    await update.message.reply_text("\n".join(lines))


async def promo_off(update: Update, context: Ctx) -> None:
    """/promo_off CODE — admins only."""
    assert context.user is not None and update.message is not None
    if not context.user.is_admin:
        await fallback.unknown_command(update, context)
        return
    lang = context.lang
    args = context.args or []
    code = canonical_code(args[0]) if len(args) == 1 else None
    if code is None:
        await update.message.reply_text(t(lang, "promo_off.usage"))
        return
    done = await context.services.promo.switch_off(context.user.id, code)
    await update.message.reply_text(
        t(lang, "promo_off.done" if done else "promo_off.unknown", code=code)
    )


def _parse_new(args: list[str]) -> tuple[str, int, int, int | None, date | None] | None:
    """(code, amount_minor, free, max_uses, last day) from the command's words; None: usage."""
    if len(args) < 2:
        return None
    amount = free = 0
    free_match = _FREE.match(args[1])
    if free_match:
        free = int(free_match.group(1))
    else:
        try:
            amount = parse_amount(args[1])
        except AmountError:
            return None
    max_uses: int | None = None
    expires: date | None = None
    for word in args[2:]:
        if _DAY.match(word) and expires is None:
            try:
                expires = date.fromisoformat(word)
            except ValueError:
                return None
        elif word.isdigit() and max_uses is None:
            max_uses = int(word)
        else:
            return None
    return args[0], amount, free, max_uses, expires


def _problem(context: Ctx, error: PromoInvalid, code: str) -> str:
    currency = context.services.settings.prices.currency
    return t(
        context.lang,
        f"promo.problem.{error.problem.value}",
        code=canonical_code(code) or "",
        max_amount=format_money(MAX_TOPUP_MINOR, currency, context.lang),
        max_free=MAX_FREE_GENERATIONS,
        max=MAX_USES,
    )


def _reward(context: Ctx, record: PromoRecord) -> str:
    currency = context.services.settings.prices.currency
    parts = []
    if record.amount_minor:
        parts.append(format_money(record.amount_minor, currency, context.lang))
    if record.free_generations:
        parts.append(t(context.lang, "promo.reward_free", count=record.free_generations))
    return t(context.lang, "gift.and").join(parts)


def _uses(lang: str, record: PromoRecord) -> str:
    if record.max_uses is None:
        return t(lang, "promo.uses_any")
    return t(lang, "promo.uses_max", max=record.max_uses)


def _expiry(context: Ctx, record: PromoRecord) -> str:
    if record.expires_at is None:
        return t(context.lang, "promo.no_expiry")
    day = last_valid_day(record.expires_at, context.services.settings.prices.timezone)
    return t(context.lang, "promo.expires", day=day.isoformat())
